import type { Socket } from 'node:net';
import t from 'tap';
import { closed, openSocket, parseReply, type RawReply } from '../../helpers/raw-http.js';
import { basic, startRestNode, type RestNode } from '../../helpers/rest-node.js';
import { DEFAULT_CONNECTIONS } from '../../../src/rest/server.js';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { freshSchema, TEST_DATABASE_URL } from '../../helpers/test-database.js';

// Which side answered is told by the head's casing: the lane writes its headers in lower case, node:http
// writes its own Connection / Keep-Alive / Date headers capitalised.
const byLane = (reply: RawReply) => reply.raw.includes('\r\nkeep-alive: timeout=') || reply.raw.includes('\r\nconnection: close\r\n');
const byNodeHttp = (reply: RawReply) => reply.raw.includes('\r\nDate: ');

const get = (path: string, ...headers: string[]) => `GET ${path} HTTP/1.1\r\nHost: node\r\n${headers.map((header) => `${header}\r\n`).join('')}\r\n`;

/** Reads `count` whole responses (Content-Length bodies) from `socket`, in order. */
function responses(socket: Socket, count: number): Promise<RawReply[]> {
  return new Promise((resolve, reject) => {
    let bytes = Buffer.alloc(0);
    const replies: RawReply[] = [];
    const onData = (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      for (;;) {
        const head = bytes.indexOf('\r\n\r\n');
        if (head < 0) break;
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(bytes.subarray(0, head).toString('latin1'))?.[1] ?? 0);
        if (bytes.length < head + 4 + length) break;
        replies.push(parseReply(bytes.subarray(0, head + 4 + length)));
        bytes = bytes.subarray(head + 4 + length);
      }
      if (replies.length >= count) {
        socket.off('data', onData);
        resolve(replies);
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`closed after ${replies.length} of ${count} answers`)));
  });
}

async function nodeWith(
  t: Tap.Test,
  rest: Parameters<typeof startRestNode>[0]['rest'] = {},
  store?: Parameters<typeof startRestNode>[0]['store'],
): Promise<{ rest: RestNode; port: number; put: (suffix: string) => Promise<void> }> {
  const node = await startRestNode({ dir: t.testdir(), rest, ...(store === undefined ? {} : { store }) });
  t.teardown(() => node.close());
  const demo = node.credentials.demoEnterprise;
  const put = async (suffix: string) => {
    const response = await fetch(`${node.url}/api/handles/${demo.prefix}/${suffix}`, {
      method: 'PUT',
      headers: { authorization: basic(demo.id, demo.secret), 'content-type': 'application/json' },
      body: JSON.stringify([{ index: 1, type: 'URL', data: `https://example.org/${suffix}` }]),
    });
    if (response.status !== 201) throw new Error(`PUT ${suffix}: ${response.status}`);
  };
  return { rest: node, port: Number(new URL(node.url).port), put };
}

t.test('the lane answers anonymous resolutions on the connection, in order, and hands anything else to node:http', async (t) => {
  const { port, put } = await nodeWith(t);
  await put('A');
  await put('B');
  const socket = await openSocket(port);
  t.teardown(() => socket.destroy());

  // Pipelined in one write: a store read (A's first sight), a 404, an invalid identifier, A again, then a
  // request the lane does not take (a query string), then one it would have taken.
  const answers = responses(socket, 6);
  socket.write(
    get('/api/handles/88.999.DEMO/A', 'X-Request-Id: first') +
      get('/api/handles/88.999.DEMO/absent') +
      get('/api/handles/88..999/bad') +
      get('/api/handles/88.999.DEMO/A') +
      get('/api/handles/88.999.DEMO/B?index=1') +
      get('/api/handles/88.999.DEMO/B'),
  );
  const [a, absent, bad, again, filtered, after] = await answers;
  t.equal(a!.status, 200);
  t.equal(JSON.parse(a!.body).values[0].data.value, 'https://example.org/A');
  t.equal(a!.headers['x-request-id'], 'first', 'the caller\'s request id is echoed');
  t.equal(a!.headers['content-type'], 'application/json; charset=utf-8');
  t.ok(a!.headers.date, 'a Date header');
  t.equal(absent!.status, 404);
  t.equal(JSON.parse(absent!.body).code, 'HANDLE_NOT_FOUND');
  t.equal(bad!.status, 400);
  t.equal(again!.body, a!.body, 'the same answer, from the cache');
  t.ok([a, absent, bad, again].every((reply) => byLane(reply!)), 'the lane answered the first four');
  t.ok(a!.headers['x-request-id'] !== absent!.headers['x-request-id'] && absent!.headers['x-request-id'], 'a fresh id when none was sent');
  t.equal(filtered!.status, 200);
  t.ok(byNodeHttp(filtered!) && byNodeHttp(after!), 'node:http served the rest of the connection');
  t.equal(JSON.parse(after!.body).values[0].data.value, 'https://example.org/B');

  // The connection stays node:http's: a write goes through fastify's route as usual.
  const wrong = basic('300:0.NA/88.999.DEMO', 'wrong');
  const refused = responses(socket, 1);
  socket.write(`PUT /api/handles/88.999.DEMO/C HTTP/1.1\r\nHost: node\r\nAuthorization: ${wrong}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]`);
  const [refusal] = await refused;
  t.ok(byNodeHttp(refusal!));
  t.equal(JSON.parse(refusal!.body).code, 'AUTHENTICATION_FAILED');
});

t.test('on a store that answers later (PostgreSQL), requests pipelined behind a miss wait for its answer, in order', async (t) => {
  const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema: freshSchema(t), poolSize: 2 });
  const { port, put } = await nodeWith(t, {}, store);
  await put('A');
  await put('B');
  const socket = await openSocket(port);
  t.teardown(() => socket.destroy());
  const order = ['A', 'absent', 'B', 'A', 'B'];
  const replies = responses(socket, order.length + 1);
  socket.write(order.map((suffix) => get(`/api/handles/88.999.DEMO/${suffix}`)).join('') + get('/api/handles/88.999.DEMO/A?'));
  const answers = await replies;
  t.same(
    answers.map((reply) => reply.status),
    [200, 404, 200, 200, 200, 200],
  );
  t.same(
    answers.slice(0, order.length).map((reply) => (reply.status === 200 ? JSON.parse(reply.body).values[0].data.value : 'none')),
    order.map((suffix) => (suffix === 'absent' ? 'none' : `https://example.org/${suffix}`)),
    'each answer is its own request\'s',
  );
  t.ok(answers.slice(0, order.length).every(byLane) && byNodeHttp(answers[order.length]!), 'the lane waited, then handed over');
});

t.test('a head split over reads is answered once whole; a head left unfinished goes to node:http\'s headers timeout', async (t) => {
  const { port, put } = await nodeWith(t, { connections: { ...DEFAULT_CONNECTIONS, headersMs: 200 } });
  await put('S');
  const split = await openSocket(port);
  t.teardown(() => split.destroy());
  const answer = responses(split, 2);
  const whole = get('/api/handles/88.999.DEMO/S');
  split.write(whole.slice(0, 30));
  await new Promise((resolve) => setTimeout(resolve, 50));
  split.write(whole.slice(30) + whole.slice(0, 3));
  await new Promise((resolve) => setTimeout(resolve, 50));
  split.write(whole.slice(3));
  const replies = await answer;
  t.ok(replies.every((reply) => reply.status === 200 && byLane(reply) && reply.body.includes('https://example.org/S')), 'both answered by the lane');

  const slow = await openSocket(port);
  const timedOut = responses(slow, 1);
  slow.write(whole.slice(0, 40));
  const [refusal] = await timedOut;
  t.equal(refusal!.status, 400);
  t.match(JSON.parse(refusal!.body).message, 'not received in time', 'node:http\'s headers timeout, after the lane\'s');
  slow.destroy();
});

t.test('malformed HTTP after lane answers on the same connection gets the catalogue\'s 400', async (t) => {
  const { port } = await nodeWith(t);
  const socket = await openSocket(port);
  t.teardown(() => socket.destroy());
  const replies = responses(socket, 2);
  socket.write(get('/api/handles/88.999.DEMO/none') + 'GET /x HTTP/1.1\r\nHost: a\r\nBad Header: v\r\n\r\n');
  const [lane, refusal] = await replies;
  t.ok(byLane(lane!));
  t.equal(refusal!.status, 400);
  t.equal(JSON.parse(refusal!.body).code, 'REQUEST_INVALID');
});

t.test('a request the lane does not take goes to node:http whole', async (t) => {
  const { port, put } = await nodeWith(t);
  await put('S');

  for (const extra of ['Authorization: Basic eDp5', 'Connection: close', 'Content-Length: 0']) {
    const socket = await openSocket(port);
    const replies = responses(socket, 1);
    socket.write(get('/api/handles/88.999.DEMO/S', extra));
    const [served] = await replies;
    t.ok(byNodeHttp(served!), `${extra}: node:http answers`);
    socket.destroy();
  }
  const noHost = await openSocket(port);
  const refusal = responses(noHost, 1);
  noHost.write('GET /api/handles/88.999.DEMO/S HTTP/1.1\r\n\r\n');
  t.equal(JSON.parse((await refusal)[0]!.body).code, 'REQUEST_INVALID', 'a request without Host is refused by the gate, as before');
  noHost.destroy();
});

t.test('a client that does not read its answers is not read from until it does', async (t) => {
  const { port, put } = await nodeWith(t);
  await put('P');
  const socket = await openSocket(port);
  t.teardown(() => socket.destroy());
  const count = 20_000;
  const one = get('/api/handles/88.999.DEMO/P');
  // Warm it first (second sight), so every answer below is a synchronous cache hit.
  const warm = responses(socket, 2);
  socket.write(one + one);
  await warm;
  socket.pause();
  socket.write(one.repeat(count));
  // About 10 MB of answers: more than the socket buffers hold, so the lane has to wait for the client.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const replies = responses(socket, count);
  socket.resume();
  const all = await replies;
  t.equal(all.length, count);
  t.ok(all.every((reply) => reply.status === 200 && byLane(reply)), 'every answer, in order, from the lane');
});

t.test('keep-alive: the lane closes a connection idle past keep-alive-timeout-ms, and one that never sent a request past idle-timeout-ms', async (t) => {
  const { port, put } = await nodeWith(t, { connections: { ...DEFAULT_CONNECTIONS, keepAliveMs: 100, idleMs: 200 } });
  await put('K');
  const socket = await openSocket(port);
  const answer = responses(socket, 1);
  socket.write(get('/api/handles/88.999.DEMO/K'));
  const [reply] = await answer;
  t.ok(byLane(reply!));
  t.equal(reply!.headers['keep-alive'], 'timeout=1', 'keep-alive announced in whole seconds, at least 1');
  await closed(socket);
  t.pass('the idle keep-alive connection was closed');
  const silent = await openSocket(port);
  silent.on('error', () => {});
  await closed(silent);
  t.pass('a connection that sent nothing was closed');
});

t.test('shutdown and half-close: the lane closes its idle connections, and one the client half-closed once answered', async (t) => {
  const node = await startRestNode({ dir: t.testdir() });
  const port = Number(new URL(node.url).port);
  const idle = await openSocket(port);
  const first = responses(idle, 1);
  idle.write(get('/api/handles/88.999.DEMO/none'));
  t.ok(byLane((await first)[0]!));
  // A client that half-closes after a request that reads the store: answered, then closed.
  const halfClosed = await openSocket(port);
  const last = responses(halfClosed, 1);
  halfClosed.end(get('/api/handles/88.999.DEMO/other'));
  t.equal((await last)[0]!.status, 404);
  await closed(halfClosed);
  const started = Date.now();
  await node.close();
  await closed(idle);
  t.ok(Date.now() - started < 4_000, 'close did not wait for the keep-alive timeout (5 s)');
});

t.test('rest-fast-lane off: node:http serves every connection', async (t) => {
  const { port, put } = await nodeWith(t, { fastLane: false });
  await put('O');
  const socket = await openSocket(port);
  t.teardown(() => socket.destroy());
  const answer = responses(socket, 1);
  socket.write(get('/api/handles/88.999.DEMO/O'));
  const [reply] = await answer;
  t.equal(reply!.status, 200);
  t.ok(byNodeHttp(reply!) && !byLane(reply!));
});
