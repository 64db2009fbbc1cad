import { request as httpRequest } from 'node:http';
import t from 'tap';
import { countItemsBetweenTurns } from '../helpers/bulk-turns.js';
import { eventually } from '../helpers/eventually.js';
import { lineOf, serial } from '../helpers/bulk-data.js';
import { countUnder, startBothNode, type BothNode } from '../helpers/grpc-node.js';
import { basic } from '../helpers/rest-node.js';
import { DEFAULT_CONNECTIONS } from '../../src/rest/server.js';

const DEMO = '88.999.DEMO';

async function importNdjson(both: BothNode, body: string | Buffer, query = '', contentType = 'application/x-ndjson'): Promise<{ status: number; body: any }> {
  const demo = both.credentials.demoEnterprise;
  const response = await fetch(`${both.url}/api/v1/import${query}`, {
    method: 'POST',
    headers: { authorization: basic(demo.id, demo.secret), 'content-type': contentType },
    body,
  });
  return { status: response.status, body: await response.json() };
}

/** A chunked POST /api/v1/import as the demo enterprise, left open for the test to write lines into. */
function openImportUpload(both: BothNode) {
  const demo = both.credentials.demoEnterprise;
  const url = new URL(`${both.url}/api/v1/import`);
  return httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: { authorization: basic(demo.id, demo.secret), 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' },
  });
}

async function counter(both: BothNode, kind: string, prefix = DEMO): Promise<number> {
  await both.node.metering.flush();
  const rows = await both.store.listCounters('2000-01-01', '2100-01-01');
  return rows.filter((row) => row.kind === kind && row.prefix === prefix).reduce((sum, row) => sum + row.count, 0);
}

t.test('100,000 lines of NDJSON with malformed lines: each reported at its line, the valid ones committed', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal' });
  t.teardown(() => both.close());
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++) lines.push(lineOf(DEMO, i));
  // Inserted from the end backwards, so each index is an index of the clean file (line = index + 1 + lines inserted before).
  lines.splice(95_000, 0, '[1, 2]');
  lines.splice(90_000, 0, lineOf(DEMO, 5)); // a duplicate 45 chunks after the first occurrence
  lines.splice(31_000, 0, lineOf(DEMO, 30_500), ''); // a duplicate in the same chunk, then a blank line
  lines.splice(30_000, 0, JSON.stringify({ handle: '88.999.OTHER/SN-1', values: [{ index: 1, type: 'URL', data: 'x' }] }));
  lines.splice(20_000, 0, JSON.stringify({ handle: 'no slash here', values: [{ index: 1, type: 'URL', data: 'x' }] }));
  lines.splice(10, 0, '{"handle": "88.999.DEMO/broken", "values": [');
  const reply = await importNdjson(both, lines.join('\n') + '\n');
  t.equal(reply.status, 200);
  const summary = reply.body.summary;
  t.match(summary, { received: 100_006, created: 100_000, alreadyExisted: 0, updated: 0, failed: 6, failuresOmitted: 0 });
  t.same(
    summary.failures.map((failure: { line: number; position: number; code: string }) => [failure.line, failure.position, failure.code]),
    [
      [11, 10, 'BODY_MALFORMED_JSON'],
      [20_002, 20_001, 'IDENTIFIER_MISSING_SLASH'],
      [30_003, 30_002, 'PERMISSION_DENIED'],
      [31_004, 31_003, 'HANDLE_DUPLICATE_IN_REQUEST'],
      [90_006, 90_004, 'HANDLE_DUPLICATE_IN_REQUEST'],
      [95_007, 95_005, 'REQUEST_INVALID'],
    ],
    'positions count items; lines count every line, the blank one included',
  );
  t.match(summary.failures[0].message, /^line 11 is not valid JSON/);
  t.equal(summary.failures[3].message, `${DEMO}/${serial(30_500)} occurs earlier in this import, at line 30504; it is written once`);
  t.equal(summary.failures[4].message, `${DEMO}/${serial(5)} was already written earlier in this import; it is written once`);
  t.equal(await countUnder(both.store, DEMO), 100_000);
  t.equal(await counter(both, 'registration'), 100_000);
  t.equal(await counter(both, 'refused'), 2, 'the two duplicates, under the enterprise prefix');
  t.equal(await counter(both, 'refused', '88.999.OTHER'), 0, 'a prefix allocated to no one makes no row');
  t.equal(await counter(both, 'refused', '(other)'), 4, 'lines whose identifier is unallocated, unknown or invalid');

  // A client that timed out sends the first 20,000 lines again (a bad line and identifiers 0..19,998): nothing new.
  const again = await importNdjson(both, lines.slice(0, 20_000).join('\n'));
  t.match(again.body.summary, { received: 20_000, created: 0, alreadyExisted: 19_999, failed: 1 });
  t.equal(await counter(both, 'registration'), 100_000, 'zero new registrations');
});

t.test('overwrite, CRLF line ends, and the lines a node cannot read', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal', bodyLimitBytes: 4096 });
  t.teardown(() => both.close());
  await importNdjson(both, `${lineOf(DEMO, 1)}\r\n${lineOf(DEMO, 2)}`);
  const changed = JSON.stringify({ handle: `${DEMO}/${serial(1)}`, values: [{ index: 1, type: 'URL', data: 'https://changed' }] });
  const huge = JSON.stringify({ handle: `${DEMO}/huge`, values: [{ index: 1, type: 'URL', data: 'x'.repeat(5000) }] });
  const body = Buffer.concat([Buffer.from(`${changed}\r\n${lineOf(DEMO, 2)}\r\n${huge}\r\n`), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(lineOf(DEMO, 3))]);
  const reply = await importNdjson(both, body, '?overwrite=true');
  t.match(reply.body.summary, { received: 5, created: 1, alreadyExisted: 1, updated: 1, failed: 2 });
  t.same(reply.body.summary.failures.map((f: { line: number; code: string }) => [f.line, f.code]), [
    [3, 'BODY_TOO_LARGE'],
    [4, 'BODY_MALFORMED_JSON'],
  ]);
  const hugeBytes = Buffer.byteLength(huge) + 1; // with its "\r"
  t.equal(reply.body.summary.failures[0].message, `line 3 is ${hugeBytes} bytes; a line may be at most 4096 (the node's bodyLimitBytes)`);
});

t.test('an import needs NDJSON and credentials', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal' });
  t.teardown(() => both.close());
  const json = await importNdjson(both, JSON.stringify({ items: [] }), '', 'application/json');
  t.equal(json.status, 415);
  t.match(json.body, { code: 'BODY_UNSUPPORTED_MEDIA_TYPE', message: 'an import body must be NDJSON with Content-Type application/x-ndjson, got application/json' });
  const anonymous = await fetch(`${both.url}/api/v1/import`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: lineOf(DEMO, 1) });
  t.equal(anonymous.status, 401);
  t.equal(((await anonymous.json()) as { code: string }).code, 'AUTHENTICATION_REQUIRED');
  // An empty body is a mistake (an empty file, an upload that never came), refused rather than "received 0".
  const empty = await importNdjson(both, '');
  t.equal(empty.status, 400);
  t.match(empty.body, { code: 'BODY_MALFORMED_JSON', message: /^the import body holds no line; POST \/api\/v1\/import needs one/ });
  t.equal(await countUnder(both.store, DEMO), 0);
});

t.test('a client that disconnects mid-stream: committed chunks stay whole, the rest is dropped', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal' });
  t.teardown(() => both.close());
  const request = openImportUpload(both);
  request.on('error', () => {});
  const committed = () => both.logs.filter((log) => log['msg'] === 'bulk import chunk committed');
  // 5,000 lines: two chunks of 2,000 fill and commit; 1,000 wait for a third that never fills.
  for (let i = 0; i < 5000; i += 500) {
    const piece: string[] = [];
    for (let k = i; k < i + 500; k++) piece.push(lineOf(DEMO, k));
    request.write(piece.join('\n') + '\n');
  }
  await eventually(() => committed().length === 2, 'two committed chunks');
  request.destroy();
  await eventually(() => both.logs.some((log) => String(log['msg']).startsWith('bulk import abandoned')), 'the import to be abandoned');

  const acknowledged = committed().map((log) => log['positions'] as [number, number]);
  t.same(acknowledged, [
    [0, 1999],
    [2000, 3999],
  ]);
  t.equal(await countUnder(both.store, DEMO), 4000, 'only whole committed chunks');
  const missing: string[] = [];
  for (const [first, last] of acknowledged) {
    for (let i = first; i <= last; i++) if ((await both.store.getHandle(`${DEMO}/${serial(i)}`)) === undefined) missing.push(serial(i));
  }
  t.same(missing, [], 'every acknowledged item is stored');
  t.equal(await both.store.getHandle(`${DEMO}/${serial(4000)}`), undefined, 'the uncommitted tail was dropped');
  t.equal(await counter(both, 'registration'), 4000, 'counted exactly what was committed');
  t.match(both.logs.find((log) => String(log['msg']).startsWith('bulk import abandoned')), { dropped: 1000, created: 4000, msg: /the client went away/ });
});

t.test('an upload that outlasts request-timeout-ms is cut; the log names the setting, and what was committed stays', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal', connections: { ...DEFAULT_CONNECTIONS, headersMs: 100, requestMs: 1000 } });
  t.teardown(() => both.close());
  const request = openImportUpload(both);
  const ended = new Promise<void>((resolve) => {
    request.on('error', () => resolve());
    request.on('close', () => resolve());
  });
  // A chunk of 2,000 at once (committed), then a line every 50 ms: never idle, but never whole within 1 s.
  const lines: string[] = [];
  for (let k = 0; k < 2000; k++) lines.push(lineOf(DEMO, k));
  request.write(lines.join('\n') + '\n');
  let next = 2000;
  const trickle = setInterval(() => request.write(lineOf(DEMO, next++) + '\n'), 50);
  t.teardown(() => clearInterval(trickle));
  await ended;
  clearInterval(trickle);
  await eventually(() => both.logs.some((log) => String(log['msg']).startsWith('bulk import abandoned')), 'the import to be abandoned');
  const abandoned = both.logs.find((log) => String(log['msg']).startsWith('bulk import abandoned'))!;
  t.match(abandoned['msg'], /the upload outlasted request-timeout-ms \(1000 ms\)/, 'the node says it cut the upload, and which setting did');
  t.match(abandoned, { created: 2000 });
  t.equal(await countUnder(both.store, DEMO), 2000, 'the committed chunk stays');
});

t.test('an import lets the event loop turn every 64 lines, so the node serves other requests meanwhile', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal' });
  t.teardown(() => both.close());
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) lines.push(lineOf(DEMO, i));
  const taken = countItemsBetweenTurns(both);
  const reply = await importNdjson(both, lines.join('\n') + '\n');
  taken.stop();
  t.equal(reply.status, 200);
  t.equal(reply.body.summary.created, 20_000);
  // One socket read holds hundreds of these lines: without the turns, they are taken in one stretch.
  t.ok(taken.most() <= 64, `at most ${taken.most()} items between two turns`);
});
