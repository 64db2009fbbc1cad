import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pinning } from './pinning.js';
import { LatencyRecorder, type LatencySummary } from './stats.js';

/** True when h2load (nghttp2-client) is on the PATH. */
export function hasH2load(): boolean {
  try {
    execFileSync('h2load', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What one h2load run saw, from its per-request log: by status, latency from when each request was sent. */
export interface H2loadPhase {
  readonly wallSec: number;
  /** Requests sent per second (offered; below the schedule when connections waited for their answers). */
  readonly sentPerSec: number;
  readonly okPerSec: number;
  readonly ok: LatencySummary;
  readonly shed: number;
  readonly shedLatency: LatencySummary;
  /** Failed streams (-1) and any status other than 200 and 503. */
  readonly other: number;
  /** h2load's own CPU (user + system), in cores over the run: near 1 means the generator, not the node, set the pace. */
  readonly generatorCpu: number;
}

export interface H2loadRun {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly workDir: string;
  readonly name: string;
  readonly pinning: Pinning;
  /** Open loop: every connection sends on its own schedule, together `ratePerSec`; absent: closed loop. */
  readonly ratePerSec?: number;
  /**
   * HTTP/1.1 pipelining depth (h2load -m): up to this many requests outstanding per connection, so the queue in
   * front of the node can outgrow the connection count. Default 1.
   */
  readonly pipeline?: number;
}

/**
 * h2load over HTTP/1.1, pinned to the generator core. Closed loop (-D): every connection sends its next request
 * as soon as it has its answer. Scheduled (ratePerSec): a timing script gives each connection one request
 * every connections / ratePerSec seconds, and connections are created evenly over that interval so that
 * their schedules interleave: ratePerSec offered in all, as long as an answer comes back before the
 * connection's next request is due (HTTP/1.1 has one request outstanding per connection; a late one is sent
 * late, which `sentPerSec` shows).
 */
export async function runH2load(run: H2loadRun): Promise<H2loadPhase> {
  const log = join(run.workDir, `${run.name}.h2load.tsv`);
  const args = ['--h1', '-t', '1', '-c', String(run.connections), '-m', String(run.pipeline ?? 1), '--log-file', log];
  if (run.ratePerSec === undefined) {
    args.push('-D', String(run.seconds));
  } else {
    const intervalMs = (run.connections * 1000) / run.ratePerSec;
    const lines: string[] = [];
    for (let at = 0; at < run.seconds * 1000; at += intervalMs) lines.push(`${at.toFixed(3)}\t${run.url}`);
    const script = join(run.workDir, `${run.name}.timing`);
    writeFileSync(script, lines.join('\n') + '\n');
    // All connections made within one interval, 10 periods of intervalMs / 10.
    args.push('--timing-script-file', script, '-r', String(Math.ceil(run.connections / 10)), '--rate-period', `${Math.max(1, Math.round(intervalMs / 10))}ms`);
  }
  if (run.ratePerSec === undefined) args.push(run.url);
  // Through sh, whose `times` then prints its children's CPU (h2load's): the generator's own cost.
  const shell = ['sh', '-c', 'h2load "$@" >/dev/null && times', 'sh', ...args];
  const [file, argv] = run.pinning.enabled ? ['taskset', ['-c', String(run.pinning.generatorCpu), ...shell]] : [shell[0]!, shell.slice(1)];
  const times = await new Promise<string>((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`h2load exited with ${code}`))));
  });
  const phase = summarise(readFileSync(log, 'utf8'));
  return { ...phase, generatorCpu: childrenCpuSec(times) / phase.wallSec };
}

/** The children's user + system seconds from sh's `times` (its second line, e.g. "0m1.250s 0m0.310s"). */
function childrenCpuSec(times: string): number {
  const line = times.trim().split('\n')[1] ?? '';
  return [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, [, minutes, seconds]) => sum + Number(minutes) * 60 + Number(seconds), 0);
}

function summarise(tsv: string): Omit<H2loadPhase, 'generatorCpu'> {
  const ok = new LatencyRecorder();
  const shed = new LatencyRecorder();
  let other = 0;
  let first = Infinity;
  let last = -Infinity;
  let sent = 0;
  for (const line of tsv.split('\n')) {
    const [startUs, status, durationUs] = line.split('\t').map(Number);
    if (startUs === undefined || status === undefined || durationUs === undefined || Number.isNaN(durationUs)) continue;
    sent++;
    first = Math.min(first, startUs);
    last = Math.max(last, startUs + durationUs);
    if (status === 200) ok.record(durationUs / 1000);
    else if (status === 503) shed.record(durationUs / 1000);
    else other++;
  }
  const wallSec = Math.max(1e-3, (last - first) / 1e6);
  return { wallSec, sentPerSec: sent / wallSec, okPerSec: ok.count / wallSec, ok: ok.summary(), shed: shed.count, shedLatency: shed.summary(), other };
}
