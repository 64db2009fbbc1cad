import type { LoadRun } from './http-load.js';
import { processCpuMicros, processPeakRssMb, processWaitNs } from './proc.js';
import type { Measured } from './result.js';
import { summariseRuns, type MeasuredRun } from './summarise-runs.js';

export { generatorSaturated, GENERATOR_SATURATION } from './summarise-runs.js';

/** One side of a comparison: the process whose CPU and memory are read, and how to load it once. */
export interface Target {
  readonly name: string;
  readonly pid: number;
  run(phase: 'warmup' | 'measure', index: number): Promise<LoadRun>;
}

/** One run with the target's CPU read from /proc just before and just after. */
export async function measureOnce(target: Target, phase: 'warmup' | 'measure', index: number): Promise<MeasuredRun> {
  const before = processCpuMicros(target.pid);
  const waitBefore = processWaitNs(target.pid);
  const run = await target.run(phase, index);
  return { run, cpuMicros: processCpuMicros(target.pid) - before, waitMicros: (processWaitNs(target.pid) - waitBefore) / 1000 };
}

/**
 * Measures ours and the reference in turns (warm-up each, then run i of each, the order alternating), so
 * noise from the shared machine falls on both alike rather than on whichever ran second.
 */
export async function measurePair(ours: Target, reference: Target, runs: number, warmup: boolean): Promise<{ ours: Measured; reference: Measured }> {
  const [measuredOurs, measuredReference] = await measureInTurns([ours, reference], runs, warmup);
  return { ours: measuredOurs!, reference: measuredReference! };
}

/**
 * Measures the targets in turns as measurePair does two: warm-up each, then run i of each, the order
 * reversed every other run. Returns each target's summary, in the order given.
 */
export async function measureInTurns(targets: readonly Target[], runs: number, warmup: boolean): Promise<Measured[]> {
  if (warmup) for (const target of targets) await measureOnce(target, 'warmup', 0);
  const measured: MeasuredRun[][] = targets.map(() => []);
  for (let i = 0; i < runs; i++) {
    const order = targets.map((_target, t) => t);
    if (i % 2 === 1) order.reverse();
    for (const t of order) measured[t]!.push(await measureOnce(targets[t]!, 'measure', i));
  }
  return targets.map((target, t) => summariseRuns(target.name, measured[t]!, processPeakRssMb(target.pid)));
}
