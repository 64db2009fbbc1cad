import type { Measured, ScenarioResult } from './result.js';

/** What scenarioResult needs of a scenario's description. */
export interface ScenarioDescription {
  readonly name: string;
  readonly title: string;
  readonly notes?: readonly string[];
  /** Compare p99 latency instead of throughput (fixed-rate runs). */
  readonly ratioOf?: 'throughput' | 'p99';
}

/** A server main thread waiting for its core this share of a run is worth a note. */
const CONTENDED = 0.1;

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Puts ours, the reference and the ratio together, with the notes any floor or error calls for. */
export function scenarioResult(
  spec: ScenarioDescription,
  ours: Measured,
  reference: Measured,
): ScenarioResult {
  const ratioOf = spec.ratioOf ?? 'throughput';
  const notes = [...(spec.notes ?? [])];
  if (ours.generatorSaturated || reference.generatorSaturated) {
    const which = [ours.generatorSaturated ? 'ours' : '', reference.generatorSaturated ? 'the reference' : ''].filter(Boolean).join(' and ');
    notes.push(
      `the load generator was busy ${percent(Math.max(ours.generatorBusyShare, reference.generatorBusyShare))} of a run (running or waiting for its core) while driving ${which}: that throughput is a floor, and the ratio only indicative.`,
    );
  }
  if (Math.max(ours.waitShare, reference.waitShare) >= CONTENDED) {
    notes.push(
      `other load on the machine held the server core: idnode waited for it ${percent(ours.waitShare)} of its runs, the reference ${percent(reference.waitShare)}; absolute figures understate a quiet core, the interleaved ratio less so.`,
    );
  }
  if (ours.unexpected > 0 || reference.unexpected > 0) notes.push(`unexpected responses or errors: ours ${ours.unexpected}, reference ${reference.unexpected}.`);
  return {
    ...ours,
    name: spec.name,
    title: spec.title,
    reference,
    ratio: ratioOf === 'throughput' ? ours.throughput / reference.throughput : ours.p99Ms / reference.p99Ms,
    ratioOf,
    cpuRatio: reference.cpuMicrosPerOp / ours.cpuMicrosPerOp,
    notes,
  };
}

/**
 * One set of idnode runs of a bulk scenario against both raw-insert ceilings (bench/references/raw-sqlite-insert.ts):
 * the five-column rows (`name`), and idnode's full rows (`name`-full-rows: with public_json and the search
 * entries, so that ratio leaves out SQLite's own cost of idnode's larger rows). `rowsPerCommit`: the raw side's
 * rows per transaction; `notes`: the scenario's own, on the first result.
 */
export function againstRawCeilings(
  spec: { readonly name: string; readonly title: string; readonly notes: readonly string[] },
  rowsPerCommit: number,
  ours: Measured,
  fiveColumns: Measured,
  fullRows: Measured,
): ScenarioResult[] {
  const rows = rowsPerCommit.toLocaleString('en-US');
  return [
    scenarioResult({ name: spec.name, title: spec.title, notes: [...spec.notes, `The reference commits ${rows} raw five-column rows per transaction with the same durability.`] }, ours, fiveColumns),
    scenarioResult(
      {
        name: `${spec.name}-full-rows`,
        title: `${spec.title}, against raw inserts of idnode's full rows`,
        notes: [
          `the same idnode runs as ${spec.name}; this reference commits ${rows} rows per transaction as idnode writes them (the five columns, the kept public answer public_json and each identifier's search entries), so the ratio leaves out SQLite's own cost of idnode's larger rows.`,
        ],
      },
      ours,
      fullRows,
    ),
  ];
}
