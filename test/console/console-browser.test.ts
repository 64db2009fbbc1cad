import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import t from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import { launchBrowser } from '../helpers/browser.js';
import { send } from '../helpers/http.js';
import { basic, startRestNode } from '../helpers/rest-node.js';

// The console (/console), the landing page and /docs driven in Debian's chromium through playwright-core (no
// browser download), one browser for the whole file: each role signs in, does its tasks, and sees the result,
// checked against the API. Screenshots of every main page, in zh-CN and in English, are kept in
// .tap/artifacts/console/ (git-ignored).

// The page functions below run in the browser, where these exist.
declare const document: { documentElement: { lang: string }; querySelector(selector: string): { textContent: string | null } | null };
declare const sessionStorage: { getItem(key: string): string | null };

const ARTIFACTS = new URL('../../.tap/artifacts/console/', import.meta.url);
mkdirSync(ARTIFACTS, { recursive: true });

const rest = await startRestNode({ dir: t.testdir() });
t.teardown(() => rest.close());
const { url } = rest;
const operator = rest.credentials.operator;
const enterprise = rest.credentials.demoEnterprise;
const auditor = await rest.node.principals.addAuditor(LOCAL_OPERATOR, 'Console auditor');
const as = (who: { id: string; secret: string }) => ({ authorization: basic(who.id, who.secret) });

const browser = await launchBrowser(t);

/** A fresh browser profile whose Accept-Language is `locale`; console errors and failed requests are collected. */
async function open(locale: 'zh-CN' | 'en'): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 860 } });
  t.teardown(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  return { context, page, problems };
}

async function shot(page: Page, name: string): Promise<void> {
  const lang = await page.getAttribute('html', 'lang');
  await page.screenshot({ path: new URL(`${name}-${lang}.png`, ARTIFACTS).pathname, fullPage: true });
}

async function signIn(page: Page, who: { id: string; secret: string }): Promise<void> {
  await page.goto(`${url}/console`);
  await page.fill('[data-form="signin"] input[name="id"]', who.id);
  await page.fill('[data-form="signin"] input[name="secret"]', who.secret);
  await page.click('[data-form="signin"] button[type="submit"]');
  await page.waitForSelector('[data-field="whoami"]');
}

const text = (page: Page, selector: string) => page.locator(selector).first().innerText().then((value) => value.trim());
/** Switches the page's language with the switch in its header (the choice is kept in the idnode-lang cookie). */
async function switchTo(page: Page, lang: 'zh-CN' | 'en'): Promise<void> {
  await page.click(`.lang-switch a[data-lang="${lang}"]`);
  await page.waitForFunction((wanted) => document.documentElement.lang === wanted, lang);
}
async function section(page: Page, name: string): Promise<void> {
  await page.click(`[data-nav="${name}"]`);
  await page.waitForSelector(`[data-page="${name}"]`);
}

t.test('the landing page and /docs, in both languages', async (t) => {
  const { page, problems } = await open('zh-CN');
  await page.goto(`${url}/`);
  t.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  t.match(await text(page, 'h1'), '二级节点');
  await shot(page, 'landing');
  await switchTo(page, 'en');
  t.match(await text(page, 'h1'), 'secondary node');
  t.match(await text(page, '[data-field="prefixes"]'), '88.999');
  await shot(page, 'landing');
  await page.click('.card[data-link="/docs"]');
  await page.waitForSelector('[data-operation="GET /api/v1/whoami"]');
  t.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice sticks from page to page');
  const whoami = page.locator('[data-operation="GET /api/v1/whoami"]');
  await whoami.locator('summary').click();
  await whoami.locator('[data-action="send"]').click();
  await page.waitForFunction(() => document.querySelector('[data-operation="GET /api/v1/whoami"] [data-field="response"]')?.textContent?.includes('anonymous'));
  t.match(await whoami.locator('[data-field="response"]').innerText(), /^200 OK\s+\{\s+"kind": "anonymous"/);
  await shot(page, 'docs');
  await switchTo(page, 'zh-CN');
  await page.waitForSelector('[data-operation="GET /api/v1/whoami"]');
  t.match(await text(page, 'h1'), 'API 文档');
  await shot(page, 'docs');
  t.same(problems, [], 'no console errors');
});

t.test('sign-in refuses a wrong secret and says why', async (t) => {
  const { page } = await open('en');
  await page.goto(`${url}/console`);
  await page.fill('input[name="id"]', operator.id);
  await page.fill('input[name="secret"]', 'not-the-secret');
  await page.click('[data-form="signin"] button[type="submit"]');
  t.match(await text(page, '.notice.error'), /AUTHENTICATION_FAILED|authentication failed/i);
  await shot(page, 'signin');
});

t.test('the operator: status, enterprises (allocate, rotate, revoke, reinstate), auditors (add, revoke), prefixes', async (t) => {
  const { page, problems } = await open('zh-CN');
  await signIn(page, operator);
  t.match(await text(page, '[data-field="whoami"]'), `已登录：${operator.id}（运营方）`);

  // Status, with the rates measured between two polls.
  await page.waitForSelector('[data-status="store"]');
  t.equal(await text(page, '[data-field="store"]'), 'sqlite');
  t.match(await text(page, '[data-field="cache"]'), /%/);
  t.match(await text(page, '[data-field="prefixes"]'), '88.999');
  await page.waitForFunction(() => /\/秒/.test(document.querySelector('[data-field="rates"]')?.textContent ?? ''));
  await shot(page, 'operator-status');

  // Enterprises: allocate; the secret shown once works.
  await section(page, 'enterprises');
  await page.fill('[data-form="add-enterprise"] input[name="prefix"]', '88.999.web');
  await page.fill('[data-form="add-enterprise"] input[name="name"]', '网页企业');
  await page.click('[data-form="add-enterprise"] button[type="submit"]');
  await page.waitForSelector('[data-credential="300:0.NA/88.999.WEB"]');
  const secret = await text(page, '[data-field="credential-secret"]');
  const web = { id: '300:0.NA/88.999.WEB', secret };
  t.equal((await send(`${url}/api/v1/whoami`, { headers: as(web) })).body.prefix, '88.999.WEB', 'the credential shown works');
  const row = page.locator('tr[data-enterprise="88.999.WEB"]');
  t.equal(await row.getAttribute('data-state'), 'active');
  await shot(page, 'operator-enterprises');

  // Rotate: the old secret stops working, the new one shown works.
  await row.locator('[data-action="rotate"]').click();
  await page.waitForFunction((old) => { const shown = document.querySelector('[data-field="credential-secret"]')?.textContent; return shown !== undefined && shown !== old; }, secret);
  const rotated = { id: web.id, secret: await text(page, '[data-field="credential-secret"]') };
  t.equal((await send(`${url}/api/v1/whoami`, { headers: as(web) })).status, 403, 'the old secret fails');
  t.equal((await send(`${url}/api/v1/whoami`, { headers: as(rotated) })).status, 200, 'the rotated secret works');

  // Revoke, then reinstate with a new secret.
  await row.locator('[data-action="revoke"]').click();
  await page.waitForSelector('tr[data-enterprise="88.999.WEB"][data-state="revoked"]');
  t.equal((await send(`${url}/api/v1/whoami`, { headers: as(rotated) })).status, 403, 'revoked at once');
  await page.locator('tr[data-enterprise="88.999.WEB"] [data-action="reinstate"]').click();
  await page.waitForSelector('tr[data-enterprise="88.999.WEB"][data-state="active"]');
  const reinstated = { id: web.id, secret: await text(page, '[data-field="credential-secret"]') };
  t.not(reinstated.secret, rotated.secret);
  t.equal((await send(`${url}/api/v1/whoami`, { headers: as(reinstated) })).status, 200, 'the reinstated secret works');

  // A refusal is shown, not swallowed.
  await page.fill('[data-form="add-enterprise"] input[name="prefix"]', '77.1');
  await page.fill('[data-form="add-enterprise"] input[name="name"]', 'Elsewhere');
  await page.click('[data-form="add-enterprise"] button[type="submit"]');
  t.match(await text(page, '.notice.error'), 'NOT_HOMED');

  // Auditors: add (the secret works), revoke.
  await section(page, 'auditors');
  await page.waitForSelector(`tr[data-auditor="${auditor.id}"]`);
  await page.fill('[data-form="add-auditor"] input[name="name"]', '淄博审计');
  await page.click('[data-form="add-auditor"] button[type="submit"]');
  await page.waitForSelector('.credential');
  const added = { id: await text(page, '[data-field="credential-id"]'), secret: await text(page, '[data-field="credential-secret"]') };
  t.equal((await send(`${url}/api/v1/whoami`, { headers: as(added) })).body.kind, 'auditor');
  await shot(page, 'operator-auditors');
  await page.locator(`tr[data-auditor="${added.id}"] [data-action="revoke"]`).click();
  await page.waitForSelector(`tr[data-auditor="${added.id}"][data-state="revoked"]`);
  t.equal((await send(`${url}/api/v1/whoami`, { headers: as(added) })).status, 403, 'revoked at once');

  // Homed prefixes.
  await section(page, 'prefixes');
  await page.fill('[data-form="home-prefix"] input[name="prefix"]', '88.998');
  await page.click('[data-form="home-prefix"] button[type="submit"]');
  await page.waitForSelector('li[data-prefix="88.998"]');
  t.ok((await send(`${url}/api/prefixes`)).body.prefixes.includes('88.998'));
  await shot(page, 'operator-prefixes');

  // The same pages in English, through the switch (the session survives it).
  await switchTo(page, 'en');
  await page.waitForSelector('[data-status="store"]');
  t.match(await text(page, '[data-field="whoami"]'), `Signed in as ${operator.id} (operator)`);
  t.equal(await text(page, '[data-status="store"] th'), 'Store');
  await shot(page, 'operator-status');
  for (const name of ['enterprises', 'auditors', 'prefixes']) {
    await section(page, name);
    await page.waitForSelector(`[data-page="${name}"] table, [data-page="${name}"] li`);
    await shot(page, `operator-${name}`);
  }
  t.equal(await text(page, '[data-nav="enterprises"]'), 'Enterprises');
  t.same(problems.filter((problem) => !/status of 4\d\d/.test(problem)), [], 'no console errors but the refusals asked for');
});

t.test('the enterprise: identifiers (create, find, edit, delete), an import with progress and per-line errors, its figures', async (t) => {
  const { page, problems } = await open('en');
  await signIn(page, enterprise);
  await page.waitForSelector('[data-page="identifiers"] [data-field="total"]');
  t.match(await text(page, '[data-field="whoami"]'), '(enterprise)');

  await page.fill('[data-form="create"] input[name="new-suffix"]', 'web-1');
  await page.fill('[data-form="create"] input[name="data"]', 'https://example.org/one');
  await page.click('[data-form="create"] button[type="submit"]');
  await page.waitForSelector('[data-view="identifier"] [data-field="handle"]');
  t.equal(await text(page, '[data-field="handle"]'), '88.999.DEMO/web-1');
  t.equal((await send(`${url}/api/handles/88.999.DEMO/web-1`)).body.values[0].data.value, 'https://example.org/one', 'stored');
  await page.waitForSelector('[data-list="identifiers"] a[data-handle="88.999.DEMO/web-1"]');

  await page.fill('[data-view="identifier"] textarea', JSON.stringify([{ index: 1, type: 'URL', data: 'https://example.org/changed' }, { index: 2, type: 'EMAIL', data: 'ops@example.org' }]));
  await page.click('[data-view="identifier"] [data-action="save"]');
  await page.waitForSelector('[data-value-index="2"]');
  const changed = (await send(`${url}/api/handles/88.999.DEMO/web-1`)).body.values;
  const texts = changed.filter((value: { data: { format: string } }) => value.data.format === 'string').map((value: { data: { value: string } }) => value.data.value);
  t.same(texts, ['https://example.org/changed', 'ops@example.org'], 'edited (the node keeps its HS_ADMIN value)');
  await shot(page, 'enterprise-identifiers');

  await page.fill('[data-form="find"] input[name="suffix"]', 'nothing-here');
  await page.click('[data-form="find"] button[type="submit"]');
  t.match(await text(page, '[data-view="identifier"] .notice'), '88.999.DEMO/nothing-here does not exist');
  await page.fill('[data-form="find"] input[name="suffix"]', 'web-1');
  await page.click('[data-form="find"] button[type="submit"]');
  await page.waitForSelector('[data-view="identifier"] [data-action="delete"]');
  await page.click('[data-view="identifier"] [data-action="delete"]');
  await page.waitForSelector('[data-view="identifier"] .notice.ok');
  t.equal((await send(`${url}/api/handles/88.999.DEMO/web-1`)).status, 404, 'deleted');

  // An import of 1,203 lines (three chunks), one of them bad: progress to the end, the bad line named.
  await section(page, 'import');
  const lines = Array.from({ length: 1203 }, (_, i) => JSON.stringify({ handle: `88.999.DEMO/imp-${i + 1}`, values: [{ index: 1, type: 'URL', data: `https://example.org/${i + 1}` }] }));
  lines[700] = JSON.stringify({ handle: '88.999.B/not-mine', values: [{ index: 1, type: 'URL', data: 'https://example.org/x' }] });
  await page.setInputFiles('[data-form="import"] input[type="file"]', { name: 'items.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(`${lines.join('\n')}\n`) });
  await page.click('[data-form="import"] button[type="submit"]');
  await page.waitForSelector('[data-view="import-result"] .notice');
  t.equal(await text(page, '[data-field="progress"]'), '1,203 of 1,203 lines processed');
  t.equal(await text(page, '[data-view="import-result"] .notice'), 'Done: 1,202 created, 0 already existed, 0 updated, 1 failed');
  t.match(await text(page, '[data-failed-line="701"]'), /701\s+88\.999\.B\/not-mine\s+(PERMISSION_DENIED|NOT_HOMED)/);
  t.equal((await send(`${url}/api/handles/88.999.DEMO/imp-1203`)).status, 200, 'the last line is stored');
  await shot(page, 'enterprise-import');

  await section(page, 'figures');
  await page.waitForSelector('[data-field="registrations"]');
  const quota = (await send(`${url}/api/v1/enterprises/88.999.DEMO/quota`, { headers: as(enterprise) })).body;
  t.match(await text(page, '[data-field="registrations"]'), new Intl.NumberFormat('en').format(quota.usage.registrations));
  await shot(page, 'enterprise-figures');

  await switchTo(page, 'zh-CN');
  await page.waitForSelector('[data-page="identifiers"] [data-field="total"]');
  t.match(await text(page, '[data-field="total"]'), /共 1,20\d 个标识/);
  await shot(page, 'enterprise-identifiers');
  await section(page, 'import');
  await shot(page, 'enterprise-import');
  await section(page, 'figures');
  await page.waitForSelector('[data-field="registrations"]');
  t.match(await text(page, '[data-figure="registrations"] th'), '今日注册');
  await shot(page, 'enterprise-figures');
  t.same(problems.filter((problem) => !/status of 404/.test(problem)), [], 'no console errors but the 404 asked for');
});

t.test('the auditor: the dashboard and the reports, in both languages', async (t) => {
  const { page, problems } = await open('zh-CN');
  await signIn(page, auditor);
  t.match(await text(page, '[data-field="whoami"]'), '（审计方）');
  t.equal(await page.locator('[data-nav]').count(), 2, 'the dashboard and the reports only');
  const dashboard = page.frameLocator('[data-view="dashboard"] iframe');
  await dashboard.locator('[data-figure="registrations"]').waitFor();
  await shot(page, 'auditor-dashboard');
  await section(page, 'reports');
  const report = page.frameLocator('[data-view="report"] iframe');
  await report.locator('body').waitFor();
  t.match(await report.locator('body').innerText(), String(new Date().getFullYear()));
  await page.waitForSelector('[data-link="markdown"]');
  const download = page.waitForEvent('download');
  await page.click('[data-link="markdown"]');
  t.match((await download).suggestedFilename(), /^eligibility-\d{4}\.md$/);
  await shot(page, 'auditor-reports');
  await switchTo(page, 'en');
  await page.frameLocator('[data-view="dashboard"] iframe').locator('[data-figure="registrations"]').waitFor();
  t.equal(await text(page, '[data-nav="reports"]'), 'Eligibility reports');
  await shot(page, 'auditor-dashboard');
  await section(page, 'reports');
  await page.frameLocator('[data-view="report"] iframe').locator('body').waitFor();
  await shot(page, 'auditor-reports');

  await page.click('[data-action="sign-out"]');
  await page.waitForSelector('[data-form="signin"]');
  t.equal(await page.evaluate(() => sessionStorage.getItem('idnode-console')), null, 'signing out forgets the token');
  t.same(problems, [], 'no console errors');
});
