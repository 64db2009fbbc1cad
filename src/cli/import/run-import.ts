import { stat } from 'node:fs/promises';
import type { BulkItemResult } from '../../core/bulk/bulk-types.js';
import { sendBatch, type BatchClientOptions } from './batch-client.js';
import { importEntries, type SourceEntry, type SourceFormat } from './import-source.js';
import { Progress } from './progress.js';

export interface ImportOptions extends BatchClientOptions {
  readonly file: string;
  readonly format: SourceFormat;
  /** Lines per request (at most 2,000, the batch limit). */
  readonly batchSize: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Told about each line that was not registered, in line order, as soon as it is known. */
  onFailure(line: number, code: string, message: string): void;
  /** Told the progress text every progressIntervalMs, and once more at the end with `final` set. */
  onProgress(text: string, final: boolean): void;
  readonly progressIntervalMs: number;
}

export interface ImportSummary {
  /** Non-blank lines read (after a CSV header). */
  readonly lines: number;
  readonly created: number;
  readonly alreadyExisted: number;
  readonly updated: number;
  readonly failed: number;
  readonly seconds: number;
}

interface Batch {
  readonly entries: readonly SourceEntry[];
  readonly results: Promise<BulkItemResult[]>;
  /** Bytes of the file read when the batch was formed: how far the bar may go once the node has answered it. */
  readonly bytes: number;
}

/**
 * Imports a file into a running node through the REST batch API: lines are read as a stream, grouped into
 * batches, and up to `concurrency` batches are in flight; results are reported in line order. A line that
 * cannot be read (bad JSON, bad CSV row) is reported with its line number and never sent; valid lines go in
 * whatever their neighbours do. Rejects with the node's IdnodeError when it refuses a whole batch (bad
 * credentials, say) or stays unreachable; batches already acknowledged stay registered, and re-running the
 * same import then reports them as already existing.
 */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const progress = new Progress((await stat(options.file)).size);
  let bytesRead = 0;
  // The bar shows what the node has answered, not what was read: reading runs ahead of the node (all of a
  // small file is read at once), and a node that cannot be reached must not be drawn as 100% done.
  let bytesDone = 0;
  let linesDone = 0;
  const counts = { created: 0, alreadyExisted: 0, updated: 0, failed: 0 };
  const report = () => progress.line(bytesDone, linesDone);
  const timer = setInterval(() => options.onProgress(report(), false), options.progressIntervalMs);
  timer.unref();

  const settle = async (batch: Batch): Promise<void> => {
    const results = await batch.results;
    bytesDone = batch.bytes;
    let k = 0;
    for (const entry of batch.entries) {
      linesDone++;
      const problem = entry.item.problem;
      if (problem !== undefined) {
        counts.failed++;
        options.onFailure(entry.line, problem.code, problem.message);
        continue;
      }
      const result = results[k++];
      switch (result?.status) {
        case 'created':
          counts.created++;
          break;
        case 'already-exists':
          counts.alreadyExisted++;
          break;
        case 'updated':
          counts.updated++;
          break;
        default:
          counts.failed++;
          options.onFailure(entry.line, result?.code ?? 'INTERNAL_ERROR', result?.message ?? 'the node sent no result for this line');
      }
    }
  };

  const inFlight: Batch[] = [];
  const launch = (entries: SourceEntry[]): Batch => {
    const items = entries.flatMap((entry) => (entry.item.problem === undefined ? [entry.item] : []));
    const results = items.length === 0 ? Promise.resolve([]) : sendBatch(items, options);
    // Awaited in order later; until then a rejection must not count as unhandled.
    results.catch(() => {});
    return { entries, results, bytes: bytesRead };
  };

  try {
    let pending: SourceEntry[] = [];
    for await (const entry of importEntries(options.file, options.format, (bytes) => (bytesRead = bytes))) {
      pending.push(entry);
      if (pending.length < options.batchSize) continue;
      inFlight.push(launch(pending));
      pending = [];
      if (inFlight.length >= options.concurrency) await settle(inFlight.shift()!);
    }
    if (pending.length > 0) inFlight.push(launch(pending));
    while (inFlight.length > 0) await settle(inFlight.shift()!);
  } finally {
    clearInterval(timer);
  }
  bytesDone = bytesRead;
  options.onProgress(report(), true);
  return { lines: linesDone, ...counts, seconds: progress.elapsedSeconds() };
}
