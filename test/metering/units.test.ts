import t from 'tap';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { MeteringDay } from '../../src/core/clock/metering-day.js';
import { silentLogger } from '../../src/core/log/logger.js';
import { toCsv } from '../../src/core/metering/csv.js';
import { Metering } from '../../src/core/metering/metering.js';
import type { CounterDelta, Store } from '../../src/core/store/store.js';
import { timedStore } from '../../src/core/store/timed-store.js';

t.test('CSV: RFC 4180 quoting, and no formula ever reaches a spreadsheet', async (t) => {
  t.equal(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', 3]]), 'a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",3\r\n');
  t.equal(toCsv(['cell'], [['=1+1'], ['+A1'], ['-A1'], ['@SUM(A1)'], [-5]]), "cell\r\n'=1+1\r\n'+A1\r\n'-A1\r\n'@SUM(A1)\r\n-5\r\n");
});

t.test('a timed store reports every call with its duration and outcome, and changes nothing else', async (t) => {
  const seen: [string, number, boolean][] = [];
  const time = new ManualScheduler();
  let fail = false;
  const inner = {
    kind: 'sqlite',
    file: '/x.sqlite',
    commitsInCallOrder: true,
    async ping() {
      await time.advance(250);
      if (fail) throw new Error('down');
    },
    async getMeta(key: string) {
      return `value of ${key}`;
    },
  } as unknown as Store & { file: string };
  const timed = timedStore(inner, (operation, seconds, failed) => seen.push([operation, seconds, failed]), time) as Store & { file: string };
  await timed.ping();
  fail = true;
  await t.rejects(timed.ping(), /down/);
  t.equal(await timed.getMeta('k'), 'value of k', 'untimed methods pass through, bound to the store');
  t.equal(timed.kind, 'sqlite');
  t.equal(timed.file, '/x.sqlite');
  t.equal(timed.commitsInCallOrder, true);
  t.same(seen, [['ping', 0.25, false], ['ping', 0.25, true]], 'durations in seconds of the monotonic clock');
});

/** A store whose addCounters fails while `failing` is set, and keeps what it was given otherwise. */
function countersStore(): { store: Store; written: CounterDelta[]; failing: { on: boolean } } {
  const written: CounterDelta[] = [];
  const failing = { on: false };
  const store = {
    async addCounters(deltas: readonly CounterDelta[]) {
      if (failing.on) throw new Error('store down');
      written.push(...deltas);
    },
  } as unknown as Store;
  return { store, written, failing };
}

const MAY_DAY = { now: () => Date.parse('2024-05-01T12:00:00+08:00') };

t.test('metering stats: flush lag while counts wait, failures keep counts and their age', async (t) => {
  const { store, written, failing } = countersStore();
  failing.on = true;
  const time = new ManualScheduler();
  const metering = new Metering(store, MAY_DAY, new MeteringDay('Asia/Shanghai'), silentLogger, { flushIntervalMs: 1000, monotonic: time, scheduler: time });
  t.same(metering.stats(), { pending: 0, flushLagMs: 0, flushes: 0, failedFlushes: 0, overCap: 0 });
  metering.countResolution('88.999.1', 'rest', 'resolution.cache-hit');
  await time.advance(15);
  metering.countRefused('88.999.1', 'rest');
  await time.advance(5);
  t.equal(metering.stats().flushLagMs, 20, 'the age of the oldest pending count');
  await metering.flushNow();
  const afterFailure = metering.stats();
  t.match(afterFailure, { pending: 2, failedFlushes: 1, flushes: 0 });
  t.equal(afterFailure.flushLagMs, 20, 'the failed batch keeps its age');
  failing.on = false;
  await metering.close();
  t.match(metering.stats(), { pending: 0, flushLagMs: 0, flushes: 1 });
  t.same(written.map((delta) => [delta.day, delta.kind, delta.count]).sort(), [['2024-05-01', 'refused', 1], ['2024-05-01', 'resolution.cache-hit', 1]]);
});

t.test('metering flushes by itself every interval once started, and no more after close', async (t) => {
  const { store, written } = countersStore();
  const time = new ManualScheduler();
  const metering = new Metering(store, MAY_DAY, new MeteringDay('Asia/Shanghai'), silentLogger, { flushIntervalMs: 1000, monotonic: time, scheduler: time });
  metering.countResolution('88.999.1', 'rest', 'resolution.store-read');
  await time.advance(1000);
  t.equal(written.length, 0, 'not started: nothing flushes by itself');
  metering.start();
  metering.start();
  t.equal(time.pendingTasks, 1, 'a second start schedules nothing more');
  await time.advance(999);
  t.equal(written.length, 0, 'not before the interval');
  await time.advance(1);
  t.same(written.map((delta) => [delta.kind, delta.count]), [['resolution.store-read', 1]], 'flushed at the interval');
  metering.countResolution('88.999.1', 'rest', 'resolution.store-read');
  await time.advance(1000);
  t.equal(written.length, 2, 'and at the next');
  t.equal(metering.stats().flushes, 2);
  await metering.close();
  t.equal(time.pendingTasks, 0, 'close cancels the flushes');
});

t.test('metering bounds: caller-chosen unknown prefixes go to (other), and a day starts at most maxRowsPerDay rows', async (t) => {
  const { store, written } = countersStore();
  const time = new ManualScheduler();
  let now = Date.parse('2024-05-01T12:00:00+08:00');
  const known = new Set(['88.999.1', '88.999.2', '88.999.3']);
  const metering = new Metering(
    store,
    { now: () => now },
    new MeteringDay('Asia/Shanghai'),
    silentLogger,
    { flushIntervalMs: 1000, monotonic: time, scheduler: time },
    { isKnownPrefix: (prefix) => known.has(prefix), maxRowsPerDay: 2 },
  );
  metering.countRefused('77.1', 'rest');
  metering.countRefused('', 'rest');
  metering.countResolution('88.999.NOPE', 'rest', 'resolution.not-found');
  metering.countResolution('88.999.FOUND', 'rest', 'resolution.store-read');
  metering.countRefused('88.999.1', 'rest');
  metering.countRefused('88.999.1', 'rest');
  metering.countRefused('88.999.2', 'rest');
  metering.countResolution('88.999.3', 'grpc', 'resolution.not-found');
  t.equal(metering.stats().overCap, 2, 'the third and fourth rows of the day went to (other)');
  now -= 86_400_000;
  metering.countRefused('88.999.1', 'hdl');
  now += 86_400_000;
  now += 86_400_000;
  metering.countRefused('88.999.2', 'rest');
  now += 86_400_000;
  metering.countRefused('88.999.3', 'rest');
  now -= 2 * 86_400_000;
  metering.countRefused('88.999.2', 'rest');
  t.equal(metering.stats().overCap, 3, 'a day older than the two latest (a clock set back) counts under (other)');
  await metering.close();
  const rows = written.map((delta) => [delta.day, delta.prefix, delta.protocol, delta.kind, delta.count]).sort();
  t.same(rows, [
    ['2024-04-30', '88.999.1', 'hdl', 'refused', 1],
    ['2024-05-01', '(other)', 'grpc', 'resolution.not-found', 1],
    ['2024-05-01', '(other)', 'rest', 'refused', 4],
    ['2024-05-01', '(other)', 'rest', 'resolution.not-found', 1],
    ['2024-05-01', '88.999.1', 'rest', 'refused', 2],
    ['2024-05-01', '88.999.FOUND', 'rest', 'resolution.store-read', 1],
    ['2024-05-02', '88.999.2', 'rest', 'refused', 1],
    ['2024-05-03', '88.999.3', 'rest', 'refused', 1],
  ]);
});
