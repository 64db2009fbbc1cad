import t from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import { QUOTA_SYNC_MS } from '../../src/core/node.js';
import { ManualClock, startAuditNode } from '../helpers/audit-node.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';

// Issue 17, defect 4: nothing limited one enterprise's registrations, resolutions or request rate.
const value = { values: [{ index: 1, type: 'URL', data: 'https://example.org/' }] };

t.test('per-enterprise quotas: registrations and resolutions per day, requests per second; seen by the enterprise and the auditor', async (t) => {
  const clock = new ManualClock(Date.parse('2025-06-01T10:00:00+08:00'));
  const node = await startAuditNode(t, { clock, config: { quota: { registrationsPerDay: 100, resolutionsPerDay: 0, requestsPerSecond: 0 } } });
  const { url, auth, demoPrefix, rest } = node;
  const other = await rest.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: '88.999.OTHER', name: 'Other' });
  const otherAuth = basic(other.id, other.secret);
  const quotaUrl = `${url}/api/v1/enterprises/${demoPrefix}/quota`;

  // The operator sets the demo enterprise's quota; the enterprise reads its own.
  const set = await send(quotaUrl, { method: 'PUT', headers: { authorization: auth.operator }, json: { registrationsPerDay: 3, resolutionsPerDay: 4 } });
  t.equal(set.status, 200, JSON.stringify(set.body));
  t.match(set.body, { prefix: demoPrefix, limits: { registrationsPerDay: 3, resolutionsPerDay: 4, requestsPerSecond: 0 }, overrides: { registrationsPerDay: 3, resolutionsPerDay: 4 } });
  t.equal((await send(quotaUrl, { method: 'PUT', headers: { authorization: auth.demo }, json: { registrationsPerDay: 1000 } })).status, 403, 'not by the enterprise');
  t.match((await send(quotaUrl, { method: 'PUT', headers: { authorization: auth.operator }, json: { registrationsPerDay: -1 } })).body, { code: 'REQUEST_INVALID' });
  t.match((await send(`${url}/api/v1/enterprises/88.999.NOBODY/quota`, { headers: { authorization: auth.operator } })).body, { code: 'ENTERPRISE_NOT_FOUND' });

  // Registrations: the fourth new identifier of the day is refused, with Retry-After to the next day.
  for (let i = 0; i < 3; i++) t.equal((await send(`${url}/api/handles/${demoPrefix}/Q-${i}`, { method: 'PUT', headers: { authorization: auth.demo }, json: value })).status, 201);
  const over = await send(`${url}/api/handles/${demoPrefix}/Q-3`, { method: 'PUT', headers: { authorization: auth.demo }, json: value });
  t.equal(over.status, 429);
  t.match(over.body, { code: 'REGISTRATION_LIMIT_EXCEEDED', responseCode: 3, message: /has registered its 3 new identifier\(s\) for 2025-06-01/ });
  t.equal(over.headers.get('retry-after'), String(14 * 3600), 'until midnight in Asia/Shanghai');
  t.equal((await send(`${url}/api/handles/88.999.OTHER/Q-0`, { method: 'PUT', headers: { authorization: otherAuth }, json: value })).status, 201, 'another enterprise is not limited by it');

  // Resolutions: four a day of the demo prefix's identifiers, whoever asks.
  for (let i = 0; i < 4; i++) t.equal((await send(`${url}/api/handles/${demoPrefix}/Q-0`)).status, 200);
  const limited = await send(`${url}/api/handles/${demoPrefix}/Q-0`);
  t.equal(limited.status, 429);
  t.match(limited.body, { code: 'RESOLUTION_LIMIT_EXCEEDED' });

  // The enterprise sees its usage; another enterprise may not; the auditor sees every enterprise.
  const own = await send(quotaUrl, { headers: { authorization: auth.demo } });
  t.match(own.body, { usage: { day: '2025-06-01', registrations: 3, resolutions: 4, refused: { 'registrations-per-day': 1, 'resolutions-per-day': 1 } } });
  t.equal((await send(quotaUrl, { headers: { authorization: otherAuth } })).status, 403);
  t.equal((await send(quotaUrl)).status, 401);
  const report = await send(`${url}/api/v1/quotas`, { headers: { authorization: auth.auditor } });
  t.same(report.body.enterprises.map((e: { prefix: string; limits: { registrationsPerDay: number } }) => [e.prefix, e.limits.registrationsPerDay]).sort(), [
    ['88.999.DEMO', 3],
    ['88.999.OTHER', 100],
  ]);
  t.equal((await send(`${url}/api/v1/quotas`, { headers: { authorization: auth.demo } })).status, 403);

  // Refusals by quota are counted in metering (refused, under the enterprise prefix) and on /metrics.
  await rest.node.metering.flushNow();
  const sums = await rest.store.sumCounters({ fromDay: '2025-06-01', toDay: '2025-06-01', prefix: demoPrefix, groupBy: [] });
  t.equal(sums.find((sum) => sum.kind === 'refused')?.count, 2);
  t.same(rest.node.quotas.refusals(), { 'registrations-per-day': 1, 'resolutions-per-day': 1, 'requests-per-second': 0 });

  // null returns a field to the node default; the next day starts afresh (figures from the shared counters).
  const reset = await send(quotaUrl, { method: 'PUT', headers: { authorization: auth.operator }, json: { registrationsPerDay: null } });
  t.match(reset.body, { limits: { registrationsPerDay: 100 }, overrides: { resolutionsPerDay: 4 } });
  t.same(reset.body.overrides, { resolutionsPerDay: 4 });
  clock.set('2025-06-02T10:00:00+08:00');
  t.equal((await send(`${url}/api/handles/${demoPrefix}/Q-0`)).status, 200, 'a new day');
  await rest.time.advance(QUOTA_SYNC_MS);
  t.match((await send(quotaUrl, { headers: { authorization: auth.demo } })).body.usage, { day: '2025-06-02', resolutions: 1 });
});

t.test('the rate limit: a token bucket per enterprise, Retry-After', async (t) => {
  const node = await startAuditNode(t);
  const { url, auth, demoPrefix, rest } = node;
  await send(`${url}/api/v1/enterprises/${demoPrefix}/quota`, { method: 'PUT', headers: { authorization: auth.operator }, json: { requestsPerSecond: 2 } });
  const list = () => send(`${url}/api/handles?prefix=${demoPrefix}`, { headers: { authorization: auth.demo } });
  t.equal((await list()).status, 200);
  t.equal((await list()).status, 200);
  const limited = await list();
  t.equal(limited.status, 429);
  t.match(limited.body, { code: 'RATE_LIMIT_EXCEEDED' });
  t.equal(limited.headers.get('retry-after'), '1');
  await rest.time.advance(500);
  t.equal((await list()).status, 200, 'refilled at the rate');
  t.equal((await send(`${url}/api/handles?prefix=${demoPrefix}`, { headers: { authorization: auth.operator } })).status, 200, 'the operator has no quota');
});
