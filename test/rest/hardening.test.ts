import t from 'tap';
import { Metadata } from '@grpc/grpc-js';
import { CATALOGUE } from '../../src/core/errors/catalogue.js';
import { Admission } from '../../src/frontend/admission.js';
import { DEFAULT_CONNECTIONS } from '../../src/rest/server.js';
import { startBothNode, type BothNode } from '../helpers/grpc-node.js';
import { authMetadata } from '../helpers/grpc-client.js';
import { readAnswer, resolutionRequest, udpExchange } from '../helpers/hdl-client.js';
import { closed, openSocket, rawExchange, type RawReply } from '../helpers/raw-http.js';

// Issue 17, defects 1–3, 7 and 8 on the REST front end, scaled down: every refusal is a catalogue body,
// credentials are checked before a body is read, limits and timeouts hold, and overload is shed.

const DEMO = '88.999.DEMO';

function basic(id: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${id.replace(':', '%3A')}:${secret}`).toString('base64');
}

function portOf(node: BothNode): number {
  return Number(new URL(node.url).port);
}

/** Asserts a raw reply is the catalogue error `code` with its HTTP status. */
function assertCatalogue(t: Tap.Test, reply: RawReply, status: number, code: keyof typeof CATALOGUE, label: string): Record<string, unknown> {
  t.equal(reply.status, status, `${label}: HTTP ${status}`);
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(reply.body) as Record<string, unknown>;
  } catch {
    t.fail(`${label}: the body is JSON (got ${JSON.stringify(reply.body.slice(0, 80))})`);
  }
  t.equal(body.code, code, `${label}: code ${code}`);
  t.equal(body.responseCode, CATALOGUE[code].handleCode, `${label}: responseCode`);
  t.type(body.message, 'string', `${label}: a message`);
  return body;
}

const request = (lines: string[], body = '') => lines.join('\r\n') + '\r\n\r\n' + body;

t.test('credentials before bodies: anonymous or bad-credential writes are refused from their headers, the body never read', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const port = portOf(both);
  // 30 MB announced, not one byte sent: the answer comes anyway, and the connection is closed.
  const anonymous = await rawExchange(port, request(['POST /api/v1/handles/batch HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: 31457280']), { end: false });
  assertCatalogue(t, anonymous, 401, 'AUTHENTICATION_REQUIRED', 'anonymous batch');
  t.equal(anonymous.headers['connection'], 'close', 'the unread body is never read: the connection closes');
  t.equal(anonymous.headers['www-authenticate'], 'Basic realm="handle"');

  const wrong = await rawExchange(
    port,
    request(['PUT /api/handles/88.999.DEMO/x HTTP/1.1', 'Host: x', `Authorization: ${basic(both.credentials.demoEnterprise.id, 'wrong')}`, 'Content-Type: application/json', 'Content-Length: 31457280']),
    { end: false },
  );
  assertCatalogue(t, wrong, 403, 'AUTHENTICATION_FAILED', 'wrong secret');

  // A malformed anonymous body is refused for its missing credentials (401), not parsed (400).
  const malformed = await rawExchange(port, request(['PUT /api/handles/88.999.DEMO/x HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: 5'], '{{{{{'));
  assertCatalogue(t, malformed, 401, 'AUTHENTICATION_REQUIRED', 'malformed anonymous body');
  const importing = await rawExchange(port, request(['POST /api/v1/import HTTP/1.1', 'Host: x', 'Content-Type: application/x-ndjson', 'Transfer-Encoding: chunked']), { end: false });
  assertCatalogue(t, importing, 401, 'AUTHENTICATION_REQUIRED', 'anonymous import');
  t.equal(await both.store.getHandle(`${DEMO}/x`), undefined, 'nothing stored');
});

t.test('the configured batch body limit applies to batches; encodings and charsets other than identity UTF-8 are refused', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), bodyLimitBytes: 16 * 1024, batchBodyLimitBytes: 16 * 1024 });
  t.teardown(() => both.close());
  const port = portOf(both);
  const auth = basic(both.credentials.demoEnterprise.id, both.credentials.demoEnterprise.secret);
  const items = Array.from({ length: 200 }, (_, i) => ({ handle: `${DEMO}/big-${i}`, values: [{ index: 1, type: 'URL', data: `https://example.com/${'x'.repeat(64)}` }] }));
  const json = JSON.stringify({ items });
  t.ok(json.length > 16 * 1024);
  const big = await rawExchange(port, request(['POST /api/v1/handles/batch HTTP/1.1', 'Host: x', `Authorization: ${auth}`, 'Content-Type: application/json', `Content-Length: ${json.length}`], json));
  assertCatalogue(t, big, 413, 'BODY_TOO_LARGE', 'a batch over batch-body-limit-bytes');
  t.equal(await both.store.getHandle(`${DEMO}/big-0`), undefined);

  const value = JSON.stringify({ values: [{ index: 1, type: 'URL', data: 'https://example.com/' }] });
  const put = (headers: string[], body: string | Buffer) =>
    rawExchange(port, Buffer.concat([Buffer.from(request(['PUT /api/handles/88.999.DEMO/enc HTTP/1.1', 'Host: x', `Authorization: ${auth}`, ...headers, `Content-Length: ${Buffer.byteLength(body)}`])), Buffer.from(body)]));
  assertCatalogue(t, await put(['Content-Type: application/json', 'Content-Encoding: gzip'], value), 415, 'BODY_UNSUPPORTED_MEDIA_TYPE', 'gzip');
  assertCatalogue(t, await put(['Content-Type: application/json; charset=utf-16'], Buffer.from(value, 'utf16le')), 415, 'BODY_UNSUPPORTED_MEDIA_TYPE', 'utf-16');
  t.equal(await both.store.getHandle(`${DEMO}/enc`), undefined, 'nothing stored');
  const plain = await put(['Content-Type: application/json; charset=UTF-8', 'Content-Encoding: identity'], value);
  t.equal(plain.status, 201, 'identity and UTF-8 are accepted');
});

t.test("Node's and fastify's own refusals are catalogue bodies", async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const port = portOf(both);
  const absolute = await rawExchange(port, request(['GET http://evil.example/api/handles/88.999.DEMO/x HTTP/1.1', 'Host: x']));
  const body = assertCatalogue(t, absolute, 400, 'REQUEST_INVALID', 'absolute-form target');
  t.match(body.message, /not a path/);
  assertCatalogue(t, await rawExchange(port, request(['GET /api/handles/88.999.DEMO/x HTTP/1.1'])), 400, 'REQUEST_INVALID', 'no Host');
  assertCatalogue(t, await rawExchange(port, 'GARBAGE\r\n\r\n'), 400, 'REQUEST_INVALID', 'not HTTP');
  assertCatalogue(t, await rawExchange(port, request(['GET / HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(20_000)}`])), 400, 'REQUEST_INVALID', 'headers too large');
  assertCatalogue(t, await rawExchange(port, request(['GET /api/handles/%ZZ HTTP/1.1', 'Host: x'])), 400, 'IDENTIFIER_NOT_UTF8', 'bad percent-encoding');
});

t.test('a client that goes away mid-upload is logged at info, never as a server error', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const auth = basic(both.credentials.demoEnterprise.id, both.credentials.demoEnterprise.secret);
  for (const [path, type] of [
    ['PUT /api/handles/88.999.DEMO/gone', 'application/json'],
    ['POST /api/v1/handles/batch', 'application/json'],
    ['POST /api/v1/import', 'application/x-ndjson'],
  ] as const) {
    const socket = await openSocket(portOf(both));
    socket.on('error', () => {});
    socket.write(request([`${path} HTTP/1.1`, 'Host: x', `Authorization: ${auth}`, `Content-Type: ${type}`, 'Content-Length: 100000'], '{"values": [{"ind'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  const errors = both.logs.filter((line) => Number(line.level) >= 50);
  t.same(errors, [], 'no error-level line');
});

/** A node whose admission serves one request at a time (max-in-flight 1), with what its overload tests send. */
async function oneSlotNode(t: Tap.Test): Promise<{ admission: Admission; both: BothNode; port: number; auth: string; value: string }> {
  const admission = new Admission(1);
  const both = await startBothNode({ dir: t.testdir(), admission });
  t.teardown(() => both.close());
  const auth = basic(both.credentials.demoEnterprise.id, both.credentials.demoEnterprise.secret);
  const value = JSON.stringify({ values: [{ index: 1, type: 'URL', data: 'https://example.com/' }] });
  return { admission, both, port: portOf(both), auth, value };
}

t.test('overload: a resolution the cache answers is not shed (REST and the Handle protocol); one that would read the store is', async (t) => {
  const { admission, both, port, auth, value } = await oneSlotNode(t);
  const put = await rawExchange(port, request(['PUT /api/handles/88.999.DEMO/warm HTTP/1.1', 'Host: x', `Authorization: ${auth}`, 'Content-Type: application/json', `Content-Length: ${value.length}`], value));
  t.equal(put.status, 201);
  // Second sight: the cache keeps an identifier from its second miss on.
  for (let i = 0; i < 2; i++) t.equal((await rawExchange(port, request(['GET /api/handles/88.999.DEMO/warm HTTP/1.1', 'Host: x']))).status, 200);
  const holder = await openSocket(port);
  holder.on('error', () => {});
  holder.write(request(['PUT /api/handles/88.999.DEMO/held HTTP/1.1', 'Host: x', `Authorization: ${auth}`, 'Content-Type: application/json', `Content-Length: ${value.length}`], value.slice(0, 10)));
  for (let i = 0; i < 50 && admission.current < 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(admission.current, 1, 'the one slot is held');
  const hit = await rawExchange(port, request(['GET /api/handles/88.999.DEMO/warm HTTP/1.1', 'Host: x']));
  t.equal(hit.status, 200, 'REST: a cache hit is answered beyond max-in-flight');
  t.match(hit.body, 'https://example.com/');
  assertCatalogue(t, await rawExchange(port, request(['GET /api/handles/88.999.DEMO/cold HTTP/1.1', 'Host: x'])), 503, 'NODE_BUSY', 'REST: a lookup that needs the store is shed');
  t.equal(readAnswer(await udpExchange(both.hdlPort, resolutionRequest(`${DEMO}/warm`))).responseCode, 1, 'Handle protocol: a cache hit is answered');
  t.equal(readAnswer(await udpExchange(both.hdlPort, resolutionRequest(`${DEMO}/cold`))).responseCode, 3, 'Handle protocol: a store lookup is shed');
  t.equal(admission.shed, 2, 'only the two store lookups count as shed');
  holder.destroy();
});

t.test('idle connections are closed; connections beyond the cap are closed at once', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), connections: { ...DEFAULT_CONNECTIONS, idleMs: 300, maxConnections: 2 } });
  t.teardown(() => both.close());
  const port = portOf(both);
  const idle = await openSocket(port);
  idle.on('error', () => {});
  const started = Date.now();
  await closed(idle);
  t.ok(Date.now() - started < 10_000, 'an idle connection that sends nothing is closed');

  const first = await openSocket(port);
  const second = await openSocket(port);
  for (const socket of [first, second]) socket.on('error', () => {});
  const third = await openSocket(port);
  third.on('error', () => {});
  await closed(third);
  t.pass('the connection over the cap was closed');
  first.destroy();
  second.destroy();
});

t.test('overload: beyond max-in-flight every front end sheds at once (503 + Retry-After, UNAVAILABLE, Handle code 3) while health answers', async (t) => {
  const { admission, both, port, auth, value } = await oneSlotNode(t);
  // An authenticated PUT whose body is half sent holds the one slot.
  const holder = await openSocket(port);
  const held = new Promise<string>((resolve) => {
    let text = '';
    holder.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('"responseCode"')) resolve(text);
    });
  });
  holder.write(request(['PUT /api/handles/88.999.DEMO/held HTTP/1.1', 'Host: x', `Authorization: ${auth}`, 'Content-Type: application/json', `Content-Length: ${value.length}`], value.slice(0, 10)));
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal(admission.current, 1, 'the slot is held');

  const shed = await rawExchange(port, request(['GET /api/handles/88.999.DEMO/held HTTP/1.1', 'Host: x']));
  assertCatalogue(t, shed, 503, 'NODE_BUSY', 'a resolution beyond capacity');
  t.equal(shed.headers['retry-after'], '1');
  const started = performance.now();
  const health = await rawExchange(port, request(['GET /healthz HTTP/1.1', 'Host: x']));
  t.equal(health.status, 200, '/healthz answers under overload');
  t.ok(performance.now() - started < 5000, '/healthz answered promptly (generous bound: correctness, not performance)');
  t.equal((await rawExchange(port, request(['GET /readyz HTTP/1.1', 'Host: x']))).status, 200, '/readyz answers under overload');

  const grpc = await both.clients.unary(both.clients.resolver, 'Resolve', { handle: `${DEMO}/held` });
  t.match(grpc, { ok: false, status: 14, code: 'NODE_BUSY', responseCode: '3' }, 'gRPC: UNAVAILABLE NODE_BUSY');
  const registry = await both.clients.unary(both.clients.registry, 'Create', { handle: `${DEMO}/shed`, values: [] }, authMetadata(both.credentials.demoEnterprise.id, both.credentials.demoEnterprise.secret));
  t.match(registry, { ok: false, status: 14, code: 'NODE_BUSY' }, 'gRPC writes are shed too');
  const hdl = readAnswer(await udpExchange(both.hdlPort, resolutionRequest(`${DEMO}/held`)));
  t.equal(hdl.responseCode, 3, 'Handle protocol: server too busy');
  t.match(hdl.error, /^NODE_BUSY/);
  t.ok(admission.shed >= 4, 'every shed request is counted');
  const metrics = await rawExchange(port, request(['GET /metrics HTTP/1.1', 'Host: x']));
  t.equal(metrics.status, 200, '/metrics is never shed');
  t.match(metrics.body, /idnode_requests_shed_total \d+/);

  holder.write(value.slice(10));
  t.match(await held, /HTTP\/1\.1 201/, 'the admitted write completes');
  holder.destroy();
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.equal(admission.current, 0, 'its slot is released');
  const after = await rawExchange(port, request(['GET /api/handles/88.999.DEMO/held HTTP/1.1', 'Host: x']));
  t.equal(after.status, 200, 'admitted again once the slot is free');
  t.equal(await both.store.getHandle(`${DEMO}/shed`), undefined, 'nothing stored from a shed call');
  void Metadata;
});
