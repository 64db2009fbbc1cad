import t from 'tap';
import { eachDay } from '../../src/core/clock/calendar-day.js';
import { computeEligibility, type DayCounts, type EligibilityInput } from '../../src/core/eligibility/compute-eligibility.js';
import { renderReportHtml } from '../../src/reports/render-html.js';
import { renderReportMarkdown } from '../../src/reports/render-markdown.js';
import type { CriterionResult, EligibilityReport } from '../../src/core/eligibility/report.js';
import { zeroKindCounts, type KindCounts } from '../../src/core/metering/figures.js';
import { loadPolicyCatalogue } from '../../src/policies/load-policies.js';

const policy = loadPolicyCatalogue().get();

function day(date: string, counts: Partial<KindCounts>): DayCounts {
  return { day: date, counts: { ...zeroKindCounts(), ...counts } };
}

function report(over: Partial<EligibilityInput>): EligibilityReport {
  return computeEligibility({
    policy,
    year: 2024,
    days: [],
    today: '2025-03-01',
    generatedAtMs: Date.parse('2025-03-01T04:00:00Z'),
    timeZone: 'Asia/Shanghai',
    clock: { mode: 'system' },
    connection: { connected: false, detail: 'not configured' },
    ...over,
  });
}

const criterion = (r: EligibilityReport, id: string): CriterionResult => r.awards.flatMap((award) => award.criteria).find((c) => c.id === id)!;

t.test('a closed leap year: the daily average is over 366 days, judged exactly', async (t) => {
  // 3,000,000 × 366 counted resolutions is exactly the bar: not more than 3,000,000 a day.
  const exact = report({
    days: [
      day('2024-01-01', { registration: 10_000_000, 'resolution.cache-hit': 1_000_000_000, 'resolution.not-found': 5_000_000 }),
      day('2024-12-31', { registration: 1, 'resolution.store-read': 98_000_000 }),
    ],
  });
  t.match(exact.period, { from: '2024-01-01', to: '2024-12-31', days: 366, status: 'closed', closedDays: 366 });
  t.match(criterion(exact, 'annual-new-registrations'), { measured: 10_000_001, threshold: 10_000_000, margin: 1, verdict: 'met' });
  t.match(criterion(exact, 'daily-average-resolutions'), { measured: 3_000_000, margin: 0, marginPercent: 0, verdict: 'not-met', countedKinds: ['resolution.cache-hit', 'resolution.store-read', 'resolution.referred'] });
  t.match(criterion(exact, 'daily-average-resolutions').method, /1,098,000,000 ÷ 366 = 3,000,000 per day/);
  t.match(criterion(exact, 'daily-average-resolutions').method, /Not counted: not-found 5,000,000/);
  t.equal(exact.awards[0]!.verdict, 'not-eligible');
  t.equal(exact.figures.countedResolutions, 1_098_000_000);
  t.equal(exact.figures.totals['resolution.not-found'], 5_000_000, 'every kind is reported');
  t.equal(criterion(exact, 'daily-average-resolutions').projection, undefined, 'no projection for a closed year');

  const oneMore = report({ days: [day('2024-06-01', { registration: 10_000_001, 'resolution.referred': 1_098_000_001 })] });
  t.match(criterion(oneMore, 'daily-average-resolutions'), { verdict: 'met', measured: 3_000_000 }, 'one more resolution meets it (2-decimal display)');
  t.equal(oneMore.awards[0]!.verdict, 'eligible');
  t.match(oneMore.notes.join('\n'), /No counts before 2024-06-01 in 2024/, 'partial data is stated');
});

t.test('a closed common year has 365 days', async (t) => {
  const r = report({ year: 2023, days: [day('2023-05-05', { 'resolution.cache-hit': 365 * 3_000_000 + 1 })] });
  t.match(r.period, { days: 365 });
  t.match(criterion(r, 'daily-average-resolutions'), { verdict: 'met' });
  t.match(criterion(r, 'annual-new-registrations'), { measured: 0, margin: -10_000_000, marginPercent: -100, verdict: 'not-met' });
});

t.test('a running year with partial data: pending verdicts and a projection at the current run rate', async (t) => {
  // The node started on 2025-07-01; today is 2025-07-10 (9 closed days with data).
  const days = eachDay('2025-07-01', '2025-07-09').map((date, index) =>
    day(date, { registration: 50_000 + index * 1000, 'resolution.cache-hit': 2_000_000, 'resolution.store-read': 1_500_000, 'resolution.not-found': 10 }),
  );
  days.push(day('2025-07-10', { registration: 7, 'resolution.cache-hit': 5 }));
  const r = report({ year: 2025, days, today: '2025-07-10' });
  t.match(r.period, { days: 365, status: 'running', closedDays: 190, today: '2025-07-10' });
  const registrations = criterion(r, 'annual-new-registrations');
  const soFar = days.reduce((sum, d) => sum + d.counts.registration, 0);
  t.match(registrations, { measured: soFar, verdict: 'pending' });
  // Window: the last 7 closed days (07-03 .. 07-09); rate = mean of 52,000 .. 58,000 = 55,000.
  t.match(registrations.projection, { windowFrom: '2025-07-03', windowTo: '2025-07-09', windowDays: 7, runRatePerDay: 55_000, remainingDays: 175 });
  const closedTotal = soFar - 7;
  t.equal(registrations.projection!.value, closedTotal + 55_000 * 175);
  t.equal(registrations.projection!.verdict, 'met', '10,111,000 projected: more than 10,000,000');

  const average = criterion(r, 'daily-average-resolutions');
  const countedSoFar = 9 * 3_500_000 + 5;
  t.match(average, { measured: Math.round((countedSoFar / 365) * 100) / 100, verdict: 'pending' });
  t.equal(average.projection!.runRatePerDay, 3_500_000);
  t.equal(average.projection!.value, Math.round(((9 * 3_500_000 + 3_500_000 * 175) / 365) * 100) / 100);
  t.equal(average.projection!.verdict, 'not-met', '184 days at 3.5M a day average 1.76M over the year');
  t.equal(r.awards[0]!.verdict, 'pending');
  t.equal(r.awards[0]!.projectedVerdict, 'not-eligible');
  t.match(r.notes.join('\n'), /2025 is still running/);
  t.match(average.projection!.method, /Run rate = counted resolutions of the last 7 closed days with data \(2025-07-03 to 2025-07-09\)/);
});

t.test('a running year: a threshold already passed is met for good; too early for a run rate', async (t) => {
  const r = report({ year: 2025, today: '2025-02-01', days: [day('2025-01-15', { registration: 10_000_001 }), day('2025-02-01', { 'resolution.cache-hit': 9 })] });
  t.match(criterion(r, 'annual-new-registrations'), { verdict: 'met' });
  t.equal(criterion(r, 'annual-new-registrations').projection, undefined);
  t.match(criterion(r, 'daily-average-resolutions'), { verdict: 'pending', projection: { verdict: 'not-met' } });

  const early = report({ year: 2025, today: '2025-01-01', days: [day('2025-01-01', { registration: 3 })] });
  t.match(criterion(early, 'annual-new-registrations'), { verdict: 'pending', projectionUnavailable: /no closed day of 2025 has any count yet/ });
  t.equal(early.awards[0]!.projectedVerdict, undefined);
});

t.test('a future year, the connection criterion, and a simulated clock', async (t) => {
  const future = report({ year: 2026, today: '2025-12-31' });
  t.match(future.period, { status: 'future', closedDays: 0 });
  t.match(criterion(future, 'annual-new-registrations'), { verdict: 'pending' });
  t.match(future.notes.join('\n'), /2026 has not begun/);

  t.match(criterion(report({ connection: { connected: true, detail: 'linked to 0.NA' } }), 'national-top-level-connection'), { measured: true, verdict: 'met', method: 'linked to 0.NA' });
  t.match(criterion(report({}), 'national-top-level-connection'), { measured: false, verdict: 'not-met' });
  const unknown = report({ connection: undefined });
  t.match(criterion(unknown, 'national-top-level-connection'), { measured: null, verdict: 'unknown' });
  t.equal(unknown.awards[1]!.verdict, 'unknown');

  const simulated = report({ clock: { mode: 'simulated', start: '2024-01-01T00:00:00.000Z', rate: 1000 }, timeZone: 'UTC' });
  t.match(simulated.notes[0], /^SIMULATED: .*not production figures/);
  t.match(simulated.notes.join('\n'), /policy's calendar is Asia\/Shanghai but this node meters UTC days/);
});

t.test('Markdown and HTML renderings carry every criterion, figure and note', async (t) => {
  const r = report({ year: 2025, today: '2025-07-10', days: [day('2025-07-01', { registration: 1234567, 'resolution.cache-hit': 4_000_000 })], clock: { mode: 'simulated', start: '2025-01-01T00:00:00.000Z', rate: 10 } });
  const md = renderReportMarkdown(r, 'en');
  t.match(md, /^# Award eligibility 2025: /);
  t.match(md, /\| New identifier registrations in the calendar year \| 1,234,567 \| > 10,000,000 \| −8,765,433 \(−87\.65%\) \| pending \|/);
  t.match(md, /\| Daily average of resolutions over the calendar year \| 10,958.9 \/ day \| > 3,000,000 \/ day \|/);
  t.match(md, /Simulated clock/);
  t.match(md, /Projection: /);
  t.match(md, /\| not found \| 0 \| no \|/);
  t.match(md, /\nUp to ¥1,000,000 when both criteria are met in one calendar year\.\n/, 'the amount is said once');
  t.notMatch(md, /Met with/);
  const zh = renderReportMarkdown(r);
  t.match(zh, /^# 2025 年度奖励资格报告: /, 'zh-CN by default');
  t.match(zh, /\| 自然年内新增标识注册量 \| 1,234,567 \| > 10,000,000 \| −8,765,433 \(−87\.65%\) \| 待定 \|/);
  t.match(zh, /\| 自然年内日均解析量 \| 10,958\.9 次\/日 \| > 3,000,000 次\/日 \|/);
  t.match(zh, /模拟时钟/);
  t.match(zh, /预计：若保持当前速率/);
  t.match(zh, /\| 未找到 \| 0 \| 否 \|/);
  const html = renderReportHtml(r, 'en');
  t.match(html, /^<!doctype html>/);
  t.match(html, /data-criterion="annual-new-registrations"[\s\S]*?data-field="measured">1,234,567</);
  t.match(html, /Simulated clock/);
  t.notMatch(html, /<script/i, 'no scripts');
  const hostile = computeEligibility({ ...{ policy: { ...policy, title: '<img src=x onerror=alert(1)>' } }, year: 2024, days: [], today: '2025-01-01', generatedAtMs: 0, timeZone: 'Asia/Shanghai', clock: { mode: 'system' }, connection: undefined });
  t.notMatch(renderReportHtml(hostile, 'en'), /<img/, 'text is escaped');
});
