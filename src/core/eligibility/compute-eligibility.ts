import { addDays, daysBetween, daysInYear, firstDayOfYear, lastDayOfYear, previousDay } from '../clock/calendar-day.js';
import type { ClockDescription } from '../clock/set-clock.js';
import { zeroKindCounts, type KindCounts } from '../metering/figures.js';
import type { CounterKind } from '../store/store.js';
import type { Criterion, Policy } from './policy.js';
import type { AwardResult, ConnectionFact, CriterionResult, CriterionVerdict, EligibilityReport, Projection } from './report.js';

/** One day of the year with its totals per kind over every prefix and protocol. */
export interface DayCounts {
  readonly day: string;
  readonly counts: KindCounts;
}

export interface EligibilityInput {
  readonly policy: Policy;
  readonly year: number;
  /** Days of the year with any count, in day order (days absent count zero). */
  readonly days: readonly DayCounts[];
  /** The node's current metering day. */
  readonly today: string;
  readonly generatedAtMs: number;
  readonly timeZone: string;
  readonly clock: ClockDescription;
  /** `undefined`: the node cannot tell (the criterion's verdict is unknown). */
  readonly connection: ConnectionFact | undefined;
  /** Closed days the run rate averages over (the last ones with data); 7 by default. */
  readonly runRateWindowDays?: number;
}

const DEFAULT_RUN_RATE_WINDOW = 7;
const number = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 2 });
const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * The eligibility report of one policy for one calendar year (docs/design.md §2). Pure: every figure comes from
 * `input`. Sums (registrations, resolutions) and the daily average (the year's counted resolutions ÷ the days
 * of the year, 365 or 366) only grow as a year runs, so a criterion already met in a running year is met for
 * good; one not met yet is pending, with a projection at the current run rate. Daily averages are judged
 * exactly (total against threshold × days, in integers), and shown to 2 decimals.
 */
export function computeEligibility(input: EligibilityInput): EligibilityReport {
  const { policy, year, today } = input;
  const from = firstDayOfYear(year);
  const to = lastDayOfYear(year);
  const periodDays = daysInYear(year);
  const status = today > to ? 'closed' : today < from ? 'future' : 'running';
  const closedDays = status === 'closed' ? periodDays : status === 'future' ? 0 : daysBetween(from, previousDay(today));
  const days = input.days.filter((entry) => entry.day >= from && entry.day <= to && Object.values(entry.counts).some((count) => count !== 0));
  const totals = zeroKindCounts();
  for (const entry of days) for (const [kind, count] of Object.entries(entry.counts)) totals[kind as CounterKind] += count;
  const context: Context = { input, from, to, periodDays, status, closedDays, days, totals };

  const awards: AwardResult[] = policy.awards.map((award) => {
    const criteria = award.criteria.map((criterion) => evaluate(criterion, context));
    const verdicts = criteria.map((criterion) => criterion.verdict);
    const verdict = verdicts.every((v) => v === 'met') ? 'eligible' : verdicts.includes('not-met') ? 'not-eligible' : verdicts.includes('pending') ? 'pending' : 'unknown';
    const projected = status === 'running' && verdict === 'pending' ? projectedVerdict(criteria) : undefined;
    return {
      id: award.id,
      title: award.title,
      maxAmount: award.maxAmount,
      currency: policy.currency,
      ...(award.amountNote === undefined ? {} : { amountNote: award.amountNote }),
      ...(award.titleZh === undefined ? {} : { titleZh: award.titleZh }),
      ...(award.amountNoteZh === undefined ? {} : { amountNoteZh: award.amountNoteZh }),
      verdict,
      ...(projected === undefined ? {} : { projectedVerdict: projected }),
      criteria,
    };
  });

  return {
    policy: {
      id: policy.id,
      title: policy.title,
      issuer: policy.issuer,
      document: policy.document,
      ...(policy.titleZh === undefined ? {} : { titleZh: policy.titleZh }),
      ...(policy.provision === undefined ? {} : { provision: policy.provision }),
      ...(policy.provisionZh === undefined ? {} : { provisionZh: policy.provisionZh }),
      timeZone: policy.timeZone,
      currency: policy.currency,
      countedResolutionKinds: policy.countedResolutionKinds,
    },
    year,
    period: { from, to, days: periodDays, status, closedDays, today },
    timeZone: input.timeZone,
    clock: input.clock,
    generatedAt: new Date(input.generatedAtMs).toISOString(),
    figures: {
      totals,
      countedResolutions: sumKinds(totals, policy.countedResolutionKinds),
      ...(days.length > 0 ? { firstDayWithData: days[0]!.day, lastDayWithData: days[days.length - 1]!.day } : {}),
      daysWithData: days.length,
    },
    awards,
    notes: notes(context),
  };
}

interface Context {
  readonly input: EligibilityInput;
  readonly from: string;
  readonly to: string;
  readonly periodDays: number;
  readonly status: 'closed' | 'running' | 'future';
  readonly closedDays: number;
  readonly days: readonly DayCounts[];
  readonly totals: KindCounts;
}

function sumKinds(counts: KindCounts, kinds: readonly CounterKind[]): number {
  return kinds.reduce((sum, kind) => sum + (counts[kind] ?? 0), 0);
}

function evaluate(criterion: Criterion, context: Context): CriterionResult {
  const base = {
    id: criterion.id,
    title: criterion.title,
    metric: criterion.metric,
    ...(criterion.note === undefined ? {} : { note: criterion.note }),
    ...(criterion.titleZh === undefined ? {} : { titleZh: criterion.titleZh }),
    ...(criterion.noteZh === undefined ? {} : { noteZh: criterion.noteZh }),
  };
  if (criterion.metric === 'top-level-connection') {
    const fact = context.input.connection;
    return {
      ...base,
      measured: fact === undefined ? null : fact.connected,
      verdict: fact === undefined ? 'unknown' : fact.connected ? 'met' : 'not-met',
      method: fact === undefined ? 'This node cannot tell whether it is connected with a national top-level node.' : fact.detail,
    };
  }
  const comparison = criterion.comparison!;
  const threshold = criterion.threshold!;
  const kinds: readonly CounterKind[] = criterion.metric === 'registrations' ? ['registration'] : (criterion.countedResolutionKinds ?? context.input.policy.countedResolutionKinds);
  const total = sumKinds(context.totals, kinds);
  const average = criterion.metric === 'daily-average-resolutions';
  // The judged total and its bar: for a daily average, the year's total against threshold × days (exact).
  const bar = average ? threshold * context.periodDays : threshold;
  const passes = (value: number) => (comparison === 'gt' ? value > bar : value >= bar);
  const measured = average ? round2(total / context.periodDays) : total;
  const margin = round2(measured - threshold);
  const met = passes(total);
  const verdict: CriterionVerdict = met ? 'met' : context.status === 'closed' ? 'not-met' : 'pending';
  const result: CriterionResult = {
    ...base,
    comparison,
    threshold,
    measured,
    margin,
    ...(threshold > 0 ? { marginPercent: round2((margin / threshold) * 100) } : {}),
    verdict,
    method: method(criterion, context, kinds, total, measured),
    ...(criterion.metric === 'registrations' ? {} : { countedKinds: kinds }),
  };
  if (context.status !== 'running' || met) return result;
  const projection = project(context, kinds, average, threshold, passes);
  return typeof projection === 'string' ? { ...result, projectionUnavailable: projection } : { ...result, projection };
}

function method(criterion: Criterion, context: Context, kinds: readonly CounterKind[], total: number, measured: number): string {
  const { from, to, periodDays, status } = context;
  const range = status === 'running' ? `${from} to ${context.input.today} (the year so far, today's counts included)` : `${from} to ${to}`;
  const days = `${context.input.timeZone} calendar days`;
  const comparisonWords = criterion.comparison === 'gt' ? 'more than' : 'at least';
  const threshold = criterion.threshold!;
  if (criterion.metric === 'registrations') {
    return `Measured: the sum of new-registration counters over every prefix and protocol, ${range} (${days}): ${number(total)}. ` +
      `Rule: the criterion is met with ${comparisonWords} ${number(threshold)} registrations. Updates, overwrites, idempotent retries and refused writes are counted separately, never as registrations.`;
  }
  const kindList = kinds.map((kind) => kind.replace('resolution.', '')).join(' + ');
  const excluded = (Object.keys(context.totals) as CounterKind[]).filter((kind) => kind.startsWith('resolution.') && !kinds.includes(kind));
  const notCounted = excluded.length > 0 ? ` Not counted: ${excluded.map((kind) => `${kind.replace('resolution.', '')} ${number(context.totals[kind])}`).join(', ')}.` : '';
  if (criterion.metric === 'resolutions') {
    return `Measured: the sum of counted resolutions (${kindList}) over every prefix and protocol, ${range} (${days}): ${number(total)}.${notCounted} ` +
      `Rule: the criterion is met with ${comparisonWords} ${number(threshold)} counted resolutions.`;
  }
  return `Measured: the daily average = the year's counted resolutions (${kindList}) ÷ the ${periodDays} days of the period ${from} to ${to}: ` +
    `${number(total)} ÷ ${periodDays} = ${number(measured)} per day${status === 'running' ? ' (counts so far; it can only grow as the year runs)' : ''}.${notCounted} ` +
    `Rule: the criterion is met with ${comparisonWords} ${number(threshold)} per day, that is ${comparisonWords} ${number(threshold * periodDays)} counted resolutions in the year.`;
}

/** The projection at the run rate of the last closed days with data, or why there is none. */
function project(context: Context, kinds: readonly CounterKind[], average: boolean, threshold: number, passes: (total: number) => boolean): Projection | string {
  const yesterday = previousDay(context.input.today);
  const closed = context.days.filter((entry) => entry.day <= yesterday);
  const firstDay = closed[0]?.day;
  if (firstDay === undefined) return `no closed day of ${context.input.year} has any count yet, so there is no run rate`;
  const windowWanted = context.input.runRateWindowDays ?? DEFAULT_RUN_RATE_WINDOW;
  // The window: the last closed days, not reaching back before the first day with data (a node that started
  // mid-year has no run rate before it started).
  const windowDays = Math.min(windowWanted, daysBetween(firstDay, yesterday));
  const windowStart = addDays(yesterday, 1 - windowDays);
  const sum = (entries: readonly DayCounts[]) => entries.reduce((total, entry) => total + sumKinds(entry.counts, kinds), 0);
  const windowTotal = sum(closed.filter((entry) => entry.day >= windowStart));
  const closedTotal = sum(closed);
  const rate = windowTotal / windowDays;
  const remainingDays = context.periodDays - context.closedDays;
  const projectedTotal = closedTotal + rate * remainingDays;
  const value = average ? round2(projectedTotal / context.periodDays) : Math.round(projectedTotal);
  const verdict = passes(projectedTotal) ? 'met' : 'not-met';
  const what = average ? 'counted resolutions' : kinds.length === 1 && kinds[0] === 'registration' ? 'registrations' : 'counted resolutions';
  return {
    value,
    margin: round2(value - threshold),
    verdict,
    runRatePerDay: round2(rate),
    windowFrom: windowStart,
    windowTo: yesterday,
    windowDays,
    remainingDays,
    method:
      `Run rate = ${what} of the last ${windowDays} closed day${windowDays === 1 ? '' : 's'} with data (${windowStart} to ${yesterday}): ${number(windowTotal)} ÷ ${windowDays} = ${number(round2(rate))} per day. ` +
      `Projected year total = ${number(closedTotal)} counted on the ${context.closedDays} closed days + ${number(round2(rate))} × ${remainingDays} remaining days (today included) = ${number(Math.round(projectedTotal))}` +
      (average ? `; ÷ ${context.periodDays} days = ${number(value)} per day.` : '.'),
  };
}

function projectedVerdict(criteria: readonly CriterionResult[]): 'eligible' | 'not-eligible' | undefined {
  let eligible = true;
  for (const criterion of criteria) {
    if (criterion.verdict === 'met') continue;
    if (criterion.verdict === 'pending' && criterion.projection) eligible &&= criterion.projection.verdict === 'met';
    else if (criterion.verdict === 'not-met') eligible = false;
    else return undefined;
  }
  return eligible ? 'eligible' : 'not-eligible';
}

function notes(context: Context): string[] {
  const { input, status, from, days } = context;
  const notes: string[] = [];
  if (input.clock.mode === 'simulated') {
    notes.push(`SIMULATED: this node runs on a set clock (started at ${input.clock.start}, ${input.clock.rate}× real time). These are not production figures.`);
  }
  if (input.policy.timeZone !== input.timeZone) {
    notes.push(`The policy's calendar is ${input.policy.timeZone} but this node meters ${input.timeZone} days; counts near midnight fall on the node's days.`);
  }
  if (status === 'running') {
    notes.push(`${input.year} is still running (today is ${input.today}): a pending criterion can still be met; projections assume the current run rate holds to ${context.to}.`);
  }
  if (status === 'future') notes.push(`${input.year} has not begun by the node's clock (today is ${input.today}).`);
  const firstDay = days[0]?.day;
  if (status !== 'future' && (firstDay === undefined || firstDay > from)) {
    notes.push(firstDay === undefined
      ? `No counts at all in ${input.year}.`
      : `No counts before ${firstDay} in ${input.year}: the days before count as zero in sums and in the daily average over all ${context.periodDays} days.`);
  }
  notes.push('Resolution counts reach the store at most one flush interval (1 s by default) after they happen; the last second may not be in these figures yet.');
  return notes;
}
