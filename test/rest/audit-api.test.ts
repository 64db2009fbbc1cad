import t from 'tap';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { SetClock } from '../../src/core/clock/set-clock.js';
import { parsePublicKey } from '../../src/core/ledger/node-key.js';
import { verifyLedger } from '../../src/core/ledger/verify-ledger.js';
import { send } from '../helpers/http.js';
import { ManualClock, startAuditNode } from '../helpers/audit-node.js';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';

const value = { values: [{ index: 1, type: 'URL', data: 'https://example.org/a' }] };

t.test('metering API: daily rows per prefix, totals, CSV, filters and errors', async (t) => {
  const clock = new ManualClock(Date.parse('2024-04-01T10:00:00+08:00'));
  const node = await startAuditNode(t, { clock });
  const { url, auth, demoPrefix } = node;
  const other = await node.rest.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: '88.999.7', name: 'Other' });
  const otherAuth = `Basic ${Buffer.from(`${other.id}:${other.secret}`).toString('base64')}`;
  await send(`${url}/api/handles/${demoPrefix}/A`, { method: 'PUT', headers: { authorization: auth.demo }, json: value });
  await send(`${url}/api/handles/${demoPrefix}/A`);
  clock.set('2024-04-02T10:00:00+08:00');
  await send(`${url}/api/handles/88.999.7/B`, { method: 'PUT', headers: { authorization: otherAuth }, json: value });
  await send(`${url}/api/handles/88.999.7/B`);
  await send(`${url}/api/handles/88.999.7/B`);
  await node.rest.node.metering.flushNow();
  const get = (path: string, who = auth.auditor) => send(`${url}${path}`, { headers: { authorization: who } });

  const daily = await get('/api/v1/metering/daily?from=2024-04-01&to=2024-04-30');
  t.equal(daily.status, 200);
  t.match(daily.body, { from: '2024-04-01', to: '2024-04-30', timeZone: 'Asia/Shanghai' });
  t.same(daily.body.rows.map((row: { day: string; prefix: string }) => [row.day, row.prefix]), [['2024-04-01', demoPrefix], ['2024-04-02', '88.999.7']]);
  t.match(daily.body.rows[1], { registrations: 1, resolutionStoreReads: 1, resolutionCacheHits: 1, resolutions: 2, updates: 0 });
  t.match(daily.body.totals, { registrations: 2, resolutions: 3 });

  const byProtocol = await get('/api/v1/metering/daily?from=2024-04-01&to=2024-04-30&by=protocol&prefix=88.999.7');
  t.same(byProtocol.body.rows.map((row: { protocol: string }) => row.protocol), ['rest']);
  t.equal(byProtocol.body.prefix, '88.999.7');

  const totals = await get('/api/v1/metering/totals?from=2024-04-01&to=2024-04-02');
  t.match(totals.body, { days: 2, prefixes: [{ prefix: '88.999.7', registrations: 1 }, { prefix: demoPrefix, registrations: 1 }], totals: { registrations: 2 } });

  const csv = await fetch(`${url}/api/v1/metering/daily?from=2024-04-01&to=2024-04-30&format=csv`, { headers: { authorization: auth.auditor } });
  t.equal(csv.status, 200);
  t.match(csv.headers.get('content-type'), /^text\/csv/);
  t.match(csv.headers.get('content-disposition'), /attachment; filename="metering-daily-2024-04-01-2024-04-30.csv"/);
  const lines = (await csv.text()).split('\r\n');
  t.equal(lines[0], 'day,prefix,registrations,updates,deletes,refusedWrites,resolutionCacheHits,resolutionStoreReads,resolutionNotFound,resolutionReferred,resolutions');
  t.equal(lines[2], '2024-04-02,88.999.7,1,0,0,0,1,1,0,0,2');
  const totalsCsv = await (await fetch(`${url}/api/v1/metering/totals?from=2024-04-01&to=2024-04-02&format=csv`, { headers: { authorization: auth.operator } })).text();
  t.match(totalsCsv, /\r\nTOTAL,2,0,0,0,1,2,0,0,3\r\n$/);

  for (const [query, message] of [
    ['from=2024-04-01', /to must be a calendar date YYYY-MM-DD, got nothing/],
    ['from=2024-02-30&to=2024-03-01', /from must be a calendar date YYYY-MM-DD, got "2024-02-30"/],
    ['from=2024-04-02&to=2024-04-01', /to \(2024-04-01\) is before from \(2024-04-02\)/],
    ['from=2000-01-01&to=2024-01-01', /spans 8767 days; ask for at most 3700/],
    ['from=2024-04-01&to=2024-04-02&prefix=88..1', /empty segment/],
    ['from=2024-04-01&to=2024-04-02&format=xml', /format/],
  ] as const) {
    const refused = await get(`/api/v1/metering/totals?${query}`);
    t.equal(refused.status, 400, query);
    t.match(refused.body.message, message, query);
  }
});

t.test('who may read and who may write: auditors read everything of metering and write nothing', async (t) => {
  const node = await startAuditNode(t);
  const { url, auth, demoPrefix } = node;
  const paths = ['/api/v1/metering/daily?from=2024-01-01&to=2024-01-31', '/api/v1/metering/totals?from=2024-01-01&to=2024-01-31', '/api/v1/eligibility?year=2024', '/api/v1/policies', '/api/v1/ledger', '/api/v1/ledger/status', '/dashboard'];
  for (const path of paths) {
    const anonymous = await send(`${url}${path}`);
    t.equal(anonymous.status, 401, `anonymous ${path}`);
    t.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="handle"');
    t.equal((await send(`${url}${path}`, { headers: { authorization: auth.demo } })).status, 403, `enterprise ${path}`);
    const asAuditor = await fetch(`${url}${path}`, { headers: { authorization: auth.auditor } });
    t.equal(asAuditor.status, 200, `auditor ${path}`);
    t.equal((await fetch(`${url}${path}`, { headers: { authorization: auth.operator } })).status, 200, `operator ${path}`);
  }
  const writes: [string, string, unknown][] = [
    ['PUT', `/api/handles/${demoPrefix}/BY-AUDITOR`, value],
    ['DELETE', `/api/handles/${demoPrefix}/ANY`, undefined],
    ['POST', '/api/v1/enterprises', { prefix: '88.999.55', name: 'x' }],
    ['POST', '/api/prefixes', { prefix: '88.555' }],
    ['POST', '/api/v1/ledger/seal', undefined],
  ];
  for (const [method, path, json] of writes) {
    const refused = await send(`${url}${path}`, { method, headers: { authorization: auth.auditor }, ...(json === undefined ? {} : { json }) });
    t.equal(refused.status, 403, `auditor ${method} ${path}`);
    t.equal(refused.body.code, 'PERMISSION_DENIED');
  }
  t.equal(await node.rest.store.getHandle(`${demoPrefix}/BY-AUDITOR`), undefined, 'nothing was written');
  const key = await send(`${url}/api/v1/node-key`);
  t.equal(key.status, 200, 'the public key is public');
  t.match(key.body.publicKey, /^-----BEGIN PUBLIC KEY-----/);
});

t.test('eligibility API: JSON, Markdown, HTML, policies, and errors naming the parameter', async (t) => {
  const clock = new ManualClock(Date.parse('2024-06-15T12:00:00+08:00'));
  const node = await startAuditNode(t, { clock });
  const { url, auth } = node;
  await node.rest.store.addCounters([
    { day: '2024-06-10', prefix: node.demoPrefix, protocol: 'rest', kind: 'registration', count: 60_000 },
    { day: '2024-06-14', prefix: node.demoPrefix, protocol: 'rest', kind: 'resolution.cache-hit', count: 4_000_000 },
  ]);
  const get = (query: string) => send(`${url}/api/v1/eligibility${query}`, { headers: { authorization: auth.auditor } });
  const current = await get('');
  t.equal(current.status, 200);
  t.match(current.body, { year: 2024, period: { status: 'running', today: '2024-06-15' }, policy: { id: 'zibo-2020-11-measure-2' }, figures: { totals: { registration: 60_000 } } });
  t.match(current.body.awards[0].criteria[0], { id: 'annual-new-registrations', measured: 60_000, verdict: 'pending', projection: { windowDays: 5 } });
  t.match(current.body.awards[1], { id: 'top-level-connection', verdict: 'not-eligible' });
  const closed = await get('?year=2023');
  t.match(closed.body, { year: 2023, period: { status: 'closed', days: 365 } });
  const md = await fetch(`${url}/api/v1/eligibility?year=2024&format=md&lang=en`, { headers: { authorization: auth.auditor } });
  t.match(md.headers.get('content-type'), /^text\/markdown/);
  t.match(await md.text(), /\| New identifier registrations in the calendar year \| 60,000 \|/);
  const html = await fetch(`${url}/api/v1/eligibility?year=2024&format=html&policy=zibo-2020-11-measure-2`, { headers: { authorization: auth.auditor } });
  t.match(html.headers.get('content-type'), /^text\/html/);
  t.match(await html.text(), /data-criterion="daily-average-resolutions"/);
  t.match((await get('?year=twenty')).body, { code: 'REQUEST_INVALID', message: /year must be a four-digit calendar year/ });
  const unknown = await get('?policy=atlantis');
  t.equal(unknown.status, 404);
  t.match(unknown.body, { code: 'POLICY_NOT_FOUND', message: /no policy "atlantis"/ });
  const policies = await send(`${url}/api/v1/policies`, { headers: { authorization: auth.auditor } });
  t.match(policies.body, { default: 'zibo-2020-11-measure-2', policies: [{ id: 'zibo-2020-11-measure-2', document: '淄政办发〔2020〕11号' }] });
});

t.test('ledger API: the operator seals, auditors export and check it, the public key verifies it', async (t) => {
  const clock = new ManualClock(Date.parse('2024-10-01T12:00:00+08:00'));
  const node = await startAuditNode(t, { clock, config: { ledgerSealDelayMs: 3_600_000 } });
  const { url, auth } = node;
  await send(`${url}/api/handles/${node.demoPrefix}/L`, { method: 'PUT', headers: { authorization: auth.demo }, json: value });
  clock.set('2024-10-03T12:00:00+08:00');
  const sealed = await send(`${url}/api/v1/ledger/seal`, { method: 'POST', headers: { authorization: auth.operator } });
  t.equal(sealed.status, 200);
  t.same(sealed.body, { sealed: ['2024-10-01', '2024-10-02'], entries: 2 });
  const exported = await send(`${url}/api/v1/ledger`, { headers: { authorization: auth.auditor } });
  t.match(exported.body, { format: 'idnode-ledger/1', timeZone: 'Asia/Shanghai', entries: [{ day: '2024-10-01', rows: [[node.demoPrefix, 'rest', 'registration', 1]] }, { day: '2024-10-02', rows: [] }] });
  const key = await send(`${url}/api/v1/node-key`);
  t.ok(verifyLedger(exported.body, parsePublicKey(key.body.publicKey, 'node-key')).ok);
  const withoutRows = await send(`${url}/api/v1/ledger?rows=false`, { headers: { authorization: auth.auditor } });
  t.equal(withoutRows.body.entries[0].rows, undefined);
  const status = await send(`${url}/api/v1/ledger/status`, { headers: { authorization: auth.auditor } });
  t.match(status.body, { entries: 2, lastDay: '2024-10-02', verified: true, problems: [], unsealedClosedDays: 0, keyId: key.body.keyId });
});

t.test('readiness says whether the clock is set', async (t) => {
  const real = await startAuditNode(t);
  t.same((await send(`${real.url}/readyz`)).body, { status: 'ready', store: 'sqlite', clock: { mode: 'system' } });
  const simulated = await startAuditNode(t, { clock: new SetClock(Date.parse('2024-01-01T00:00:00+08:00'), 60, new ManualScheduler()) });
  const ready = await send(`${simulated.url}/readyz`);
  t.match(ready.body, { status: 'ready', clock: { mode: 'simulated', start: '2023-12-31T16:00:00.000Z', rate: 60, warning: /not production figures/ } });
  const report = await send(`${simulated.url}/api/v1/eligibility`, { headers: { authorization: simulated.auth.auditor } });
  t.match(report.body, { year: 2024, clock: { mode: 'simulated' }, notes: [/^SIMULATED/] });
});
