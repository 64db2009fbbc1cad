import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';
import { logLines, startSlowPut, waitFor } from './serve-helpers.js';

t.test('shutdown drains in-flight requests; a second signal or the timeout forces exit 1', async (t) => {
  const dataDir = join(t.testdir(), 'data');
  const first = await spawnNode({ dataDir, t, logLevel: 'info' });
  const stopping = (node: { stdout(): string }) => () => node.stdout().includes('stopping: no new connections');
  const demo = firstRunCredentials(first.stderr())!.demo;
  const authorization = basic(demo.id, demo.secret);

  const inFlight = await startSlowPut(first.url, authorization);
  first.process.kill('SIGTERM');
  await waitFor(stopping(first), 'the first node to start stopping');
  // That it does not exit early can only be shown by waiting a little: bounded, and the request still held.
  await sleep(300);
  t.equal(first.process.exitCode, null, 'still running while a request is in flight');
  t.equal(await inFlight.finish(), 201, 'the in-flight request completes');
  t.same(await first.exited, { code: 0, signal: null }, 'then the node exits 0');

  const second = await spawnNode({ dataDir, t, logLevel: 'info' });
  t.equal((await send(`${second.url}/api/handles/88.999.DEMO/slow`)).status, 200, 'the drained write was committed');
  await startSlowPut(second.url, authorization); // never finished
  second.process.kill('SIGTERM');
  // The second signal is sent once the first was handled, so the two are never merged into one.
  await waitFor(stopping(second), 'the second node to start stopping');
  second.process.kill('SIGTERM');
  t.same(await second.exited, { code: 1, signal: null }, 'a second signal: exit 1 at once');

  const third = await spawnNode({ dataDir, t, env: { IDNODE_SHUTDOWN_TIMEOUT_MS: '500' } });
  await startSlowPut(third.url, authorization); // never finished
  const stoppedAt = Date.now();
  t.same(await third.stop('SIGTERM'), { code: 1, signal: null }, 'shutdown timeout: exit 1');
  t.ok(Date.now() - stoppedAt < 5000, 'without waiting for the request');
  t.ok(logLines(third.stdout()).some((line) => String(line['msg']).includes('shutdown took longer than shutdownTimeoutMs')));
});
