import autocannon from 'autocannon';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { processWaitNs } from './proc.js';
import { LatencyRecorder, type LatencySummary } from './stats.js';

export interface HttpRequestSpec {
  readonly method: 'GET' | 'PUT' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface HttpLoadOptions {
  readonly url: string;
  readonly connections: number;
  /** Run for this long... */
  readonly durationSec?: number;
  /** ...or send exactly this many requests (then `sent` is exact). */
  readonly amount?: number;
  /** Requests per second over all connections; unset: as fast as the server answers. */
  readonly overallRate?: number;
  /** Called once per request sent, in order; it decides the next request (the workload). */
  readonly next: () => HttpRequestSpec;
  /** Statuses the workload expects; anything else (and every error or timeout) counts as unexpected. */
  readonly expected: readonly number[];
  /** Stop after this many seconds even if `amount` is not reached (bounds a run in time). */
  readonly maxSec?: number;
  /** Operations one request carries (a batch of 100 identifiers is 100); default 1. */
  readonly opsPerRequest?: number;
}

/** One measured run of the generator. */
export interface LoadRun {
  /** Operations answered (responses × opsPerRequest). */
  readonly ops: number;
  readonly responses: number;
  /** Requests written to the wire (autocannon's count). */
  readonly sent: number;
  readonly wallSec: number;
  readonly latency: LatencySummary;
  /** Share of one core this process used during the run (autocannon is single-threaded here). */
  readonly generatorCpuShare: number;
  /** Share of the run the generator's thread waited for a CPU (other load on its core). */
  readonly generatorWaitShare: number;
  readonly unexpected: number;
  readonly statuses: Record<string, number>;
}

/**
 * Drives HTTP with autocannon from this process (pinned to the generator core). Latencies are recorded
 * per response (every status, not only 2xx as autocannon's own histogram does), exactly. The generator's
 * CPU share is measured over the same window, so a saturated generator is seen, not guessed.
 */
export function runHttpLoad(options: HttpLoadOptions): Promise<LoadRun> {
  if ((options.durationSec === undefined) === (options.amount === undefined)) {
    throw new IdnodeError('CONFIG_INVALID', 'an HTTP load needs exactly one of durationSec and amount');
  }
  const latencies = new LatencyRecorder();
  const statuses: Record<string, number> = {};
  const expected = new Set(options.expected);
  let unexpectedStatus = 0;
  const next = options.next;
  const cpuBefore = process.cpuUsage();
  const waitBefore = processWaitNs('self');
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...(options.amount === undefined ? { duration: options.durationSec! } : { amount: options.amount }),
        ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
        // Check for the end every 100 ms rather than every second (the default), so a run lasts what it says.
        sampleInt: 100,
        timeout: 10,
        requests: [
          {
            setupRequest: (request) => {
              const spec = next();
              request.method = spec.method;
              request.path = spec.path;
              request.headers = spec.headers ?? {};
              request.body = spec.body ?? '';
              return request;
            },
          },
        ],
      },
      (error, result) => {
        clearTimeout(bound);
        const wallSec = Number(process.hrtime.bigint() - started) / 1e9;
        const cpu = process.cpuUsage(cpuBefore);
        if (error) {
          reject(new IdnodeError('INTERNAL_ERROR', `the HTTP load against ${options.url} failed: ${error.message}`, { cause: error }));
          return;
        }
        const responses = latencies.count;
        resolve({
          ops: responses * (options.opsPerRequest ?? 1),
          responses,
          sent: result.requests.sent,
          wallSec,
          latency: latencies.summary(),
          generatorCpuShare: (cpu.user + cpu.system) / 1e6 / wallSec,
          generatorWaitShare: (processWaitNs('self') - waitBefore) / 1e9 / wallSec,
          unexpected: unexpectedStatus + result.errors,
          statuses,
        });
      },
    );
    const bound = setTimeout(() => instance.stop(), (options.maxSec ?? (options.durationSec ?? 0) + 600) * 1000);
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      latencies.record(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (!expected.has(status)) unexpectedStatus++;
    });
  });
}
