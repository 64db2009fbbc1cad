import t from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import { startBothNode } from '../helpers/grpc-node.js';
import { send } from '../helpers/http.js';
import { grpcDriver, hdlDriver, restDriver, snmsDriver } from '../scenarios/drivers.js';
import { fullTemplate, goodValues } from './snms-fixture.js';

const PREFIX = '88.999.X';
const NOW = Date.UTC(2025, 2, 1, 2, 0, 0);

t.test('written through SNMS (against a template), read identically through REST, gRPC and the Handle protocol, and the other way round', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), clock: { now: () => NOW } });
  t.teardown(() => both.close());
  const issued = await both.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: PREFIX, name: 'X' });
  const who = { id: issued.id, secret: issued.secret };
  const login = await send(`${both.url}/identity/token`, { method: 'POST', json: { username: who.id, password: who.secret } });
  const authorization = `Bearer ${login.body.data.token}`;
  t.match((await send(`${both.url}/snms/api/v5/template`, { method: 'POST', headers: { authorization }, json: fullTemplate('1.0', PREFIX) })).body, { status: 1 });
  const handle = `${PREFIX}/SN-1`;
  t.match((await send(`${both.url}/identityv2/data`, { method: 'POST', headers: { authorization }, json: { handle, templateVersion: '1.0', value: goodValues() } })).body, { status: 1 });

  const drivers = [restDriver(both), grpcDriver(both), hdlDriver(both), snmsDriver(both)];
  const reads = await Promise.all(drivers.map((driver) => driver.resolve(undefined, handle)));
  for (const read of reads) t.match(read, { ok: true, responseCode: 1 });
  t.equal(reads[0]!.values!.length, 9, 'URL, HS_ADMIN, the template reference and six items');
  t.match(reads[0]!.values!.find((value) => value.index === 1001), { type: 'METADATA_TEMPLATE', value: '1.0' });
  for (let k = 1; k < drivers.length; k++) t.same(reads[k]!.values, reads[0]!.values, `${drivers[k]!.protocol} reads what REST reads`);

  // The other way round: written through REST and gRPC, read through SNMS as through REST.
  const values = [
    { index: 1, type: 'URL', data: 'https://example.org/r' },
    { index: 7, type: 'EMAIL', data: 'ops@example.org', ttl: 60, permissions: '1111' },
  ];
  const hexValues = [...values, { index: 8, type: 'blob', data: { format: 'hex', value: 'CAFE' } }];
  t.match(await restDriver(both).create(who, `${PREFIX}/RE-1`, values), { ok: true, created: true });
  // The Handle protocol carries data as bytes (no format), so hex data is compared between REST, gRPC and SNMS only.
  t.match(await grpcDriver(both).create(who, `${PREFIX}/HEX-1`, hexValues), { ok: true });
  t.same((await snmsDriver(both).resolve(undefined, `${PREFIX}/HEX-1`)).values, (await restDriver(both).resolve(undefined, `${PREFIX}/HEX-1`)).values, 'hex data: SNMS reads what REST reads');
  t.match(await grpcDriver(both).create(who, `${PREFIX}/GR-1`, values), { ok: true, created: true });
  for (const written of [`${PREFIX}/RE-1`, `${PREFIX}/GR-1`]) {
    const [viaRest, viaSnms, viaHdl] = await Promise.all([restDriver(both).resolve(undefined, written), snmsDriver(both).resolve(undefined, written), hdlDriver(both).resolve(undefined, written)]);
    t.same(viaSnms.values, viaRest.values, `${written}: SNMS reads what REST reads`);
    t.same(viaHdl.values, viaRest.values, `${written}: the Handle protocol too`);
  }
  // A write through SNMS drops the cached answer of every front end (one cache, invalidated by the core).
  await restDriver(both).resolve(undefined, `${PREFIX}/RE-1`);
  t.match(await snmsDriver(both).update(who, `${PREFIX}/RE-1`, [{ index: 1, type: 'URL', data: 'https://example.org/changed' }]), { ok: true, created: false });
  t.match((await restDriver(both).resolve(undefined, `${PREFIX}/RE-1`)).values, [{ index: 1, value: 'https://example.org/changed' }, { index: 100 }]);
});
