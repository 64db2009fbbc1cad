import type { LoadRun } from './http-load.js';
import type { Target } from './measure.js';
import type { RawInsertRun, RawSqliteReference } from './servers.js';
import { LatencyRecorder } from './stats.js';

/** A raw insert run as a LoadRun: there is no generator (the reference loops by itself), so no saturation. */
export function rawRunToLoadRun(run: RawInsertRun): LoadRun {
  const latencies = new LatencyRecorder(run.latenciesMs.length + 1);
  for (const ms of run.latenciesMs) latencies.record(ms);
  return {
    ops: run.rows,
    responses: run.latenciesMs.length,
    sent: run.latenciesMs.length,
    wallSec: run.wallSec,
    latency: latencies.summary(),
    generatorCpuShare: 0,
    generatorWaitShare: 0,
    unexpected: 0,
    statuses: {},
  };
}

/**
 * The raw better-sqlite3 reference as a measurement target: `rowsPerTransaction` rows per commit, of five
 * columns, or with `fullRows` as idnode writes them (public_json and search entries too; the reference must
 * have been started with a FullRowSample).
 */
export function rawSqliteTarget(
  reference: RawSqliteReference,
  rowsPerTransaction: number,
  durationSec: (phase: 'warmup' | 'measure') => number,
  tag: string,
  fullRows = false,
): Target {
  const fiveColumns = rowsPerTransaction === 1 ? 'raw better-sqlite3 insert' : `raw better-sqlite3, ${rowsPerTransaction} rows/commit`;
  return {
    name: fullRows ? `raw better-sqlite3, ${rowsPerTransaction} full rows/commit (+ public_json, search entries)` : fiveColumns,
    pid: reference.pid,
    run: async (phase, index) => rawRunToLoadRun(await reference.run(durationSec(phase) * 1000, rowsPerTransaction, `${tag}${fullRows ? 'f' : ''}${phase[0]}${index}`, fullRows)),
  };
}
