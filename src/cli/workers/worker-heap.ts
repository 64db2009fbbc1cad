/**
 * The node options a worker of serve --workers is forked with: the primary's own (a loader, source maps), then
 * its young generation's size (the semi-space-mb setting) — min and max alike, so it has that size from the
 * start rather than growing to it. V8 sizes the heap when a process starts, so this is the one place the
 * setting can take effect: a single process (workers 1) is sized by its own command line or NODE_OPTIONS.
 *
 * 0 (the default) adds nothing, leaving V8's own sizing: a scavenge's pause was measured to grow with the young
 * generation's size, at about the same share of time (docs/overload.md, "Garbage collection").
 */
export function workerExecArgv(primary: readonly string[], semiSpaceMb: number): string[] {
  if (semiSpaceMb === 0) return [...primary];
  // Later flags win over the primary's own semi-space flags, if it has any.
  return [...primary, `--min-semi-space-size=${semiSpaceMb}`, `--max-semi-space-size=${semiSpaceMb}`];
}
