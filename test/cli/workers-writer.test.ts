import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { CONTEXT, create, handle, value } from '../store/conformance-fixtures.js';
import { connectWorker, openPrimary, openWorkerStore } from '../helpers/forwarded-store.js';
import { WriterEvents } from '../helpers/writer-events.js';

// The one writer of serve --workers on SQLite without processes: workers' ForwardedWriters wired to the primary's
// WriteRelay and its real writer thread, each message through the IPC channel's serialization
// (test/helpers/forwarded-store.ts). The real processes are test/ops/serve-workers.test.ts.

t.test('two workers: every call answered with its own outcome, each worker\'s in the order it made them', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const primary = openPrimary(file);
  t.teardown(() => primary.writer.close());
  const a = openWorkerStore(primary, file);
  const b = openWorkerStore(primary, file);
  t.equal(a.store.writer, 'forwarded', 'a worker\'s store reports its writes forwarded');
  const alone = openSqliteStore({ file });
  t.equal(alone.writer, 'thread', 'a store opened alone has its own writer thread');
  await alone.close();
  // In one turn, both workers: creates of distinct handles, one handle taken twice, and a setting set in order.
  const creates = Array.from({ length: 30 }, (_, k) => (k % 2 === 0 ? a : b).store.applyWrites([create(handle(`n${k}`), [value(1, `v${k}`)])], CONTEXT));
  const twice = [a.store.applyWrites([create(handle('taken'), [value(1, 'first')])], CONTEXT), b.store.applyWrites([create(handle('taken'), [value(1, 'second')])], CONTEXT)];
  const settings = Array.from({ length: 10 }, (_, k) => a.store.setMeta('order', String(k)));
  const outcomes = await Promise.all(creates);
  outcomes.forEach((outcome, k) => t.same(outcome, [{ handle: handle(`n${k}`), status: 'created' }], `call ${k}`));
  const [first, second] = await Promise.all(twice);
  t.equal(first![0]!.status, 'created', 'the first made is the first run');
  t.equal(second![0]!.status, 'exists', 'the second finds it');
  await Promise.all(settings);
  t.equal(await b.store.getMeta('order'), '9', 'a worker\'s calls run in the order it made them');
  for (const { store } of [a, b]) {
    for (let k = 0; k < 30; k++) t.equal((await store.getHandle(handle(`n${k}`)))?.values[0]?.data.value, `v${k}`);
  }
  await Promise.all([a.store.close(), b.store.close()]);
  // Closing a worker's store leaves the primary's writer running for the others.
  const c = openWorkerStore(primary, file);
  t.same(await c.store.applyWrites([create(handle('after'), [value(1, 'x')])], CONTEXT), [{ handle: handle('after'), status: 'created' }]);
  await c.store.close();
});

t.test('a write is answered only once every other worker dropped the handles it changed', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const primary = openPrimary(file);
  t.teardown(() => primary.writer.close());
  const a = openWorkerStore(primary, file);
  const b = openWorkerStore(primary, file);
  const c = openWorkerStore(primary, file);
  const heardBy = (when: string) => ({ b: [...b.worker.invalidated], c: [...c.worker.invalidated], when });
  // Creates (packed, one turn: one round for both), then an existing one, then a delete (applyWrites).
  const created = await Promise.all(['p', 'q'].map((suffix) => a.store.applyWrites([create(handle(suffix), [value(1, suffix)])], CONTEXT).then(() => heardBy(suffix))));
  t.same(created.map(({ b }) => b), [[handle('p'), handle('q')], [handle('p'), handle('q')]], 'both dropped before either create was answered');
  t.same(created[0]!.c, created[0]!.b, 'every other worker');
  t.same(a.worker.invalidated, [], 'not the writer itself');
  await a.store.applyWrites([create(handle('p'), [value(1, 'again')])], CONTEXT);
  t.same(b.worker.invalidated, [handle('p'), handle('q')], 'a create that found the handle changed nothing');
  await a.store.applyWrites([{ op: 'delete', handle: handle('q'), prefix: '88.999.1' }], CONTEXT);
  t.same(b.worker.invalidated.at(-1), handle('q'), 'a delete is named too');
  await Promise.all([a, b, c].map(({ store }) => store.close()));
});

t.test('failures reach the worker as the same catalogue errors as from a writer of its own', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const primary = openPrimary(file, 50);
  const own = openSqliteStore({ file, busyTimeoutMs: 50 });
  const { store } = openWorkerStore(primary, file);
  t.teardown(async () => {
    await Promise.all([own.close(), store.close()]);
    await primary.writer.close();
  });
  // A constraint the write breaks: INTERNAL_ERROR, message and all.
  const bad = { prefix: '88.999.2', source: 'nowhere' as 'api', createdAtMs: 1 };
  const direct = await own.addHomedPrefix(bad).catch((error: unknown) => error);
  const forwarded = await store.addHomedPrefix(bad).catch((error: unknown) => error);
  t.match(direct, { code: 'INTERNAL_ERROR' });
  t.same({ code: (forwarded as { code: unknown }).code, message: (forwarded as Error).message }, { code: 'INTERNAL_ERROR', message: (direct as Error).message });
  // The write lock held elsewhere: STORE_UNAVAILABLE (SQLITE_BUSY, retryable), message and all.
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE');
  try {
    const busyDirect = await own.setMeta('k', 'v').catch((error: unknown) => error);
    const busyForwarded = await store.setMeta('k', 'v').catch((error: unknown) => error);
    t.match(busyDirect, { code: 'STORE_UNAVAILABLE' });
    t.same({ code: (busyForwarded as { code: unknown }).code, message: (busyForwarded as Error).message }, { code: 'STORE_UNAVAILABLE', message: (busyDirect as Error).message });
  } finally {
    other.exec('ROLLBACK');
    other.close();
  }
  t.equal(await store.initMeta('k', 'w'), 'w', 'a failure breaks nothing: the next write commits');
});

t.test('the primary gone: outstanding and later writes fail with STORE_UNAVAILABLE', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const primary = openPrimary(file);
  t.teardown(() => primary.writer.close());
  const { store, worker } = openWorkerStore(primary, file);
  worker.hold = true;
  const outstanding = store.applyWrites([create(handle('lost'), [value(1, 'x')])], CONTEXT);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(worker.held.length, 1, 'sent, never answered');
  worker.writer.disconnected();
  await t.rejects(outstanding, { code: 'STORE_UNAVAILABLE', message: /the primary process, which holds the SQLite writer, is gone/ });
  await t.rejects(store.setMeta('k', 'v'), { code: 'STORE_UNAVAILABLE' }, 'and so does every later one');
  t.equal(await store.getMeta('k'), undefined, 'reads still work');
  await store.close();
  // Closed before the test ends, not only in its teardown: the fixture's removal once raced its files (ENOTEMPTY).
  await primary.writer.close();
});

t.test('the primary\'s writer thread dies: the workers\' outstanding writes fail, nothing is invalidated for them, later writes commit', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const events = new WriterEvents();
  const scheduler = new ManualScheduler();
  const primary = openPrimary(file, undefined, { ...events.hooks, scheduler, monotonic: scheduler });
  t.teardown(() => primary.writer.close());
  const a = openWorkerStore(primary, file);
  const b = openWorkerStore(primary, file);
  t.teardown(() => Promise.all([a.store.close(), b.store.close()]));
  const outstanding = a.store.applyWrites([create(handle('lost'), [value(1, 'x')])], CONTEXT);
  // Once the call reached the primary (its relay runs a macrotask after the send), the thread dies.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  primary.writer.crashThreadForTests('throw');
  await t.rejects(outstanding, { code: 'STORE_UNAVAILABLE', message: /the writer thread of the SQLite store .* stopped \(exit code 1: .*\); it restarts in 0 ms/ }, 'the worker gets STORE_UNAVAILABLE');
  t.match(await events.stops(1), { failedCalls: 1, restartInMs: 0 });
  t.same(b.worker.invalidated, [], 'a failed call names no handle to the other workers');
  t.same([a.worker.clearedAll, b.worker.clearedAll], [1, 1], 'but it may have committed: every worker, the writing one too, drops its whole cache');
  t.same(await a.store.applyWrites([create(handle('after'), [value(1, 'y')])], CONTEXT), [{ handle: handle('after'), status: 'created' }], 'the restarted writer takes the workers\' writes');
  t.same(b.worker.invalidated, [handle('after')], 'and its commits are invalidated as before');
  t.equal((await b.store.getHandle(handle('after')))?.values[0]?.data.value, 'y');
  t.equal(primary.writer.restarts, 1);
  t.equal(a.store.writerRestarts, 0, 'a worker\'s store counts no restarts: the primary\'s writer does');

  primary.writer.crashThreadForTests('terminate');
  t.match(await events.stops(2), { restartInMs: 100 });
  await t.rejects(b.store.setMeta('k', 'v'), { code: 'STORE_UNAVAILABLE', message: /it restarts in 100 ms/ }, 'during the wait a worker\'s call is refused at once too');
  await scheduler.advance(100);
  t.equal(await b.store.initMeta('k', 'w'), 'w', 'and after it, taken');
});

t.test('a worker that ended: its calls already at the primary still commit', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const primary = openPrimary(file);
  t.teardown(() => primary.writer.close());
  const gone = connectWorker(primary, file);
  const store = openSqliteStore({ file, writer: gone.writer });
  void store.applyWrites([create(handle('orphan'), [value(1, 'x')])], CONTEXT);
  // Its process ends before the answer: the primary's writer commits it anyway (it was never acknowledged).
  const survivor = openWorkerStore(primary, file);
  await survivor.store.setMeta('barrier', '1'); // sent after it: answered after its commit
  t.ok(await survivor.store.getHandle(handle('orphan')), 'committed');
  await Promise.all([store.close(), survivor.store.close()]);
});

t.test('a primary\'s writer that is closed refuses a worker\'s writes with STORE_UNAVAILABLE', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const primary = openPrimary(file);
  const { store } = openWorkerStore(primary, file);
  await primary.writer.close();
  await t.rejects(store.setMeta('k', 'v'), { code: 'STORE_UNAVAILABLE', message: /is closed/ });
  await store.close();
});

t.test('a worker does not migrate: it checks the schema the primary left, and refuses another', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const primary = openPrimary(join(t.testdir(), 'other.sqlite'));
  t.teardown(() => primary.writer.close());
  t.throws(() => openWorkerStore(primary, file), { code: 'CONFIG_INVALID', message: /has schema version 0, but this idnode expects version \d+/ }, 'an unmigrated file is refused, not migrated');
});
