import { COUNTER_KINDS } from '../core/metering/figures.js';
import { awardHeadline, formatAmount, formatMargin, formatMeasured, formatNumber, formatThreshold, VERDICT_LABEL } from './format.js';
import type { EligibilityReport } from '../core/eligibility/report.js';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The eligibility report as Markdown (`idnode report --format md`). */
export function renderReportMarkdown(report: EligibilityReport): string {
  const { policy, period } = report;
  const lines: string[] = [];
  lines.push(`# Award eligibility ${report.year}: ${policy.title}`, '');
  lines.push(`${policy.document} · ${policy.issuer}${policy.provision ? ` · ${policy.provision}` : ''}`, '');
  lines.push(`Period ${period.from} to ${period.to} (${period.days} days, ${report.timeZone}), ${period.status}${period.status === 'running' ? `, today ${period.today}, ${period.closedDays} days closed` : ''}.`, '');
  if (report.clock.mode === 'simulated') lines.push(`> **SIMULATED CLOCK** (started ${report.clock.start}, ${report.clock.rate}× real time): not production figures.`, '');

  for (const award of report.awards) {
    lines.push(`## ${award.title}: ${awardHeadline(award)}`, '');
    lines.push(`Up to ${formatAmount(award.maxAmount, award.currency)}${award.amountNote ? ` (${award.amountNote})` : ''}.`, '');
    lines.push('| Criterion | Measured | Threshold | Margin | Verdict |', '|---|---:|---:|---:|---|');
    for (const criterion of award.criteria) {
      lines.push(`| ${cell(criterion.title)} | ${formatMeasured(criterion)} | ${formatThreshold(criterion)} | ${formatMargin(criterion)} | ${VERDICT_LABEL[criterion.verdict]} |`);
    }
    lines.push('');
    for (const criterion of award.criteria) {
      lines.push(`- **${criterion.title}**: ${criterion.method}`);
      if (criterion.note) lines.push(`  - Note: ${criterion.note}`);
      if (criterion.projection) {
        lines.push(`  - Projection: ${formatNumber(criterion.projection.value)}, ${VERDICT_LABEL[criterion.projection.verdict]} if the run rate holds. ${criterion.projection.method}`);
      } else if (criterion.projectionUnavailable) lines.push(`  - No projection: ${criterion.projectionUnavailable}.`);
    }
    lines.push('');
  }

  lines.push(`## Every figure of ${report.year}`, '', '| Kind | Count | Counted as a resolution |', '|---|---:|---|');
  for (const kind of COUNTER_KINDS) {
    const counted = kind.startsWith('resolution.') ? (policy.countedResolutionKinds.includes(kind) ? 'yes' : 'no') : '';
    lines.push(`| ${kind} | ${formatNumber(report.figures.totals[kind])} | ${counted} |`);
  }
  lines.push('', `Counted resolutions: ${formatNumber(report.figures.countedResolutions)}. Days with data: ${report.figures.daysWithData}` +
    (report.figures.firstDayWithData ? ` (${report.figures.firstDayWithData} to ${report.figures.lastDayWithData}).` : '.'), '');
  lines.push('## Notes', '');
  for (const note of report.notes) lines.push(`- ${note}`);
  lines.push('', `Generated ${report.generatedAt} by idnode, policy \`${policy.id}\`.`, '');
  return lines.join('\n');
}
