import t from 'tap';
import { send } from '../helpers/http.js';
import { ManualClock, startAuditNode } from '../helpers/audit-node.js';

const value = (text: string) => ({ values: [{ index: 1, type: 'URL', data: text }] });

t.test('writes and resolutions fall on the Asia/Shanghai day of the injected clock, to the millisecond', async (t) => {
  const clock = new ManualClock(0);
  const { rest, url, auth, demoPrefix } = await startAuditNode(t, { clock });
  const put = (suffix: string) => send(`${url}/api/handles/${demoPrefix}/${suffix}?overwrite=false`, { method: 'PUT', headers: { authorization: auth.demo }, json: value(suffix) });
  const get = (suffix: string) => send(`${url}/api/handles/${demoPrefix}/${suffix}`);

  clock.set('2024-12-31T23:59:59.999+08:00');
  t.equal((await put('LAST-OF-2024')).status, 201);
  t.equal((await get('LAST-OF-2024')).status, 200, 'store read');
  t.equal((await get('LAST-OF-2024')).status, 200, 'cache hit');
  t.equal((await get('NOPE')).status, 404);
  clock.set('2025-01-01T00:00:00.000+08:00');
  t.equal((await put('FIRST-OF-2025')).status, 201);
  t.equal((await get('LAST-OF-2024')).status, 200, 'cache hit, new day');
  t.equal((await put('LAST-OF-2024')).status, 409, 'a repeated create is refused and is no registration');

  // Leap day.
  clock.set('2024-02-29T23:59:59.999+08:00');
  t.equal((await put('LEAP-DAY')).status, 201);
  clock.set('2024-03-01T00:00:00.000+08:00');
  t.equal((await put('MARCH-FIRST')).status, 201);

  await rest.node.metering.flushNow();
  const daily = await send(`${url}/api/v1/metering/daily?from=2024-02-29&to=2025-01-01`, { headers: { authorization: auth.auditor } });
  t.equal(daily.status, 200);
  const row = (day: string) => daily.body.rows.find((r: { day: string; prefix: string }) => r.day === day && r.prefix === demoPrefix);
  t.match(row('2024-12-31'), { registrations: 1, resolutionStoreReads: 1, resolutionCacheHits: 1, resolutionNotFound: 1, refusedWrites: 0 });
  t.match(row('2025-01-01'), { registrations: 1, resolutionCacheHits: 1, refusedWrites: 1, resolutions: 1 });
  t.match(row('2024-02-29'), { registrations: 1 });
  t.match(row('2024-03-01'), { registrations: 1 });
  t.equal(daily.body.totals.registrations, 4);
  t.equal(daily.body.timeZone, 'Asia/Shanghai');
});

t.test('a resolution counted just before midnight and flushed after it stays on its own day', async (t) => {
  const clock = new ManualClock(Date.parse('2024-06-30T23:59:59.999+08:00'));
  const { rest, url, auth, demoPrefix } = await startAuditNode(t, { clock });
  await send(`${url}/api/handles/${demoPrefix}/X`, { method: 'PUT', headers: { authorization: auth.demo }, json: value('x') });
  await send(`${url}/api/handles/${demoPrefix}/X`);
  clock.set('2024-07-01T00:00:00.000+08:00');
  await rest.node.metering.flushNow();
  const totals = await send(`${url}/api/v1/metering/totals?from=2024-06-30&to=2024-06-30`, { headers: { authorization: auth.auditor } });
  t.equal(totals.body.totals.resolutions, 1);
  t.equal(totals.body.totals.registrations, 1);
  const next = await send(`${url}/api/v1/metering/totals?from=2024-07-01&to=2024-07-01`, { headers: { authorization: auth.auditor } });
  t.equal(next.body.totals.resolutions, 0);
});
