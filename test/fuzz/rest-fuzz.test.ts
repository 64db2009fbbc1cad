import t from 'tap';
import { CATALOGUE, type ErrorCode } from '../../src/core/errors/catalogue.js';
import { HTTP_STATUS } from '../../src/rest/http-status.js';
import { startBothNode } from '../helpers/grpc-node.js';
import { mutate, pool } from '../helpers/mutate.js';
import { prng } from '../helpers/prng.js';
import { rawExchange } from '../helpers/raw-http.js';

// Issue 17, the REST fuzz suite: ≥ 10,000 mutated requests (raw HTTP/1.1 over TCP), seeded and reproducible
// (IDNODE_FUZZ_SEED), while the process stays alive, its memory bounded, every error answer a catalogue body
// (never INTERNAL_ERROR, never a server-error log line) and nothing stored from a refused write.

const SEED = Number(process.env.IDNODE_FUZZ_SEED ?? 17);
const REQUESTS = 10_000;
const CONCURRENCY = 64;
/** A mutated request that is incomplete is waited for this long, then counted as unanswered. */
const WAIT_MS = 150;
const RSS_GROWTH_LIMIT = 256 * 1024 * 1024;

const EXTRAS = [
  'Content-Encoding: gzip\r\n',
  'Transfer-Encoding: chunked\r\n',
  'Content-Length: 99999999\r\n',
  'Content-Type: application/json; charset=utf-16\r\n',
  'Content-Type: text/plain\r\n',
  'Expect: 100-continue\r\n',
  'Host: \r\n',
  'Authorization: Basic !!!\r\n',
  `X-Long: ${'z'.repeat(17_000)}\r\n`,
  '\r\n',
  '%00%ff',
  '/../..',
  'http://h/',
].map((text) => Buffer.from(text, 'latin1'));

t.test(`${REQUESTS} mutated REST requests (seed ${SEED})`, async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const port = Number(new URL(both.url).port);
  const { id, secret } = both.credentials.demoEnterprise;
  const auth = `Authorization: Basic ${Buffer.from(`${id.replace(':', '%3A')}:${secret}`).toString('base64')}`;
  const value = (handle: string) => `{"handle":"${handle}","values":[{"index":1,"type":"URL","data":"https://example.com/"}]}`;
  const http = (head: string[], body = '') => [...head, `Content-Length: ${Buffer.byteLength(body)}`].join('\r\n') + '\r\n\r\n' + body;
  /** The seed requests; each writes (if it writes) the one identifier named by its token. */
  const seeds: ((handle: string) => string)[] = [
    (h) => http([`GET /api/handles/${h} HTTP/1.1`, 'Host: x']),
    (h) => http([`GET /api/handles/${h}?type=URL&index=1 HTTP/1.1`, 'Host: x', auth]),
    (h) => http([`PUT /api/handles/${h} HTTP/1.1`, 'Host: x', auth, 'Content-Type: application/json'], value(h)),
    (h) => http([`PUT /api/handles/${h}?overwrite=false HTTP/1.1`, 'Host: x', 'Content-Type: application/json'], value(h)),
    (h) => http(['POST /api/v1/handles/batch HTTP/1.1', 'Host: x', auth, 'Content-Type: application/json'], `{"items":[${value(h)}]}`),
    (h) => http(['POST /api/v1/import HTTP/1.1', 'Host: x', auth, 'Content-Type: application/x-ndjson'], value(h) + '\n'),
    (h) => http([`DELETE /api/handles/${h} HTTP/1.1`, 'Host: x', auth]),
    () => http(['GET /api/handles?prefix=88.999.DEMO&page=0&pageSize=10 HTTP/1.1', 'Host: x', auth]),
    () => http(['GET /api/prefixes HTTP/1.1', 'Host: x']),
    () => http(['GET /healthz HTTP/1.1', 'Host: x']),
  ];
  const random = prng(SEED);
  const requests = Array.from({ length: REQUESTS }, (_, i) => {
    const token = `fz${i}x${Math.floor(random() * 2 ** 32).toString(36)}`;
    const seed = seeds[i % seeds.length]!(`88.999.DEMO/${token}`);
    return { token, bytes: mutate(Buffer.from(seed, 'latin1'), random, EXTRAS) };
  });

  const rssBefore = process.memoryUsage().rss;
  const refusedTokens: string[] = [];
  const problems: string[] = [];
  let answered = 0;
  await pool(REQUESTS, CONCURRENCY, async (i) => {
    const { token, bytes } = requests[i]!;
    const reply = await rawExchange(port, bytes, { timeoutMs: WAIT_MS });
    if (reply.status === undefined) return;
    answered++;
    if (reply.status < 400) return;
    // A parse error may come from bytes pipelined behind a complete request, which was served: only a
    // refusal of the request itself says that it changed nothing.
    if (!/not valid HTTP|headers are larger|not received in time/.test(reply.body)) refusedTokens.push(token);
    if (reply.body === '' && bytes.subarray(0, 4).toString('latin1') === 'HEAD') return;
    let body: { code?: string; responseCode?: number; message?: string };
    try {
      body = JSON.parse(reply.body) as typeof body;
    } catch {
      problems.push(`#${i}: ${reply.status} with a body that is not JSON: ${JSON.stringify(reply.body.slice(0, 100))}`);
      return;
    }
    const code = body.code as ErrorCode | undefined;
    if (code === undefined || !Object.hasOwn(CATALOGUE, code)) problems.push(`#${i}: ${reply.status} without a catalogue code: ${reply.body.slice(0, 100)}`);
    else if (HTTP_STATUS[code] !== reply.status || CATALOGUE[code].handleCode !== body.responseCode) problems.push(`#${i}: ${code} with status ${reply.status}`);
    else if (CATALOGUE[code].class === 'server') problems.push(`#${i}: a server error (${code}): ${body.message}`);
  });
  t.same(problems.slice(0, 20), [], 'every error answer is a catalogue body of a client or retry-later code');
  t.ok(answered > REQUESTS * 0.1, `requests were answered (${answered})`);

  const health = await rawExchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  t.equal(health.status, 200, 'the node is alive');
  const growth = process.memoryUsage().rss - rssBefore;
  t.ok(growth < RSS_GROWTH_LIMIT, `RSS grew ${Math.round(growth / 1024 / 1024)} MB (bound ${RSS_GROWTH_LIMIT / 1024 / 1024} MB)`);
  const stored: string[] = [];
  for (const token of refusedTokens) if ((await both.store.getHandle(`88.999.DEMO/${token}`)) !== undefined) stored.push(token);
  t.same(stored, [], 'nothing stored from a refused request');
  t.same(both.logs.filter((line) => Number(line.level) >= 50).slice(0, 5), [], 'no server-error log line');
});
