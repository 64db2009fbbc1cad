import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../../src/core/clock/clock.js';
import { SetClock } from '../../src/core/clock/set-clock.js';
import { configuredClock, systemRuntime } from '../../src/runtime/system-runtime.js';
import { systemMonotonic } from '../../src/runtime/system-monotonic.js';
import { systemScheduler } from '../../src/runtime/system-scheduler.js';
import { DEFAULT_POLICY_ID } from '../../src/policies/load-policies.js';
import { eventually } from '../helpers/eventually.js';

t.test('the system monotonic clock is positive and never goes back', async (t) => {
  const first = systemMonotonic.now();
  t.ok(first > 0);
  await sleep(5);
  t.ok(systemMonotonic.now() >= first + 4);
});

t.test('the system scheduler runs a task on an unref’d timer until cancelled', async (t) => {
  const original = globalThis.setInterval;
  const timers: NodeJS.Timeout[] = [];
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    const timer = original(...args);
    timers.push(timer);
    return timer;
  }) as typeof setInterval;
  let runs = 0;
  let cancel: () => void;
  try {
    cancel = systemScheduler.every(5, () => void runs++);
  } finally {
    globalThis.setInterval = original;
  }
  t.equal(timers.length, 1);
  t.equal(timers[0]!.hasRef(), false, 'a scheduled task never keeps the process alive');
  await eventually(() => runs >= 2, 'two runs', 5000, 5);
  cancel();
  const after = runs;
  // The absence of further runs can only be shown by waiting: several intervals, bounded.
  await sleep(50);
  t.equal(runs, after, 'no run after cancel');
  t.throws(() => systemScheduler.every(0, () => {}), RangeError);
});

t.test('systemRuntime: real time and randomness, the given clock, the configured policies', async (t) => {
  const runtime = systemRuntime({});
  t.equal(runtime.clock, systemClock);
  t.equal(runtime.monotonic, systemMonotonic);
  t.equal(runtime.scheduler, systemScheduler);
  t.equal(runtime.random.bytes(4).length, 4);
  t.equal(runtime.policies.defaultId, DEFAULT_POLICY_ID);
  const set = configuredClock({ start: Date.parse('2024-01-01T00:00:00Z'), rate: 60 });
  t.equal(systemRuntime({}, set).clock, set);
  t.throws(() => systemRuntime({ policyDir: '/nonexistent/idnode-policies' }), { code: 'CONFIG_INVALID', message: /cannot read the policy directory/ });
});

t.test('configuredClock: the system clock unless the setting sets one', async (t) => {
  t.equal(configuredClock(undefined), systemClock);
  const set = configuredClock({ start: Date.parse('2024-01-01T00:00:00Z'), rate: 60 });
  t.ok(set instanceof SetClock);
  t.same(set.simulation, { startMs: Date.parse('2024-01-01T00:00:00Z'), rate: 60 });
  const before = Date.now();
  const fromNow = configuredClock({});
  t.same(fromNow.simulation?.rate, 1, 'rate 1 when absent');
  t.ok(fromNow.simulation!.startMs >= before && fromNow.simulation!.startMs <= Date.now(), 'starts now when no start is set');
  t.throws(() => configuredClock({ rate: 0 }), RangeError);
  // Given a real start ten seconds ago at 60×, the clock already reads ten simulated minutes past its start.
  const start = Date.parse('2024-01-01T00:00:00Z');
  const anchored = configuredClock({ start, rate: 60, realStart: Date.now() - 10_000 });
  const elapsed = anchored.now() - start;
  t.ok(elapsed >= 600_000 && elapsed < 600_000 + 60 * 1000, `processes given one real start share one clock (elapsed ${elapsed} ms)`);
});
