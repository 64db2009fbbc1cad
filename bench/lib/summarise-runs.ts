import type { LoadRun } from './http-load.js';
import type { Measured } from './result.js';
import { median } from './stats.js';

/**
 * A generator busy (running, or runnable but waiting for its core) for at least this share of a run means
 * it, not the server, may have been the limit: the throughput is then a floor.
 */
export const GENERATOR_SATURATION = 0.9;

export function generatorSaturated(run: Pick<LoadRun, 'generatorCpuShare' | 'generatorWaitShare'>): boolean {
  return run.generatorCpuShare + run.generatorWaitShare >= GENERATOR_SATURATION;
}

/** A measured run with the target's own CPU microseconds, and its main thread's wait for a CPU, over the run. */
export interface MeasuredRun {
  readonly run: LoadRun;
  readonly cpuMicros: number;
  readonly waitMicros: number;
}

/**
 * Folds the runs of one target into its figures: throughput is the median run (min and max beside it),
 * latency percentiles the median of the runs' percentiles, CPU per operation the total CPU over the total
 * operations (so short and long runs weigh by their work).
 */
export function summariseRuns(name: string, runs: readonly MeasuredRun[], rssMb: number | undefined): Measured {
  const rates = runs.map(({ run }) => run.ops / run.wallSec);
  const ops = runs.reduce((sum, { run }) => sum + run.ops, 0);
  const cpu = runs.reduce((sum, { cpuMicros }) => sum + cpuMicros, 0);
  const wait = runs.reduce((sum, { waitMicros }) => sum + waitMicros, 0);
  const wall = runs.reduce((sum, { run }) => sum + run.wallSec, 0);
  return {
    name,
    throughput: median(rates),
    min: Math.min(...rates),
    max: Math.max(...rates),
    runs: rates,
    p50Ms: median(runs.map(({ run }) => run.latency.p50Ms)),
    p99Ms: median(runs.map(({ run }) => run.latency.p99Ms)),
    p999Ms: median(runs.map(({ run }) => run.latency.p999Ms)),
    cpuMicrosPerOp: ops > 0 ? cpu / ops : Number.NaN,
    rssMb: rssMb ?? Number.NaN,
    cpuShare: wall > 0 ? cpu / 1e6 / wall : Number.NaN,
    waitShare: wall > 0 ? wait / 1e6 / wall : Number.NaN,
    generatorSaturated: runs.some(({ run }) => generatorSaturated(run)),
    generatorBusyShare: Math.max(...runs.map(({ run }) => run.generatorCpuShare + run.generatorWaitShare)),
    unexpected: runs.reduce((sum, { run }) => sum + run.unexpected, 0),
  };
}
