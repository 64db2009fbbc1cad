import { COUNTER_KINDS } from '../core/metering/figures.js';
import { awardHeadline, formatAmount, formatMargin, formatMeasured, formatNumber, formatThreshold, VERDICT_LABEL } from './format.js';
import type { AwardResult, EligibilityReport } from '../core/eligibility/report.js';

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
`;

/** A verdict badge; `label` replaces the verdict's own wording. */
export function badge(verdict: string, attributes = '', label?: string): string {
  return `<span class="badge v-${escapeHtml(verdict)}"${attributes}>${escapeHtml(label ?? VERDICT_LABEL[verdict] ?? verdict)}</span>`;
}

/** One award: headline verdict, the criteria table (data-* attributes name each figure for tests), the methods. */
export function awardSectionHtml(award: AwardResult): string {
  const rows = award.criteria
    .map(
      (criterion) => `<tr data-criterion="${escapeHtml(criterion.id)}">
        <td>${escapeHtml(criterion.title)}</td>
        <td class="num" data-field="measured">${escapeHtml(formatMeasured(criterion))}</td>
        <td class="num" data-field="threshold">${escapeHtml(formatThreshold(criterion))}</td>
        <td class="num" data-field="margin">${escapeHtml(formatMargin(criterion))}</td>
        <td data-field="verdict">${badge(criterion.verdict)}</td>
        <td class="num" data-field="projection">${criterion.projection ? `${escapeHtml(formatNumber(criterion.projection.value))} ${badge(criterion.projection.verdict)}` : '—'}</td>
      </tr>`,
    )
    .join('');
  const methods = award.criteria
    .map(
      (criterion) =>
        `<li><strong>${escapeHtml(criterion.title)}</strong>: ${escapeHtml(criterion.method)}` +
        (criterion.note ? ` <span class="muted">${escapeHtml(criterion.note)}</span>` : '') +
        (criterion.projection ? `<br><em>Projection:</em> ${escapeHtml(criterion.projection.method)}` : '') +
        (criterion.projectionUnavailable ? `<br><em>No projection:</em> ${escapeHtml(criterion.projectionUnavailable)}.` : '') +
        '</li>',
    )
    .join('');
  return `<section class="card award" data-award="${escapeHtml(award.id)}">
    <h2>${escapeHtml(award.title)} <span data-field="award-verdict">${badge(award.verdict)}</span>${
      award.projectedVerdict ? ` <span class="small muted">projected</span> ${badge(award.projectedVerdict, ' data-field="award-projected"')}` : ''
    }</h2>
    <p class="muted small">Up to ${escapeHtml(formatAmount(award.maxAmount, award.currency))}${award.amountNote ? ` (${escapeHtml(award.amountNote)})` : ''}.</p>
    <table class="wide"><thead><tr><th>Criterion</th><th class="num">Measured</th><th class="num">Threshold</th><th class="num">Margin</th><th>Verdict</th><th class="num">Projected</th></tr></thead>
    <tbody>${rows}</tbody></table>
    <ul class="method">${methods}</ul>
  </section>`;
}

/** The eligibility report as a self-contained HTML document (`idnode report --format html`); no scripts. */
export function renderReportHtml(report: EligibilityReport): string {
  const { policy, period } = report;
  const kinds = COUNTER_KINDS.map((kind) => {
    const counted = kind.startsWith('resolution.') ? (policy.countedResolutionKinds.includes(kind) ? 'yes' : 'no') : '';
    return `<tr><td>${kind}</td><td class="num">${formatNumber(report.figures.totals[kind])}</td><td>${counted}</td></tr>`;
  }).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Award eligibility ${report.year}: ${escapeHtml(policy.title)}</title><style>${REPORT_CSS}</style></head>
<body><main>
  <h1>Award eligibility ${report.year}</h1>
  <p class="muted">${escapeHtml(policy.title)}<br>${escapeHtml(policy.document)} · ${escapeHtml(policy.issuer)}</p>
  <p>Period ${period.from} to ${period.to} (${period.days} days, ${escapeHtml(report.timeZone)}): <strong>${period.status}</strong>${
    period.status === 'running' ? `, today ${period.today}, ${period.closedDays} days closed` : ''
  }.</p>
  ${report.clock.mode === 'simulated' ? `<p class="banner">Simulated clock (started ${escapeHtml(report.clock.start ?? '')}, ${report.clock.rate}× real time): not production figures.</p>` : ''}
  ${report.awards.map(awardSectionHtml).join('\n')}
  <section class="card"><h2>Every figure of ${report.year}</h2>
    <table><thead><tr><th>Kind</th><th class="num">Count</th><th>Counted as a resolution</th></tr></thead><tbody>${kinds}</tbody></table>
    <p class="small">Counted resolutions: ${formatNumber(report.figures.countedResolutions)}. Days with data: ${report.figures.daysWithData}${
      report.figures.firstDayWithData ? ` (${report.figures.firstDayWithData} to ${report.figures.lastDayWithData})` : ''
    }.</p></section>
  <section class="card"><h2>Notes</h2><ul>${report.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul></section>
  <p class="small muted">Generated ${escapeHtml(report.generatedAt)} by idnode, policy ${escapeHtml(policy.id)}.</p>
</main></body></html>
`;
}
