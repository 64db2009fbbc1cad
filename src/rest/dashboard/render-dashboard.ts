import { daysInYear, eachDay, firstDayOfYear, lastDayOfYear } from '../../core/clock/calendar-day.js';
import { day as dayText, figure, kindList } from '../../reports/format.js';
import { reportNotes } from '../../reports/method-text.js';
import { reportText, type ReportText } from '../../reports/messages.js';
import { awardSectionHtml, badge, escapeHtml, languageSwitch, policyName, REPORT_CSS } from '../../reports/render-html.js';
import type { Locale } from '../../i18n/locale.js';
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
  /** The page's language (negotiateLocale); zh-CN when absent. */
  readonly locale?: Locale;
}

/** What the ledger card says: nothing to verify until a day is sealed, then whether the chain verifies. */
export function ledgerState(ledger: LedgerStatus): 'empty' | 'verified' | 'broken' {
  if (!ledger.verified) return 'broken';
  return ledger.entries === 0 ? 'empty' : 'verified';
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
  const locale = input.locale ?? 'zh-CN';
  const t = reportText(locale);
  const { year, period } = report;
  const yearText = String(year);
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
  const kindsLabel = kindList(countedKinds, t);
  const series = (values: readonly (number | undefined)[]) => ({ year, yearDays: daysInYear(year), values });
  const n = (value: number) => figure(value, t);

  const recent = yearDays.filter(happened).slice(-RECENT_DAYS).reverse();
  const recentRows = recent
    .map((day) => {
      const figures = byDay.get(day) ?? zeroFigures();
      return `<tr data-day="${day}"><td class="nowrap">${escapeHtml(dayText(day, t))}</td><td class="num" data-field="registrations">${n(figures.registrations)}</td>` +
        `<td class="num" data-field="counted-resolutions">${n(counted(figures))}</td><td class="num" data-field="resolutions">${n(figures.resolutions)}</td>` +
        `<td class="num" data-field="not-found">${n(figures.resolutionNotFound)}</td><td class="num" data-field="refused">${n(figures.refusedWrites)}</td></tr>`;
    })
    .join('');

  const query = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, String(value)])).toString();
  const here = (changes: Record<string, string | number>) => `/dashboard?${query({ year, policy: report.policy.id, lang: locale, ...changes })}`;
  const policyQuery = `&amp;policy=${encodeURIComponent(report.policy.id)}`;
  const langQuery = `&amp;lang=${locale}`;
  const policyOptions = input.policies
    .map((policy) => `<option value="${escapeHtml(policy.id)}"${policy.id === report.policy.id ? ' selected' : ''}>${escapeHtml(policy.title)}</option>`)
    .join('');
  const ledgerProblems = ledger.problems.slice(0, 10).map((problem) => `<li>${escapeHtml(problem.message)}</li>`).join('');
  const state = ledgerState(ledger);
  const stateText = t(state === 'empty' ? 'dash.ledger.empty' : state === 'verified' ? 'dash.ledger.verified' : 'dash.ledger.broken');
  const stateVerdict = state === 'empty' ? 'pending' : state === 'verified' ? 'met' : 'not-met';
  const name = policyName(report, t);

  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60">
<title>${escapeHtml(t('dash.pageTitle', { year: yearText }))}</title>
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
    <div><h1>${escapeHtml(t('dash.title'))}</h1>
      <p class="muted small">${t('dash.subtitle', {
        prefixes: escapeHtml(input.nodePrefixes.join(', ')),
        zone: escapeHtml(report.timeZone),
        today: `<span data-figure="today" data-day="${today}">${escapeHtml(dayText(today, t))}</span>`,
        at: escapeHtml(report.generatedAt),
      })}</p></div>
    ${languageSwitch(t, (other) => here({ lang: other }))}
    <form class="pick" method="get" action="/dashboard">
      <input type="hidden" name="lang" value="${locale}">
      <a href="${escapeHtml(here({ year: year - 1 }))}">← ${year - 1}</a>
      <label>${t('dash.year')} <input name="year" value="${year}" size="5" inputmode="numeric"></label>
      <label>${t('dash.policy')} <select name="policy">${policyOptions}</select></label>
      <button type="submit">${t('dash.show')}</button>
      <a href="${escapeHtml(here({ year: year + 1 }))}">${year + 1} →</a>
    </form>
  </header>
  ${report.clock.mode === 'simulated' ? `<p class="banner" data-figure="clock">${escapeHtml(t('dash.simulated', { start: report.clock.start ?? '', rate: report.clock.rate ?? 1 }))}</p>` : ''}
  <p class="muted">${escapeHtml(name.title)} (<span data-field="policy-source">${escapeHtml(name.source)}</span>) · ${year}: <strong data-figure="period-status" data-status="${period.status}">${escapeHtml(t(`period.${period.status}`))}</strong>${
    period.status === 'running' ? escapeHtml(t('dash.periodRunning', { closed: period.closedDays, days: period.days })) : ''
  }</p>

  <div class="cards">
    <section class="card"><div class="muted small">${escapeHtml(t('dash.card.registrations', { year: yearText }))}</div><div class="figure" data-figure="registrations">${n(report.figures.totals.registration)}</div>
      ${registrationCriterion ? `<div class="small">${t('dash.threshold')} ${criterionBar(registrationCriterion, t)} ${badge(registrationCriterion.verdict, t)}</div>` : ''}</section>
    <section class="card"><div class="muted small">${escapeHtml(t('dash.card.average'))}</div><div class="figure" data-figure="daily-average">${
      averageCriterion && typeof averageCriterion.measured === 'number' ? n(averageCriterion.measured) : '—'
    }</div>${averageCriterion ? `<div class="small">${t('dash.threshold')} ${criterionBar(averageCriterion, t)} ${badge(averageCriterion.verdict, t)}</div>` : ''}</section>
    <section class="card"><div class="muted small">${escapeHtml(t('dash.card.counted', { year: yearText }))}</div><div class="figure" data-figure="counted-resolutions">${n(report.figures.countedResolutions)}</div>
      <div class="small muted">${escapeHtml(kindsLabel)}</div></section>
    <section class="card"><div class="muted small">${escapeHtml(t('dash.card.ledger'))}</div><div class="figure" data-figure="ledger-verified" data-ledger-state="${state}">${escapeHtml(stateText)}</div>
      <div class="small">${t('dash.ledger.days', { entries: `<span data-figure="ledger-entries">${ledger.entries}</span>` })}${ledger.lastDay ? `, ${t('dash.ledger.last', { day: `<span data-figure="ledger-last-day" data-day="${ledger.lastDay}">${escapeHtml(dayText(ledger.lastDay, t))}</span>` })}` : ''}</div></section>
  </div>

  <section class="card" id="resolutions-chart"><h2>${escapeHtml(t('dash.chart.resolutions', { year: yearText }))}</h2>
    ${dailyBarChart(series(dailyResolutions), averageCriterion?.threshold === undefined ? undefined : { value: averageCriterion.threshold, label: t('dash.chart.perDay', { value: averageCriterion.threshold }) }, t('dash.chart.resolutionsAria', { year: yearText }), t)}
    <div class="legend"><span><span class="swatch" style="border-color:#5b8def"></span>${escapeHtml(t('dash.legend.counted', { kinds: kindsLabel }))}</span><span><span class="swatch" style="border-color:#1e9e5a"></span>${t('dash.legend.over')}</span><span><span class="swatch" style="border-color:#b3261e;border-top-style:dashed"></span>${t('dash.legend.averageThreshold')}</span></div>
  </section>

  <section class="card" id="registrations-chart"><h2>${escapeHtml(t('dash.chart.registrations', { year: yearText }))}</h2>
    ${cumulativeChart(series(cumulative), registrationCriterion?.threshold === undefined ? undefined : { value: registrationCriterion.threshold, label: n(registrationCriterion.threshold) }, projection, t('dash.chart.registrationsAria', { year: yearText }), t)}
    <div class="legend"><span><span class="swatch" style="border-color:#3867d6"></span>${t('dash.legend.soFar')}</span>${projection ? `<span><span class="swatch" style="border-color:#3867d6;border-top-style:dashed"></span>${t('dash.legend.projection')}</span>` : ''}<span><span class="swatch" style="border-color:#b3261e;border-top-style:dashed"></span>${t('dash.legend.annualThreshold')}</span></div>
  </section>

  ${report.awards.map((award) => awardSectionHtml(award, report, t)).join('\n')}

  <section class="card" id="ledger"><h2>${t('dash.ledger.heading')} ${badge(stateVerdict, t, ' data-field="ledger-badge"', stateText)}</h2>
    <table><tbody>
      <tr><th>${t('dash.ledger.sealedDays')}</th><td class="num">${ledger.entries}</td></tr>
      <tr><th>${t('dash.ledger.range')}</th><td class="num">${ledger.firstDay && ledger.lastDay ? escapeHtml(t('range', { from: dayText(ledger.firstDay, t), to: dayText(ledger.lastDay, t) })) : '—'}</td></tr>
      <tr><th>${t('dash.ledger.unsealed')}</th><td class="num" data-figure="ledger-unsealed">${ledger.unsealedClosedDays}</td></tr>
      <tr><th>${t('dash.ledger.lastHash')}</th><td class="num"><code>${ledger.lastHash ? `${ledger.lastHash.slice(0, 16)}…` : '—'}</code></td></tr>
      <tr><th>${t('dash.ledger.key')}</th><td class="num"><code>${ledger.keyId.slice(0, 16)}…</code></td></tr>
    </tbody></table>
    ${ledgerProblems ? `<ul class="method" data-figure="ledger-problems">${ledgerProblems}</ul>` : ''}
  </section>

  ${connectionSection(input.connection, t)}

  <section class="card" id="recent"><h2>${t('dash.recent')}</h2>
    <table class="wide"><thead><tr><th>${t('dash.col.day')}</th><th class="num">${t('dash.col.registrations')}</th><th class="num">${t('dash.col.counted')}</th><th class="num">${t('dash.col.all')}</th><th class="num">${t('dash.col.notFound')}</th><th class="num">${t('dash.col.refused')}</th></tr></thead>
    <tbody>${recentRows || `<tr><td colspan="6" class="muted">${t('dash.recent.none')}</td></tr>`}</tbody></table>
  </section>

  <section class="card"><h2>${t('dash.notes')}</h2><ul>${reportNotes(report, t).map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>
    <p class="small muted">${t('dash.json')}: <a href="/api/v1/eligibility?year=${year}${policyQuery}">${t('dash.link.eligibility')}</a> · <a href="/api/v1/metering/totals?from=${firstDayOfYear(year)}&amp;to=${lastDayOfYear(year)}">${t('dash.link.totals')}</a> · <a href="/api/v1/ledger/status">${t('dash.link.ledger')}</a> · ${t('dash.link.report')} <a href="/api/v1/eligibility?year=${year}${policyQuery}&amp;format=html${langQuery}">HTML</a>, <a href="/api/v1/eligibility?year=${year}${policyQuery}&amp;format=md${langQuery}">Markdown</a></p></section>
</main></body></html>
`;
}

function criterionBar(criterion: CriterionResult, t: ReportText): string {
  if (criterion.threshold === undefined) return '';
  return `${criterion.comparison === 'gt' ? '>' : '≥'} ${figure(criterion.threshold, t)}`;
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
function connectionSection(connection: ConnectionStatus | undefined, t: ReportText): string {
  if (connection === undefined) {
    return `<section class="card" id="top-level"><h2>${t('dash.top.heading')}</h2><p class="muted" data-figure="top-level-state">${escapeHtml(t('dash.top.none'))}</p></section>`;
  }
  const row = (label: string, figureName: string, value: string) => `<tr><th>${escapeHtml(label)}</th><td class="num" data-figure="${figureName}">${escapeHtml(value)}</td></tr>`;
  return `<section class="card" id="top-level"><h2>${t('dash.top.heading')} ${badge(connection.state === 'connected' ? 'met' : 'pending', t, ' data-field="top-level-badge"', t(`dash.top.${connection.state}`))}</h2>
    <table><tbody>
      ${row(t('dash.top.url'), 'top-level-url', t('dash.top.account', { url: connection.url, id: connection.nodeId }))}
      ${row(t('dash.top.since'), 'top-level-since', connection.connectedSince ?? '—')}
      ${row(t('dash.top.prefixes'), 'top-level-prefixes', connection.prefixesHomed.join(', ') || '—')}
      ${row(t('dash.top.lastDay'), 'top-level-last-day', connection.lastDayAcknowledged ?? '—')}
      ${row(t('dash.top.backlog'), 'top-level-backlog', String(connection.backlog))}
      ${connection.lastError === undefined ? '' : row(t('dash.top.error'), 'top-level-error', connection.lastError)}
    </tbody></table></section>`;
}
