import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { Pinning } from './pinning.js';
import { spawnTracked, stopChild, waitForReadyFile } from './processes.js';
import { BENCH_NODE_PREFIX } from './workload.js';

/** Where the bench runs things: the repository, a scratch directory, the pinning, optional profiling. */
export interface BenchEnv {
  readonly root: string;
  readonly workDir: string;
  readonly pinning: Pinning;
  /** When set, idnode servers and the bare node:http reference run with --cpu-prof and write <name>.cpuprofile here on exit. */
  readonly profileDir: string | undefined;
}

export interface RunningServer {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** host:port of the gRPC listener, when the server has one. */
  readonly grpc?: string;
  /** host:port of the Handle protocol listeners (UDP and TCP), when the server has them. */
  readonly hdl?: string;
  /** The health listener's base URL (IDNODE_HEALTH_PORT), when the server has one. */
  readonly health?: string;
  readonly logFile: string;
  /** With `serve --workers N` (N > 1): the workers' pids (the primary is `pid`). */
  readonly workerPids?: readonly number[];
  /** Graceful stop (SIGTERM; idnode flushes metering); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** The environment without IDNODE_* variables, so a developer's own settings never leak into a bench run. */
function cleanEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('IDNODE_')) env[key] = value;
  return { ...env, ...extra };
}

export interface IdnodeServerOptions {
  readonly name: string;
  readonly dataDir: string;
  /** IDNODE_* settings (cache size, store, …). */
  readonly settings?: Readonly<Record<string, string>>;
  /** 'both': the server may use the generator's core too (its writer thread commits while it parses). */
  readonly cores?: 'server' | 'both';
  /** Another checkout whose dist/ to run instead of this one (a baseline measured in the same run); default env.root. */
  readonly root?: string;
  /** `serve --workers N` (default 1); with N > 1 a CPU profile is written per process, named by pid. */
  readonly workers?: number;
  /** With env.profileDir: a profile per thread (the writer's too), named by Node, instead of one named for the server. */
  readonly profileEachThread?: boolean;
  /** Options for node itself, before the script (heap sizes, a preloaded probe). */
  readonly nodeArgs?: readonly string[];
}

/**
 * `idnode serve` from the compiled build on 127.0.0.1 at a port the OS picks, pinned to the server core.
 * gRPC and the Handle protocol are off unless `settings` names IDNODE_GRPC_PORT / IDNODE_HDL_PORT (their default
 * ports, 8001 and 2641, would be shared by every run). One process unless `options.workers` says otherwise (`--workers`):
 * the references are single processes on the same core, and serve's default of a worker per core would put a
 * cluster primary and two workers there.
 */
export async function startIdnode(env: BenchEnv, options: IdnodeServerOptions): Promise<RunningServer> {
  const readyFile = join(env.workDir, `${options.name}.ready.json`);
  const logFile = join(env.workDir, `${options.name}.log`);
  const workers = options.workers ?? 1;
  // Workers inherit the primary's execArgv: one file name would be written by every process in turn.
  const profileName = workers > 1 || options.profileEachThread === true ? [] : [`--cpu-prof-name=${options.name}.cpuprofile`];
  const profile = env.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${env.profileDir}`, ...profileName];
  const args = [
    ...(options.nodeArgs ?? []),
    ...profile,
    join(options.root ?? env.root, 'dist/cli/main.js'),
    'serve',
    '--data-dir', options.dataDir,
    '--host', '127.0.0.1',
    '--http-port', '0',
    '--ready-file', readyFile,
    '--node-prefix', BENCH_NODE_PREFIX,
    '--log-level', 'warn',
    '--workers', String(workers),
  ];
  const child = spawnTracked(process.execPath, args, { pinning: env.pinning, core: options.cores ?? 'server', logFile, env: cleanEnv({ IDNODE_GRPC_PORT: 'off', IDNODE_HDL_PORT: 'off', IDNODE_WORKERS: '1', ...options.settings }) });
  return running(options.name, child, readyFile, logFile, 120_000);
}

export interface BareHttpOptions {
  /** The compiled bare-http-server.mjs. */
  readonly script: string;
  readonly answersFrom: string;
  readonly writesTo: string;
}

/** The bare node:http reference (bench/references/bare-http-server.ts), pinned like idnode. */
export async function startBareHttp(env: BenchEnv, options: BareHttpOptions): Promise<RunningServer> {
  const name = 'bare-http';
  const readyFile = join(env.workDir, `${name}.ready.json`);
  const logFile = join(env.workDir, `${name}.log`);
  const profile = env.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${env.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`];
  const args = [...profile, options.script, '--answers-from', options.answersFrom, '--writes-to', options.writesTo, '--ready-file', readyFile];
  const child = spawnTracked(process.execPath, args, { pinning: env.pinning, logFile, env: cleanEnv({}) });
  return running(name, child, readyFile, logFile, 300_000);
}

async function running(name: string, child: ChildProcess, readyFile: string, logFile: string, timeoutMs: number): Promise<RunningServer> {
  try {
    const ready = await waitForReadyFile<{ http?: string; grpc?: string; hdl?: string; health?: string; workers?: string }>(readyFile, child, timeoutMs, logFile);
    return {
      name,
      pid: child.pid!,
      url: ready.http ?? '',
      ...(ready.grpc === undefined ? {} : { grpc: ready.grpc }),
      ...(ready.hdl === undefined ? {} : { hdl: ready.hdl }),
      ...(ready.health === undefined ? {} : { health: ready.health }),
      logFile,
      ...(ready.workers === undefined ? {} : { workerPids: ready.workers.split(' ').filter(Boolean).map(Number) }),
      stop: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child, 2_000);
    throw error;
  }
}

/** The bare grpc-js reference (bench/references/bare-grpc-server.ts), pinned like idnode. */
export async function startBareGrpc(env: BenchEnv, script: string, answersFrom: string): Promise<RunningServer> {
  const name = 'bare-grpc';
  const readyFile = join(env.workDir, `${name}.ready.json`);
  const logFile = join(env.workDir, `${name}.log`);
  const child = spawnTracked(process.execPath, [script, '--answers-from', answersFrom, '--ready-file', readyFile], { pinning: env.pinning, logFile, env: cleanEnv({}) });
  return running(name, child, readyFile, logFile, 300_000);
}

/**
 * The bare Handle-protocol reference (bench/references/bare-hdl-server.ts) on UDP and TCP, pinned like idnode,
 * answering every request with `answer` (the bytes idnode gave, its request id replaced by the request's).
 */
export async function startBareHdl(env: BenchEnv, script: string, answer: Buffer): Promise<RunningServer> {
  const name = 'bare-hdl';
  const readyFile = join(env.workDir, `${name}.ready.json`);
  const logFile = join(env.workDir, `${name}.log`);
  // Started once per Handle-protocol scenario: an earlier one's ready file would announce a stopped server.
  rmSync(readyFile, { force: true });
  const child = spawnTracked(process.execPath, [script, '--answer', answer.toString('hex'), '--ready-file', readyFile], { pinning: env.pinning, logFile, env: cleanEnv({}) });
  return running(name, child, readyFile, logFile, 60_000);
}

export interface RawInsertRun {
  readonly rows: number;
  readonly wallSec: number;
  readonly latenciesMs: number[];
}

/** The raw better-sqlite3 insert reference (bench/references/raw-sqlite-insert.ts), driven run by run. */
export interface RawSqliteReference {
  readonly pid: number;
  /** `full`: rows as idnode writes them (public_json and search entries too), else five columns. */
  run(durationMs: number, rowsPerTransaction: number, tag: string, full?: boolean): Promise<RawInsertRun>;
  stop(): Promise<number | null>;
}

/** What the reference's full rows carry beside values_json (one seeded identifier's; see SeededData.fullRow). */
export interface FullRowSample {
  readonly publicJson: string;
  readonly searchEntries: readonly (readonly [type: string, key: string])[];
}

/** `fullRow`: what full rows carry; without it, only five-column runs are meaningful. */
export async function startRawSqlite(env: BenchEnv, script: string, file: string, valuesJson: string, fullRow?: FullRowSample): Promise<RawSqliteReference> {
  const logFile = join(env.workDir, 'raw-sqlite.log');
  const full = fullRow === undefined ? [] : ['--public-json', fullRow.publicJson, '--search-entries', JSON.stringify(fullRow.searchEntries)];
  const child = spawnTracked(process.execPath, [script, '--file', file, '--values-json', valuesJson, ...full], {
    pinning: env.pinning,
    logFile,
    env: cleanEnv({}),
    pipeStdout: true,
  });
  const nextLine = lineReader(child, `the raw SQLite reference; see ${logFile}`);
  try {
    if ((await nextLine()) !== 'ready') throw new IdnodeError('INTERNAL_ERROR', `the raw SQLite reference did not start; see ${logFile}`);
  } catch (error) {
    await stopChild(child, 2_000);
    throw error;
  }
  return {
    pid: child.pid!,
    async run(durationMs, rowsPerTransaction, tag, full = false) {
      child.stdin!.write(`run ${Math.round(durationMs)} ${rowsPerTransaction} ${tag}${full ? ' full' : ''}\n`);
      return JSON.parse(await nextLine()) as RawInsertRun;
    },
    async stop() {
      child.stdin!.end();
      return stopChild(child);
    },
  };
}

/** Reads the child's stdout line by line; rejects, naming `what`, when the child exits with a line awaited. */
export function lineReader(child: ChildProcess, what: string): () => Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  let waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  lines.on('line', (line) => {
    if (waiting) {
      waiting.resolve(line);
      waiting = undefined;
    } else queue.push(line);
  });
  child.once('exit', (code) => {
    waiting?.reject(new IdnodeError('INTERNAL_ERROR', `${what} exited (${code})`));
    waiting = undefined;
  });
  return () =>
    queue.length > 0
      ? Promise.resolve(queue.shift()!)
      : new Promise((resolve, reject) => {
          waiting = { resolve, reject };
        });
}
