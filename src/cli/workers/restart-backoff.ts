/** The first restart of a crashed worker waits this long; each further crash in a row doubles it. */
export const RESTART_BASE_MS = 100;
/** The longest wait between restarts of a worker that keeps crashing. */
export const RESTART_MAX_MS = 10_000;
/** A worker that ran this long before it crashed was healthy: its next restart starts from the base again. */
export const STABLE_AFTER_MS = 30_000;

/**
 * The wait before restarting a worker that ended unasked, and the crash count to keep for its successor:
 * 100 ms, 200 ms, 400 ms … up to 10 s while it keeps crashing within 30 s of starting, so a crash loop
 * (a bad disk, a full one) costs a restart every 10 s rather than a spinning core.
 */
export function nextRestart(previousCrashes: number, ranMs: number): { readonly crashes: number; readonly delayMs: number } {
  const crashes = ranMs >= STABLE_AFTER_MS ? 1 : previousCrashes + 1;
  return { crashes, delayMs: Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** (crashes - 1)) };
}
