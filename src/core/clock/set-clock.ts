import type { Clock } from './clock.js';
import type { Monotonic } from './monotonic.js';

/**
 * A clock set to start at a chosen instant and run `rate` times faster than real time, for tests, demos and
 * simulations (`serve --clock-start … --clock-rate …`). Its `simulation` field is what makes a node say, in
 * /readyz, its logs, reports and sealed ledger entries, that its figures are not production figures.
 */
export class SetClock implements Clock {
  readonly simulation: { readonly startMs: number; readonly rate: number };
  private readonly realStartMs: number;

  /**
   * The clock runs from `startMs` at `rate` times the pace of `realTime` (the system's monotonic clock in
   * production). Throws RangeError for a start that is not a finite instant or a rate that is not a positive
   * finite number. `realStartMs` (on `realTime`'s scale, possibly in the past) is when the clock reads `startMs`;
   * default: now.
   */
  constructor(startMs: number, rate: number, private readonly realTime: Monotonic, realStartMs?: number) {
    if (!Number.isFinite(startMs)) throw new RangeError(`clock start must be a finite instant, got ${startMs}`);
    if (!Number.isFinite(rate) || rate <= 0) throw new RangeError(`clock rate must be a positive number, got ${rate}`);
    this.simulation = { startMs, rate };
    this.realStartMs = realStartMs ?? realTime.now();
  }

  now(): number {
    return Math.floor(this.simulation.startMs + (this.realTime.now() - this.realStartMs) * this.simulation.rate);
  }
}

/** What a node tells about its clock (readiness, logs, reports, ledger entries). */
export interface ClockDescription {
  readonly mode: 'system' | 'simulated';
  /** For a simulated clock: where it started (ISO-8601) and how much faster than real time it runs. */
  readonly start?: string;
  readonly rate?: number;
}

export function describeClock(clock: Clock): ClockDescription {
  const simulation = clock.simulation;
  if (simulation === undefined) return { mode: 'system' };
  return { mode: 'simulated', start: new Date(simulation.startMs).toISOString(), rate: simulation.rate };
}
