import t from 'tap';
import { availableParallelism } from 'node:os';
import { EventEmitter } from 'node:events';
import { loadConfig } from '../../src/config/load-config.js';
import { workerCount } from '../../src/cli/serve.js';
import { ChangeRelay, type RelayPeer } from '../../src/cli/workers/change-relay.js';
import { PeerChangeFeed } from '../../src/cli/workers/peer-change-feed.js';
import { nextRestart, WORKER_RESTARTS, WRITER_RESTARTS } from '../../src/runtime/restart-backoff.js';
import { workerSignals } from '../../src/cli/workers/serve-worker.js';
import { isIdnodeMessage, type ToPrimary, type ToWorker } from '../../src/cli/workers/worker-messages.js';
import { openMemoryStore } from '../../src/store/memory/memory-store.js';
import { CONTEXT, create, value } from '../store/conformance-fixtures.js';

// The parts of serve --workers that need no process: the real processes are test/ops/serve-workers.test.ts.

t.test('workers: 0 means one per core; the memory store runs one and refuses more', async (t) => {
  const cwd = t.testdir();
  t.equal(workerCount(loadConfig({ cwd, env: {} })), availableParallelism());
  t.equal(workerCount(loadConfig({ cwd, env: { IDNODE_WORKERS: '3' } })), 3);
  t.equal(workerCount(loadConfig({ cwd, env: { IDNODE_STORE: 'memory' } })), 1);
  t.throws(() => loadConfig({ cwd, env: { IDNODE_STORE: 'memory' }, flags: { workers: '2' } }), /workers \(from --workers\) is 2 but store \(from IDNODE_STORE\) is "memory": each process would hold its own data/);
  t.throws(() => loadConfig({ cwd, flags: { workers: '-1' } }), /workers \(from --workers\) must be/);
});

t.test('the restart back-off doubles while a worker keeps crashing, and starts over after a healthy run', async (t) => {
  t.same(nextRestart(WORKER_RESTARTS, 0, 10), { crashes: 1, delayMs: 100 });
  t.same(nextRestart(WORKER_RESTARTS, 1, 10), { crashes: 2, delayMs: 200 });
  t.same(nextRestart(WORKER_RESTARTS, 3, 10), { crashes: 4, delayMs: 800 });
  t.equal(nextRestart(WORKER_RESTARTS, 20, 10).delayMs, WORKER_RESTARTS.maxMs);
  t.same(nextRestart(WORKER_RESTARTS, 20, 60_000), { crashes: 1, delayMs: 100 });
  // The writer thread restarts at once first, then backs off the same way.
  t.same([1, 2, 3, 4].map((crashes) => nextRestart(WRITER_RESTARTS, crashes - 1, 10).delayMs), [0, 100, 200, 400]);
  t.equal(nextRestart(WRITER_RESTARTS, 20, 10).delayMs, WRITER_RESTARTS.maxMs);
});

function peer(id: number): RelayPeer & { received: ToWorker[] } {
  const received: ToWorker[] = [];
  return { id, received, send: (message) => void received.push(message) };
}

t.test('the relay lets a write be answered once every other worker confirmed, left, or timed out', async (t) => {
  const late: number[][] = [];
  const relay = new ChangeRelay({ timeoutMs: 50, onLate: (workers) => late.push([...workers]) });
  const [a, b, c] = [peer(1), peer(2), peer(3)];
  const heard: string[] = [];
  relay.changed(a.id, ['x/1'], () => heard.push('1'));
  t.same(heard, ['1'], 'alone: answered at once');

  for (const joined of [a, b, c]) relay.join(joined);
  relay.changed(a.id, ['x/1', 'x/2'], () => heard.push('2'));
  t.same(b.received, [{ type: 'idnode:invalidate', id: 1, handles: ['x/1', 'x/2'] }]);
  t.same(c.received, [{ type: 'idnode:invalidate', id: 1, handles: ['x/1', 'x/2'] }]);
  t.same(a.received, [], 'the writer is not asked');
  relay.invalidated(2, 1);
  t.same(heard, ['1'], 'not yet: worker 3 has not confirmed');
  relay.invalidated(3, 1);
  t.same(heard, ['1', '2']);
  relay.invalidated(3, 1);
  t.same(heard, ['1', '2'], 'a late duplicate changes nothing');

  relay.changed(a.id, ['x/3'], () => heard.push('3'));
  relay.invalidated(2, 2);
  relay.leave(3);
  t.same(heard.at(-1), '3', 'a worker that ended is not waited for');

  relay.changed(b.id, ['x/4'], () => heard.push('4'));
  relay.leave(2);
  t.notOk(heard.includes('4'), 'a writer that ended gets no answer');

  relay.join(c);
  relay.changed(a.id, ['x/5'], () => heard.push('5'));
  await new Promise((resolve) => setTimeout(resolve, 120));
  t.same(late, [[3]], 'the worker that did not confirm is named');
  t.same(heard.at(-1), '5', 'and the write is answered anyway');

  const count = (received: ToWorker[]) => received.filter((message) => message.type === 'idnode:invalidate-all').length;
  relay.everything();
  t.same([a, c].map(({ received }) => count(received)), [1, 1], 'writes of unknown outcome: every worker that joined drops its whole cache');
  t.equal(count(b.received), 0, 'not one that left');
});

t.test('the peer feed hears the handles other workers changed, and confirms', async (t) => {
  const sent: ToPrimary[] = [];
  const feed = new PeerChangeFeed({ connected: true, send: (message) => void sent.push(message) });
  const inner = openMemoryStore();
  const store = feed.wrap(inner);
  const heard: (string | undefined)[] = [];
  const stop = store.onForeignChange((handle) => heard.push(handle));

  t.same((await store.applyWrites([create('88.999/a', [value(1, 'https://example.com/a')])], CONTEXT)).map((outcome) => outcome.status), ['created']);
  t.same(sent, [], 'a write goes to the store itself (its writer tells the others)');
  t.equal(store.commitsInCallOrder, true, "the store's own promises reach the node (a bulk session's two chunks in flight)");
  feed.receive({ type: 'idnode:invalidate', id: 7, handles: ['88.999/x'] });
  t.same(heard, ['88.999/x']);
  t.same(sent.at(-1), { type: 'idnode:invalidated', id: 7 }, 'confirmed after the listeners heard');
  feed.receive({ type: 'idnode:invalidate-all' });
  t.same(heard, ['88.999/x', undefined], 'drop everything: heard as undefined');
  t.equal(sent.length, 1, 'nothing to confirm');
  heard.pop();
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  process.on('warning', onWarning);
  const stopThrowing = store.onForeignChange(() => {
    throw new Error('listener failure');
  });
  feed.receive({ type: 'idnode:invalidate', id: 8, handles: ['88.999/y'] });
  await new Promise((resolve) => setImmediate(resolve));
  process.off('warning', onWarning);
  t.same(heard, ['88.999/x', '88.999/y'], 'one listener throwing does not keep the others from hearing');
  t.match(warnings.join('\n'), /listener failure/);
  stopThrowing();
  stop();
  feed.receive({ type: 'idnode:invalidate', id: 9, handles: ['88.999/z'] });
  t.equal(heard.length, 2, 'unsubscribed');
  t.equal(await store.getHandle('88.999/a').then((record) => record?.handle), '88.999/a', 'every other call goes to the store itself');
  t.ok(isIdnodeMessage({ type: 'idnode:hello' }));
  t.notOk(isIdnodeMessage({ cmd: 'NODE_CLUSTER' }));
  t.notOk(isIdnodeMessage(null));
  await inner.close();
});

t.test('a worker stops on the primary\'s word, its own SIGTERM, or the primary going; at once when already stopping', async (t) => {
  const fake = new EventEmitter();
  const signals = workerSignals(fake as unknown as NodeJS.Process);
  const stops: string[] = [];
  signals.on('SIGTERM', (signal: string) => stops.push(signal));
  fake.emit('SIGINT');
  t.same(stops, [], 'SIGINT is the primary\'s to decide');
  fake.emit('message', { type: 'idnode:stop' });
  fake.emit('SIGTERM');
  fake.emit('message', { type: 'idnode:stop' });
  t.same(stops, ['SIGTERM'], 'one stop, however many ways it is asked');
  fake.emit('disconnect');
  t.same(stops, ['SIGTERM', 'SIGTERM'], 'the primary gone while stopping: a second signal, exit at once');

  const other = new EventEmitter();
  const otherSignals = workerSignals(other as unknown as NodeJS.Process);
  const otherStops: string[] = [];
  otherSignals.on('SIGTERM', (signal: string) => otherStops.push(signal));
  const errors: unknown[] = [];
  otherSignals.on('uncaughtException', (error: unknown) => errors.push(error));
  otherSignals.on('unhandledRejection', (error: unknown) => errors.push(error));
  other.emit('disconnect');
  t.same(otherStops, ['SIGTERM'], 'the primary gone: stop and drain');
  other.emit('uncaughtException', new Error('boom'));
  other.emit('unhandledRejection', 'nope');
  t.equal(errors.length, 2, 'uncaught errors reach runServer');
});
