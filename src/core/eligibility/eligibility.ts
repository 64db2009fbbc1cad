import { assertCanAudit } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { firstDayOfYear, lastDayOfYear, yearOf } from '../clock/calendar-day.js';
import type { Clock } from '../clock/clock.js';
import type { MeteringDay } from '../clock/metering-day.js';
import { describeClock } from '../clock/set-clock.js';
import { IdnodeError } from '../errors/catalogue.js';
import { zeroKindCounts } from '../metering/figures.js';
import type { CounterKind, CounterStore } from '../store/store.js';
import { computeEligibility, type DayCounts } from './compute-eligibility.js';
import type { PolicyCatalogue } from './policy-catalogue.js';
import type { Policy } from './policy.js';
import type { ConnectionFact, EligibilityReport } from './report.js';

/** Tells whether the node is connected with a national top-level node; `undefined` when it cannot tell. */
export type ConnectionProbe = () => Promise<ConnectionFact | undefined>;

const NOT_CONFIGURED: ConnectionProbe = async () => ({
  connected: false,
  detail: 'No national top-level node is configured on this node, so it is not connected with one.',
});

/**
 * Award-eligibility reports (docs/design.md §2): reads the year's daily totals from the store and computes the report
 * of a policy (computeEligibility). No network I/O beyond the store and the connection probe.
 */
export class Eligibility {
  private connection: ConnectionProbe = NOT_CONFIGURED;

  constructor(
    private readonly store: CounterStore,
    private readonly meteringDay: MeteringDay,
    private readonly clock: Clock,
    private readonly policies: PolicyCatalogue,
  ) {}

  /** Replaces the connection probe (the federation client sets one when a top-level node is configured). */
  setConnectionProbe(probe: ConnectionProbe): void {
    this.connection = probe;
  }

  /** The node's current calendar year (in the metering time zone). */
  currentYear(): number {
    return yearOf(this.meteringDay.dayOf(this.clock.now()));
  }

  /**
   * The report of `policyId` (the default policy when undefined) for `year` (the current one when undefined;
   * text, as a request carries it, is read by parseYear), for auditors and the operator. Throws IdnodeError
   * AUTHENTICATION_REQUIRED / PERMISSION_DENIED first, then REQUEST_INVALID for a year that is not one of
   * 1..9999, POLICY_NOT_FOUND for an unknown policy.
   */
  async report(principal: Principal, options: { year?: number | string; policyId?: string } = {}): Promise<EligibilityReport> {
    assertCanAudit(principal, 'reading the eligibility report');
    // Text is read before the policy is looked up, and a number checked after, as the front ends always did.
    const asked = typeof options.year === 'string' ? parseYear(options.year) : options.year;
    const policy: Policy = this.policies.get(options.policyId);
    const year = asked ?? this.currentYear();
    if (!Number.isSafeInteger(year) || year < 1 || year > 9999) throw new IdnodeError('REQUEST_INVALID', `year must be a calendar year from 1 to 9999, got ${year}`);
    const nowMs = this.clock.now();
    const sums = await this.store.sumCounters({ fromDay: firstDayOfYear(year), toDay: lastDayOfYear(year), groupBy: ['day'] });
    const days: DayCounts[] = [];
    for (const sum of sums) {
      let last: DayCounts | undefined = days[days.length - 1];
      if (last === undefined || last.day !== sum.day) {
        last = { day: sum.day!, counts: zeroKindCounts() };
        days.push(last);
      }
      if (sum.kind in last.counts) last.counts[sum.kind as CounterKind] += sum.count;
    }
    return computeEligibility({
      policy,
      year,
      days,
      today: this.meteringDay.dayOf(nowMs),
      generatedAtMs: nowMs,
      timeZone: this.meteringDay.timeZone,
      clock: describeClock(this.clock),
      connection: await this.connection(),
    });
  }

  /** The policies this node knows and the default one, for auditors and the operator (throws as report does). */
  policyList(principal: Principal): { default: string; policies: Policy[] } {
    assertCanAudit(principal, 'reading award policies');
    return { default: this.policies.defaultId, policies: this.policies.list() };
  }
}

/** Parses a year from request text. Throws IdnodeError REQUEST_INVALID naming `name`. */
export function parseYear(value: unknown, name = 'year'): number | undefined {
  if (value === undefined || value === '') return undefined;
  const text = String(value);
  if (!/^\d{4}$/.test(text) || Number(text) < 1) throw new IdnodeError('REQUEST_INVALID', `${name} must be a four-digit calendar year such as 2024, got ${JSON.stringify(value)}`);
  return Number(text);
}
