import t from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import { OTHER_PREFIX } from '../../src/core/metering/counted-prefixes.js';
import { ManualClock, startAuditNode } from '../helpers/audit-node.js';
import { send } from '../helpers/http.js';

// Issue 17, defect 5, scaled down: 40,000 anonymous refused writes under made-up prefixes made 40,000 counter
// rows, a 10.7 MB daily report, and sealed them into the ledger for ever. Here 1,000 requests of every kind a
// caller can choose the prefix of.
const EACH = 250;
const CLIENTS = 16;

t.test('a flood of refusals and not-founds under made-up prefixes makes no per-prefix rows; the report and the sealed day stay small', async (t) => {
  const clock = new ManualClock(Date.parse('2025-03-01T12:00:00+08:00'));
  const { rest, url, auth, demoPrefix } = await startAuditNode(t, { clock });
  const body = { values: [{ index: 1, type: 'URL', data: 'https://example.org/' }] };
  const requests: (() => Promise<unknown>)[] = [];
  for (let i = 0; i < EACH; i++) {
    requests.push(() => send(`${url}/api/handles/77.${i}/x`, { method: 'PUT', json: body }));
    requests.push(() => send(`${url}/api/handles/88.999.R${i}/x`, { method: 'PUT', json: body }));
    requests.push(() => send(`${url}/api/handles/88.999.R${i}/x`, { method: 'PUT', json: body, headers: { authorization: auth.demo } }));
    requests.push(() => send(`${url}/api/handles/88.999.N${i}/x`));
  }
  requests.push(() => send(`${url}/api/handles/${demoPrefix}/nope`));
  requests.push(() => send(`${url}/api/handles/${demoPrefix}/x`, { method: 'PUT', json: body }));
  let next = 0;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (next < requests.length) await requests[next++]!();
  }));
  await rest.node.metering.flushNow();

  const rows = await rest.store.listCounters('2025-03-01', '2025-03-01');
  const prefixes = [...new Set(rows.map((row) => row.prefix))].sort();
  t.same(prefixes, [OTHER_PREFIX, demoPrefix], 'only the one bounded bucket and the enterprise prefix actually named');
  const count = (prefix: string, kind: string) => rows.filter((row) => row.prefix === prefix && row.kind === kind).reduce((sum, row) => sum + row.count, 0);
  // Anonymous writes are refused from their headers before their body is read (credentials first) and count
    // nowhere; the authenticated caller's refusals under prefixes not homed all land in the one bucket.
    t.equal(count(OTHER_PREFIX, 'refused'), EACH, 'every refusal of an authenticated write still counted, exactly');
  t.equal(count(OTHER_PREFIX, 'resolution.not-found'), EACH, 'every not-found still counted, exactly');
  t.equal(count(demoPrefix, 'refused'), 0, 'an anonymous write counts nothing, even under a prefix homed here');
  t.equal(count(demoPrefix, 'resolution.not-found'), 1);

  const daily = await fetch(`${url}/api/v1/metering/daily?from=2025-03-01&to=2025-03-01&format=csv`, { headers: { authorization: auth.auditor } });
  t.equal(daily.status, 200);
  const csv = await daily.text();
  t.ok(csv.length < 1024, `the daily report stays small (${csv.length} bytes)`);

  clock.set('2025-03-02T12:00:00+08:00');
  const [sealed] = await rest.node.ledger.sealClosedDays(LOCAL_OPERATOR);
  t.equal(sealed!.day, '2025-03-01');
  t.ok(sealed!.rowCount <= 6, `the sealed day holds ${sealed!.rowCount} rows, not one per made-up prefix`);
});

t.test('a prefix allocated at run time is counted under its own name at once', async (t) => {
  const { rest, url } = await startAuditNode(t);
  await rest.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: '88.999.NEW', name: 'New' });
  await send(`${url}/api/handles/88.999.NEW/nope`);
  await rest.node.metering.flushNow();
  const sums = await rest.store.sumCounters({ fromDay: '2000-01-01', toDay: '2999-12-31', prefix: '88.999.NEW', groupBy: [] });
  t.same(sums.map((sum) => [sum.kind, sum.count]), [['resolution.not-found', 1]]);
});
