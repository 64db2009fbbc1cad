import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnv, NODE_CLI_ARGS, REPO_ROOT } from './child-node.js';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnNodeOptions {
  /** The node's data directory (created if missing). */
  readonly dataDir: string;
  /** Arguments after the helper's own `serve` flags; a repeated single-valued flag overrides the helper's. */
  readonly args?: readonly string[];
  /** Added to the environment. The test runner's own IDNODE_* variables are never passed on. */
  readonly env?: Readonly<Record<string, string>>;
  /** Default: `<dataDir>/ready.json`. */
  readonly readyFile?: string;
  /** Default 'warn' (set 'info' to see lifecycle lines in stdout()). */
  readonly logLevel?: string;
  /** How long to wait for the ready file (default 30 s). */
  readonly readyTimeoutMs?: number;
  /** 'top' starts `idnode top` (no --hdl-port: it has no Handle protocol listener); default 'serve'. */
  readonly command?: 'serve' | 'top';
  /** When given, a still-running process is killed (SIGKILL) at teardown of this test. */
  readonly t?: { teardown(fn: () => unknown): void };
}

export interface SpawnedNode {
  /** The REST base URL from the ready file, e.g. http://127.0.0.1:41234; '' when REST is off (--http-port off). */
  readonly url: string;
  readonly process: ChildProcess;
  readonly readyFile: string;
  /** Resolves when the process has ended. */
  readonly exited: Promise<Exit>;
  /** Everything written so far. stdout carries the JSON log lines; stderr the first-run block and start errors. */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` (default SIGTERM) unless the process already ended, then waits for it to end. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/**
 * Starts `idnode serve` as a real child process on 127.0.0.1 with --http-port 0, --grpc-port off and
 * --hdl-port off (pass `--grpc-port 0` or `--hdl-port 0` in args for those: their default ports would collide
 * between parallel tests), --ready-file, and
 * resolves once the ready file appears. Rejects (after killing the process) when it exits first or the wait
 * times out; the message carries its stderr and stdout.
 */
export async function spawnNode(options: SpawnNodeOptions): Promise<SpawnedNode> {
  const readyFile = options.readyFile ?? join(options.dataDir, 'ready.json');
  // A ready file left by an earlier run must not be taken for this one's.
  rmSync(readyFile, { force: true });
  const args = [
    ...NODE_CLI_ARGS,
    options.command ?? 'serve',
    '--data-dir',
    options.dataDir,
    '--host',
    '127.0.0.1',
    '--http-port',
    '0',
    '--grpc-port',
    'off',
    ...(options.command === 'top' ? [] : ['--hdl-port', 'off']),
    '--ready-file',
    readyFile,
    '--log-level',
    options.logLevel ?? 'warn',
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  const collected = collectOutput(child);
  const exited = exitOf(child);
  options.t?.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });

  let ended: Exit | undefined;
  void exited.then((exit) => (ended = exit));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  let url: string | undefined;
  while (url === undefined) {
    url = readReadyUrl(readyFile);
    if (url !== undefined) break;
    if (ended !== undefined || Date.now() > deadline) {
      if (ended === undefined) {
        child.kill('SIGKILL');
        await exited;
      }
      const how = ended === undefined ? 'did not become ready in time' : `exited before it was ready (code ${ended.code}, signal ${ended.signal})`;
      throw new Error(`idnode serve ${how}\n--- stderr ---\n${collected.stderr()}\n--- stdout ---\n${collected.stdout()}`);
    }
    await sleep(20);
  }
  // The node writes to stderr (the first-run banner) before its ready file, but this loop may see the file in the
  // same turn as the pipe's bytes arrive, before they are read: one poll phase more, and stderr() holds them.
  await new Promise((resolve) => setImmediate(resolve));

  return {
    url,
    process: child,
    readyFile,
    exited,
    stdout: collected.stdout,
    stderr: collected.stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The REST URL in the ready file ('' when REST is off), or undefined while there is no file. */
function readReadyUrl(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // The node writes the file whole (temporary file + rename), so a file that exists parses.
  return (JSON.parse(text) as { http?: string }).http ?? '';
}

export function collectOutput(child: ChildProcess): { stdout(): string; stderr(): string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { stdout: () => stdout, stderr: () => stderr };
}

export function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
}

/** The credentials of the first-run block in a node's stderr; `undefined` when it printed none (the CLI's own parser). */
export { parseFirstRunCredentials as firstRunCredentials, type PrintedCredential } from '../../src/cli/first-run-banner.js';
