import { COUNTER_KINDS } from '../core/metering/figures.js';
import type { EligibilityReport } from '../core/eligibility/report.js';
import type { Locale } from '../i18n/locale.js';
import { awardHeadline, day, figure, formatMargin, formatMeasured, formatThreshold, kindName, verdictLabel } from './format.js';
import { methodText, reportNotes } from './method-text.js';
import { policyText, reportText } from './messages.js';
import { amountLine, policyName } from './render-html.js';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The eligibility report as Markdown in `locale` (`idnode report --format md`). */
export function renderReportMarkdown(report: EligibilityReport, locale: Locale = 'zh-CN'): string {
  const t = reportText(locale);
  const { policy, period } = report;
  const year = String(report.year);
  const name = policyName(report, t);
  const lines: string[] = [];
  lines.push(`# ${t('report.title', { year })}: ${name.title}`, '');
  const provision = policy.provision === undefined ? '' : ` · ${policyText(t, policy.provision, policy.provisionZh)}`;
  lines.push(`${name.source}${provision}`, '');
  const range = t('range', { from: day(period.from, t), to: day(period.to, t) });
  lines.push(`${t('report.period', { range, days: period.days, zone: report.timeZone, status: t(`period.${period.status}`) })}${
    period.status === 'running' ? t('report.running', { today: day(period.today, t), closed: period.closedDays }) : ''
  }`, '');
  if (report.clock.mode === 'simulated') lines.push(`> **${t('report.simulated', { start: report.clock.start ?? '', rate: report.clock.rate ?? 1 })}**`, '');

  for (const award of report.awards) {
    lines.push(`## ${policyText(t, award.title, award.titleZh)}: ${awardHeadline(award, t)}`, '');
    lines.push(amountLine(award, t), '');
    lines.push(`| ${t('award.col.criterion')} | ${t('award.col.measured')} | ${t('award.col.threshold')} | ${t('award.col.margin')} | ${t('award.col.verdict')} |`, '|---|---:|---:|---:|---|');
    for (const criterion of award.criteria) {
      lines.push(`| ${cell(policyText(t, criterion.title, criterion.titleZh))} | ${formatMeasured(criterion, t)} | ${formatThreshold(criterion, t)} | ${formatMargin(criterion, t)} | ${verdictLabel(criterion.verdict, t)} |`);
    }
    lines.push('');
    for (const criterion of award.criteria) {
      const method = methodText(criterion, report, t);
      lines.push(`- **${policyText(t, criterion.title, criterion.titleZh)}**`, `  - ${method.measured}`, `  - ${method.rule}`);
      if (criterion.note) lines.push(`  - ${t('award.note')}: ${policyText(t, criterion.note, criterion.noteZh)}`);
      if (method.projection) lines.push(`  - ${method.projection}`);
    }
    lines.push('');
  }

  lines.push(`## ${t('report.everyFigure', { year })}`, '', `| ${t('report.col.kind')} | ${t('report.col.count')} | ${t('report.col.counted')} |`, '|---|---:|---|');
  for (const kind of COUNTER_KINDS) {
    const counted = kind.startsWith('resolution.') ? t(policy.countedResolutionKinds.includes(kind) ? 'yes' : 'no') : '';
    lines.push(`| ${kindName(kind, t)} | ${figure(report.figures.totals[kind], t)} | ${counted} |`);
  }
  const { figures } = report;
  lines.push('', figures.firstDayWithData === undefined
    ? t('report.counted', { counted: figures.countedResolutions, days: figures.daysWithData })
    : t('report.countedRange', { counted: figures.countedResolutions, days: figures.daysWithData, range: t('range', { from: day(figures.firstDayWithData, t), to: day(figures.lastDayWithData!, t) }) }), '');
  lines.push(`## ${t('report.notes')}`, '');
  for (const note of reportNotes(report, t)) lines.push(`- ${note}`);
  lines.push('', t('report.generated', { at: report.generatedAt, policy: `\`${policy.id}\`` }), '');
  return lines.join('\n');
}
