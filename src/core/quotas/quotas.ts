import type { Clock } from '../clock/clock.js';
import type { MeteringDay } from '../clock/metering-day.js';
import type { Monotonic } from '../clock/monotonic.js';
import { IdnodeError } from '../errors/catalogue.js';
import type { Logger } from '../log/logger.js';
import type { CounterStore, MetaStore } from '../store/store.js';
import { NO_LIMITS, QUOTA_FIELDS, type QuotaLimits, type QuotaOverrides } from './quota-limits.js';

/** The meta key of an enterprise's quota overrides (JSON QuotaOverrides). */
export const QUOTA_META = 'quota.';

/** Which limit refused a request (for /metrics and the quota report). */
export type QuotaLimitName = 'registrations-per-day' | 'resolutions-per-day' | 'requests-per-second';

/** An enterprise's day so far, as this process sees it. */
export interface QuotaUsage {
  readonly day: string;
  readonly registrations: number;
  readonly resolutions: number;
  /** Requests refused by each limit today, by this process. */
  readonly refused: Readonly<Record<QuotaLimitName, number>>;
}

interface Tracked {
  day: string;
  /** Today's counts in the shared counters at the last sync (registrations, resolutions of every kind). */
  baseRegistrations: number;
  baseResolutions: number;
  /** Counted by this process since the last sync. */
  registrations: number;
  resolutions: number;
  refused: Record<QuotaLimitName, number>;
  /** Token bucket of the rate limit (per process). */
  tokens: number;
  refilledAt: number;
}

export interface QuotaOptions {
  /** The node-wide defaults (settings quota.*). */
  readonly defaults: QuotaLimits;
  /** Whether a prefix is an enterprise prefix allocated here: only those have quotas. */
  readonly isEnterprise: (prefix: string) => boolean;
  readonly monotonic: Monotonic;
}

/**
 * Per-enterprise quotas (issue 17): registrations and resolutions per metering day, requests per second.
 * Checking and counting are in memory and cost a map lookup and a few additions per request; the shared
 * figures come from the store only at sync() (the node runs it every QUOTA_SYNC_MS), so:
 * - daily limits are node-wide (replicas share the counters: each adds what it counted since the last sync
 *   to the shared figure), overshot at most by what the replicas admit within one sync interval (and a batch
 *   or import chunk in flight, up to its 2,000 items: each item is checked before its transaction);
 * - the rate limit is a token bucket per process (a burst of one second's worth), so N replicas behind a
 *   balancer admit up to N times the rate; it needs no store.
 * A prefix that is not an enterprise's has no quota. The overrides are kept in the store's meta table.
 */
export class Quotas {
  private overrides = new Map<string, QuotaOverrides>();
  private readonly tracked = new Map<string, Tracked>();
  private readonly refusedTotal: Record<QuotaLimitName, number> = { 'registrations-per-day': 0, 'resolutions-per-day': 0, 'requests-per-second': 0 };

  constructor(
    private readonly store: Pick<MetaStore, 'getMeta' | 'setMeta'> & Pick<CounterStore, 'sumCounters'>,
    private readonly clock: Clock,
    private readonly meteringDay: MeteringDay,
    private readonly logger: Logger,
    private readonly options: QuotaOptions,
  ) {}

  /** The limits in force for `prefix` (no limits for a prefix that is no enterprise's). */
  limitsOf(prefix: string): QuotaLimits {
    if (!this.options.isEnterprise(prefix)) return NO_LIMITS;
    const own = this.overrides.get(prefix);
    return own === undefined ? this.options.defaults : { ...this.options.defaults, ...own };
  }

  overridesOf(prefix: string): QuotaOverrides {
    return this.overrides.get(prefix) ?? {};
  }

  /** Loads the overrides of these enterprise prefixes from the store (at start and at each refresh). */
  async load(prefixes: readonly string[]): Promise<void> {
    const loaded = new Map<string, QuotaOverrides>();
    for (const prefix of prefixes) {
      const text = await this.store.getMeta(QUOTA_META + prefix);
      if (text !== undefined) loaded.set(prefix, parseStored(text));
    }
    this.overrides = loaded;
  }

  /** Stores `prefix`'s overrides (an absent field: the default) and applies them at once in this process. */
  async set(prefix: string, overrides: QuotaOverrides): Promise<void> {
    await this.store.setMeta(QUOTA_META + prefix, JSON.stringify(overrides));
    this.overrides.set(prefix, overrides);
  }

  /** A request with `prefix`'s credentials. Throws RATE_LIMIT_EXCEEDED (with Retry-After) over the rate. */
  takeRequest(prefix: string): void {
    const rate = this.limitsOf(prefix).requestsPerSecond;
    if (rate === 0) return;
    const tracked = this.trackedOf(prefix);
    const now = this.options.monotonic.now();
    tracked.tokens = Math.min(rate, tracked.tokens + ((now - tracked.refilledAt) * rate) / 1000);
    tracked.refilledAt = now;
    if (tracked.tokens >= 1) {
      tracked.tokens -= 1;
      return;
    }
    tracked.refused['requests-per-second']++;
    this.refusedTotal['requests-per-second']++;
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - tracked.tokens) / rate));
    throw new IdnodeError('RATE_LIMIT_EXCEEDED', `enterprise ${prefix} may make ${rate} request(s) per second; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }

  /** Before a write that may create an identifier under `prefix`. Throws REGISTRATION_LIMIT_EXCEEDED. */
  checkRegistration(prefix: string, handle: string): void {
    const limit = this.limitsOf(prefix).registrationsPerDay;
    if (limit === 0) return;
    const tracked = this.trackedOf(prefix);
    if (tracked.baseRegistrations + tracked.registrations < limit) return;
    tracked.refused['registrations-per-day']++;
    this.refusedTotal['registrations-per-day']++;
    throw new IdnodeError('REGISTRATION_LIMIT_EXCEEDED', `enterprise ${prefix} has registered its ${limit} new identifier(s) for ${tracked.day}; ${handle} may be created from the next day`, {
      handle,
      retryAfterSeconds: this.secondsToNextDay(),
    });
  }

  registered(prefix: string, count: number): void {
    if (this.limitsOf(prefix).registrationsPerDay !== 0) this.trackedOf(prefix).registrations += count;
  }

  /** Before answering a resolution under `prefix`; counts it. Throws RESOLUTION_LIMIT_EXCEEDED. */
  takeResolution(prefix: string, handle: string): void {
    const limit = this.limitsOf(prefix).resolutionsPerDay;
    if (limit === 0) return;
    const tracked = this.trackedOf(prefix);
    if (tracked.baseResolutions + tracked.resolutions < limit) {
      tracked.resolutions++;
      return;
    }
    tracked.refused['resolutions-per-day']++;
    this.refusedTotal['resolutions-per-day']++;
    throw new IdnodeError('RESOLUTION_LIMIT_EXCEEDED', `identifiers under ${prefix} have had their ${limit} resolution(s) for ${tracked.day}; ${handle} resolves again from the next day`, {
      handle,
      retryAfterSeconds: this.secondsToNextDay(),
    });
  }

  /** `prefix`'s day so far as this process sees it. */
  usageOf(prefix: string): QuotaUsage {
    const tracked = this.trackedOf(prefix);
    return {
      day: tracked.day,
      registrations: tracked.baseRegistrations + tracked.registrations,
      resolutions: tracked.baseResolutions + tracked.resolutions,
      refused: { ...tracked.refused },
    };
  }

  /** Refusals by limit since start, every enterprise (for /metrics). */
  refusals(): Record<QuotaLimitName, number> {
    return { ...this.refusedTotal };
  }

  /**
   * Reads today's shared figures of every enterprise with a daily limit seen since the last sync, and starts
   * this process's own counts again from them. Rejects with what the store throws (the figures stay).
   */
  async sync(): Promise<void> {
    for (const [prefix, tracked] of this.tracked) {
      const limits = this.limitsOf(prefix);
      if (limits.registrationsPerDay === 0 && limits.resolutionsPerDay === 0) continue;
      const sums = await this.store.sumCounters({ fromDay: tracked.day, toDay: tracked.day, prefix, groupBy: [] });
      let registrations = 0;
      let resolutions = 0;
      for (const sum of sums) {
        if (sum.kind === 'registration') registrations += sum.count;
        else if (sum.kind.startsWith('resolution.')) resolutions += sum.count;
      }
      // Counts this process made since the read began are kept: only what the store already held is replaced.
      tracked.baseRegistrations = registrations;
      tracked.registrations = 0;
      tracked.baseResolutions = Math.max(resolutions, tracked.baseResolutions + tracked.resolutions);
      tracked.resolutions = 0;
    }
    this.logger.debug({ enterprises: this.tracked.size }, 'quota figures synced');
  }

  private trackedOf(prefix: string): Tracked {
    const day = this.meteringDay.dayOf(this.clock.now());
    let tracked = this.tracked.get(prefix);
    if (tracked === undefined || tracked.day !== day) {
      const rate = this.limitsOf(prefix).requestsPerSecond;
      tracked = {
        day,
        baseRegistrations: 0,
        baseResolutions: 0,
        registrations: 0,
        resolutions: 0,
        refused: { 'registrations-per-day': 0, 'resolutions-per-day': 0, 'requests-per-second': 0 },
        tokens: tracked?.tokens ?? rate,
        refilledAt: tracked?.refilledAt ?? this.options.monotonic.now(),
      };
      this.tracked.set(prefix, tracked);
    }
    return tracked;
  }

  private secondsToNextDay(): number {
    return Math.max(1, Math.ceil(this.meteringDay.msToNextDay(this.clock.now()) / 1000));
  }
}

function parseStored(text: string): QuotaOverrides {
  const stored = JSON.parse(text) as Record<string, unknown>;
  const overrides: Record<string, number> = {};
  for (const field of QUOTA_FIELDS) if (typeof stored[field] === 'number') overrides[field] = stored[field];
  return overrides;
}
