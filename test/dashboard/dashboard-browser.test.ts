import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import t from 'tap';
import { eachDay } from '../../src/core/clock/calendar-day.js';
import type { CounterDelta } from '../../src/core/store/store.js';
import { launchBrowser } from '../helpers/browser.js';
import { send } from '../helpers/http.js';
import { ManualClock, startAuditNode } from '../helpers/audit-node.js';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
// Screenshots are kept after the run (test-artifacts/ is not tracked): one per page, language and width.
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'dashboard');
mkdirSync(ARTIFACTS, { recursive: true });

// One browser for the whole file: two languages, two widths and the report pages take longer than the
// default 120 s on a loaded machine (the per-bar geometry checks dominate).
t.setTimeout(300_000);

const clock = new ManualClock(Date.parse('2024-06-15T15:30:00+08:00'));
const node = await startAuditNode(t, { clock, config: { ledgerSealDelayMs: 3_600_000 } });
const { rest, url, auth, auditor, demoPrefix } = node;

// Half a year of traffic: counted resolutions swing around the 3,000,000 line, registrations climb.
const deltas: CounterDelta[] = [];
eachDay('2024-01-10', '2024-06-15').forEach((day, index) => {
  const wave = Math.round(3_000_000 + 1_400_000 * Math.sin(index / 9));
  deltas.push({ day, prefix: demoPrefix, protocol: 'rest', kind: 'registration', count: 40_000 + (index % 13) * 1000 });
  deltas.push({ day, prefix: demoPrefix, protocol: 'rest', kind: 'resolution.cache-hit', count: wave });
  deltas.push({ day, prefix: '88.999.7', protocol: 'grpc', kind: 'resolution.store-read', count: 100_000 + index });
  deltas.push({ day, prefix: demoPrefix, protocol: 'rest', kind: 'resolution.not-found', count: 1234 });
  if (index % 10 === 0) deltas.push({ day, prefix: demoPrefix, protocol: 'rest', kind: 'refused', count: 3 });
});
await rest.store.addCounters(deltas);
await rest.node.ledger.sealClosedDays(LOCAL_OPERATOR);

const api = async (path: string) => {
  const response = await send(`${url}${path}`, { headers: { authorization: auth.auditor } });
  t.equal(response.status, 200, path);
  return response.body;
};

const browser = await launchBrowser(t);

/** The dashboard of 2024 in a fresh browser context; `lang` is the query's choice (none: no `lang`), `browserLocale` what Accept-Language asks. */
async function open(viewport: { width: number; height: number }, lang: 'en' | 'zh-CN' | 'none' = 'en', browserLocale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: browserLocale, extraHTTPHeaders: { 'accept-language': browserLocale }, httpCredentials: { username: auditor.id, password: auditor.secret } });
  t.teardown(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  page.on('requestfailed', (request) => problems.push(`${request.url()}: ${request.failure()?.errorText}`));
  const response = await page.goto(`${url}/dashboard?year=2024${lang === 'none' ? '' : `&lang=${lang}`}`);
  t.equal(response?.status(), 200);
  t.same(problems, [], 'no console errors or failed requests');
  return page;
}

const text = (page: Page, selector: string) => page.locator(selector).first().innerText().then((value) => value.trim());

t.test('the figures on the page equal the API', async (t) => {
  const page = await open({ width: 1280, height: 900 });
  const report = await api('/api/v1/eligibility?year=2024');
  const ledger = await api('/api/v1/ledger/status');
  const totals = await api('/api/v1/metering/totals?from=2024-01-01&to=2024-12-31');

  t.equal(await text(page, '[data-figure="registrations"]'), number.format(report.figures.totals.registration));
  t.equal(report.figures.totals.registration, totals.totals.registrations, 'the report and the metering API agree');
  t.equal(await text(page, '[data-figure="counted-resolutions"]'), number.format(report.figures.countedResolutions));
  t.equal(report.figures.countedResolutions, totals.totals.resolutionCacheHits + totals.totals.resolutionStoreReads + totals.totals.resolutionReferred);
  const average = report.awards[0].criteria.find((c: { id: string }) => c.id === 'daily-average-resolutions');
  t.equal(await text(page, '[data-figure="daily-average"]'), number.format(average.measured));
  t.equal(await page.locator('[data-figure="today"]').getAttribute('data-day'), '2024-06-15');
  t.equal(await text(page, '[data-figure="today"]'), '15 Jun 2024');
  t.equal(await page.locator('[data-figure="period-status"]').getAttribute('data-status'), 'running');
  t.equal(await text(page, '[data-figure="period-status"]'), 'running');

  for (const award of report.awards) {
    const section = page.locator(`[data-award="${award.id}"]`);
    t.equal((await section.locator('[data-field="award-verdict"]').innerText()).trim(), award.verdict.replace('-', ' '), `${award.id} verdict`);
    for (const criterion of award.criteria) {
      const row = section.locator(`[data-criterion="${criterion.id}"]`);
      const measured = (await row.locator('[data-field="measured"]').innerText()).trim();
      if (typeof criterion.measured === 'number') t.equal(measured.replace(' / day', ''), number.format(criterion.measured), `${criterion.id} measured`);
      else t.equal(measured, criterion.measured ? 'connected' : 'not connected');
      if (criterion.threshold !== undefined) t.match((await row.locator('[data-field="threshold"]').innerText()).trim(), `> ${number.format(criterion.threshold)}`);
      t.equal((await row.locator('[data-field="verdict"]').innerText()).trim(), criterion.verdict.replace('-', ' '), `${criterion.id} verdict`);
      if (criterion.projection) t.match((await row.locator('[data-field="projection"]').innerText()).trim(), number.format(criterion.projection.value));
    }
  }

  t.equal(await text(page, '[data-figure="ledger-verified"]'), ledger.verified ? 'verified' : 'BROKEN');
  t.equal(await text(page, '[data-figure="ledger-entries"]'), String(ledger.entries));
  t.equal(await page.locator('[data-figure="ledger-last-day"]').getAttribute('data-day'), ledger.lastDay);
  t.equal(ledger.lastDay, '2024-06-14');

  // The recent-days table against the daily API, summed over prefixes and protocols.
  const daily = await api('/api/v1/metering/daily?from=2024-06-01&to=2024-06-15');
  const rows = await page.locator('#recent tbody tr').all();
  t.equal(rows.length, 14);
  for (const row of rows) {
    const day = await row.getAttribute('data-day');
    const ofDay = daily.rows.filter((r: { day: string }) => r.day === day);
    const sum = (field: string) => ofDay.reduce((total: number, r: Record<string, number>) => total + r[field]!, 0);
    t.equal((await row.locator('[data-field="registrations"]').innerText()).trim(), number.format(sum('registrations')), `${day} registrations`);
    t.equal((await row.locator('[data-field="counted-resolutions"]').innerText()).trim(), number.format(sum('resolutionCacheHits') + sum('resolutionStoreReads') + sum('resolutionReferred')), `${day} counted`);
    t.equal((await row.locator('[data-field="resolutions"]').innerText()).trim(), number.format(sum('resolutions')), `${day} all`);
    t.equal((await row.locator('[data-field="refused"]').innerText()).trim(), number.format(sum('refusedWrites')), `${day} refused`);
  }
});

t.test('it looks right: charts drawn against their lines, nothing overflows, wide and narrow', async (t) => {
  const report = await api('/api/v1/eligibility?year=2024');
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const page = await open(viewport);
    const label = `${viewport.width}px`;
    t.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), `${label}: no horizontal scrolling`);
    for (const figure of await page.locator('.figure').all()) {
      t.ok(await figure.evaluate((element) => element.scrollWidth <= element.clientWidth + 1), `${label}: ${await figure.innerText()} fits its card`);
    }
    const cards = await Promise.all((await page.locator('.cards > .card').all()).map((card) => card.boundingBox()));
    t.equal(cards.length, 4);
    for (let a = 0; a < cards.length; a++) {
      for (let b = a + 1; b < cards.length; b++) {
        const [x, y] = [cards[a]!, cards[b]!];
        const overlap = x.x < y.x + y.width - 1 && y.x < x.x + x.width - 1 && x.y < y.y + y.height - 1 && y.y < x.y + x.height - 1;
        t.notOk(overlap, `${label}: cards ${a} and ${b} do not overlap`);
      }
    }

    // Daily resolutions: one bar per day with counts up to today, each above the 3,000,000 line iff its value is.
    const chart = page.locator('#resolutions-chart svg');
    const box = (await chart.boundingBox())!;
    t.ok(box.width > 300 && box.height > 100, `${label}: the resolutions chart has a real size (${Math.round(box.width)}×${Math.round(box.height)})`);
    // Every bar's value and top edge in one round trip to the browser (a call per bar was most of this file's CPU).
    const bars = await chart.locator('rect.bar').evaluateAll((elements) =>
      elements.map((element) => ({ value: Number(element.getAttribute('data-value')), top: element.getBoundingClientRect().y })),
    );
    t.equal(bars.length, 158, `${label}: a bar per day from 2024-01-10 to today`);
    const line = await chart.locator('.threshold line').evaluate((element) => ({ y: element.getBoundingClientRect().y }));
    t.equal(await chart.locator('.threshold').getAttribute('data-threshold'), '3000000');
    let above = 0;
    for (const { value, top } of bars) {
      if (value > 3_000_000) {
        above++;
        t.ok(top <= line.y + 1, `${label}: a bar of ${value} reaches above the line`);
      } else if (value < 2_900_000) t.ok(top > line.y, `${label}: a bar of ${value} stays below the line`);
    }
    t.ok(above > 20 && above < bars.length - 20, `${label}: some days above the line, some below (${above})`);
    t.match(await chart.locator('.threshold text').textContent(), '3,000,000 / day');

    // Cumulative registrations against the 10,000,000 line, with the projection to year end.
    const cumulative = page.locator('#registrations-chart svg');
    t.equal(Number(await cumulative.locator('polyline.line').getAttribute('data-last-value')), report.figures.totals.registration);
    t.equal(await cumulative.locator('.threshold').getAttribute('data-threshold'), '10000000');
    const projection = report.awards[0].criteria[0].projection;
    if (projection) t.equal(Number(await cumulative.locator('line.projection').getAttribute('data-projected')), projection.value);
    const lastPoint = await cumulative.locator('polyline.line').evaluate((element) => {
      const points = (element as unknown as { points: { numberOfItems: number; getItem(index: number): { y: number } } }).points;
      return points.getItem(points.numberOfItems - 1).y;
    });
    const thresholdY = Number(await cumulative.locator('.threshold line').getAttribute('y1'));
    t.equal(lastPoint > thresholdY, report.figures.totals.registration < 10_000_000, `${label}: the running total sits on the right side of its line`);
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-en-${viewport.width}.png`), fullPage: true });
  }
});

t.test('Chinese for a browser that asks for it, English by the switch, the choice kept', async (t) => {
  const page = await open({ width: 1280, height: 900 }, 'none', 'zh-CN');
  t.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  t.equal(await text(page, 'h1'), '审计看板');
  t.equal(await text(page, '[data-figure="today"]'), '2024年6月15日');
  t.equal(await text(page, '[data-figure="period-status"]'), '进行中');
  t.equal(await text(page, '[data-figure="ledger-verified"]'), '已验证');
  t.match(await page.locator('#resolutions-chart .threshold text').textContent(), '3,000,000 次/日');
  t.match(await text(page, '[data-criterion="annual-new-registrations"] [data-field="verdict"]'), /^(待定|达标)$/);
  t.match(await text(page, '[data-method="annual-new-registrations"] [data-field="method-rule"]'), /^规则：新增注册量超过 10,000,000 即达标/);
  t.match(await text(page, '[data-field="policy-source"]'), /淄政办发〔2020〕11号/);
  t.equal(await page.locator('[data-figure="registrations"]').innerText(), number.format((await api('/api/v1/eligibility?year=2024')).figures.totals.registration), 'figures the same in both');
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-zh-CN-1280.png'), fullPage: true });

  // The switch: English, and the choice is remembered over the browser's Chinese.
  await page.click('nav.lang a[data-lang="en"]');
  t.equal(await page.getAttribute('html', 'lang'), 'en');
  t.equal(await text(page, 'h1'), 'Auditor dashboard');
  t.match(await text(page, '[data-method="annual-new-registrations"] [data-field="method-measured"]'), /^Measured: the sum of new-registration counters/);
  t.notMatch(await page.content(), /Met with/);
  await page.goto(`${url}/dashboard?year=2024`);
  t.equal(await text(page, 'h1'), 'Auditor dashboard', 'the cookie keeps English without ?lang');
  await page.click('nav.lang a[data-lang="zh-CN"]');
  t.equal(await text(page, 'h1'), '审计看板');

  // The report pages the dashboard links to come in the same language.
  await page.goto(`${url}/api/v1/eligibility?year=2024&format=html&lang=en`);
  t.equal(await text(page, 'h1'), 'Award eligibility 2024');
  await page.screenshot({ path: join(ARTIFACTS, 'report-en-1280.png'), fullPage: true });
  await page.goto(`${url}/api/v1/eligibility?year=2024&format=html&lang=zh-CN`);
  t.equal(await text(page, 'h1'), '2024 年度奖励资格报告');
  t.equal(await page.locator('[data-award="throughput"] [data-field="award-amount"]').innerText(), '同一自然年内两项指标均达标的，最高奖励 ¥1,000,000。');
  await page.screenshot({ path: join(ARTIFACTS, 'report-zh-CN-1280.png'), fullPage: true });
});

t.test('a broken ledger shows as broken on the page', async (t) => {
  // Change a sealed day's count behind the ledger's back.
  await rest.store.addCounters([{ day: '2024-03-01', prefix: demoPrefix, protocol: 'rest', kind: 'registration', count: 1 }]);
  const page = await open({ width: 1280, height: 900 });
  t.equal(await text(page, '[data-figure="ledger-verified"]'), 'BROKEN');
  t.match(await text(page, '[data-figure="ledger-problems"]'), /2024-03-01/);
});
