import { COUNTER_KINDS } from '../core/metering/figures.js';
import { day, figure, formatAmount, formatMargin, formatMeasured, formatThreshold, kindName, verdictLabel } from './format.js';
import type { AwardResult, EligibilityReport } from '../core/eligibility/report.js';
import { LOCALES, type Locale } from '../i18n/locale.js';
import { methodText, reportNotes } from './method-text.js';
import { policyText, reportText, type ReportText } from './messages.js';

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** Styles shared by the report and the dashboard: readable tables and verdict badges. */
export const REPORT_CSS = `
  :root { color-scheme: light; --ink: #1d2433; --muted: #5b6475; --line: #d9dee7; --met: #137333; --met-bg: #e6f4ea;
    --fail: #b3261e; --fail-bg: #fce8e6; --pending: #8a5300; --pending-bg: #fef3e0; --unknown: #44474f; --unknown-bg: #eceff4; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif; color: var(--ink); background: #f6f7fb; }
  main { max-width: 1100px; margin: 0 auto; padding: 24px 16px 48px; }
  h1 { font-size: 1.5rem; margin: 0 0 4px; } h2 { font-size: 1.15rem; margin: 0 0 8px; } h3 { font-size: 1rem; margin: 16px 0 6px; }
  .muted { color: var(--muted); } .small { font-size: 0.85rem; }
  section.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin: 16px 0; overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
  /* Wide tables keep their columns readable on a phone: the card scrolls sideways instead. */
  table.wide { min-width: 600px; }
  .nowrap { white-space: nowrap; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
  td.num, th.num { text-align: right; white-space: nowrap; }
  .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.8rem; font-weight: 600; white-space: nowrap; }
  .v-met, .v-eligible { color: var(--met); background: var(--met-bg); }
  .v-not-met, .v-not-eligible { color: var(--fail); background: var(--fail-bg); }
  .v-pending { color: var(--pending); background: var(--pending-bg); }
  .v-unknown { color: var(--unknown); background: var(--unknown-bg); }
  .banner { background: var(--fail-bg); color: var(--fail); border: 1px solid var(--fail); border-radius: 10px; padding: 10px 14px; font-weight: 600; }
  ul.method { margin: 8px 0 0; padding-left: 18px; } ul.method li { margin: 4px 0; }
  ul.method .measured, ul.method .rule { display: block; }
  nav.lang { display: flex; gap: 8px; align-items: center; font-size: 0.9rem; }
  nav.lang a[aria-current] { font-weight: 700; color: var(--ink); text-decoration: none; }
`;

/** A verdict badge in the page's language; `label` replaces the verdict's own wording. */
export function badge(verdict: string, t: ReportText, attributes = '', label?: string): string {
  return `<span class="badge v-${escapeHtml(verdict)}"${attributes}>${escapeHtml(label ?? verdictLabel(verdict, t))}</span>`;
}

/**
 * The language switch of a page: one link per locale to `href(locale)` (which carries `lang`, the explicit
 * choice negotiateLocale honours first); the current one is marked.
 */
export function languageSwitch(t: ReportText, href: (locale: Locale) => string): string {
  const links = LOCALES.map((locale) =>
    `<a href="${escapeHtml(href(locale))}" hreflang="${locale}" lang="${locale}" data-lang="${locale}"${locale === t.locale ? ' aria-current="true"' : ''}>${escapeHtml(reportText(locale)('lang.name'))}</a>`,
  ).join(' · ');
  return `<nav class="lang" aria-label="${escapeHtml(t('lang.switch'))}">${links}</nav>`;
}

/**
 * One award: headline verdict, the criteria table (data-* attributes name each figure for tests), and for each
 * criterion what was measured and the rule, apart (the verdict is the badge). The amount line says the
 * maximum once: the policy's amount note when it has one (it names the amount itself), else "up to".
 */
export function awardSectionHtml(award: AwardResult, report: EligibilityReport, t: ReportText): string {
  const rows = award.criteria
    .map(
      (criterion) => `<tr data-criterion="${escapeHtml(criterion.id)}">
        <td>${escapeHtml(policyText(t, criterion.title, criterion.titleZh))}</td>
        <td class="num" data-field="measured">${escapeHtml(formatMeasured(criterion, t))}</td>
        <td class="num" data-field="threshold">${escapeHtml(formatThreshold(criterion, t))}</td>
        <td class="num" data-field="margin">${escapeHtml(formatMargin(criterion, t))}</td>
        <td data-field="verdict">${badge(criterion.verdict, t)}</td>
        <td class="num" data-field="projection">${criterion.projection ? `${escapeHtml(figure(criterion.projection.value, t))} ${badge(criterion.projection.verdict, t)}` : '—'}</td>
      </tr>`,
    )
    .join('');
  const methods = award.criteria
    .map((criterion) => {
      const method = methodText(criterion, report, t);
      const note = criterion.note === undefined ? undefined : policyText(t, criterion.note, criterion.noteZh);
      return `<li data-method="${escapeHtml(criterion.id)}"><strong>${escapeHtml(policyText(t, criterion.title, criterion.titleZh))}</strong>` +
        `<span class="measured" data-field="method-measured">${escapeHtml(method.measured)}</span>` +
        `<span class="rule" data-field="method-rule">${escapeHtml(method.rule)}</span>` +
        (note ? `<span class="muted">${escapeHtml(note)}</span>` : '') +
        (method.projection ? `<br><em>${escapeHtml(method.projection)}</em>` : '') +
        '</li>';
    })
    .join('');
  return `<section class="card award" data-award="${escapeHtml(award.id)}">
    <h2>${escapeHtml(policyText(t, award.title, award.titleZh))} <span data-field="award-verdict">${badge(award.verdict, t)}</span>${
      award.projectedVerdict ? ` <span class="small muted">${escapeHtml(t('award.projected'))}</span> ${badge(award.projectedVerdict, t, ' data-field="award-projected"')}` : ''
    }</h2>
    <p class="muted small" data-field="award-amount">${escapeHtml(amountLine(award, t))}</p>
    <table class="wide"><thead><tr><th>${t('award.col.criterion')}</th><th class="num">${t('award.col.measured')}</th><th class="num">${t('award.col.threshold')}</th><th class="num">${t('award.col.margin')}</th><th>${t('award.col.verdict')}</th><th class="num">${t('award.col.projected')}</th></tr></thead>
    <tbody>${rows}</tbody></table>
    <ul class="method">${methods}</ul>
  </section>`;
}

/** The award's maximum, said once: the policy's own note (which names the amount), else "Up to ¥…". */
export function amountLine(award: AwardResult, t: ReportText): string {
  const note = award.amountNote === undefined ? undefined : policyText(t, award.amountNote, award.amountNoteZh);
  if (note === undefined) return t('award.upTo', { amount: formatAmount(award.maxAmount, award.currency, t) });
  const sentence = note.charAt(0).toUpperCase() + note.slice(1);
  return /[.。]$/.test(sentence) ? sentence : `${sentence}${t.locale === 'zh-CN' ? '。' : '.'}`;
}

/** The policy's name: its own title in the page's language, and its document and issuer as written (in Chinese) in both. */
export function policyName(report: EligibilityReport, t: ReportText): { title: string; source: string } {
  const { policy } = report;
  return { title: policyText(t, policy.title, policy.titleZh), source: `${policy.document} · ${policy.issuer}` };
}

/** The eligibility report as a self-contained HTML document in `locale` (`idnode report --format html`); no scripts. */
export function renderReportHtml(report: EligibilityReport, locale: Locale = 'zh-CN'): string {
  const t = reportText(locale);
  const { period } = report;
  const year = String(report.year);
  const name = policyName(report, t);
  const kinds = COUNTER_KINDS.map((kind) => {
    const counted = kind.startsWith('resolution.') ? t(report.policy.countedResolutionKinds.includes(kind) ? 'yes' : 'no') : '';
    return `<tr data-kind="${kind}"><td>${escapeHtml(kindName(kind, t))}</td><td class="num">${figure(report.figures.totals[kind], t)}</td><td>${counted}</td></tr>`;
  }).join('');
  const range = t('range', { from: day(period.from, t), to: day(period.to, t) });
  const firstLast = report.figures.firstDayWithData ? t('range', { from: day(report.figures.firstDayWithData, t), to: day(report.figures.lastDayWithData!, t) }) : undefined;
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t('report.title', { year }))}: ${escapeHtml(name.title)}</title><style>${REPORT_CSS}</style></head>
<body><main>
  <h1>${escapeHtml(t('report.title', { year }))}</h1>
  <p class="muted">${escapeHtml(name.title)}<br><span data-field="policy-source">${escapeHtml(name.source)}</span></p>
  <p>${escapeHtml(t('report.period', { range, days: period.days, zone: report.timeZone, status: '' }))}<strong data-figure="period-status">${escapeHtml(t(`period.${period.status}`))}</strong>${
    period.status === 'running' ? escapeHtml(t('report.running', { today: day(period.today, t), closed: period.closedDays })) : ''
  }</p>
  ${report.clock.mode === 'simulated' ? `<p class="banner">${escapeHtml(t('report.simulated', { start: report.clock.start ?? '', rate: report.clock.rate ?? 1 }))}</p>` : ''}
  ${report.awards.map((award) => awardSectionHtml(award, report, t)).join('\n')}
  <section class="card"><h2>${escapeHtml(t('report.everyFigure', { year }))}</h2>
    <table><thead><tr><th>${t('report.col.kind')}</th><th class="num">${t('report.col.count')}</th><th>${t('report.col.counted')}</th></tr></thead><tbody>${kinds}</tbody></table>
    <p class="small">${escapeHtml(firstLast === undefined ? t('report.counted', { counted: report.figures.countedResolutions, days: report.figures.daysWithData }) : t('report.countedRange', { counted: report.figures.countedResolutions, days: report.figures.daysWithData, range: firstLast }))}</p></section>
  <section class="card"><h2>${t('report.notes')}</h2><ul>${reportNotes(report, t).map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul></section>
  <p class="small muted">${escapeHtml(t('report.generated', { at: report.generatedAt, policy: report.policy.id }))}</p>
</main></body></html>
`;
}
