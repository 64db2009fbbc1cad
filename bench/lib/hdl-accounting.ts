import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { REQUEST_ID_OFFSET } from '../../src/hdl/client/envelope-fields.js';
import { ENVELOPE_SIZE } from '../../src/hdl/codec/constants.js';
import type { LoadRun } from './http-load.js';
import type { LatencySummary } from './stats.js';

/**
 * The Handle-protocol load generator's bookkeeping (bench/generators/hdl-generator.ts), free of sockets so it
 * is tested on its own: which requests are in flight, whether an answer is the expected one, and the report
 * the generator process sends back to the bench.
 */

/** Where the answer's expiration time (POSIX seconds, header field 6) lies: after the envelope, 16 bytes in. */
const EXPIRATION_OFFSET = ENVELOPE_SIZE + 16;

/**
 * Compares every answer, once, with the answer checked before the run (by decoding it): the same length and
 * the same bytes except the request id (it pairs the answer with its question, so it differs for each) and
 * the header's expiration (the node stamps it from its clock, so it moves every second).
 */
export class AnswerChecker {
  /** [from, to) byte ranges compared. */
  private readonly ranges: readonly (readonly [number, number])[];

  constructor(private readonly expected: Buffer) {
    const length = expected.length;
    const skipped = [
      [REQUEST_ID_OFFSET, REQUEST_ID_OFFSET + 4],
      [EXPIRATION_OFFSET, EXPIRATION_OFFSET + 4],
    ].filter(([from]) => from! < length);
    const ranges: [number, number][] = [];
    let at = 0;
    for (const [from, to] of skipped) {
      ranges.push([at, from!]);
      at = Math.min(to!, length);
    }
    ranges.push([at, length]);
    this.ranges = ranges;
  }

  matches(answer: Buffer): boolean {
    if (answer.length !== this.expected.length) return false;
    for (const [from, to] of this.ranges) if (answer.compare(this.expected, from, to, from, to) !== 0) return false;
    return true;
  }
}

/**
 * A closed loop's slots: slot i carries one request at a time, with request id i + k × slots (k counting
 * the requests it carried), so an answer names its slot, and a late answer to a request already given up
 * on (UDP loss, see expire) is told from the current one.
 */
export class InFlightSlots {
  /** The request id in flight in each slot, -1 when the slot is free. */
  private readonly ids: Float64Array;
  private readonly generations: Uint32Array;
  private readonly sentAt: Float64Array;
  private readonly wrapAt: number;
  private busy = 0;

  constructor(readonly size: number) {
    if (!(Number.isInteger(size) && size >= 1 && size <= 65536)) throw new IdnodeError('CONFIG_INVALID', `in-flight slots must be from 1 to 65536, got ${size}`);
    this.ids = new Float64Array(size).fill(-1);
    this.generations = new Uint32Array(size);
    this.sentAt = new Float64Array(size);
    this.wrapAt = Math.floor(2 ** 32 / size);
  }

  /** Takes `slot` (free) for a new request sent at `now`; returns the request id to send (below 2^32). */
  issue(slot: number, now: number): number {
    const generation = this.generations[slot]!;
    this.generations[slot] = (generation + 1) % this.wrapAt;
    const id = generation * this.size + slot;
    if (this.ids[slot]! < 0) this.busy++;
    this.ids[slot] = id;
    this.sentAt[slot] = now;
    return id;
  }

  /** Latency (ms) of the request the last successful settle freed. */
  lastLatencyMs = Number.NaN;

  /**
   * The answer to request `id` arrived at `now`: frees its slot and returns it (the latency is then in
   * lastLatencyMs), or -1 when no request in flight has that id (late, duplicated or foreign).
   */
  settle(id: number, now: number): number {
    const slot = id % this.size;
    if (this.ids[slot] !== id) return -1;
    this.ids[slot] = -1;
    this.busy--;
    this.lastLatencyMs = now - this.sentAt[slot]!;
    return slot;
  }

  /** Frees the slots whose request was sent before `now - timeoutMs`, and returns them. */
  expire(now: number, timeoutMs: number): number[] {
    const expired: number[] = [];
    for (let slot = 0; slot < this.size; slot++) {
      if (this.ids[slot]! >= 0 && now - this.sentAt[slot]! > timeoutMs) {
        this.ids[slot] = -1;
        this.busy--;
        expired.push(slot);
      }
    }
    return expired;
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.busy;
  }
}

/** One run's counts as the generator keeps them. */
export interface HdlCounts {
  /** Requests written. */
  sent: number;
  /** Answers identical to the checked one (request id aside). */
  answered: number;
  /** Answers to a request in flight that differ from it. */
  wrong: number;
  /** Requests given no answer within the loss timeout (UDP), or still unanswered when the run ended. */
  timedOut: number;
  /** Answers to no request in flight (late answers to requests already counted as timed out). */
  stray: number;
}

/** What the generator process prints for a run: one line of JSON. */
export interface HdlGeneratorReport {
  readonly counts: HdlCounts;
  readonly wallSec: number;
  readonly latency: LatencySummary;
  /** The generator process's own CPU (user + system) over the run ÷ wall time. */
  readonly cpuShare: number;
  /** Its main thread's wait for its core over the run ÷ wall time (/proc/self/schedstat). */
  readonly waitShare: number;
}

const COUNT_KEYS: readonly (keyof HdlCounts)[] = ['sent', 'answered', 'wrong', 'timedOut', 'stray'];
const LATENCY_KEYS: readonly (keyof LatencySummary)[] = ['count', 'p50Ms', 'p99Ms', 'p999Ms', 'maxMs'];

/** Reads the generator's report line into a LoadRun (every answer one operation). Throws on any other line. */
export function parseGeneratorReport(line: string): LoadRun {
  let report: HdlGeneratorReport;
  try {
    report = JSON.parse(line) as HdlGeneratorReport;
  } catch {
    throw new IdnodeError('INTERNAL_ERROR', `the Handle-protocol generator printed something other than its report: ${JSON.stringify(line.slice(0, 200))}`);
  }
  const failure = (report as { error?: unknown } | null)?.error;
  if (typeof failure === 'string') throw new IdnodeError('INTERNAL_ERROR', `the Handle-protocol generator failed: ${failure}`);
  const counts = report?.counts;
  const problems = [
    ...COUNT_KEYS.filter((key) => !Number.isInteger(counts?.[key]) || counts[key] < 0).map((key) => `counts.${key}`),
    ...LATENCY_KEYS.filter((key) => typeof report?.latency?.[key] !== 'number' && report?.latency?.[key] !== null).map((key) => `latency.${key}`),
    ...(['wallSec', 'cpuShare', 'waitShare'] as const).filter((key) => typeof report?.[key] !== 'number' || !(report[key] >= 0)).map(String),
  ];
  if (problems.length > 0) throw new IdnodeError('INTERNAL_ERROR', `the Handle-protocol generator's report lacks ${problems.join(', ')}: ${JSON.stringify(line.slice(0, 200))}`);
  if (counts.answered + counts.wrong + counts.timedOut > counts.sent) {
    throw new IdnodeError('INTERNAL_ERROR', `the Handle-protocol generator accounted for more requests (${counts.answered + counts.wrong + counts.timedOut}) than it sent (${counts.sent})`);
  }
  // JSON has no NaN: a run without answers reports its percentiles as null.
  const latency = Object.fromEntries(LATENCY_KEYS.map((key) => [key, report.latency[key] ?? Number.NaN])) as unknown as LatencySummary;
  return {
    ops: counts.answered,
    responses: counts.answered + counts.wrong,
    sent: counts.sent,
    wallSec: report.wallSec,
    latency,
    generatorCpuShare: report.cpuShare,
    generatorWaitShare: report.waitShare,
    unexpected: counts.wrong + counts.timedOut,
    statuses: { answered: counts.answered, 'wrong bytes': counts.wrong, 'timed out': counts.timedOut, stray: counts.stray },
  };
}
