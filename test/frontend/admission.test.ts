import t from 'tap';
import { Admission, EventLoopLag, nodeBusy, RETRY_AFTER_SECONDS, unlimitedAdmission } from '../../src/frontend/admission.js';
import { NodeMetrics } from '../../src/metrics/node-metrics.js';

t.test('admission: at most maxInFlight at once, one more shed and counted; a release frees one slot, once', async (t) => {
  const admission = new Admission(2);
  const first = admission.tryAdmit();
  const second = admission.tryAdmit();
  t.ok(first && second);
  t.equal(admission.current, 2);
  t.equal(admission.tryAdmit(), undefined, 'the third is shed');
  t.equal(admission.shed, 1);
  first!();
  first!();
  t.equal(admission.current, 1, 'a second release of the same request is a no-op');
  t.ok(admission.tryAdmit(), 'a freed slot admits again');
  t.equal(unlimitedAdmission().maxInFlight, Number.POSITIVE_INFINITY);
});

t.test('NODE_BUSY: retry-later, Handle code 3, names the limit and the wait', async (t) => {
  const error = nodeBusy(7);
  t.equal(error.code, 'NODE_BUSY');
  t.equal(error.class, 'retry-later');
  t.equal(error.handleCode, 3);
  t.match(error.message, '7 requests at once');
  t.match(error.message, `retry in ${RETRY_AFTER_SECONDS} s`);
});

t.test('/metrics: one rendering served to every scraper for expositionCacheMs; in-flight and shed figures', async (t) => {
  const metrics = new NodeMetrics({ expositionCacheMs: 1000 });
  const admission = new Admission(1);
  metrics.attachAdmission(admission);
  const release = admission.tryAdmit();
  admission.tryAdmit();
  const first = await metrics.exposition(10_000);
  t.match(first.body, /idnode_requests_in_flight_counts 1/);
  t.match(first.body, /idnode_requests_shed_total 1/);
  release!();
  t.equal((await metrics.exposition(10_500)).body, first.body, 'within the window: the same rendering');
  t.match((await metrics.exposition(11_000)).body, /idnode_requests_in_flight_counts 0/, 'after it: rendered again');
  t.match((await metrics.exposition(5_000)).body, /idnode_requests_in_flight_counts 0/, 'a clock that went back renders again');
  const uncached = new NodeMetrics();
  t.not((await uncached.exposition(1)).body, undefined, 'without a window every scrape renders');
});

t.test('/metrics: a failed rendering is not kept', async (t) => {
  const metrics = new NodeMetrics({ expositionCacheMs: 1000 });
  const original = metrics.registry.metrics.bind(metrics.registry);
  metrics.registry.metrics = () => Promise.reject(new Error('boom'));
  await t.rejects(metrics.exposition(0), /boom/);
  metrics.registry.metrics = original;
  t.match((await metrics.exposition(1)).body, /idnode_build_info/, 'the next scrape renders afresh');
});

t.test('event loop lag: a late timer, or one overdue now, past the bound sheds; on time admits', async (t) => {
  let now = 0;
  const lag = new EventLoopLag(100, () => now, 20);
  const admission = new Admission(10, lag);
  t.ok(admission.tryAdmit(), 'on time');
  now = 150;
  t.equal(admission.tryAdmit(), undefined, 'the timer is 130 ms overdue now: shed');
  lag.tick();
  t.equal(admission.tryAdmit(), undefined, 'it fired 130 ms late: still shed until it fires on time');
  now = 170;
  lag.tick();
  t.ok(admission.tryAdmit(), 'fired on time again: admitted');
  const real = new EventLoopLag(1000);
  real.start();
  real.start();
  t.equal(real.behind(), false);
  real.stop();
});
