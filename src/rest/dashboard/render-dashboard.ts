import { daysInYear, eachDay, firstDayOfYear, lastDayOfYear } from '../../core/clock/calendar-day.js';
import { formatNumber } from '../../reports/format.js';
import { awardSectionHtml, badge, escapeHtml, REPORT_CSS } from '../../reports/render-html.js';
import type { CriterionResult, EligibilityReport } from '../../core/eligibility/report.js';
import type { ConnectionStatus } from '../../core/connection/top-level-connection.js';
import type { LedgerStatus } from '../../core/ledger/ledger.js';
import { FIELD_OF_KIND, zeroFigures, type Figures } from '../../core/metering/figures.js';
import type { DayTotals } from '../../core/metering/metering-reports.js';
import type { CounterKind } from '../../core/store/store.js';
import { CHART_CSS, cumulativeChart, dailyBarChart, type CumulativeProjection } from './svg-charts.js';

export interface DashboardInput {
  readonly report: EligibilityReport;
  /** Every day of the report's year, zeros included. */
  readonly days: readonly DayTotals[];
  readonly ledger: LedgerStatus;
  readonly nodePrefixes: readonly string[];
  readonly policies: readonly { id: string; title: string }[];
  /** The connection with the national top-level node; `undefined` when none is configured. */
  readonly connection?: ConnectionStatus;
}

const RECENT_DAYS = 14;

/**
 * The auditor dashboard (GET /dashboard): the year's daily counted resolutions against the daily-average
 * threshold, cumulative new registrations against the registration threshold, the verdict of each criterion,
 * and the ledger's status. Server-rendered HTML and SVG from the same core results the API returns; no script.
 * Every figure a test compares carries a data-figure (or data-criterion/data-field) attribute.
 */
export function renderDashboard(input: DashboardInput): string {
  const { report, ledger } = input;
  const { year, period } = report;
  const today = period.today;
  const criteria = report.awards.flatMap((award) => award.criteria);
  const averageCriterion = criteria.find((criterion) => criterion.metric === 'daily-average-resolutions');
  const registrationCriterion = criteria.find((criterion) => criterion.metric === 'registrations');
  const countedKinds: readonly CounterKind[] = averageCriterion?.countedKinds ?? report.policy.countedResolutionKinds;
  const counted = (day: Figures) => countedKinds.reduce((sum, kind) => sum + day[FIELD_OF_KIND[kind]], 0);
  const byDay = new Map(input.days.map((day) => [day.day, day]));
  const yearDays = eachDay(firstDayOfYear(year), lastDayOfYear(year));
  const happened = (day: string) => day <= today;

  const dailyResolutions = yearDays.map((day) => (happened(day) ? counted(byDay.get(day) ?? zeroFigures()) : undefined));
  let running = 0;
  const cumulative = yearDays.map((day) => {
    if (!happened(day)) return undefined;
    running += (byDay.get(day) ?? zeroFigures()).registrations;
    return running;
  });
  const projection = registrationProjection(registrationCriterion, yearDays, cumulative);
  const kindsLabel = countedKinds.map((kind) => kind.replace('resolution.', '')).join(' + ');
  const series = (values: readonly (number | undefined)[]) => ({ year, yearDays: daysInYear(year), values });

  const recent = yearDays.filter(happened).slice(-RECENT_DAYS).reverse();
  const recentRows = recent
    .map((day) => {
      const figures = byDay.get(day) ?? zeroFigures();
      return `<tr data-day="${day}"><td class="nowrap">${day}</td><td class="num" data-field="registrations">${formatNumber(figures.registrations)}</td>` +
        `<td class="num" data-field="counted-resolutions">${formatNumber(counted(figures))}</td><td class="num" data-field="resolutions">${formatNumber(figures.resolutions)}</td>` +
        `<td class="num" data-field="not-found">${formatNumber(figures.resolutionNotFound)}</td><td class="num" data-field="refused">${formatNumber(figures.refusedWrites)}</td></tr>`;
    })
    .join('');

  const policyQuery = `&amp;policy=${encodeURIComponent(report.policy.id)}`;
  const policyOptions = input.policies
    .map((policy) => `<option value="${escapeHtml(policy.id)}"${policy.id === report.policy.id ? ' selected' : ''}>${escapeHtml(policy.title)}</option>`)
    .join('');
  const ledgerProblems = ledger.problems.slice(0, 10).map((problem) => `<li>${escapeHtml(problem.message)}</li>`).join('');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60">
<title>idnode auditor dashboard ${year}</title>
<style>${REPORT_CSS}${CHART_CSS}
  header.top { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: baseline; justify-content: space-between; }
  form.pick { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  form.pick select, form.pick input, form.pick button { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
  form.pick label { display: inline-flex; align-items: center; gap: 6px; min-width: 0; max-width: 100%; }
  form.pick select { min-width: 0; max-width: min(60vw, 420px); }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 12px; margin: 16px 0; }
  .cards .card { margin: 0; }
  .figure { font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
  .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 0.85rem; color: var(--muted); margin-top: 6px; }
  .swatch { display: inline-block; width: 18px; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: 4px; }
</style></head>
<body><main>
  <header class="top">
    <div><h1>Auditor dashboard</h1>
      <p class="muted small">Node ${escapeHtml(input.nodePrefixes.join(', '))} · ${escapeHtml(report.timeZone)} days · today <span data-figure="today">${today}</span> · as of ${escapeHtml(report.generatedAt)}</p></div>
    <form class="pick" method="get" action="/dashboard">
      <a href="/dashboard?year=${year - 1}${policyQuery}">← ${year - 1}</a>
      <label>Year <input name="year" value="${year}" size="5" inputmode="numeric"></label>
      <label>Policy <select name="policy">${policyOptions}</select></label>
      <button type="submit">Show</button>
      <a href="/dashboard?year=${year + 1}${policyQuery}">${year + 1} →</a>
    </form>
  </header>
  ${report.clock.mode === 'simulated' ? `<p class="banner" data-figure="clock">Simulated clock (started ${escapeHtml(report.clock.start ?? '')}, ${report.clock.rate}× real time): these are not production figures.</p>` : ''}
  <p class="muted">${escapeHtml(report.policy.title)} (${escapeHtml(report.policy.document)}) · ${year}: <strong data-figure="period-status">${period.status}</strong>${
    period.status === 'running' ? `, ${period.closedDays} of ${period.days} days closed` : ''
  }</p>

  <div class="cards">
    <section class="card"><div class="muted small">New registrations in ${year}</div><div class="figure" data-figure="registrations">${formatNumber(report.figures.totals.registration)}</div>
      ${registrationCriterion ? `<div class="small">threshold ${criterionBar(registrationCriterion)} ${badge(registrationCriterion.verdict)}</div>` : ''}</section>
    <section class="card"><div class="muted small">Daily average of counted resolutions</div><div class="figure" data-figure="daily-average">${
      averageCriterion && typeof averageCriterion.measured === 'number' ? formatNumber(averageCriterion.measured) : '—'
    }</div>${averageCriterion ? `<div class="small">threshold ${criterionBar(averageCriterion)} ${badge(averageCriterion.verdict)}</div>` : ''}</section>
    <section class="card"><div class="muted small">Counted resolutions in ${year}</div><div class="figure" data-figure="counted-resolutions">${formatNumber(report.figures.countedResolutions)}</div>
      <div class="small muted">${escapeHtml(kindsLabel)}</div></section>
    <section class="card"><div class="muted small">Ledger</div><div class="figure" data-figure="ledger-verified">${ledger.verified ? 'verified' : 'BROKEN'}</div>
      <div class="small"><span data-figure="ledger-entries">${ledger.entries}</span> sealed days${ledger.lastDay ? `, last <span data-figure="ledger-last-day">${ledger.lastDay}</span>` : ''}</div></section>
  </div>

  <section class="card" id="resolutions-chart"><h2>Counted resolutions per day, ${year}</h2>
    ${dailyBarChart(series(dailyResolutions), averageCriterion?.threshold === undefined ? undefined : { value: averageCriterion.threshold, label: `${formatNumber(averageCriterion.threshold)} / day` }, `Counted resolutions per day in ${year}`)}
    <div class="legend"><span><span class="swatch" style="border-color:#5b8def"></span>counted resolutions (${escapeHtml(kindsLabel)})</span><span><span class="swatch" style="border-color:#1e9e5a"></span>above the line</span><span><span class="swatch" style="border-color:#b3261e;border-top-style:dashed"></span>daily-average threshold</span></div>
  </section>

  <section class="card" id="registrations-chart"><h2>Cumulative new registrations, ${year}</h2>
    ${cumulativeChart(series(cumulative), registrationCriterion?.threshold === undefined ? undefined : { value: registrationCriterion.threshold, label: formatNumber(registrationCriterion.threshold) }, projection, `Cumulative new registrations in ${year}`)}
    <div class="legend"><span><span class="swatch" style="border-color:#3867d6"></span>registrations so far</span>${projection ? '<span><span class="swatch" style="border-color:#3867d6;border-top-style:dashed"></span>projection at the current run rate</span>' : ''}<span><span class="swatch" style="border-color:#b3261e;border-top-style:dashed"></span>annual threshold</span></div>
  </section>

  ${report.awards.map(awardSectionHtml).join('\n')}

  <section class="card" id="ledger"><h2>Ledger ${badge(ledger.verified ? 'met' : 'not-met', ' data-field="ledger-badge"', ledger.verified ? 'verified' : 'broken')}</h2>
    <table><tbody>
      <tr><th>Sealed days</th><td class="num">${ledger.entries}</td></tr>
      <tr><th>Range</th><td class="num">${ledger.firstDay ? `${ledger.firstDay} to ${ledger.lastDay}` : '—'}</td></tr>
      <tr><th>Closed days not sealed yet</th><td class="num" data-figure="ledger-unsealed">${ledger.unsealedClosedDays}</td></tr>
      <tr><th>Last hash</th><td class="num"><code>${ledger.lastHash ? `${ledger.lastHash.slice(0, 16)}…` : '—'}</code></td></tr>
      <tr><th>Signing key</th><td class="num"><code>${ledger.keyId.slice(0, 16)}…</code></td></tr>
    </tbody></table>
    ${ledgerProblems ? `<ul class="method" data-figure="ledger-problems">${ledgerProblems}</ul>` : ''}
  </section>

  ${connectionSection(input.connection)}

  <section class="card" id="recent"><h2>Recent days</h2>
    <table class="wide"><thead><tr><th>Day</th><th class="num">Registrations</th><th class="num">Counted resolutions</th><th class="num">All resolutions</th><th class="num">Not found</th><th class="num">Refused writes</th></tr></thead>
    <tbody>${recentRows || '<tr><td colspan="6" class="muted">No day of this year has happened yet.</td></tr>'}</tbody></table>
  </section>

  <section class="card"><h2>Notes</h2><ul>${report.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>
    <p class="small muted">JSON: <a href="/api/v1/eligibility?year=${year}${policyQuery}">eligibility</a> · <a href="/api/v1/metering/totals?from=${firstDayOfYear(year)}&amp;to=${lastDayOfYear(year)}">metering totals</a> · <a href="/api/v1/ledger/status">ledger status</a> · report as <a href="/api/v1/eligibility?year=${year}${policyQuery}&amp;format=html">HTML</a>, <a href="/api/v1/eligibility?year=${year}${policyQuery}&amp;format=md">Markdown</a></p></section>
</main></body></html>
`;
}

function criterionBar(criterion: CriterionResult): string {
  if (criterion.threshold === undefined) return '';
  return `${criterion.comparison === 'gt' ? '>' : '≥'} ${formatNumber(criterion.threshold)}`;
}

function registrationProjection(criterion: CriterionResult | undefined, yearDays: readonly string[], cumulative: readonly (number | undefined)[]): CumulativeProjection | undefined {
  const projection = criterion?.projection;
  if (projection === undefined) return undefined;
  const fromIndex = yearDays.indexOf(projection.windowTo);
  const fromValue = cumulative[fromIndex];
  if (fromIndex < 0 || fromValue === undefined) return undefined;
  return { fromIndex, fromValue, toValue: projection.value };
}

/** The connection with the top-level node: the evidence behind the connection criterion. */
function connectionSection(connection: ConnectionStatus | undefined): string {
  if (connection === undefined) {
    return '<section class="card" id="top-level"><h2>National top-level node</h2><p class="muted" data-figure="top-level-state">not configured (serve --top-level)</p></section>';
  }
  const row = (label: string, figure: string, value: string) => `<tr><th>${label}</th><td class="num" data-figure="${figure}">${escapeHtml(value)}</td></tr>`;
  return `<section class="card" id="top-level"><h2>National top-level node ${badge(connection.state === 'connected' ? 'met' : 'pending', ' data-field="top-level-badge"', connection.state)}</h2>
    <table><tbody>
      ${row('Top-level node', 'top-level-url', `${connection.url} (account ${connection.nodeId})`)}
      ${row('Connected since', 'top-level-since', connection.connectedSince ?? '—')}
      ${row('Prefixes homed there', 'top-level-prefixes', connection.prefixesHomed.join(', ') || '—')}
      ${row('Last day acknowledged', 'top-level-last-day', connection.lastDayAcknowledged ?? '—')}
      ${row('Backlog (sealed days not acknowledged)', 'top-level-backlog', String(connection.backlog))}
      ${connection.lastError === undefined ? '' : row('Last error', 'top-level-error', connection.lastError)}
    </tbody></table></section>`;
}
