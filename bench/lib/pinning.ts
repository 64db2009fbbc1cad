import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Server on one core, load generator on another, so neither steals the other's CPU and each process's
 * CPU share means something. Off (everything shares all cores) when taskset is missing or there is one core.
 */
export interface Pinning {
  readonly enabled: boolean;
  readonly serverCpu: number;
  readonly generatorCpu: number;
}

export const UNPINNED: Pinning = { enabled: false, serverCpu: -1, generatorCpu: -1 };

/** Pins this process (every thread: autocannon runs here) to the generator core; the servers go elsewhere. */
export function pinGenerator(): Pinning {
  if (availableParallelism() < 2) return UNPINNED;
  const pinning: Pinning = { enabled: true, serverCpu: 0, generatorCpu: 1 };
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(pinning.generatorCpu), String(process.pid)], { stdio: 'ignore' });
    return pinning;
  } catch {
    return UNPINNED;
  }
}

/** Moves every thread of a running process to the server core (a server started on both cores for one phase). */
export function pinToServerCore(pid: number, pinning: Pinning): void {
  if (!pinning.enabled) return;
  execFileSync('taskset', ['-a', '-p', '-c', String(pinning.serverCpu), String(pid)], { stdio: 'ignore' });
}
