import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Resolves once `condition` holds, checking it every `pollMs` of real time; rejects naming `what` after
 * `timeoutMs`. For what only real time brings about (another process, another database connection, output
 * through a pipe); a node's own timers are driven with ManualScheduler instead.
 */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000, pollMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}
