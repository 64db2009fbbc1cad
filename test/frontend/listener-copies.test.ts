import t from 'tap';
import { once } from 'node:events';
import { createServer as createHttpServer, request } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { copiesUnderLoad, listenerCopies } from '../../src/frontend/listener-copies.js';

// Listener copies (docs/overload.md, "Accepting"): libuv accepts one connection per listening descriptor per
// loop turn, so copies of the descriptor accept a burst in fewer turns. Counted in loop turns, not time.

async function listening(server: Server): Promise<number> {
  server.listen({ host: '127.0.0.1', port: 0, backlog: 1024 });
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/**
 * Blocks this thread's loop while a worker thread opens `count` connections to `port` (the kernel completes
 * them into the accept queue), then counts the loop turns (setImmediate) until `target` saw them all.
 */
async function turnsToAccept(target: Server, port: number, count: number): Promise<number> {
  let accepted = 0;
  target.on('connection', () => accepted++);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const opener = new Worker(
    `const { connect } = require('node:net'); const { workerData, parentPort } = require('node:worker_threads');
     const flag = new Int32Array(workerData.shared); let open = 0; const sockets = [];
     for (let i = 0; i < workerData.count; i++) {
       const s = connect(workerData.port, '127.0.0.1', () => { if (++open === workerData.count) { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); } });
       s.on('error', () => {}); sockets.push(s);
     }
     parentPort.on('message', () => { for (const s of sockets) s.destroy(); parentPort.close(); });`,
    { eval: true, workerData: { port, count, shared: flag.buffer } },
  );
  // This loop is blocked (no accept) until the worker's connections are all established.
  Atomics.wait(flag, 0, 0, 10_000);
  let turns = 0;
  while (accepted < count && turns < 10_000) {
    await new Promise((resolve) => setImmediate(resolve));
    turns++;
  }
  opener.postMessage('close');
  await once(opener, 'exit');
  return turns;
}

t.test('a burst of connections is accepted in about count / (copies + 1) turns, not one a turn', async (t) => {
  const plain = createServer((socket) => socket.on('error', () => {}));
  const plainPort = await listening(plain);
  const copied = createServer((socket) => socket.on('error', () => {}));
  const copiedPort = await listening(copied);
  const copies = await listenerCopies(copied, 15, 4096);
  t.teardown(async () => {
    await copies.close();
    plain.close();
    copied.close();
  });
  t.equal(copies.count, 15, 'fifteen copies besides the listener');
  const withOne = await turnsToAccept(plain, plainPort, 64);
  t.ok(withOne >= 32, `one descriptor: ${withOne} turns for 64 connections (libuv accepts one per turn)`);
  const idle = await turnsToAccept(copied, copiedPort, 64);
  t.ok(idle >= 32, `copies not yet active: ${idle} turns`);
  copies.activate();
  t.ok(copies.active);
  const withSixteen = await turnsToAccept(copied, copiedPort, 64);
  t.ok(withSixteen <= 12, `sixteen descriptors: ${withSixteen} turns for 64 connections`);
  await copies.deactivate();
  t.notOk(copies.active, 'deactivated');
  const after = await turnsToAccept(copied, copiedPort, 64);
  t.ok(after >= 32, `deactivated: ${after} turns again`);
  // A fresh idle set is fetched in the background; activation waits for it.
  for (let i = 0; i < 200 && !copies.active; i++) {
    copies.activate();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  t.ok(copies.active, 'activated again with fresh copies');
  const again = await turnsToAccept(copied, copiedPort, 64);
  t.ok(again <= 12, `active again: ${again} turns`);
});

t.test('connections accepted on a copy are served by the target server (HTTP), and closing stops every copy', async (t) => {
  const server = createHttpServer((req, res) => res.end('served'));
  const port = await listening(server);
  const copies = await listenerCopies(server, 3, 4096);
  copies.activate();
  const answers = await Promise.all(
    Array.from({ length: 40 }, () =>
      new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += String(chunk)));
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      }),
    ),
  );
  t.same(new Set(answers), new Set(['served']), 'all 40 answered');
  await copies.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const refused = await new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
  t.equal(refused, 'ECONNREFUSED', 'no descriptor of the socket accepts once closed');
});

t.test('the connection cap holds across the listener and its copies', async (t) => {
  const held: Socket[] = [];
  const server = createServer((socket) => {
    held.push(socket);
    socket.on('error', () => {});
  });
  const port = await listening(server);
  const copies = await listenerCopies(server, 7, 5);
  copies.activate();
  let dropped = 0;
  server.on('drop', () => dropped++);
  t.teardown(async () => {
    for (const socket of held) socket.destroy();
    await copies.close();
    server.close();
  });
  const clients = await Promise.all(
    Array.from({ length: 20 }, () =>
      new Promise<Socket>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => resolve(socket));
        socket.on('error', () => {});
      }),
    ),
  );
  // Give the node the turns to accept (and refuse) all twenty.
  for (let turn = 0; turn < 200 && held.length + dropped < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
  const stillOpen = held.filter((socket) => !socket.destroyed).length;
  t.equal(stillOpen, 5, 'exactly max-connections (5) held, whichever descriptor accepted them');
  t.equal(dropped, 15, 'the other fifteen dropped');
  for (const client of clients) client.destroy();
});

t.test('no copies for a listener without a descriptor of its own, or when none are asked for', async (t) => {
  const server = createServer();
  t.equal((await listenerCopies(server, 4, 10)).count, 0, 'not listening: nothing to copy');
  await listening(server);
  const none = await listenerCopies(server, 0, 10);
  t.equal(none.count, 0, 'zero copies asked');
  none.activate();
  t.notOk(none.active, 'nothing to activate');
  await none.deactivate();
  await none.close();
  server.close();
});

t.test('copiesUnderLoad: active while overloaded, deactivated once calm for calmMs', async (t) => {
  const calls: string[] = [];
  let active = false;
  const copies = {
    count: 1,
    get active() {
      return active;
    },
    activate: () => {
      calls.push('activate');
      active = true;
    },
    deactivate: async () => {
      calls.push('deactivate');
      active = false;
    },
    close: async () => {},
  };
  let overloaded = true;
  let now = 0;
  const stop = copiesUnderLoad(copies, () => overloaded, 5, 1000, () => now);
  t.teardown(stop);
  const wait = () => new Promise((resolve) => setTimeout(resolve, 30));
  await wait();
  t.ok(active, 'activated while overloaded');
  overloaded = false;
  await wait();
  t.ok(active, 'still active: not calm for long enough');
  now = 2000;
  await wait();
  t.notOk(active, 'deactivated after calmMs');
  t.equal(calls.filter((call) => call === 'deactivate').length, 1, 'once');
});
