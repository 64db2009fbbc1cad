import { Agent, request } from 'node:http';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { HttpRequestSpec, LoadRun } from './http-load.js';
import { processWaitNs } from './proc.js';
import { LatencyRecorder } from './stats.js';

export interface PacedLoadOptions {
  readonly url: string;
  readonly ratePerSec: number;
  readonly durationSec: number;
  readonly next: () => HttpRequestSpec;
  readonly expected: readonly number[];
  /** Requests in flight at most (a bound, not a target); past it, sends wait and that wait is latency. */
  readonly maxInFlight?: number;
}

/**
 * An open-loop generator at a steady rate: request i is due at start + i / rate, and its latency runs from
 * when it was due, not from when it could be sent, so a stalled server cannot hide its stall by slowing the
 * generator (no coordinated omission). Used for the fixed-rate scenario because autocannon's overallRate
 * sends each second's quota as one burst at the start of the second, which measures queueing under bursts,
 * not latency at a rate. node:http with a keep-alive pool; bounded in count (rate × duration) and time.
 */
export function runPacedLoad(options: PacedLoadOptions): Promise<LoadRun> {
  if (!(options.ratePerSec > 0) || !(options.durationSec > 0)) {
    throw new IdnodeError('CONFIG_INVALID', `a paced load needs a positive rate and duration, got ${options.ratePerSec}/s for ${options.durationSec} s`);
  }
  const target = new URL(options.url);
  const total = Math.max(1, Math.round(options.ratePerSec * options.durationSec));
  const intervalMs = 1000 / options.ratePerSec;
  const maxInFlight = options.maxInFlight ?? 256;
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });
  const latencies = new LatencyRecorder();
  const statuses: Record<string, number> = {};
  const expected = new Set(options.expected);
  let unexpected = 0;
  let sent = 0;
  let answered = 0;
  let inFlight = 0;
  const cpuBefore = process.cpuUsage();
  const waitBefore = processWaitNs('self');
  const started = performance.now();

  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      clearTimeout(deadline);
      unexpected += inFlight;
      agent.destroy();
      const wallSec = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      resolve({
        ops: answered,
        responses: answered,
        sent,
        wallSec,
        latency: latencies.summary(),
        generatorCpuShare: (cpu.user + cpu.system) / 1e6 / wallSec,
        generatorWaitShare: (processWaitNs('self') - waitBefore) / 1e9 / wallSec,
        unexpected,
        statuses,
      });
    };
    const settle = (dueAt: number, status: number | undefined) => {
      if (finished) return;
      inFlight--;
      if (status === undefined) unexpected++;
      else {
        answered++;
        latencies.record(performance.now() - dueAt);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (!expected.has(status)) unexpected++;
      }
      if (sent === total && inFlight === 0) finish();
      else pump();
    };
    const fire = (dueAt: number) => {
      const spec = options.next();
      inFlight++;
      let settled = false;
      const once = (status: number | undefined) => {
        if (!settled) {
          settled = true;
          settle(dueAt, status);
        }
      };
      const outgoing = request(
        { agent, hostname: target.hostname, port: target.port, method: spec.method, path: spec.path, headers: spec.headers ?? {} },
        (response) => {
          response.resume();
          response.once('end', () => once(response.statusCode));
          response.once('error', () => once(undefined));
        },
      );
      outgoing.once('error', () => once(undefined));
      outgoing.end(spec.body);
    };
    const pump = () => {
      const due = Math.min(total, Math.floor((performance.now() - started) / intervalMs) + 1);
      while (sent < due && inFlight < maxInFlight) fire(started + sent++ * intervalMs);
    };
    // 1 ms ticks: finer than any rate the bench asks for needs, and late ticks send what fell due meanwhile.
    const timer = setInterval(pump, 1);
    // Bounded in time whatever the server does: requests still unanswered then count as unexpected.
    const deadline = setTimeout(finish, (options.durationSec + 30) * 1000);
    pump();
  });
}
