import { formatDay, formatNumber, formatYuan } from '../i18n/locale.js';
import type { AwardResult, CriterionResult } from '../core/eligibility/report.js';
import type { CounterKind } from '../core/store/store.js';
import type { ReportKey, ReportText } from './messages.js';

/**
 * Shared wording of the report renderers (Markdown, HTML, the dashboard), so they never disagree. Figures,
 * days and money are written in the translator's locale (src/i18n/locale.ts).
 */
export function figure(value: number, t: ReportText): string {
  return formatNumber(value, t.locale);
}

export function day(value: string, t: ReportText): string {
  return formatDay(value, t.locale);
}

export function formatAmount(amount: number, currency: string, t: ReportText): string {
  return currency === 'CNY' ? formatYuan(amount, t.locale) : `${formatNumber(amount, t.locale)} ${currency}`;
}

function perDay(criterion: CriterionResult, text: string, t: ReportText): string {
  return criterion.metric === 'daily-average-resolutions' ? t('unit.perDay', { value: text }) : text;
}

export function formatMeasured(criterion: CriterionResult, t: ReportText): string {
  if (typeof criterion.measured === 'boolean') return t(criterion.measured ? 'measured.connected' : 'measured.notConnected');
  if (criterion.measured === null) return t('measured.unknown');
  return perDay(criterion, figure(criterion.measured, t), t);
}

export function formatThreshold(criterion: CriterionResult, t: ReportText): string {
  if (criterion.threshold === undefined) return t('measured.connected');
  return perDay(criterion, `${criterion.comparison === 'gt' ? '>' : '≥'} ${figure(criterion.threshold, t)}`, t);
}

export function formatMargin(criterion: CriterionResult, t: ReportText): string {
  if (criterion.margin === undefined) return '—';
  const sign = criterion.margin > 0 ? '+' : criterion.margin < 0 ? '−' : '';
  const percent = criterion.marginPercent === undefined ? '' : ` (${sign}${figure(Math.abs(criterion.marginPercent), t)}%)`;
  return `${sign}${figure(Math.abs(criterion.margin), t)}${percent}`;
}

export function verdictLabel(verdict: string, t: ReportText): string {
  const key = `verdict.${verdict}` as ReportKey;
  return key in VERDICT_KEYS ? t(key) : verdict;
}

const VERDICT_KEYS: Record<string, true> = Object.fromEntries(
  ['met', 'not-met', 'pending', 'unknown', 'eligible', 'not-eligible'].map((verdict) => [`verdict.${verdict}`, true]),
);

export function awardHeadline(award: AwardResult, t: ReportText): string {
  const verdict = verdictLabel(award.verdict, t);
  return award.projectedVerdict === undefined ? verdict : t('headline.projected', { verdict, projected: verdictLabel(award.projectedVerdict, t) });
}

/** A counter kind as a reader calls it ("cache hit", "缓存命中"). */
export function kindName(kind: CounterKind, t: ReportText): string {
  return t(`kind.${kind}` as ReportKey);
}

/** The resolution kinds counted, joined: "cache hit + store read + referred". */
export function kindList(kinds: readonly CounterKind[], t: ReportText): string {
  return kinds.map((kind) => kindName(kind, t)).join(' + ');
}
