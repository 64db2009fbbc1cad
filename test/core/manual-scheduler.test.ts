import t from 'tap';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';

t.test('virtual time moves only when advanced', async (t) => {
  const time = new ManualScheduler();
  t.equal(time.now(), 1000, 'starts at 1000 by default (never 0)');
  t.equal(time.now(), 1000);
  await time.advance(250);
  t.equal(time.now(), 1250);
  await time.advance(0);
  t.equal(time.now(), 1250);
  t.equal(new ManualScheduler(5).now(), 5);
  for (const start of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) t.throws(() => new ManualScheduler(start), RangeError, `start ${start}`);
  for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY]) await t.rejects(time.advance(ms), RangeError, `advance ${ms}`);
  t.equal(time.now(), 1250, 'a refused advance moves nothing');
});

t.test('tasks run when due, in time order, each seeing its own due time', async (t) => {
  const time = new ManualScheduler(100);
  const runs: [string, number][] = [];
  time.every(30, () => void runs.push(['a', time.now()]));
  time.every(20, () => void runs.push(['b', time.now()]));
  time.every(60, () => void runs.push(['c', time.now()]));
  await time.advance(59);
  t.same(runs, [['b', 120], ['a', 130], ['b', 140]]);
  runs.length = 0;
  await time.advance(1);
  t.same(runs, [['a', 160], ['b', 160], ['c', 160]], 'tasks due at once run in the order they were scheduled');
  t.equal(time.now(), 160);
  runs.length = 0;
  await time.advance(1000);
  t.equal(runs.filter(([name]) => name === 'c').length, 16, 'an interval task runs once per interval however far time jumps');
  t.equal(time.now(), 1160);
});

t.test('advance awaits each task before running the next', async (t) => {
  const time = new ManualScheduler();
  const events: string[] = [];
  time.every(10, async () => {
    events.push(`start ${time.now()}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
    events.push(`end ${time.now()}`);
  });
  await time.advance(20);
  t.same(events, ['start 1010', 'end 1010', 'start 1020', 'end 1020']);
  const first = time.advance(10);
  await t.rejects(time.advance(10), /another advance is running/, 'advances do not overlap');
  await first;
  t.same(events.slice(4), ['start 1030', 'end 1030'], 'the first advance ran alone');
});

t.test('cancel stops a task; a failing task rejects the advance at its due time and stays scheduled', async (t) => {
  const time = new ManualScheduler();
  let runs = 0;
  const cancel = time.every(10, () => void runs++);
  await time.advance(25);
  t.equal(runs, 2);
  t.equal(time.pendingTasks, 1);
  cancel();
  cancel();
  t.equal(time.pendingTasks, 0);
  await time.advance(100);
  t.equal(runs, 2, 'no run after cancel');

  let failures = 0;
  time.every(10, async () => {
    failures++;
    throw new Error('task failed');
  });
  await t.rejects(time.advance(35), /task failed/);
  t.equal(time.now(), 1135, 'time stops at the failing run');
  await t.rejects(time.advance(10), /task failed/, 'still scheduled');
  t.equal(failures, 2);
  t.throws(() => time.every(0, () => {}), RangeError);
  t.throws(() => time.every(Number.NaN, () => {}), { message: /positive number of ms, got NaN/ });
});
