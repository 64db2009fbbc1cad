import type { Monotonic } from './monotonic.js';
import { assertInterval, type Cancel, type Scheduler } from './scheduler.js';

interface Scheduled {
  due: number;
  readonly intervalMs: number;
  readonly task: () => void | Promise<void>;
  /** Order of scheduling: tasks due at the same time run in this order. */
  readonly order: number;
}

/**
 * Virtual time for tests and simulations: a monotonic clock and a scheduler that move only when `advance` is
 * called, so that nothing waits for real time and every run is the same. It uses no timers.
 */
export class ManualScheduler implements Scheduler, Monotonic {
  private nowMs: number;
  private scheduled: Scheduled[] = [];
  private scheduledCount = 0;
  private advancing = false;

  /** `startMs`: the first reading of `now` (default 1000). Throws RangeError unless it is a positive finite number. */
  constructor(startMs = 1000) {
    if (!Number.isFinite(startMs) || startMs <= 0) throw new RangeError(`a monotonic clock must start above 0, got ${startMs}`);
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  every(intervalMs: number, task: () => void | Promise<void>): Cancel {
    assertInterval(intervalMs);
    const entry: Scheduled = { due: this.nowMs + intervalMs, intervalMs, task, order: this.scheduledCount++ };
    this.scheduled.push(entry);
    return () => {
      this.scheduled = this.scheduled.filter((other) => other !== entry);
    };
  }

  /** Tasks scheduled and not cancelled. */
  get pendingTasks(): number {
    return this.scheduled.length;
  }

  /**
   * Moves time forward by `ms`, running every task that falls due on the way in time order (tasks due at
   * the same time in the order they were scheduled), each with `now` reading its due time, and awaiting each
   * one's promise before the next. Resolves with `now` at the old reading plus `ms`. Rejects with a task's
   * error, `now` then left at that task's due time (the task stays scheduled). Rejects with RangeError for an
   * `ms` that is negative or not finite, and with Error when another advance is still running (nothing moves).
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`time advances by a finite number of ms ≥ 0, got ${ms}`);
    if (this.advancing) throw new Error('ManualScheduler.advance called while another advance is running');
    this.advancing = true;
    try {
      const target = this.nowMs + ms;
      for (let next = this.nextDue(target); next !== undefined; next = this.nextDue(target)) {
        this.nowMs = next.due;
        next.due += next.intervalMs;
        await next.task();
      }
      this.nowMs = target;
    } finally {
      this.advancing = false;
    }
  }

  /** The task due first at or before `target`, if any. */
  private nextDue(target: number): Scheduled | undefined {
    let first: Scheduled | undefined;
    for (const entry of this.scheduled) {
      if (entry.due > target) continue;
      if (first === undefined || entry.due < first.due || (entry.due === first.due && entry.order < first.order)) first = entry;
    }
    return first;
  }
}
