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

/**
 * One closed-loop run of h2load (one worker thread, on the generator core) sending the same request over
 * and over. Latencies come from its per-request log, exact; calls from its summary, each checked against
 * the expected answer's size, so a gRPC error that HTTP/2 calls a success counts as unexpected. h2load's
 * CPU share is its utime + stime (read as this process's reaped children's CPU, exact), its wait share
 * the wait of its threads for their core (polled).
 */
export async function runH2load(options: H2loadOptions): Promise<LoadRun> {
  if ((options.durationSec === undefined) === (options.amount === undefined)) {
    throw new IdnodeError('CONFIG_INVALID', 'an h2load run needs exactly one of durationSec and amount');
  }
  const bodyFile = `${options.workFiles}.body`;
  const logFile = `${options.workFiles}.requests.log`;
  writeFileSync(bodyFile, options.body);
  rmSync(logFile, { force: true });
  const args = [
    '-t', '1',
    '-c', String(options.clients),
    '-m', String(options.streams),
    ...(options.amount === undefined ? ['-D', `${Math.round(options.durationSec! * 1000)}ms`] : ['-n', String(options.amount)]),
    '-d', bodyFile,
    ...Object.entries(options.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    `--log-file=${logFile}`,
    options.url,
  ];
  const cpuBefore = reapedChildrenCpuMicros();
  const started = performance.now();
  const child = spawnTracked(options.h2load, args, { pinning: options.pinning, core: 'generator', logFile: `${options.workFiles}.stderr.log`, pipeStdout: true });
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
  }, options.maxSec * 1000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  }).finally(() => {
    clearInterval(poll);
    clearTimeout(bound);
  });
  const wallSec = (performance.now() - started) / 1000;
  const generatorCpuSec = (reapedChildrenCpuMicros() - cpuBefore) / 1e6;
  if (code !== 0 && !cut) throw new IdnodeError('INTERNAL_ERROR', `h2load exited with ${code} against ${options.url}; see ${options.workFiles}.stderr.log`);

  const latencies = new LatencyRecorder();
  const byStatus = readH2loadLog(existsSync(logFile) ? readFileSync(logFile, 'utf8') : '', latencies);
  const common = {
    latency: latencies.summary(),
    generatorCpuShare: generatorCpuSec / wallSec,
    generatorWaitShare: waitAtSec > 0 ? waitNs / 1e9 / waitAtSec : 0,
  };
  if (cut) {
    // Cut short by maxSec: no summary, so no DATA count to check answers by; what the log holds stands.
    const answered = byStatus.get(200) ?? 0;
    const logged = [...byStatus.values()].reduce((sum, count) => sum + count, 0);
    return { ...common, ops: logged, responses: logged, sent: logged, wallSec, unexpected: logged - answered, statuses: { 'http 200 (unchecked)': answered, other: logged - answered } };
  }
  const summary = parseH2loadSummary(stdout);
  const grpc = grpcOutcome(summary.succeeded, summary.started - summary.done, summary.dataBytes, options.answerBytes);
  const notSucceeded = summary.done - summary.succeeded;
  return {
    ...common,
    ops: summary.done,
    responses: summary.done,
    sent: summary.started,
    // h2load's own measured window (it excludes its start-up and the connection set-up).
    wallSec: summary.finishedSec > 0 ? summary.finishedSec : wallSec,
    unexpected: notSucceeded + grpc.failed,
    statuses: { '0': grpc.answered, 'grpc error': grpc.failed, 'not 2xx or failed': notSucceeded },
  };
}
