import { accessSync, constants, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { LoadRun } from './http-load.js';
import type { Pinning } from './pinning.js';
import { grpcOutcome, parseH2loadSummary, readH2loadLog } from './h2load-output.js';
import { processThreadsWaitNs, reapedChildrenCpuMicros } from './proc.js';
import { spawnTracked } from './processes.js';
import { LatencyRecorder } from './stats.js';

/** h2load's path on PATH (Debian: apt-get install nghttp2-client), undefined when there is none. */
export function findH2load(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'h2load');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** "h2load nghttp2/1.52.0", for the notes. */
export function h2loadVersion(path: string): string {
  return execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
}

export interface H2loadOptions {
  readonly h2load: string;
  /** Plain HTTP/2: http://host:port/path. */
  readonly url: string;
  /** Every request's body: written to `${workFiles}.body` for h2load to send. */
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  /** HTTP/2 connections (-c), and streams kept in flight on each (-m): a closed loop of clients × streams. */
  readonly clients: number;
  readonly streams: number;
  /** Run for this long (-D)… */
  readonly durationSec?: number;
  /** …or send this many requests (-n). */
  readonly amount?: number;
  /** Stop h2load after this many seconds even if it has not finished (then the run is read from its log). */
  readonly maxSec: number;
  /** DATA bytes of the one answer expected to every request (see grpcOutcome). */
  readonly answerBytes: number;
  /** Scratch path prefix for the body, the per-request log and h2load's stderr. */
  readonly workFiles: string;
  /** h2load goes on the generator core. */
  readonly pinning: Pinning;
}

/** Every 100 ms the generator's thread wait is read (h2load's /proc entry is gone once it has exited). */
const POLL_MS = 100;

/** What one h2load process did, before its output is interpreted. */
interface H2loadProcessRun {
  readonly stdout: string;
  /** True when maxSec stopped it (then there is no summary on stdout). */
  readonly cut: boolean;
  readonly wallSec: number;
  readonly latencies: LatencyRecorder;
  /** Requests in its per-request log, by HTTP status (-1: the stream failed). */
  readonly byStatus: Map<number, number>;
  readonly generatorCpuShare: number;
  readonly generatorWaitShare: number;
}

/**
 * Runs h2load with `args` (plus one worker thread, the per-request log and `maxSec`'s bound) on the
 * generator core. Its CPU share is its utime + stime (read as this process's reaped children's CPU, exact),
 * its wait share the wait of its threads for their core (polled). Throws when it fails other than by the cut.
 */
async function runH2loadProcess(h2load: string, args: readonly string[], maxSec: number, workFiles: string, pinning: Pinning, target: string): Promise<H2loadProcessRun> {
  const logFile = `${workFiles}.requests.log`;
  rmSync(logFile, { force: true });
  const cpuBefore = reapedChildrenCpuMicros();
  const started = performance.now();
  const child = spawnTracked(h2load, ['-t', '1', ...args, `--log-file=${logFile}`], { pinning, core: 'generator', logFile: `${workFiles}.stderr.log`, pipeStdout: true });
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  let waitNs = 0;
  let waitAtSec = 0;
  const poll = setInterval(() => {
    // Wait only grows: a lower reading is a process (or thread) already gone, and is not kept.
    const now = processThreadsWaitNs(child.pid!);
    if (now < waitNs) return;
    waitNs = now;
    waitAtSec = (performance.now() - started) / 1000;
  }, POLL_MS);
  let cut = false;
  const bound = setTimeout(() => {
    cut = true;
    child.kill('SIGTERM');
  }, maxSec * 1000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  }).finally(() => {
    clearInterval(poll);
    clearTimeout(bound);
  });
  const wallSec = (performance.now() - started) / 1000;
  const generatorCpuSec = (reapedChildrenCpuMicros() - cpuBefore) / 1e6;
  if (code !== 0 && !cut) throw new IdnodeError('INTERNAL_ERROR', `h2load exited with ${code} against ${target}; see ${workFiles}.stderr.log`);
  const latencies = new LatencyRecorder();
  const byStatus = readH2loadLog(existsSync(logFile) ? readFileSync(logFile, 'utf8') : '', latencies);
  return {
    stdout,
    cut,
    wallSec,
    latencies,
    byStatus,
    generatorCpuShare: generatorCpuSec / wallSec,
    generatorWaitShare: waitAtSec > 0 ? waitNs / 1e9 / waitAtSec : 0,
  };
}

/** Cut short by maxSec: no summary, so what the log holds stands (answers of `okStatus` and the rest). */
function cutRun(run: H2loadProcessRun, okStatus: number): LoadRun {
  const answered = run.byStatus.get(okStatus) ?? 0;
  const logged = [...run.byStatus.values()].reduce((sum, count) => sum + count, 0);
  return {
    latency: run.latencies.summary(),
    generatorCpuShare: run.generatorCpuShare,
    generatorWaitShare: run.generatorWaitShare,
    ops: logged,
    responses: logged,
    sent: logged,
    wallSec: run.wallSec,
    unexpected: logged - answered,
    statuses: { [`http ${okStatus} (unchecked)`]: answered, other: logged - answered },
  };
}

/**
 * One closed-loop run of h2load (one worker thread, on the generator core) sending the same request over
 * and over. Latencies come from its per-request log, exact; calls from its summary, each checked against
 * the expected answer's size, so a gRPC error that HTTP/2 calls a success counts as unexpected.
 */
export async function runH2load(options: H2loadOptions): Promise<LoadRun> {
  if ((options.durationSec === undefined) === (options.amount === undefined)) {
    throw new IdnodeError('CONFIG_INVALID', 'an h2load run needs exactly one of durationSec and amount');
  }
  const bodyFile = `${options.workFiles}.body`;
  writeFileSync(bodyFile, options.body);
  const args = [
    '-c', String(options.clients),
    '-m', String(options.streams),
    ...(options.amount === undefined ? ['-D', `${Math.round(options.durationSec! * 1000)}ms`] : ['-n', String(options.amount)]),
    '-d', bodyFile,
    ...Object.entries(options.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    options.url,
  ];
  const run = await runH2loadProcess(options.h2load, args, options.maxSec, options.workFiles, options.pinning, options.url);
  if (run.cut) return cutRun(run, 200);
  const summary = parseH2loadSummary(run.stdout);
  const grpc = grpcOutcome(summary.succeeded, summary.started - summary.done, summary.dataBytes, options.answerBytes);
  const notSucceeded = summary.done - summary.succeeded;
  return finishedRun(run, summary, notSucceeded + grpc.failed, { '0': grpc.answered, 'grpc error': grpc.failed, 'not 2xx or failed': notSucceeded });
}

/** A run h2load finished: counts from its summary, the answers judged by the caller. */
function finishedRun(run: H2loadProcessRun, summary: ReturnType<typeof parseH2loadSummary>, unexpected: number, statuses: Record<string, number>): LoadRun {
  return {
    latency: run.latencies.summary(),
    generatorCpuShare: run.generatorCpuShare,
    generatorWaitShare: run.generatorWaitShare,
    ops: summary.done,
    responses: summary.done,
    sent: summary.started,
    // h2load's own measured window (it excludes its start-up and the connection set-up).
    wallSec: summary.finishedSec > 0 ? summary.finishedSec : run.wallSec,
    unexpected,
    statuses,
  };
}

export interface H2loadGetsOptions {
  readonly h2load: string;
  /** Absolute URLs (http://host:port/path), one a line; h2load requests them in order, from the top again at the end. */
  readonly urisFile: string;
  /**
   * Requests in flight, pipelined on one HTTP/1.1 connection (-c 1 -m N). h2load gives each connection its
   * own pass over the file from the top, so several connections would repeat the same first URLs instead
   * of sending the file's sequence once.
   */
  readonly pipelined: number;
  /** Exactly this many GETs (-n). */
  readonly amount: number;
  readonly maxSec: number;
  /** The status every answer should have; others count as unexpected. */
  readonly expectedStatus: number;
  readonly workFiles: string;
  readonly pinning: Pinning;
}

/**
 * Exactly `amount` GETs over HTTP/1.1 (h2load --h1) taking the URLs of a file in order: a C generator for
 * counts beyond what autocannon sends from one core. Statuses come from the per-request log, so the
 * answers are counted by status exactly, not only 2xx.
 */
export async function runH2loadGets(options: H2loadGetsOptions): Promise<LoadRun> {
  const args = ['--h1', '-c', '1', '-m', String(options.pipelined), '-n', String(options.amount), '-i', options.urisFile];
  const run = await runH2loadProcess(options.h2load, args, options.maxSec, options.workFiles, options.pinning, options.urisFile);
  if (run.cut) return cutRun(run, options.expectedStatus);
  const summary = parseH2loadSummary(run.stdout);
  const statuses: Record<string, number> = {};
  for (const [status, count] of run.byStatus) statuses[String(status)] = count;
  return finishedRun(run, summary, summary.done - (run.byStatus.get(options.expectedStatus) ?? 0), statuses);
}
