import type { Monotonic } from '../core/clock/monotonic.js';

/** The process's monotonic clock (performance.now: ms since the process started, never 0 once running). */
export const systemMonotonic: Monotonic = { now: () => performance.now() };
