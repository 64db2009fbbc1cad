import t from 'tap';
import { computeEligibility } from '../../src/core/eligibility/compute-eligibility.js';
import { zeroKindCounts } from '../../src/core/metering/figures.js';
import { zeroFigures } from '../../src/core/metering/figures.js';
import type { LedgerStatus } from '../../src/core/ledger/ledger.js';
import { loadPolicyCatalogue } from '../../src/policies/load-policies.js';
import { chartScale } from '../../src/rest/dashboard/svg-charts.js';
import { ledgerState, renderDashboard, type DashboardInput } from '../../src/rest/dashboard/render-dashboard.js';

const policy = loadPolicyCatalogue().get();
const EMPTY_LEDGER: LedgerStatus = {
  entries: 0, keyId: 'a'.repeat(64), latestClosedDay: '2024-06-14', unsealedClosedDays: 3, verified: true, problems: [], simulatedDays: 0, checkedAt: '2024-06-15T00:00:00Z',
};

/** A small node: 120 counted resolutions and 10 registrations a day, far under the policy's lines. */
function input(over: Partial<DashboardInput> = {}): DashboardInput {
  const days = ['2024-06-12', '2024-06-13', '2024-06-14'];
  const report = computeEligibility({
    policy, year: 2024, today: '2024-06-15', generatedAtMs: Date.parse('2024-06-15T04:00:00Z'), timeZone: 'Asia/Shanghai', clock: { mode: 'system' }, connection: undefined,
    days: days.map((day) => ({ day, counts: { ...zeroKindCounts(), registration: 10, 'resolution.cache-hit': 120 } })),
  });
  return {
    report,
    days: days.map((day) => ({ day, ...zeroFigures(), registrations: 10, resolutionCacheHits: 120, resolutions: 120 })),
    ledger: EMPTY_LEDGER,
    nodePrefixes: ['88.999'],
    policies: [{ id: policy.id, title: policy.title }],
    ...over,
  };
}

t.test('the axis is scaled to the data; a threshold far above it stays visible above a break', async (t) => {
  t.same(chartScale([120, 90], 3_000_000), { max: 200, top: 56, offScale: true });
  t.same(chartScale([2_900_000, 3_100_000], 3_000_000), { max: 5_000_000, top: 20, offScale: false }, 'data near the line: one linear axis');
  t.same(chartScale([900_000], 3_000_000), { max: 5_000_000, top: 20, offScale: false }, 'within 4× the data scale: the axis reaches the line');
  const html = renderDashboard(input({ locale: 'en' }));
  const resolutions = /<section class="card" id="resolutions-chart">[\s\S]*?<\/section>/.exec(html)![0];
  t.match(resolutions, /data-axis-max="200"/, 'not a fixed 0–5,000,000 axis');
  t.match(resolutions, /<g class="threshold" data-threshold="3000000" data-off-scale="true">/);
  t.match(resolutions, /threshold 3,000,000 \/ day, above this scale/);
  t.match(html, /id="registrations-chart">[\s\S]*?data-off-scale="true"[\s\S]*?threshold 10,000,000, above this scale/);
});

t.test('a ledger with no sealed day says so, never "verified"', async (t) => {
  t.equal(ledgerState(EMPTY_LEDGER), 'empty');
  t.equal(ledgerState({ ...EMPTY_LEDGER, entries: 2, lastDay: '2024-06-14' }), 'verified');
  t.equal(ledgerState({ ...EMPTY_LEDGER, entries: 2, verified: false }), 'broken');
  const en = renderDashboard(input({ locale: 'en' }));
  t.match(en, /data-figure="ledger-verified" data-ledger-state="empty">nothing sealed yet</);
  t.notMatch(en, />verified</);
  t.match(renderDashboard(input({ locale: 'zh-CN' })), /data-ledger-state="empty">尚未封存任何一天</);
});

t.test('both languages, with a switch to the other and the policy document as written', async (t) => {
  const zh = renderDashboard(input());
  t.match(zh, /<html lang="zh-CN">/, 'zh-CN by default');
  t.match(zh, /<h1>审计看板<\/h1>/);
  t.match(zh, /<a href="\/dashboard\?year=2024&amp;policy=zibo-2020-11-measure-2&amp;lang=en" hreflang="en"/);
  t.match(zh, /<td class="nowrap">2024年6月14日<\/td>/, 'days in the locale');
  t.match(zh, /淄政办发〔2020〕11号/);
  t.match(zh, /规则：新增注册量超过 10,000,000 即达标/);
  const en = renderDashboard(input({ locale: 'en' }));
  t.match(en, /<html lang="en">/);
  t.match(en, /<h1>Auditor dashboard<\/h1>/);
  t.match(en, /<td class="nowrap">14 Jun 2024<\/td>/);
  t.match(en, /淄政办发〔2020〕11号/, 'the policy document keeps its Chinese name');
  t.match(en, /aria-current="true">English</);
  t.match(en, /Rule: the criterion is met with more than 10,000,000 registrations/);
});
