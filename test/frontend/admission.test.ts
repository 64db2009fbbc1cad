import t from 'tap';
import { Admission, Entered, nodeBusy, RETRY_AFTER_SECONDS, unlimitedAdmission } from '../../src/frontend/admission.js';
import { QueueDelay } from '../../src/frontend/queue-delay.js';
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

t.test('enter and leave: the lane\'s admission without a release function, counted as tryAdmit counts', async (t) => {
  const admission = new Admission(1);
  t.equal(admission.enter(), Entered.Counted);
  t.equal(admission.current, 1);
  t.equal(admission.enter(() => false, 'miss'), undefined, 'shed when not cheap');
  t.equal(admission.shed, 1);
  const asked: string[] = [];
  t.equal(admission.enter((request: string) => (asked.push(request), true), 'hit'), Entered.Uncounted, 'a cheap request is let in beyond the limit');
  t.same(asked, ['hit'], 'the request is passed to cheap as given');
  t.equal(admission.current, 1, 'uncounted: it holds no slot');
  admission.leave();
  t.equal(admission.current, 0, 'leave gives back the slot of a counted request');
  t.equal(admission.tryAdmit() === undefined, false, 'tryAdmit sees the freed slot');
});

t.test('a request that would be shed but is cheap (a cache hit) is answered: outside max-in-flight, not counted as shed', async (t) => {
  const admission = new Admission(1);
  const held = admission.tryAdmit();
  let asked = 0;
  const cheap = admission.tryAdmit(() => {
    asked++;
    return true;
  });
  t.type(cheap, 'function', 'answered');
  t.equal(admission.current, 1, 'it takes no slot');
  t.equal(admission.shed, 0, 'nor is it counted as shed');
  cheap!();
  t.equal(admission.current, 1, 'its release frees nothing');
  t.equal(admission.tryAdmit(() => false), undefined, 'a request that is not cheap is shed');
  t.equal(admission.shed, 1);
  held!();
  t.ok(admission.tryAdmit(() => {
    asked++;
    return true;
  }), 'admitted as usual with a free slot');
  t.equal(asked, 1, 'cheap is asked only when the request would be shed');
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
  t.match(first.body, /idnode_queue_delay_seconds 0\n/, 'no QueueDelay: no queueing delay');
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

t.test('queue delay: a burst over the target is absorbed; a standing delay for an interval sheds until a sample is under it', async (t) => {
  let now = 0;
  const queue = new QueueDelay({ targetMs: 50, intervalMs: 100, maxMs: 500 }, () => now, 10);
  const admission = new Admission(10, queue);
  t.ok(admission.tryAdmit(), 'on time');
  now = 80;
  t.equal(admission.queueDelayMs, 70, 'the admission reports its queue\'s delay');
  t.equal(queue.delayMs, 70, 'the timer due at 10 is 70 ms overdue: the running turn is the queue');
  t.ok(admission.tryAdmit(), '70 ms overdue, over the target since 60: a burst, not yet an interval');
  queue.tick();
  t.ok(admission.tryAdmit(), 'it fired 70 ms late: over the target since 60, for 20 ms');
  now = 170;
  queue.tick();
  t.equal(admission.tryAdmit(), undefined, 'fired 80 ms late again: over the target since 60, for 110 ms (an interval): shed');
  t.equal(admission.shed, 1);
  now = 190;
  queue.tick();
  t.ok(admission.tryAdmit(), 'a sample on time: the queue drained, admitted at once');
  now = 300;
  t.ok(admission.tryAdmit(), 'a turn 100 ms overdue (over the target since 250): a burst so far');
  now = 360;
  t.equal(admission.tryAdmit(), undefined, 'the same turn, 160 ms overdue: over the target for 110 ms, shed');
});

t.test('queue delay: over maxMs sheds at once; the real timer starts and stops', async (t) => {
  let now = 0;
  const queue = new QueueDelay({ targetMs: 50, intervalMs: 1000, maxMs: 200 }, () => now, 10);
  now = 250;
  t.equal(queue.behind(), true, '240 ms overdue: over maxMs, shed without waiting for the interval');
  queue.tick();
  now = 255;
  t.equal(queue.behind(), true, 'the last sample was 240 ms late');
  now = 265;
  queue.tick();
  t.equal(queue.behind(), false, 'on time again');
  const real = new QueueDelay({ targetMs: 1000, intervalMs: 1000, maxMs: 1000 });
  real.start();
  real.start();
  t.equal(real.behind(), false);
  real.stop();
});
