import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { LatencyRecorder } from './stats.js';

/**
 * Reading what h2load (nghttp2) prints and logs. Its summary counts HTTP/2 streams, not gRPC calls: a call
 * that fails in gRPC terms (grpc-status ≠ 0 in the trailers) is still an HTTP 200 "succeeded" there. Such an
 * answer carries no message, so the DATA bytes received tell them apart (gRPCOutcome).
 */
export interface H2loadSummary {
  /** The measured duration h2load reports ("finished in …"). */
  readonly finishedSec: number;
  readonly started: number;
  readonly done: number;
  /** Streams answered with a 2xx status. */
  readonly succeeded: number;
  readonly failed: number;
  readonly errored: number;
  readonly timeout: number;
  /** Payload bytes of every DATA frame received. */
  readonly dataBytes: number;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { us: 1e-6, ms: 1e-3, s: 1 };

/** The summary h2load prints on stdout at the end of a run. Throws when a line it needs is missing. */
export function parseH2loadSummary(stdout: string): H2loadSummary {
  const finished = /^finished in ([\d.]+)(us|ms|s),/m.exec(stdout);
  const requests = /^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/m.exec(stdout);
  const traffic = /^traffic: .*\((\d+)\) data/m.exec(stdout);
  if (!finished || !requests || !traffic) {
    throw new IdnodeError('INTERNAL_ERROR', `h2load printed no complete summary (finished / requests / traffic lines): "${stdout.slice(-400)}"`);
  }
  const [, started, done, succeeded, failed, errored, timeout] = requests.slice(1).map(Number) as number[];
  return {
    finishedSec: Number(finished[1]) * UNIT_SECONDS[finished[2]!]!,
    started: started!,
    done: done!,
    succeeded: succeeded!,
    failed: failed!,
    errored: errored!,
    timeout: timeout!,
    dataBytes: Number(traffic[1]),
  };
}

/**
 * Reads h2load's --log-file (one line per request: start µs, HTTP status or -1 for a failed stream,
 * µs until the end of the response) into `latencies` (answered requests only, in ms), and counts the lines by
 * status. Throws on a line of another shape.
 */
export function readH2loadLog(text: string, latencies: LatencyRecorder): Map<number, number> {
  const byStatus = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [, status, micros] = line.split('\t');
    const code = Number(status);
    const duration = Number(micros);
    if (status === undefined || micros === undefined || !Number.isInteger(code) || !Number.isFinite(duration)) {
      throw new IdnodeError('INTERNAL_ERROR', `not an h2load log line: "${line.slice(0, 80)}"`);
    }
    byStatus.set(code, (byStatus.get(code) ?? 0) + 1);
    if (code >= 0) latencies.record(duration / 1000);
  }
  return byStatus;
}

/**
 * How many of `succeeded` HTTP 2xx answers were the expected gRPC answer, when each of those is exactly
 * `answerBytes` of DATA and a failed call (grpc-status only, in trailers) carries none. A timed run stops
 * with `inFlight` streams unfinished whose DATA may already have been counted; so a failure can hide behind
 * at most that many (out of every call of the run). Throws when the bytes fit no whole number of answers
 * (some answer of another size: not the probed resolution).
 */
export function grpcOutcome(succeeded: number, inFlight: number, dataBytes: number, answerBytes: number): { answered: number; failed: number } {
  const answers = dataBytes / answerBytes;
  if (!Number.isInteger(answers) || answers > succeeded + inFlight) {
    throw new IdnodeError(
      'INTERNAL_ERROR',
      `${dataBytes} bytes of DATA for ${succeeded} answers (+ ${inFlight} in flight) is not a whole number of ${answerBytes}-byte answers: some answer was not the probed resolution`,
    );
  }
  const answered = Math.min(answers, succeeded);
  return { answered, failed: succeeded - answered };
}
