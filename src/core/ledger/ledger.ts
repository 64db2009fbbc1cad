import { assertCanAudit, assertOperator } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { daysBetween, nextDay, previousDay } from '../clock/calendar-day.js';
import type { Clock } from '../clock/clock.js';
import type { MeteringDay } from '../clock/metering-day.js';
import type { Monotonic } from '../clock/monotonic.js';
import type { Cancel, Scheduler } from '../clock/scheduler.js';
import type { SimulatedDays } from '../clock/simulated-days.js';
import { IdnodeError } from '../errors/catalogue.js';
import type { Logger } from '../log/logger.js';
import type { Metering } from '../metering/metering.js';
import type { CounterStore, LedgerRow, LedgerStore } from '../store/store.js';
import { GENESIS_HASH, sealedRows, sealEntry, type ExportedEntry, type LedgerEntry } from './ledger-entry.js';
import type { NodeKey } from './node-key.js';
import { LEDGER_EXPORT_FORMAT, verifyLedger, type LedgerExport, type LedgerProblem } from './verify-ledger.js';

export interface LedgerOptions {
  /**
   * Monotonic ms a day must have been closed before it is sealed by itself: time for in-flight writes to
   * commit and for every replica's metering flush (at most a second apart) to land. Measured on `monotonic`
   * (real time in production), not the node's clock, so a node on a fast set clock still leaves that time.
   */
  readonly sealDelayMs: number;
  readonly monotonic: Monotonic;
  /** Runs the automatic sealing (see start). */
  readonly scheduler: Scheduler;
  /** Which days were counted on a set clock: sealed `clock: "simulated"` even when this process's clock is not. */
  readonly simulatedDays?: Pick<SimulatedDays, 'isSimulated'>;
}

export interface LedgerStatus {
  readonly entries: number;
  readonly firstDay?: string;
  readonly lastDay?: string;
  readonly lastHash?: string;
  readonly keyId: string;
  /** The last day that has ended by the node's clock. */
  readonly latestClosedDay: string;
  /** Closed days not sealed yet (counted from the first day with counts when nothing is sealed). */
  readonly unsealedClosedDays: number;
  /** The chain checked now against the node's key and the counters as the store holds them. */
  readonly verified: boolean;
  readonly problems: readonly LedgerProblem[];
  readonly simulatedDays: number;
  readonly checkedAt: string;
}

/** How many times sealing restarts after another process appended first. */
const MAX_SEAL_ROUNDS = 5;
/** Stored entries that do not parse are exported as this, so that verification names their day. */
const UNREADABLE = 'unreadable';

/**
 * The append-only ledger of closed days (docs/design.md §2, Evidence). Each closed day, from the first day with any
 * count, is sealed once: its totals, a digest of its counter rows, the previous entry's hash, its own hash, and
 * the node key's signature. Sealing happens by itself `sealDelayMs` after a day closes (see start), or at once
 * through sealClosedDays. Concurrent sealers (replicas, the CLI) are safe: the store appends each seq and day
 * once, and the loser carries on from the winner's entries.
 */
export class Ledger {
  private cancelTicks: Cancel | undefined;
  private sealing: Promise<unknown> = Promise.resolve();
  /** Latest closed days as first seen by tick, with the monotonic time then. */
  private seen: { day: string; at: number }[] = [];
  /** The newest day closed for at least sealDelayMs. */
  private readyThrough: string | undefined;
  /** Days through this one need no more automatic sealing. */
  private settledThrough: string | undefined;
  private ticking = false;

  constructor(
    private readonly store: LedgerStore & CounterStore,
    private readonly clock: Clock,
    private readonly meteringDay: MeteringDay,
    private readonly metering: Metering,
    private readonly key: NodeKey,
    private readonly logger: Logger,
    private readonly options: LedgerOptions,
  ) {}

  get keyId(): string {
    return this.key.keyId;
  }

  get publicKeyPem(): string {
    return this.key.publicKeyPem;
  }

  /** The last day that has ended by the node's clock. */
  latestClosedDay(): string {
    return previousDay(this.meteringDay.dayOf(this.clock.now()));
  }

  /** Starts sealing by itself: a tick on the scheduler every sealDelayMs, at least every second, at most every 10 ms. */
  start(): void {
    this.cancelTicks ??= this.options.scheduler.every(Math.max(10, Math.min(1000, this.options.sealDelayMs)), () => this.tick());
  }

  /** Stops sealing by itself; resolves once a sealing under way has finished (so the store can be closed). */
  async stop(): Promise<void> {
    this.cancelTicks?.();
    this.cancelTicks = undefined;
    await this.sealing;
  }

  /**
   * Seals every closed day not sealed yet, now, for the operator; returns the entries this call sealed (oldest
   * first). Flushes this process's metering first. Throws IdnodeError AUTHENTICATION_REQUIRED / PERMISSION_DENIED
   * (anyone but the operator), STORE_UNAVAILABLE / INTERNAL_ERROR when the store fails (entries sealed before
   * the failure stay sealed).
   */
  async sealClosedDays(principal: Principal): Promise<LedgerEntry[]> {
    assertOperator(principal, 'sealing the ledger');
    return this.exclusive(() => this.sealThrough(this.latestClosedDay()));
  }

  /** Every entry, oldest first, for auditors and the operator (throws AUTHENTICATION_REQUIRED / PERMISSION_DENIED). */
  async entries(principal: Principal): Promise<LedgerEntry[]> {
    assertCanAudit(principal, 'reading the ledger');
    return (await this.store.listLedgerEntries()).map(parseStored) as LedgerEntry[];
  }

  /**
   * The ledger for auditors and the operator (throws AUTHENTICATION_REQUIRED / PERMISSION_DENIED); with `rows`,
   * each day carries its counter rows as the store holds them now.
   */
  async export(principal: Principal, options: { rows: boolean }): Promise<LedgerExport> {
    assertCanAudit(principal, 'reading the ledger');
    return this.exported(options);
  }

  private async exported(options: { rows: boolean }): Promise<LedgerExport> {
    const entries: ExportedEntry[] = [];
    for (const stored of await this.store.listLedgerEntries()) {
      const entry = parseStored(stored);
      entries.push(options.rows ? { ...entry, rows: sealedRows(await this.store.listCounters(stored.day, stored.day)) } : entry);
    }
    return {
      format: LEDGER_EXPORT_FORMAT,
      exportedAt: new Date(this.clock.now()).toISOString(),
      timeZone: this.meteringDay.timeZone,
      publicKey: this.key.publicKeyPem,
      keyId: this.key.keyId,
      entries,
    };
  }

  /**
   * The ledger's state, verified now (chain, signatures, and each day's rows against the store), for auditors
   * and the operator (throws AUTHENTICATION_REQUIRED / PERMISSION_DENIED).
   */
  async status(principal: Principal): Promise<LedgerStatus> {
    assertCanAudit(principal, 'reading the ledger');
    const exported = await this.exported({ rows: true });
    const result = verifyLedger(exported, this.key.publicKey);
    const last = exported.entries.at(-1);
    const latestClosedDay = this.latestClosedDay();
    return {
      entries: exported.entries.length,
      ...(result.firstDay === undefined ? {} : { firstDay: result.firstDay }),
      ...(result.lastDay === undefined ? {} : { lastDay: result.lastDay }),
      ...(last === undefined ? {} : { lastHash: last.hash }),
      keyId: this.key.keyId,
      latestClosedDay,
      unsealedClosedDays: await this.unsealedThrough(last?.day, latestClosedDay),
      verified: result.ok,
      problems: result.problems,
      simulatedDays: result.simulatedDays,
      checkedAt: exported.exportedAt,
    };
  }

  /** One step of automatic sealing (the scheduler's task). Never rejects: a failure is logged and retried. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const latest = this.latestClosedDay();
      const now = this.options.monotonic.now();
      const newest = this.seen.at(-1);
      // A clock set back (a restart on an earlier --clock-start) starts the watch over.
      if (newest === undefined || latest > newest.day) this.seen.push({ day: latest, at: now });
      else if (latest < newest.day) {
        this.seen = [{ day: latest, at: now }];
        this.readyThrough = undefined;
      }
      while (this.seen.length > 0 && this.seen[0]!.at + this.options.sealDelayMs <= now) this.readyThrough = this.seen.shift()!.day;
      const target = this.readyThrough;
      if (target === undefined || (this.settledThrough !== undefined && target <= this.settledThrough)) return;
      await this.exclusive(() => this.sealThrough(target));
      this.settledThrough = target;
    } catch (error) {
      this.logger.error({ err: error }, 'ledger: sealing closed days failed; retrying shortly');
    } finally {
      this.ticking = false;
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.sealing.then(work, work);
    this.sealing = run.catch(() => {});
    return run;
  }

  private async sealThrough(through: string): Promise<LedgerEntry[]> {
    await this.metering.flushNow();
    const sealed: LedgerEntry[] = [];
    for (let round = 0; round < MAX_SEAL_ROUNDS; round++) {
      const stored = await this.store.listLedgerEntries();
      const last = stored.length > 0 ? (parseStored(stored[stored.length - 1]!) as LedgerEntry) : undefined;
      if (last !== undefined && last.seq !== stored.length) {
        throw new IdnodeError('INTERNAL_ERROR', `the stored ledger is not numbered 1..${stored.length} (its last entry, ${last.day}, has seq ${last.seq}); not sealing onto it`);
      }
      let day = last === undefined ? await this.firstCountedDay(through) : nextDay(last.day);
      if (day === undefined) return sealed;
      let seq = stored.length + 1;
      let previousHash = last?.hash ?? GENESIS_HASH;
      let lost = false;
      while (day <= through) {
        const entry = sealEntry({
          seq,
          day,
          timeZone: this.meteringDay.timeZone,
          rows: sealedRows(await this.store.listCounters(day, day)),
          previousHash,
          sealedAtMs: this.clock.now(),
          clock: this.clock.simulation || (await this.options.simulatedDays?.isSimulated(day)) ? 'simulated' : 'system',
          keyId: this.key.keyId,
          sign: (data) => this.key.sign(data),
        });
        if (!(await this.store.appendLedgerEntry({ seq, day, entry: JSON.stringify(entry) }))) {
          lost = true;
          break;
        }
        this.logger.debug({ day, seq, hash: entry.hash, clock: entry.clock }, 'ledger: day sealed');
        sealed.push(entry);
        seq++;
        previousHash = entry.hash;
        day = nextDay(day);
      }
      if (!lost) {
        const last = sealed.at(-1);
        if (last !== undefined) this.logger.info({ from: sealed[0]!.day, to: last.day, days: sealed.length, lastHash: last.hash, clock: last.clock }, 'ledger: closed days sealed');
        return sealed;
      }
    }
    throw new IdnodeError('INTERNAL_ERROR', `sealing the ledger through ${through} lost to other sealers ${MAX_SEAL_ROUNDS} times in a row`);
  }

  /** Closed days after `lastSealed` (from the first day with counts when nothing is sealed yet). */
  private async unsealedThrough(lastSealed: string | undefined, latestClosed: string): Promise<number> {
    if (lastSealed !== undefined) return daysBetween(nextDay(lastSealed), latestClosed);
    const first = await this.firstCountedDay(latestClosed);
    return first === undefined ? 0 : daysBetween(first, latestClosed);
  }

  /** The first day with any count, if it is on or before `through`. */
  private async firstCountedDay(through: string): Promise<string | undefined> {
    const sums = await this.store.sumCounters({ fromDay: '0001-01-01', toDay: through, groupBy: ['day'] });
    return sums.find((sum) => sum.count !== 0)?.day;
  }
}

function parseStored(row: LedgerRow): ExportedEntry {
  try {
    return JSON.parse(row.entry) as ExportedEntry;
  } catch {
    return { format: UNREADABLE, seq: row.seq, day: row.day } as unknown as ExportedEntry;
  }
}
