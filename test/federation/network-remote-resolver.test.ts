import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import t from 'tap';
import { networkRemoteResolver } from '../../src/federation/network-remote-resolver.js';
import type { RemoteTarget } from '../../src/core/resolver/remote-resolver.js';
import { referralHopsOf } from '../../src/rest/referral-hops.js';
import { freePort } from '../helpers/free-port.js';

/** A stand-in node answering GET /api/handles/<handle> with canned HANDLE.NET JSON, recording the hops header. */
const heard: (string | undefined)[] = [];
const answers: Record<string, [number, unknown]> = {
  '/api/handles/77.1/FOUND': [200, { responseCode: 1, handle: '77.1/FOUND', values: [{ index: 1, type: 'URL', data: { format: 'string', value: 'x' }, ttl: 60, timestamp: '2024-01-01T00:00:00Z' }] }],
  '/api/handles/77.1/NONE': [404, { responseCode: 100, message: '77.1/NONE does not exist' }],
  '/api/handles/77.1/ELSEWHERE': [400, { responseCode: 301, code: 'NOT_HOMED', message: 'prefix 77.1 is not homed on this node' }],
  '/api/handles/77.1/LOOP': [508, { responseCode: 6, code: 'RECURSION_LIMIT_EXCEEDED', message: 'referred twice' }],
  '/api/handles/77.1/BUSY': [503, { responseCode: 3, code: 'NODE_BUSY', message: 'busy' }],
  '/api/handles/77.1/HTML': [200, '<html>not a node</html>'],
};
const server: Server = createHttpServer((request, response) => {
  heard.push(request.headers['idnode-referral-hops'] as string | undefined);
  const [status, body] = answers[request.url!] ?? [500, { responseCode: 2 }];
  response.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
const rest: RemoteTarget = { kind: 'rest', url: `http://127.0.0.1:${port}`, key: `http://127.0.0.1:${port}` };
// A node that accepts connections and never answers (a hung process).
const sockets: Socket[] = [];
const silent = createTcpServer((socket) => void sockets.push(socket));
await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
const silentPort = (silent.address() as { port: number }).port;
t.teardown(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => silent.close(resolve));
});

const remote = networkRemoteResolver();
const ask = (target: RemoteTarget, handle: string, timeoutMs = 2000) => remote.resolve(target, handle, { hops: 1, timeoutMs });

t.test('REST: found, not found, and what the serving node\'s error codes mean here', async (t) => {
  t.match(await ask(rest, '77.1/FOUND'), { status: 'found', values: [{ index: 1, type: 'URL' }] });
  t.equal(heard.at(-1), '1', 'the hops travel as idnode-referral-hops');
  t.same(await ask(rest, '77.1/NONE'), { status: 'not-found' });
  await t.rejects(ask(rest, '77.1/ELSEWHERE'), { code: 'NOT_HOMED', message: /answered 301 .*names a node that does not serve the prefix/ });
  await t.rejects(ask(rest, '77.1/LOOP'), { code: 'RECURSION_LIMIT_EXCEEDED', message: /answered 6/ });
  await t.rejects(ask(rest, '77.1/BUSY'), { code: 'REMOTE_NODE_UNAVAILABLE', message: /answered 3 .*busy/ });
  await t.rejects(ask(rest, '77.1/HTML'), { code: 'REMOTE_NODE_UNAVAILABLE', message: /without a HANDLE\.NET JSON body/ });
});

t.test('a dead or hung node: REMOTE_NODE_UNAVAILABLE within the time-out, never a hang', async (t) => {
  const refused = await freePort();
  let began = performance.now();
  await t.rejects(ask({ kind: 'rest', url: `http://127.0.0.1:${refused}`, key: 'dead' }, '77.1/X', 1000), { code: 'REMOTE_NODE_UNAVAILABLE', message: /cannot reach/ });
  t.ok(performance.now() - began < 1000, 'a refused connection fails at once');
  began = performance.now();
  await t.rejects(ask({ kind: 'rest', url: `http://127.0.0.1:${silentPort}`, key: 'hung' }, '77.1/X', 300), { code: 'REMOTE_NODE_UNAVAILABLE', message: /no answer within 300 ms/ });
  const restMs = performance.now() - began;
  t.ok(restMs >= 290 && restMs < 1500, `REST gave up after the time-out (${Math.round(restMs)} ms)`);
  began = performance.now();
  await t.rejects(ask({ kind: 'hdl', host: '127.0.0.1', port: silentPort, key: 'hung-hdl' }, '77.1/X', 300), { code: 'REMOTE_NODE_UNAVAILABLE' });
  const hdlMs = performance.now() - began;
  t.ok(hdlMs < 1500, `the Handle protocol (UDP then TCP, half the time-out each) too (${Math.round(hdlMs)} ms)`);
});

t.test('the hops header a REST front end reads: absent 0, an integer up to 255, anything else REQUEST_INVALID', async (t) => {
  t.equal(referralHopsOf(undefined), 0);
  t.equal(referralHopsOf('2'), 2);
  for (const bad of ['', '-1', '256', '1.5', 'two', ['1', '2']]) t.throws(() => referralHopsOf(bad), { code: 'REQUEST_INVALID', message: /idnode-referral-hops header must be one integer from 0 to 255/ }, JSON.stringify(bad));
});
