import { join } from 'node:path';
import t, { type Test } from 'tap';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { WRITER_RESTARTS } from '../../src/runtime/restart-backoff.js';
import { openSqliteWriter } from '../../src/store/sqlite/sqlite-open.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { SqliteWriter, SqliteWriterOptions } from '../../src/store/sqlite/sqlite-writer.js';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { WriterRequest } from '../../src/store/sqlite/sqlite-writer-messages.js';
import { WriteCalls, type WriteLink } from '../../src/store/sqlite/write-calls.js';
import { WriterEvents } from '../helpers/writer-events.js';
import { CONTEXT, create, handle, value } from './conformance-fixtures.js';

// A SQLite writer thread that ends unasked (src/store/sqlite/sqlite-writer.ts): real threads on real files, made
// to die by the test-only crashThreadForTests (an uncaught error in the thread's message handler, or a terminate).

interface Opened {
  readonly store: SqliteStore;
  readonly writer: SqliteWriter;
  readonly events: WriterEvents;
}

/** A store whose writer thread the test holds (opened as a primary does, the store writing through it). */
function openStore(t: Test, options: SqliteWriterOptions = {}, name = 'idnode.sqlite'): Opened {
  const file = join(t.testdir(), name);
  const events = new WriterEvents();
  const writer = openSqliteWriter({ file, writerThread: { ...options, ...events.hooks } });
  const store = openSqliteStore({ file, writer });
  t.teardown(() => store.close());
  return { store, writer, events };
}

const put = (store: SqliteStore, suffix: string) => store.applyWrites([create(handle(suffix), [value(1, suffix)])], CONTEXT);

t.test('an uncaught error in the thread: the outstanding call fails with STORE_UNAVAILABLE, a new thread takes later writes', async (t) => {
  const { store, writer, events } = openStore(t);
  t.same(await put(store, 'before'), [{ handle: handle('before'), status: 'created' }]);
  const outstanding = put(store, 'lost');
  writer.crashThreadForTests('throw');
  await t.rejects(outstanding, { code: 'STORE_UNAVAILABLE', message: /the writer thread of the SQLite store .* stopped \(exit code 1: .*not iterable\); it restarts in 0 ms/ });
  const stopped = await events.stops(1);
  t.match(stopped, { exitCode: 1, error: { message: /not iterable/ }, failedCalls: 1, crashesInARow: 1, restartInMs: 0 }, 'told with its exit code and error');
  t.equal(events.restarts, 1, 'the first restart is at once');
  t.same(await put(store, 'after'), [{ handle: handle('after'), status: 'created' }], 'a later write commits on the new thread');
  t.equal((await store.getHandle(handle('after')))?.values[0]?.data.value, 'after', 'and reads back');
  t.ok(await store.getHandle(handle('before')), 'what was committed before is still there');
  t.equal(store.writerRestarts, 1);
});

t.test('calls whose outcome is unknown clear what a cache holds (onForeignChange with undefined); an idle thread\'s end does not', async (t) => {
  const { store, writer, events } = openStore(t);
  const heard: (string | undefined)[] = [];
  store.onForeignChange((handle) => heard.push(handle));
  writer.crashThreadForTests('terminate');
  await events.stops(1);
  t.same(heard, [], 'nothing was outstanding: nothing to drop');
  const outstanding = put(store, 'maybe');
  writer.crashThreadForTests('throw');
  await t.rejects(outstanding, { code: 'STORE_UNAVAILABLE' });
  t.same(heard, [undefined], 'told before the caller heard of its failure');
});

// The thread ended at moments into a group of 300 calls: before its transaction, within it (cut short, rolled
// back as the thread's connection closes), or after its commit, answered or not (the unknown outcome). In one
// probe run with the thread loaded from source, ended 40 ms after the send none had committed, and 60 ms after
// all had, none answered. Which moment each delay hits varies with the machine: what is checked holds in every case.
for (const afterMs of [2, 10, 25, 60]) {
  t.test(`a thread ended ${afterMs} ms into a group: each call committed whole or not at all, acknowledged ones are there, the successor gets the write lock`, async (t) => {
    const { store, writer, events } = openStore(t);
    await store.setMeta('started', '1');
    const pair = (k: number) => [create(handle(`p${k}a`), [value(1, 'a')]), create(handle(`p${k}b`), [value(1, 'b')])];
    // Many calls in one turn: one group on the thread.
    const calls = Array.from({ length: 300 }, (_, k) => store.applyWrites(pair(k), CONTEXT).then(() => 'ok' as const, (error: { code?: string }) => error.code));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    writer.crashThreadForTests('terminate');
    const outcomes = await Promise.all(calls);
    for (const outcome of new Set(outcomes)) t.ok(outcome === 'ok' || outcome === 'STORE_UNAVAILABLE', `an outcome: ${outcome}`);
    let partial = 0;
    let lost = 0;
    for (let k = 0; k < 300; k++) {
      const [a, b] = [await store.getHandle(handle(`p${k}a`)), await store.getHandle(handle(`p${k}b`))].map((record) => record !== undefined);
      if (a !== b) partial++;
      if (outcomes[k] === 'ok' && !a) lost++;
    }
    t.equal(partial, 0, 'no call committed in part');
    t.equal(lost, 0, 'every acknowledged call is there');
    await events.stops(1);
    t.same(await put(store, 'after'), [{ handle: handle('after'), status: 'created' }], 'the successor writes: no lock is left behind');
  });
}

t.test('repeated deaths back off; while no thread runs every call fails at once; a healthy run starts the count over', async (t) => {
  const scheduler = new ManualScheduler();
  const { store, writer, events } = openStore(t, { scheduler, monotonic: scheduler });
  writer.crashThreadForTests('terminate');
  t.match(await events.stops(1), { crashesInARow: 1, restartInMs: 0 });
  t.equal(events.restarts, 1, 'restarted at once');

  writer.crashThreadForTests('terminate');
  t.match(await events.stops(2), { crashesInARow: 2, restartInMs: WRITER_RESTARTS.baseMs, failedCalls: 0 }, 'a second end within the stable run waits');
  await t.rejects(put(store, 'down'), { code: 'STORE_UNAVAILABLE', message: /stopped \(exit code \d+\); it restarts in 100 ms/ }, 'refused at once, not queued');
  await scheduler.advance(WRITER_RESTARTS.baseMs - 1);
  t.equal(events.restarts, 1, 'not before its time');
  await t.rejects(store.setMeta('k', 'v'), { code: 'STORE_UNAVAILABLE' });
  await scheduler.advance(1);
  t.equal(events.restarts, 2, 'restarted once the wait is over');
  t.equal(scheduler.pendingTasks, 0, 'the wait runs once');
  t.same(await put(store, 'up'), [{ handle: handle('up'), status: 'created' }]);

  writer.crashThreadForTests('throw');
  t.match(await events.stops(3), { crashesInARow: 3, restartInMs: 2 * WRITER_RESTARTS.baseMs }, 'the wait doubles');
  await scheduler.advance(2 * WRITER_RESTARTS.baseMs);
  t.equal(events.restarts, 3);

  await scheduler.advance(WRITER_RESTARTS.stableAfterMs);
  writer.crashThreadForTests('terminate');
  t.match(await events.stops(4), { crashesInARow: 1, restartInMs: 0 }, 'after a healthy run the next restart is at once again');
  t.same(await put(store, 'again'), [{ handle: handle('again'), status: 'created' }]);
  t.equal(store.writerRestarts, 4);
});

t.test('close() during a restart\'s wait cancels it and ends cleanly', async (t) => {
  const scheduler = new ManualScheduler();
  const { store, writer, events } = openStore(t, { scheduler, monotonic: scheduler });
  writer.crashThreadForTests('terminate');
  await events.stops(1);
  writer.crashThreadForTests('terminate');
  t.match(await events.stops(2), { restartInMs: WRITER_RESTARTS.baseMs });
  await store.close();
  t.equal(scheduler.pendingTasks, 0, 'the restart is cancelled');
  await scheduler.advance(WRITER_RESTARTS.maxMs);
  t.equal(events.restarts, 1, 'nothing started after the close');
  await t.rejects(store.setMeta('k', 'v'), { code: 'STORE_UNAVAILABLE', message: /is closed/ });
});

t.test('close() while the new thread starts, and a thread that dies during close(), end cleanly', async (t) => {
  const { store, writer, events } = openStore(t);
  const lost = store.setMeta('k', 'lost');
  writer.crashThreadForTests('throw');
  await t.rejects(lost, { code: 'STORE_UNAVAILABLE' });
  await events.stops(1);
  // Restarted at once: the successor may still be opening its connection. Its queued write runs, then close.
  const queued = store.setMeta('k', 'queued');
  await Promise.all([queued, store.close()]);
  t.equal(events.restarts, 1);
  const reopened = openSqliteStore({ file: store.file });
  t.equal(await reopened.getMeta('k'), 'queued', 'the write made before close committed');
  await reopened.close();

  const second = openStore(t, {}, 'second.sqlite');
  const closing = second.store.close();
  second.writer.crashThreadForTests('terminate');
  await closing;
  t.equal(second.events.restarts, 0, 'a thread that ends while closing is not restarted');
});

t.test('WriteCalls: a call made before the link broke but not yet sent is failed, and never sent to the successor', async (t) => {
  const link = (): WriteLink & { posted: WriterRequest[][] } => {
    const posted: WriterRequest[][] = [];
    return { posted, post: (batch) => void posted.push([...batch]), busy: () => {} };
  };
  const [first, second] = [link(), link()];
  const calls = new WriteCalls(first, 'a store');
  const lost = calls.call('setMeta', ['k', 'lost'], 'setting k');
  // Within the same turn: the thread ends and its successor is linked before the turn's batch is sent.
  t.equal(calls.interrupt(new IdnodeError('STORE_UNAVAILABLE', 'gone')), 1);
  calls.relink(second);
  const kept = calls.call('setMeta', ['k', 'kept'], 'setting k');
  await t.rejects(lost, { code: 'STORE_UNAVAILABLE', message: 'gone' });
  await new Promise((resolve) => setImmediate(resolve));
  t.same(first.posted, [], 'nothing went to the link that broke');
  t.same(second.posted.map((batch) => batch.map((request) => ('args' in request ? request.args : request.op))), [[['k', 'kept']]], 'only the call made after the relink goes to the successor');
  calls.settle([{ id: second.posted[0]![0]!.id, ok: true, value: undefined }]);
  await kept;
});
