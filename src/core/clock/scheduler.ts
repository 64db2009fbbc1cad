/** Stops a scheduled task; calling it again does nothing. A run already under way is not interrupted. */
export type Cancel = () => void;

/**
 * Runs the core's background work (metering flushes, ledger sealing). The core owns no timers: the real
 * scheduler lives in src/runtime, a virtual one in ManualScheduler.
 */
export interface Scheduler {
  /**
   * Runs `task` every `intervalMs` milliseconds of the scheduler's time, first `intervalMs` from now, until
   * cancelled. A scheduled task never keeps the process alive. A task must not throw or reject (it handles its
   * own failures): the real scheduler does not await it, and a run may start while the previous one is still
   * going, so tasks that must not overlap guard themselves. Throws RangeError for an interval that is not a
   * positive finite number.
   */
  every(intervalMs: number, task: () => void | Promise<void>): Cancel;
}

/** The interval check every Scheduler shares. Throws RangeError naming the bad interval. */
export function assertInterval(intervalMs: number): void {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError(`a scheduled interval must be a positive number of ms, got ${intervalMs}`);
}
