import type { Clock } from '../clock/clock.js';
import type { MeteringDay } from '../clock/metering-day.js';
import type { Monotonic } from '../clock/monotonic.js';
import type { Cancel, Scheduler } from '../clock/scheduler.js';
import type { Logger } from '../log/logger.js';
import type { CounterDelta, CounterKind, CounterStore } from '../store/store.js';
import { OTHER_PREFIX } from './counted-prefixes.js';
import type { SimulatedDays } from '../clock/simulated-days.js';
import type { CountObserver } from './count-observer.js';

/** What a resolution counts as (docs/design.md §2). */
export type ResolutionKind = 'resolution.cache-hit' | 'resolution.store-read' | 'resolution.not-found' | 'resolution.referred';

const SEPARATOR = '\u0000';

/** How metering keeps time: real time in production, virtual time in tests (never the node's clock). */
export interface MeteringTiming {
  readonly flushIntervalMs: number;
  /** Measures the flush lag. */
  readonly monotonic: Monotonic;
  /** Runs the periodic flush (see start). */
  readonly scheduler: Scheduler;
}

/**
 * What keeps the counter table bounded whatever callers send (docs/auditing.md, "What is counted"). The
 * defaults (every prefix known, no cap) are for tests of other parts; the node passes real ones.
 */
export interface MeteringBounds {
  /**
   * Whether a count the caller chose the prefix of (a refused write, a not-found resolution) may be kept
   * under that prefix; otherwise it is counted under OTHER_PREFIX. Found resolutions name an existing
   * identifier, so their prefix is always kept.
   */
  readonly isKnownPrefix: (prefix: string) => boolean;
  /**
   * Most distinct counter rows (day × prefix × protocol × kind) this process starts in one metering day;
   * a count that would start one more is counted under OTHER_PREFIX (whose rows are at most protocols ×
   * kinds). Counts made inside store transactions (registrations, updates, deletes) are not capped: they
   * come from authorised writes only.
   */
  readonly maxRowsPerDay: number;
}

const UNBOUNDED: MeteringBounds = { isKnownPrefix: () => true, maxRowsPerDay: Number.POSITIVE_INFINITY };

/** For /metrics: how far metering lags behind (monotonic time, not the node's clock). */
export interface MeteringStats {
  /** Counts held in memory, not yet flushed. */
  readonly pending: number;
  /** Age of the oldest count not yet flushed, 0 when none: what a crash now would lose at most. */
  readonly flushLagMs: number;
  readonly flushes: number;
  readonly failedFlushes: number;
  /** Counts put under OTHER_PREFIX because their day's row cap was reached. */
  readonly overCap: number;
}

/**
 * Counts what is not counted inside a store transaction: resolutions and refused writes. Counts accumulate
 * in memory and are flushed as additive upserts every `flushIntervalMs` and on close. A failed flush keeps
 * its counts for the next one, so nothing is counted twice and, short of a crash, nothing is lost; a crash
 * loses at most one interval and never over-reports. (Registrations, updates and deletes are counted by
 * the store in the write's own transaction, so they are exact even across a crash.)
 */
export class Metering {
  private pending = new Map<string, number>();
  private cancelFlushes: Cancel | undefined;
  private flushing: Promise<void> | undefined;
  /** Monotonic time when the oldest pending count was added; undefined while nothing is pending. */
  private oldestPendingAt: number | undefined;
  private flushes = 0;
  private failedFlushes = 0;
  /** The row keys started per metering day (the current day and the one before, for late counts). */
  private readonly rowsByDay = new Map<string, Set<string>>();
  /** Counts moved to OTHER_PREFIX because the day's row cap was reached (for /metrics). */
  private overCap = 0;
  /** Where the last count went (its row key, and the prefix it was counted under after the cap). */
  private lastCount: { day: string; prefix: string; protocol: string; kind: CounterKind; key: string; counted: string } | undefined;

  constructor(
    private readonly store: CounterStore,
    private readonly clock: Clock,
    private readonly meteringDay: MeteringDay,
    private readonly logger: Logger,
    private readonly timing: MeteringTiming,
    private readonly bounds: MeteringBounds = UNBOUNDED,
    /** Told each day a flush writes counts of, before it writes them (see SimulatedDays.mark). */
    private readonly simulatedDays?: Pick<SimulatedDays, 'mark'>,
    /** Told of every count (for /metrics); see CountObserver. */
    private readonly observer?: CountObserver,
  ) {}

  /** Flushes every `flushIntervalMs` on the scheduler until close; a second call does nothing. */
  start(): void {
    this.cancelFlushes ??= this.timing.scheduler.every(this.timing.flushIntervalMs, () => this.flush());
  }

  /** Counts a resolution; a not-found one under an unknown prefix goes to OTHER_PREFIX (see MeteringBounds). */
  countResolution(prefix: string, protocol: string, kind: ResolutionKind): void {
    this.add(kind === 'resolution.not-found' ? this.bucketOf(prefix) : prefix, protocol, kind);
  }

  /** Counts a refused write under `prefix` when it is known, else under OTHER_PREFIX ('' names no prefix). */
  countRefused(prefix: string, protocol: string): void {
    this.add(this.bucketOf(prefix), protocol, 'refused');
  }

  /**
   * Tells the observer of writes the store has counted in their own transaction (registrations, updates,
   * deletes): metering keeps nothing of them, they are already in the store.
   */
  committed(kind: 'registration' | 'update' | 'delete', prefix: string, protocol: string, count = 1): void {
    this.observer?.(kind, prefix, protocol, count);
  }

  /** Counts not yet flushed (for tests and /metrics flush lag). */
  pendingCount(): number {
    let total = 0;
    for (const count of this.pending.values()) total += count;
    return total;
  }

  stats(): MeteringStats {
    return {
      pending: this.pendingCount(),
      flushLagMs: this.oldestPendingAt === undefined ? 0 : this.timing.monotonic.now() - this.oldestPendingAt,
      flushes: this.flushes,
      failedFlushes: this.failedFlushes,
      overCap: this.overCap,
    };
  }

  /** Writes the pending counts; concurrent calls share one flush. Never rejects (a failure is logged and retried). */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /**
   * Resolves once every count added before the call was offered to the store (a flush already running may
   * have started before some of them, so a fresh one follows it). Never rejects; a failed flush keeps its counts.
   */
  async flushNow(): Promise<void> {
    if (this.flushing) await this.flushing;
    await this.flush();
  }

  async close(): Promise<void> {
    this.cancelFlushes?.();
    this.cancelFlushes = undefined;
    await this.flush();
    // Counts added while the last flush ran.
    if (this.pending.size > 0) await this.flush();
  }

  private bucketOf(prefix: string): string {
    return this.bounds.isKnownPrefix(prefix) ? prefix : OTHER_PREFIX;
  }

  private add(prefix: string, protocol: string, kind: CounterKind): void {
    if (this.oldestPendingAt === undefined) this.oldestPendingAt = this.timing.monotonic.now();
    const day = this.meteringDay.dayOf(this.clock.now());
    const last = this.lastCount;
    // The same row as the count before (a stream of resolutions under one prefix): no key to build and no cap to check.
    if (last !== undefined && last.day === day && last.prefix === prefix && last.protocol === protocol && last.kind === kind) {
      this.pending.set(last.key, (this.pending.get(last.key) ?? 0) + 1);
      this.observer?.(kind, last.counted, protocol, 1);
      return;
    }
    let counted = prefix;
    let key = day + SEPARATOR + prefix + SEPARATOR + protocol + SEPARATOR + kind;
    const rows = this.rowsOf(day);
    if (!rows?.has(key) && prefix !== OTHER_PREFIX) {
      if (rows === undefined || rows.size >= this.bounds.maxRowsPerDay) {
        this.overCap++;
        counted = OTHER_PREFIX;
        key = day + SEPARATOR + OTHER_PREFIX + SEPARATOR + protocol + SEPARATOR + kind;
      } else {
        rows.add(key);
      }
    }
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    this.observer?.(kind, counted, protocol, 1);
    this.lastCount = { day, prefix, protocol, kind, key, counted };
  }

  /**
   * The row keys of `day`: the two latest days seen are kept (memory stays two caps at most); `undefined` for a
   * day older than both (a clock set back), whose counts then all go to OTHER_PREFIX.
   */
  private rowsOf(day: string): Set<string> | undefined {
    const rows = this.rowsByDay.get(day);
    if (rows !== undefined) return rows;
    const days = [...this.rowsByDay.keys()].sort();
    if (days.length >= 2 && day < days[0]!) return undefined;
    const fresh = new Set<string>();
    this.rowsByDay.set(day, fresh);
    if (days.length >= 2) this.rowsByDay.delete(days[0]!);
    return fresh;
  }

  private async flushOnce(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    const batchSince = this.oldestPendingAt;
    this.pending = new Map();
    this.oldestPendingAt = undefined;
    const deltas: CounterDelta[] = [];
    for (const [key, count] of batch) {
      const [day, prefix, protocol, kind] = key.split(SEPARATOR) as [string, string, string, CounterKind];
      deltas.push({ day, prefix, protocol, kind, count });
    }
    try {
      for (const day of new Set(deltas.map((delta) => delta.day))) await this.simulatedDays?.mark(day);
      await this.store.addCounters(deltas);
      this.flushes++;
    } catch (error) {
      for (const [key, count] of batch) this.pending.set(key, (this.pending.get(key) ?? 0) + count);
      this.oldestPendingAt = batchSince;
      this.failedFlushes++;
      this.logger.error({ err: error, counters: deltas.length }, 'metering flush failed; counts kept for the next flush');
    }
  }
}
