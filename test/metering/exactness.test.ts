import t from 'tap';
import { addDays } from '../../src/core/clock/calendar-day.js';
import { send, type Sent } from '../helpers/http.js';
import { startAuditNode } from '../helpers/audit-node.js';

const CLIENTS = 16;
const PER_CLIENT = 40;
const value = (text: string) => ({ values: [{ index: 1, type: 'URL', data: `https://example.org/${text}` }] });

t.test('registrations counted equal identifiers actually created, to the unit, under concurrency', async (t) => {
  const { rest, url, auth, demoPrefix } = await startAuditNode(t);
  const headers = { authorization: auth.demo };
  const handleUrl = (suffix: string) => `${url}/api/handles/${demoPrefix}/${encodeURIComponent(suffix)}`;
  const responses: { op: string; suffix: string; sent: Sent }[] = [];
  const record = async (op: string, suffix: string, request: Promise<Sent>) => {
    const sent = await request;
    responses.push({ op, suffix, sent });
    return sent;
  };

  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const suffix = `C${client}-N${i}`;
        await record('create', suffix, send(`${handleUrl(suffix)}?overwrite=false`, { method: 'PUT', headers, json: value(suffix) }));
        if (i % 4 === 0) await record('create', suffix, send(`${handleUrl(suffix)}?overwrite=false`, { method: 'PUT', headers, json: value(suffix) }));
        if (i % 5 === 0) await record('put', suffix, send(handleUrl(suffix), { method: 'PUT', headers, json: value(`${suffix}-v2`) }));
        if (i % 7 === 0) await record('delete', suffix, send(handleUrl(suffix), { method: 'DELETE', headers }));
        if (i % 11 === 0) await record('delete', suffix, send(handleUrl(suffix), { method: 'DELETE', headers }));
        // Every client races for the same few identifiers, by create-only and by overwrite.
        if (i % 10 === 0) await record('create', `SHARED-${i}`, send(`${handleUrl(`SHARED-${i}`)}?overwrite=false`, { method: 'PUT', headers, json: value('shared') }));
        if (i % 10 === 5) await record('put', `RACED-${i}`, send(handleUrl(`RACED-${i}`), { method: 'PUT', headers, json: value(`raced-${client}`) }));
        // Refused: outside the enterprise's prefix, and anonymous.
        if (i % 13 === 0) await record('refused', suffix, send(`${url}/api/handles/88.999/${suffix}`, { method: 'PUT', headers, json: value(suffix) }));
        if (i % 17 === 0) await record('anonymous', suffix, send(handleUrl(`${suffix}-anon`), { method: 'PUT', json: value(suffix) }));
      }
    }),
  );
  await rest.node.metering.flushNow();

  const created = responses.filter((r) => r.sent.status === 201);
  const createdHandles = new Set(created.map((r) => r.suffix));
  t.equal(created.length, createdHandles.size, 'no identifier was reported created twice');
  t.equal(createdHandles.size, CLIENTS * PER_CLIENT + 4 + 4, 'every distinct identifier was created once (shared and raced ones once each)');
  const updated = responses.filter((r) => (r.op === 'put' || r.op === 'create') && r.sent.status === 200).length;
  const deleted = responses.filter((r) => r.op === 'delete' && r.sent.status === 200).length;
  // An anonymous write is refused by the front end from its headers, before its body is read and before the
  // core: it reaches no counter (nothing anonymous pollutes the metering table).
  const anonymous = responses.filter((r) => r.op === 'anonymous');
  t.ok(anonymous.length > 0 && anonymous.every((r) => r.sent.status === 401), 'anonymous writes: 401 before anything');
  const refused = responses.filter((r) => r.sent.status >= 400 && r.op !== 'anonymous').length;
  t.ok(responses.some((r) => r.op === 'create' && r.sent.status === 409), 'some repeated creates were refused');

  // What actually exists now plus what was deleted is what was created.
  const listing = await rest.store.listHandles(demoPrefix, 0, 100_000);
  t.equal(listing.total + deleted, createdHandles.size, 'identifiers present + deleted = created');

  const today = rest.node.meteringDay.dayOf(Date.now());
  const totals = await send(`${url}/api/v1/metering/totals?from=${addDays(today, -1)}&to=${addDays(today, 1)}`, { headers: { authorization: auth.auditor } });
  const sums = await rest.store.sumCounters({ fromDay: '0001-01-01', toDay: '9999-12-31', groupBy: [] });
  const kind = (name: string) => sums.find((s) => s.kind === name)?.count ?? 0;
  t.equal(kind('registration'), createdHandles.size, 'registrations counted = identifiers created, to the unit');
  t.equal(kind('update'), updated, 'updates counted = updates answered');
  t.equal(kind('delete'), deleted, 'deletes counted = deletes answered');
  t.equal(kind('refused'), refused, 'refused writes counted = refusals answered');
  t.match(totals.body.totals, { registrations: createdHandles.size, updates: updated, deletes: deleted, refusedWrites: refused }, 'the metering API says the same');
});
