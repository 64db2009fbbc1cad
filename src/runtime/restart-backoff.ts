/**
 * How a part that ends unasked is restarted: the first wait, doubling for each further crash in a row up to
 * `maxMs`; a run of `stableAfterMs` or more was healthy, and the next crash starts the count over.
 */
export interface RestartBackoff {
  /** The wait before the first restart of a run of crashes (0: at once). */
  readonly firstMs: number;
  /** The wait before the second restart; each further one doubles it. */
  readonly baseMs: number;
  readonly maxMs: number;
  readonly stableAfterMs: number;
}

/**
 * A worker of `serve --workers N` (serve-workers.ts): 100 ms, 200 ms, 400 ms … up to 10 s while it keeps
 * crashing within 30 s of starting, so a crash loop (a bad disk, a full one) costs a restart every 10 s rather
 * than a spinning core.
 */
export const WORKER_RESTARTS: RestartBackoff = { firstMs: 100, baseMs: 200, maxMs: 10_000, stableAfterMs: 30_000 };

/**
 * The SQLite writer thread (SqliteWriter): at once, then 100 ms, 200 ms … up to 5 s while it keeps ending
 * within 30 s of starting. At once first: a thread starts in well under a second, and every write of the node
 * fails while none runs.
 */
export const WRITER_RESTARTS: RestartBackoff = { firstMs: 0, baseMs: 100, maxMs: 5_000, stableAfterMs: 30_000 };

/** The wait before restarting a part that ended unasked after running `ranMs`, and the crash count to keep for its successor. */
export function nextRestart(backoff: RestartBackoff, previousCrashes: number, ranMs: number): { readonly crashes: number; readonly delayMs: number } {
  const crashes = ranMs >= backoff.stableAfterMs ? 1 : previousCrashes + 1;
  const delayMs = crashes === 1 ? backoff.firstMs : Math.min(backoff.maxMs, backoff.baseMs * 2 ** (crashes - 2));
  return { crashes, delayMs };
}
