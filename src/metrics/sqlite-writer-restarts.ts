import type { MetricsSnapshot } from './aggregate-workers.js';

/** The SQLite writer thread's restarts (SqliteWriter): the node's, summed across the processes that report it. */
export const SQLITE_WRITER_RESTARTS = {
  name: 'idnode_sqlite_writer_restarts_total',
  help: 'SQLite writer threads started after the last one ended unasked (its outstanding writes failed with STORE_UNAVAILABLE, outcome unknown).',
} as const;

/**
 * The metric as snapshot data, for the primary of `serve --workers N`, which holds the node's writer but no
 * registry: MetricsGatherer hands it to the scraped worker with the workers' figures, and the sum is the node's
 * (each worker's own reads 0: its writes are forwarded).
 */
export function sqliteWriterRestartsSnapshot(restarts: number): MetricsSnapshot {
  return [{ ...SQLITE_WRITER_RESTARTS, type: 'counter', aggregator: 'sum', values: [{ value: restarts, labels: {} }] }] as unknown as MetricsSnapshot;
}
