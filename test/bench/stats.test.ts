import t from 'tap';
import { LatencyRecorder, median, percentile } from '../../bench/lib/stats.js';
import { seededRandom } from '../../bench/lib/random.js';

t.test('nearest-rank percentiles', async (t) => {
  const sorted = Array.from({ length: 1000 }, (_, i) => i + 1); // 1..1000
  t.equal(percentile(sorted, 50), 500);
  t.equal(percentile(sorted, 99), 990);
  t.equal(percentile(sorted, 99.9), 999);
  t.equal(percentile(sorted, 100), 1000);
  t.equal(percentile(sorted, 0), 1);
  t.equal(percentile([5], 99.9), 5);
  t.equal(percentile([1, 2, 3, 4], 50), 2);
  t.ok(Number.isNaN(percentile([], 50)));
  t.throws(() => percentile(sorted, 101), { code: 'CONFIG_INVALID' });
  t.throws(() => percentile(sorted, Number.NaN), { code: 'CONFIG_INVALID' });
});

t.test('median of odd, even and empty inputs, without reordering the input', async (t) => {
  const values = [3, 1, 2];
  t.equal(median(values), 2);
  t.same(values, [3, 1, 2]);
  t.equal(median([4, 1, 3, 2]), 2.5);
  t.ok(Number.isNaN(median([])));
});

t.test('latency recorder: exact percentiles under capacity', async (t) => {
  const recorder = new LatencyRecorder(10_000);
  for (let i = 1000; i >= 1; i--) recorder.record(i / 10); // 0.1 .. 100 ms, in reverse
  const summary = recorder.summary();
  t.equal(summary.count, 1000);
  t.equal(summary.p50Ms, 50);
  t.equal(summary.p99Ms, 99);
  t.equal(summary.p999Ms, 99.9);
  t.equal(summary.maxMs, 100);
  t.ok(Number.isNaN(new LatencyRecorder().summary().p50Ms));
});

t.test('latency recorder: a bounded reservoir past capacity keeps the distribution', async (t) => {
  const recorder = new LatencyRecorder(2000, seededRandom(5));
  const random = seededRandom(9);
  for (let i = 0; i < 100_000; i++) recorder.record(random() * 100); // uniform 0..100 ms
  const summary = recorder.summary();
  t.equal(summary.count, 100_000);
  t.ok(Math.abs(summary.p50Ms - 50) < 5, `p50 ${summary.p50Ms}`);
  t.ok(summary.p99Ms > 95 && summary.p99Ms <= 100, `p99 ${summary.p99Ms}`);
});
