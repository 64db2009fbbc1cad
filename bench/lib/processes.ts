import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { Pinning } from './pinning.js';

/**
 * Every child process the bench starts goes through here, so all of them are stopped at the end, also
 * when the bench fails or is interrupted (stopAllChildren, and a last SIGKILL on process exit).
 */
const live = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface SpawnOptions {
  /** Cores to pin to (with taskset), when pinning is on. */
  readonly pinning: Pinning;
  /**
   * Which of them: the server core (default), the generator core (a load generator run as a child), or both
   * (a server whose threads work in parallel, measured against a generator that does next to nothing).
   */
  readonly core?: 'server' | 'generator' | 'both';
  readonly env?: NodeJS.ProcessEnv;
  /** stderr (and stdout unless pipeStdout) are appended to this file (the bench keeps logs next to the data). */
  readonly logFile: string;
  /** stdout is a pipe the bench reads (a reference driven over stdin/stdout). */
  readonly pipeStdout?: boolean;
}

/**
 * Starts `command args` pinned to the server core (or the generator core). taskset execs the command, so the
 * child's pid is the measured process itself (its /proc entries are the server's, not a wrapper's).
 */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const log = openSync(options.logFile, 'a');
  const [file, argv] = options.pinning.enabled
    ? ['taskset', ['-c', coresOf(options.pinning, options.core ?? 'server'), command, ...args]]
    : [command, [...args]];
  const child = spawn(file, argv, { env: options.env ?? process.env, stdio: ['pipe', options.pipeStdout ? 'pipe' : log, log] });
  closeSync(log);
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

function coresOf(pinning: Pinning, core: 'server' | 'generator' | 'both'): string {
  if (core === 'both') return `${pinning.serverCpu},${pinning.generatorCpu}`;
  return String(core === 'generator' ? pinning.generatorCpu : pinning.serverCpu);
}

/** SIGTERM (graceful: the node flushes metering), then SIGKILL after `graceMs`. Resolves once it exited. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child, 5_000)));
}

/**
 * Waits until `file` holds JSON (a ready file written atomically), failing when the child exits first or
 * `timeoutMs` passes. The error names the log file, where the child said why.
 */
export async function waitForReadyFile<T>(file: string, child: ChildProcess, timeoutMs: number, logFile: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new IdnodeError('INTERNAL_ERROR', `the process exited (${child.exitCode ?? child.signalCode}) before writing ${file}; see ${logFile}:\n${tail(logFile)}`);
    }
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as T;
      } catch {
        // Written by a non-atomic writer and caught half-way: read again.
      }
    }
    await sleep(50);
  }
  throw new IdnodeError('INTERNAL_ERROR', `no ${file} after ${timeoutMs} ms; see ${logFile}:\n${tail(logFile)}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}
