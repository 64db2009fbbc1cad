import t from 'tap';
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
  const seen: [string, boolean][] = [];
  let fail = false;
  const inner = {
    kind: 'sqlite',
    file: '/x.sqlite',
    async ping() {
      if (fail) throw new Error('down');
    },
    async getMeta(key: string) {
      return `value of ${key}`;
    },
  } as unknown as Store & { file: string };
  const timed = timedStore(inner, (operation, seconds, failed) => {
    t.ok(seconds >= 0);
    seen.push([operation, failed]);
  }) as Store & { file: string };
  await timed.ping();
  fail = true;
  await t.rejects(timed.ping(), /down/);
  t.equal(await timed.getMeta('k'), 'value of k', 'untimed methods pass through, bound to the store');
  t.equal(timed.kind, 'sqlite');
  t.equal(timed.file, '/x.sqlite');
  t.same(seen, [['ping', false], ['ping', true]]);
});

t.test('metering stats: flush lag while counts wait, failures keep counts and their age', async (t) => {
  let failing = true;
  const written: CounterDelta[] = [];
  const store = {
    async addCounters(deltas: readonly CounterDelta[]) {
      if (failing) throw new Error('store down');
      written.push(...deltas);
    },
  } as unknown as Store;
  const metering = new Metering(store, { now: () => Date.parse('2024-05-01T12:00:00+08:00') }, new MeteringDay('Asia/Shanghai'), silentLogger, 1000);
  t.same(metering.stats(), { pending: 0, flushLagMs: 0, flushes: 0, failedFlushes: 0 });
  metering.countResolution('88.999.1', 'rest', 'resolution.cache-hit');
  metering.countRefused('88.999.1', 'rest');
  await new Promise((resolve) => setTimeout(resolve, 20));
  await metering.flushNow();
  const afterFailure = metering.stats();
  t.match(afterFailure, { pending: 2, failedFlushes: 1, flushes: 0 });
  t.ok(afterFailure.flushLagMs >= 15, 'the failed batch keeps its age');
  failing = false;
  await metering.close();
  t.match(metering.stats(), { pending: 0, flushLagMs: 0, flushes: 1 });
  t.same(written.map((delta) => [delta.day, delta.kind, delta.count]).sort(), [['2024-05-01', 'refused', 1], ['2024-05-01', 'resolution.cache-hit', 1]]);
});
