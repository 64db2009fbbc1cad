import t from 'tap';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../src/config/load-config.js';
import { healthListener } from '../../src/rest/health-listener.js';
import { fresh } from '../helpers/fresh-request.js';
import { spawnNode } from '../helpers/spawn-node.js';

// The health listener (health-port, src/rest/health-listener.ts): /healthz on a thread of its own, so that a
// probe on a new connection is answered while the request loop is overloaded and its accept queue is long
// (libuv accepts one connection per loop turn: docs/overload.md, "Health under overload"). Correctness here;
// how fast it answers is measured by bench:overload. With --workers, the lead binds it once: the node of two
// workers in test/ops/serve-workers.test.ts serves health-port too (one such node started, not two).

const LIMITS = { maxConnections: 64, headersMs: 5_000, idleMs: 30_000, keepAliveMs: 5_000 };

function head(url: string): Promise<{ status: number; length: string | undefined }> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: 'HEAD', agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, length: response.headers['content-length'] }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

t.test('answers /healthz while the request loop beats, the catalogue otherwise', async (t) => {
  const listener = healthListener({ host: '127.0.0.1', port: 0, ...LIMITS });
  t.teardown(() => listener.close());
  t.equal(listener.name, 'health');
  const url = await listener.listen();
  t.same(await fresh('GET', `${url}/healthz`), { status: 200, body: '{"status":"ok"}' });
  t.same(await fresh('GET', `${url}/healthz?probe=1`), { status: 200, body: '{"status":"ok"}' }, 'a query string is ignored');
  t.same(await head(`${url}/healthz`), { status: 200, length: '15' }, 'HEAD as GET, without the body');
  const other = await fresh('GET', `${url}/readyz`);
  t.equal(other.status, 404);
  t.equal(JSON.parse(other.body).code, 'ROUTE_NOT_FOUND', 'anything else: the catalogue, not Node');
  t.equal(JSON.parse((await fresh('POST', `${url}/healthz`, { json: {} })).body).code, 'ROUTE_NOT_FOUND', 'only GET and HEAD');
  const garbage = await raw(Number(new URL(url).port), 'NOT HTTP\r\n\r\n');
  t.match(garbage, /^HTTP\/1\.1 400 /, 'malformed HTTP: 400');
  t.equal(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4)).code, 'REQUEST_INVALID');
  await listener.close();
  await listener.close();
  t.pass('closes twice');
});

t.test('a request loop that stopped turning is reported: 503 NODE_BUSY with Retry-After', async (t) => {
  // No heartbeat: the thread sees the loop's last turn grow old, as it would a stuck loop's.
  const listener = healthListener({ host: '127.0.0.1', port: 0, ...LIMITS, stallMs: 50, heartbeat: false });
  t.teardown(() => listener.close());
  const url = await listener.listen();
  await sleep(120);
  const answer = await new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
    request(`${url}/healthz`, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'], body }));
    })
      .on('error', reject)
      .end();
  });
  t.equal(answer.status, 503);
  t.equal(answer.retryAfter, '1');
  t.equal(JSON.parse(answer.body).code, 'NODE_BUSY');
});

t.test('a port in use fails the listen with CONFIG_INVALID', async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => taken.close());
  const port = (taken.address() as { port: number }).port;
  const listener = healthListener({ host: '127.0.0.1', port, ...LIMITS });
  t.teardown(() => listener.close());
  await t.rejects(listener.listen(), { code: 'CONFIG_INVALID', message: new RegExp(`health-port ${port}`) });
});

/**
 * CONNECTIONS clients in a worker thread (an event loop of their own), all connecting at once and then
 * resolving in a closed loop for `ms`, each request `url` followed by a number of its own (never the same
 * identifier twice: no cache hit, which the node would not shed): the node's accept queue fills faster than
 * its loop drains it. Resolves with the count of answers by status.
 */
const LOAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent, request } = require('node:http');
const { url, connections, ms } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const until = performance.now() + ms;
const statuses = {};
let sent = 0;
const get = () => new Promise((resolve) => {
  const req = request(url + String(sent++), { agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
  req.on('error', () => resolve(0));
  req.end();
});
Promise.all(Array.from({ length: connections }, async () => {
  while (performance.now() < until) { const status = await get(); statuses[status] = (statuses[status] ?? 0) + 1; }
})).then(() => { agent.destroy(); parentPort.postMessage(statuses); });
`;

t.test('end to end: while many connections overload serve, a probe on a new connection to health-port is answered', async (t) => {
  const dataDir = t.testdir();
  // A tight queue-delay target, so that the node sheds on this machine however fast it is (the overload shows).
  const node = await spawnNode({ dataDir, args: ['--store', 'memory', '--health-port', '0'], env: { IDNODE_QUEUE_DELAY_TARGET_MS: '5', IDNODE_QUEUE_DELAY_INTERVAL_MS: '5', IDNODE_MAX_EVENT_LOOP_DELAY_MS: '20' }, t });
  t.teardown(() => node.stop());
  const ready = JSON.parse(readFileSync(node.readyFile, 'utf8')) as { http: string; health: string };
  t.match(ready.health, /^http:\/\/127\.0\.0\.1:\d+$/, 'the ready file names the health listener');
  t.not(ready.health, ready.http, 'on a port of its own');
  const readyz = JSON.parse((await fresh('GET', `${node.url}/readyz`)).body) as { frontEnds: Record<string, string> };
  t.equal(readyz.frontEnds.health, ready.health, '/readyz lists it among the front ends');

  const worker = new Worker(LOAD, { eval: true, workerData: { url: `${node.url}/api/handles/88.999/absent-`, connections: 600, ms: 2_000 } });
  const load = new Promise<Record<string, number>>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  t.teardown(() => worker.terminate());
  await sleep(200);
  const probes: { status: number; body: string }[] = [];
  const until = performance.now() + 1_600;
  while (performance.now() < until) {
    probes.push(await fresh('GET', `${ready.health}/healthz`));
    await sleep(25);
  }
  const statuses = await load;
  t.ok((statuses['503'] ?? 0) > 0, `the node was overloaded: it shed (${JSON.stringify(statuses)})`);
  t.ok((statuses['404'] ?? 0) > 0, 'and answered (not found: each a lookup in the store)');
  t.ok(probes.length >= 10, `probed throughout (${probes.length} probes, each on a new connection)`);
  t.ok(probes.every((probe) => probe.status === 200 && probe.body === '{"status":"ok"}'), 'every probe answered 200 {"status":"ok"}');
});

t.test('health-port is no front end of the API: with every other port off the node still refuses to start', async (t) => {
  t.throws(() => loadConfig({ env: {}, cwd: t.testdirName, flags: { httpPort: 'off', grpcPort: 'off', hdlPort: 'off', healthPort: '0' } }), { code: 'CONFIG_INVALID', message: /every front end is off/ });
  t.equal(loadConfig({ env: {}, cwd: t.testdirName }).healthPort, 'off', 'off by default');
});
