import { assertInterval, type Scheduler } from '../core/clock/scheduler.js';

/** Real timers: each task on an unref'd setInterval, so that background work never keeps the process alive. */
export const systemScheduler: Scheduler = {
  every(intervalMs, task) {
    assertInterval(intervalMs);
    const timer = setInterval(() => void task(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  },
};
