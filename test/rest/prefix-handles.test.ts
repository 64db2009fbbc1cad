import t from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import { ipAddressText } from '../../src/core/site/ip-address.js';
import { decodeSiteInfo } from '../../src/core/site/site-info.js';
import { send } from '../helpers/http.js';
import { assertError, PREFIX_A, startFixture, UNHOMED, WIRE_TIMESTAMP } from './rest-fixture.js';

const fx = await startFixture(t);
const { rest, auth } = fx;
// What serve tells the core once its listeners are bound (here: this test's REST port).
const restPort = Number(new URL(rest.url).port);
rest.node.site.describe({ host: '127.0.0.1', description: 'idnode test', contributions: [{ interfaces: [{ type: 'admin-and-query', protocol: 'http', port: restPort }] }] });

const OPERATOR_ADMIN = { handle: '0.NA/88.999', index: 300, permissions: '111111111111' };

t.test('GET /api/handles/0.NA/<homed prefix>: 200 with HS_SITE describing this node and HS_ADMIN naming the operator', async (t) => {
  const got = await send(fx.handleUrl('0.NA/88.999'));
  t.equal(got.status, 200);
  t.equal(got.body.responseCode, 1);
  t.equal(got.body.handle, '0.NA/88.999');
  const [site, admin, ...rest_] = got.body.values;
  t.same(rest_, [], 'a homed prefix has no enterprise admin');
  t.match(site, { index: 1, type: 'HS_SITE', data: { format: 'base64' }, ttl: 86400, timestamp: WIRE_TIMESTAMP });
  t.notOk('permissions' in site, 'public (the default 1110, left out as HANDLE.NET does)');
  const info = decodeSiteInfo(Buffer.from(site.data.value, 'base64'));
  t.equal(ipAddressText(info.servers[0]!.address), '127.0.0.1');
  t.same(info.servers[0]!.interfaces, [{ type: 'admin-and-query', protocol: 'http', port: restPort }]);
  t.same(info.attributes[0], { name: 'desc', value: 'idnode test' });
  t.same(info, rest.node.site.current(), 'the bytes are node.site.current(), as the Handle protocol answers opcode 2');
  t.same(admin, { index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: OPERATOR_ADMIN }, ttl: 86400, timestamp: admin.timestamp });
});

t.test('an enterprise prefix allocated here answers too, with HS_ADMIN naming the enterprise; case-insensitive', async (t) => {
  const got = await send(fx.handleUrl('0.na/88.999.a'));
  t.equal(got.status, 200);
  t.equal(got.body.handle, `0.NA/${PREFIX_A}`, 'prefixes are case-insensitive, and so is a prefix handle');
  t.same(
    got.body.values.map((value: { index: number; type: string; data: unknown }) => [value.index, value.type, value.data]),
    [
      [1, 'HS_SITE', got.body.values[0].data],
      [100, 'HS_ADMIN', { format: 'admin', value: OPERATOR_ADMIN }],
      [101, 'HS_ADMIN', { format: 'admin', value: { handle: `0.NA/${PREFIX_A}`, index: 300, permissions: '110011111111' } }],
    ],
  );
  const filtered = await send(`${fx.handleUrl(`0.NA/${PREFIX_A}`)}?type=HS_SITE`);
  t.same(filtered.body.values.map((value: { index: number }) => value.index), [1], 'filters apply as to any handle');
});

t.test('an unknown prefix below a homed one is not found; so is another node\'s prefix handle without a top-level node; a non-prefix is invalid', async (t) => {
  assertError(t, await send(fx.handleUrl('0.NA/88.999.NOBODY')), 404, 100, 'HANDLE_NOT_FOUND');
  const other = await send(fx.handleUrl(`0.NA/${UNHOMED}`));
  assertError(t, other, 404, 100, 'HANDLE_NOT_FOUND', 'HANDLE.NET\'s not-found: no top-level node is configured to ask');
  assertError(t, await send(fx.handleUrl('0.NA/88.999%2Fx')), 400, 102, 'PREFIX_INVALID_CHARACTER');
});

t.test('allocating or revoking an enterprise prefix changes its prefix handle at once, cached or not', async (t) => {
  assertError(t, await send(fx.handleUrl('0.NA/88.999.LATE')), 404, 100, 'HANDLE_NOT_FOUND', 'before allocation (and cached as not found)');
  const late = await rest.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: '88.999.late', name: 'Late' });
  const allocated = await send(fx.handleUrl('0.NA/88.999.LATE'));
  t.equal(allocated.status, 200);
  t.equal(allocated.body.values.length, 3);
  await rest.node.principals.revokeEnterprise(LOCAL_OPERATOR, '88.999.LATE');
  const revoked = await send(fx.handleUrl('0.NA/88.999.LATE'));
  t.equal(revoked.status, 200, 'the prefix stays allocated');
  t.same(revoked.body.values.map((value: { index: number }) => value.index), [1, 100], 'a revoked enterprise no longer appears as an admin');
  t.ok(late.secret);
});

t.test('a prefix homed at run time answers at once; a changed site shows in every prefix handle', async (t) => {
  assertError(t, await send(fx.handleUrl('0.NA/88.999.9')), 404, 100, 'HANDLE_NOT_FOUND', 'below 88.999 but not homed itself (cached)');
  t.equal((await send(`${rest.url}/api/prefixes/88.999.9`, { method: 'POST', headers: { authorization: auth.operator } })).status, 201);
  t.equal((await send(fx.handleUrl('0.NA/88.999.9'))).status, 200);
  const before = (await send(fx.handleUrl('0.NA/88.999'))).body.values[0].data.value;
  rest.node.site.describe({ host: '127.0.0.1', description: 'idnode moved', contributions: [{ interfaces: [{ type: 'admin-and-query', protocol: 'http', port: restPort }] }] });
  const after = (await send(fx.handleUrl('0.NA/88.999'))).body.values[0].data.value;
  t.not(after, before);
  t.same(decodeSiteInfo(Buffer.from(after, 'base64')).attributes[0], { name: 'desc', value: 'idnode moved' });
});

t.test('writes to 0.NA/… are refused for everyone, the operator included: derived, never stored', async (t) => {
  const values = [{ index: 1, type: 'URL', data: 'https://example.org/' }];
  for (const [caller, authorization] of [['operator', auth.operator], ['enterprise', auth.a]] as const) {
    const put = await fx.put('0.NA/88.999', values, authorization);
    assertError(t, put, 403, 401, 'PREFIX_HANDLE_DERIVED', `PUT as ${caller}`);
    t.match(put.body.message, '0.NA/88.999 is a prefix handle');
  }
  // An anonymous write is refused for its missing credentials before anything else.
  assertError(t, await fx.put('0.NA/88.999', values, undefined), 401, 402, 'AUTHENTICATION_REQUIRED', 'PUT as anonymous');
  const deleted = await send(fx.handleUrl(`0.NA/${PREFIX_A}`), { method: 'DELETE', headers: { authorization: auth.operator } });
  assertError(t, deleted, 403, 401, 'PREFIX_HANDLE_DERIVED', 'DELETE');
  t.equal(await fx.stored('0.NA/88.999'), undefined, 'nothing stored');
  t.equal((await send(fx.handleUrl('0.NA/88.999'))).status, 200, 'still answered');
});

t.test('a Handle client\'s flow: resolve its identity\'s prefix handle, then write with Basic authentication', async (t) => {
  // The identity 300:0.NA/88.999.A: the client resolves 0.NA/88.999.A first (it gave up on the 400 before).
  const identity = fx.a.id;
  t.equal(identity, `300:0.NA/${PREFIX_A}`);
  const prefixHandle = identity.slice(identity.indexOf(':') + 1);
  const resolved = await send(fx.handleUrl(prefixHandle));
  t.equal(resolved.status, 200);
  t.ok(resolved.body.values.some((value: { type: string; data: { value: { handle: string } } }) => value.type === 'HS_ADMIN' && value.data.value.handle === prefixHandle), 'its identity is an admin of its prefix');
  const written = await fx.put(`${PREFIX_A}/from-a-handle-client`, [{ index: 1, type: 'URL', data: 'https://example.org/a' }], auth.a);
  t.equal(written.status, 201);
  t.equal((await send(fx.handleUrl(`${PREFIX_A}/from-a-handle-client`))).status, 200);
});

t.test('prefix-handle resolutions are metered like any other, under the prefix 0.NA: store reads, cache hits, not found', async (t) => {
  await rest.node.metering.flushNow();
  const counted = async () => {
    await rest.node.metering.flushNow();
    const rows = await rest.store.listCounters('0000-01-01', '9999-12-31');
    const sums: Record<string, number> = {};
    for (const row of rows) if (row.prefix === '0.NA' && row.protocol === 'rest') sums[row.kind] = (sums[row.kind] ?? 0) + row.count;
    return sums;
  };
  const before = await counted();
  rest.node.cache.clear();
  await send(fx.handleUrl('0.NA/88.999')); // a store read (derived on the miss)
  await send(fx.handleUrl('0.NA/88.999')); // a cache hit
  await send(fx.handleUrl('0.NA/88.999.NOBODY2')); // not found
  await send(fx.handleUrl(`0.NA/${UNHOMED}`)); // another node's: not found here (no top-level node)
  const after = await counted();
  const delta = (kind: string) => (after[kind] ?? 0) - (before[kind] ?? 0);
  t.equal(delta('resolution.store-read'), 1);
  t.equal(delta('resolution.cache-hit'), 1);
  t.equal(delta('resolution.not-found'), 2);
});
