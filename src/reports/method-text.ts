import { RESOLUTION_KINDS } from '../core/metering/figures.js';
import type { CriterionResult, EligibilityReport } from '../core/eligibility/report.js';
import { day, figure, kindList, kindName, verdictLabel } from './format.js';
import type { ReportText } from './messages.js';

/**
 * How a criterion was judged, in the page's language: the measured figure (with the numbers used) and the
 * rule, stated apart and never as a verdict (the verdict is the criterion's badge). Built from the report's
 * own figures, so every language says the same thing the JSON report's `method` says in English.
 */
export interface MethodText {
  readonly measured: string;
  readonly rule: string;
  /** The projection to year end, or why there is none; absent when the criterion needs none. */
  readonly projection?: string;
}

export function methodText(criterion: CriterionResult, report: EligibilityReport, t: ReportText): MethodText {
  const { period } = report;
  if (criterion.metric === 'top-level-connection') {
    const measured = typeof criterion.measured === 'boolean'
      ? t('method.connection.measured', { state: t(criterion.measured ? 'measured.connected' : 'measured.notConnected'), detail: criterion.method })
      : t('method.connection.unknown');
    return { measured, rule: t('method.connection.rule') };
  }
  const comparison = t(criterion.comparison === 'gte' ? 'comparison.gte' : 'comparison.gt');
  const threshold = criterion.threshold ?? 0;
  const kinds = criterion.metric === 'registrations' ? (['registration'] as const) : (criterion.countedKinds ?? report.policy.countedResolutionKinds);
  const total = kinds.reduce((sum, kind) => sum + (report.figures.totals[kind] ?? 0), 0);
  const range = period.status === 'running'
    ? t('method.range.running', { from: day(period.from, t), today: day(period.today, t) })
    : t('method.range.closed', { from: day(period.from, t), to: day(period.to, t) });
  const days = t('method.days', { zone: report.timeZone });
  const excluded = RESOLUTION_KINDS.filter((kind) => !kinds.includes(kind));
  const notCounted = criterion.metric === 'registrations' || excluded.length === 0
    ? ''
    : ` ${t('method.notCounted', { list: excluded.map((kind) => `${kindName(kind, t)} ${figure(report.figures.totals[kind] ?? 0, t)}`).join(', ') })}`;
  let measured: string;
  let rule: string;
  if (criterion.metric === 'registrations') {
    measured = t('method.registrations.measured', { range, days, total });
    rule = t('method.registrations.rule', { comparison, threshold });
  } else if (criterion.metric === 'resolutions') {
    measured = t('method.resolutions.measured', { kinds: kindList(kinds, t), range, days, total }) + notCounted;
    rule = t('method.resolutions.rule', { comparison, threshold });
  } else {
    measured = t('method.average.measured', {
      kinds: kindList(kinds, t),
      periodDays: period.days,
      from: day(period.from, t),
      to: day(period.to, t),
      total,
      measured: typeof criterion.measured === 'number' ? criterion.measured : 0,
    }) + (period.status === 'running' ? ` ${t('method.average.running')}` : '') + notCounted;
    rule = t('method.average.rule', { comparison, threshold, yearTotal: threshold * period.days });
  }
  const projection = criterion.projection
    ? t('method.projection', {
        value: criterion.metric === 'daily-average-resolutions' ? t('unit.perDay', { value: figure(criterion.projection.value, t) }) : figure(criterion.projection.value, t),
        verdict: verdictLabel(criterion.projection.verdict, t),
        windowDays: criterion.projection.windowDays,
        from: day(criterion.projection.windowFrom, t),
        to: day(criterion.projection.windowTo, t),
        rate: criterion.projection.runRatePerDay,
        remaining: criterion.projection.remainingDays,
      })
    : criterion.projectionUnavailable
      ? t('method.noProjection', { year: String(report.year) })
      : undefined;
  return { measured, rule, ...(projection === undefined ? {} : { projection }) };
}

/** The report's notes in the page's language, from the report's own fields (the JSON report has them in English). */
export function reportNotes(report: EligibilityReport, t: ReportText): string[] {
  const { period, clock } = report;
  const year = String(report.year);
  const notes: string[] = [];
  if (clock.mode === 'simulated') notes.push(t('note.simulated', { start: clock.start ?? '', rate: clock.rate ?? 1 }));
  if (report.policy.timeZone !== report.timeZone) notes.push(t('note.timeZone', { policyZone: report.policy.timeZone, zone: report.timeZone }));
  if (period.status === 'running') notes.push(t('note.running', { year, today: day(period.today, t), to: day(period.to, t) }));
  if (period.status === 'future') notes.push(t('note.future', { year, today: day(period.today, t) }));
  const first = report.figures.firstDayWithData;
  if (period.status !== 'future' && (first === undefined || first > period.from)) {
    notes.push(first === undefined ? t('note.noCounts', { year }) : t('note.countsFrom', { year, first: day(first, t), periodDays: period.days }));
  }
  notes.push(t('note.flush'));
  return notes;
}
