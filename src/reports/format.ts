import type { AwardResult, CriterionResult } from '../core/eligibility/report.js';

/** Shared wording of the report renderers (Markdown, HTML, the dashboard), so they never disagree. */
export function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function formatAmount(amount: number, currency: string): string {
  return currency === 'CNY' ? `¥${formatNumber(amount)}` : `${formatNumber(amount)} ${currency}`;
}

export function formatMeasured(criterion: CriterionResult): string {
  if (typeof criterion.measured === 'boolean') return criterion.measured ? 'connected' : 'not connected';
  if (criterion.measured === null) return 'unknown';
  return formatNumber(criterion.measured) + (criterion.metric === 'daily-average-resolutions' ? ' / day' : '');
}

export function formatThreshold(criterion: CriterionResult): string {
  if (criterion.threshold === undefined) return 'connected';
  return `${criterion.comparison === 'gt' ? '>' : '≥'} ${formatNumber(criterion.threshold)}${criterion.metric === 'daily-average-resolutions' ? ' / day' : ''}`;
}

export function formatMargin(criterion: CriterionResult): string {
  if (criterion.margin === undefined) return '—';
  const sign = criterion.margin > 0 ? '+' : criterion.margin < 0 ? '−' : '';
  const percent = criterion.marginPercent === undefined ? '' : ` (${sign}${formatNumber(Math.abs(criterion.marginPercent))}%)`;
  return `${sign}${formatNumber(Math.abs(criterion.margin))}${percent}`;
}

export const VERDICT_LABEL: Record<string, string> = {
  met: 'met',
  'not-met': 'not met',
  pending: 'pending',
  unknown: 'unknown',
  eligible: 'eligible',
  'not-eligible': 'not eligible',
};

export function awardHeadline(award: AwardResult): string {
  const projected = award.projectedVerdict === undefined ? '' : ` (projected: ${VERDICT_LABEL[award.projectedVerdict]})`;
  return `${VERDICT_LABEL[award.verdict]}${projected}`;
}
