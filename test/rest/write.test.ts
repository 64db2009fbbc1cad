import t from 'tap';
import { send } from '../helpers/http.js';
import { assertError, PREFIX_A, startFixture } from './rest-fixture.js';

/** Driven by the tests: every write stamps its values with this instant. */
let nowMs = Date.UTC(2024, 4, 1, 8, 0, 0, 250);
const fx = await startFixture(t, { clock: { now: () => nowMs } });
const { auth } = fx;

const url1 = (value: string) => ({ index: 1, type: 'URL', data: value });
const indexesOf = (values: readonly { index: number }[]) => values.map((value) => value.index);
const resolveAs = (handle: string, authorization = auth.a) => send(fx.handleUrl(handle), { headers: { authorization } });

t.test('body {"values":[…]} and a bare array are both accepted; data may be a bare string', async (t) => {
  const wrapped = await fx.put(`${PREFIX_A}/W-1`, { values: [url1('https://example.org/1')] }, auth.a);
  t.equal(wrapped.status, 201);
  t.strictSame(wrapped.body, { responseCode: 1, handle: `${PREFIX_A}/W-1` });
  const bare = await fx.put(`${PREFIX_A}/W-2`, [url1('https://example.org/2')], auth.a);
  t.equal(bare.status, 201);
  t.strictSame(bare.body, { responseCode: 1, handle: `${PREFIX_A}/W-2` });
  const stored = await fx.stored(`${PREFIX_A}/W-2`);
  t.same(stored?.values[0]?.data, { format: 'string', value: 'https://example.org/2' });
  const extraFields = await fx.put(`${PREFIX_A}/W-3`, { values: [{ ...url1('x'), ttlType: 0, timestamp: '1999-01-01T00:00:00Z' }], extra: true }, auth.a);
  t.equal(extraFields.status, 201, 'unknown fields HANDLE.NET clients send are ignored');
});

t.test('overwrite defaults to true: 201 when created, 200 replacing every value', async (t) => {
  const handle = `${PREFIX_A}/OW-1`;
  const created = await fx.put(handle, [url1('v1'), { index: 2, type: 'EMAIL', data: 'a@example.org' }], auth.a);
  t.equal(created.status, 201);
  const replaced = await fx.put(handle, [url1('v2'), { index: 3, type: 'NOTE', data: 'n' }], auth.a);
  t.equal(replaced.status, 200);
  t.strictSame(replaced.body, { responseCode: 1, handle });
  const got = await resolveAs(handle);
  t.same(indexesOf(got.body.values), [1, 3, 100], 'index 2 is gone: replace, not merge');
  t.equal(got.body.values[0].data.value, 'v2');
  const explicit = await fx.put(handle, [url1('v3')], auth.a, '?overwrite=true');
  t.equal(explicit.status, 200);
});

t.test('overwrite=false: 201 for a new identifier, 409 responseCode 101 for an existing one (unchanged)', async (t) => {
  const handle = `${PREFIX_A}/OF-1`;
  const created = await fx.put(handle, [url1('first')], auth.a, '?overwrite=false');
  t.equal(created.status, 201);
  const before = await fx.stored(handle);
  const again = await fx.put(handle, [url1('second')], auth.a, '?overwrite=false');
  assertError(t, again, 409, 101, 'HANDLE_ALREADY_EXISTS');
  t.equal(again.body.handle, handle);
  t.same(await fx.stored(handle), before, 'store unchanged');
  t.equal((await resolveAs(handle)).body.values[0].data.value, 'first');
});

t.test('?index=N writes only those body values and keeps the others (merge)', async (t) => {
  const handle = `${PREFIX_A}/MERGE-1`;
  t.equal((await fx.put(handle, [url1('v1'), { index: 2, type: 'EMAIL', data: 'old@example.org' }], auth.a)).status, 201);
  const merged = await fx.put(
    handle,
    [url1('ignored'), { index: 2, type: 'EMAIL', data: 'new@example.org' }, { index: 3, type: 'NOTE', data: 'ignored too' }],
    auth.a,
    '?index=2',
  );
  t.equal(merged.status, 200);
  t.strictSame(merged.body, { responseCode: 1, handle });
  let got = await resolveAs(handle);
  t.same(indexesOf(got.body.values), [1, 2, 100]);
  t.equal(got.body.values[0].data.value, 'v1', 'index 1 kept although the body carried another value');
  t.equal(got.body.values[1].data.value, 'new@example.org');

  const added = await fx.put(handle, [{ index: 3, type: 'NOTE', data: 'n3' }, { index: 4, type: 'NOTE', data: 'n4' }], auth.a, '?index=3&index=4');
  t.equal(added.status, 200);
  got = await resolveAs(handle);
  t.same(indexesOf(got.body.values), [1, 2, 3, 4, 100]);

  const noneNamed = await fx.put(handle, [url1('x')], auth.a, '?index=9');
  assertError(t, noneNamed, 400, 202, 'VALUES_MISSING');
  t.match(noneNamed.body.message, /9/);
});

t.test('?index=N with overwrite=false: an existing value is 409 responseCode 201; a new index is added', async (t) => {
  const handle = `${PREFIX_A}/MERGE-2`;
  t.equal((await fx.put(handle, [url1('v1')], auth.a)).status, 201);
  const before = await fx.stored(handle);
  const clash = await fx.put(handle, [url1('v1-changed'), { index: 2, type: 'NOTE', data: 'n' }], auth.a, '?index=1&index=2&overwrite=false');
  assertError(t, clash, 409, 201, 'VALUE_ALREADY_EXISTS');
  t.equal(clash.body.handle, handle);
  t.same(await fx.stored(handle), before, 'nothing written, not even the new index 2');
  const fresh = await fx.put(handle, [{ index: 2, type: 'NOTE', data: 'n' }], auth.a, '?index=2&overwrite=false');
  t.equal(fresh.status, 200);
  t.same(indexesOf((await resolveAs(handle)).body.values), [1, 2, 100]);
});

t.test('mintNewSuffix=true on a path ending in "/" creates <prefix>/<uuid>', async (t) => {
  const minted = await fx.put(`${PREFIX_A}/`, [url1('minted')], auth.a, '?mintNewSuffix=true');
  t.equal(minted.status, 201);
  t.match(minted.body.handle, /^88\.999\.A\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  t.strictSame(Object.keys(minted.body), ['responseCode', 'handle']);
  const got = await send(fx.handleUrl(minted.body.handle));
  t.equal(got.status, 200);
  t.equal(got.body.values[0].data.value, 'minted');
  const second = await fx.put(`${PREFIX_A.toLowerCase()}/`, [url1('minted')], auth.a, '?mintNewSuffix=true');
  t.equal(second.status, 201);
  t.not(second.body.handle, minted.body.handle, 'each mint is a new identifier');
  t.match(second.body.handle, /^88\.999\.A\//, 'prefix normalised');

  const notAPrefix = await fx.put(`${PREFIX_A}/x`, [url1('x')], auth.a, '?mintNewSuffix=true');
  assertError(t, notAPrefix, 400, 4, 'REQUEST_INVALID');
  t.match(notAPrefix.body.message, /ending in "\/"/);
  t.equal(await fx.stored(`${PREFIX_A}/x`), undefined);
  const otherPrefix = await fx.put(`88.999.B/`, [url1('x')], auth.a, '?mintNewSuffix=true');
  assertError(t, otherPrefix, 403, 401, 'PERMISSION_DENIED');
});

t.test('a created or replaced identifier without HS_ADMIN gets one at index 100 naming the writer', async (t) => {
  const handle = `${PREFIX_A}/ADMIN-1`;
  t.equal((await fx.put(handle, [url1('x')], auth.a)).status, 201);
  const byA = (await resolveAs(handle)).body.values.find((value: { index: number }) => value.index === 100);
  t.match(byA, {
    index: 100,
    type: 'HS_ADMIN',
    data: { format: 'admin', value: { handle: `0.NA/${PREFIX_A}`, index: 300, permissions: '011111110011' } },
    ttl: 86400,
  });
  t.equal(byA.permissions, undefined, 'default permissions 1110 are left off the wire');

  t.equal((await fx.put(handle, [url1('y')], auth.operator)).status, 200);
  const byOperator = (await resolveAs(handle)).body.values.find((value: { index: number }) => value.index === 100);
  t.same(byOperator.data.value, { handle: '0.NA/88.999', index: 300, permissions: '011111110011' }, 'replaced: the writer is now the operator');

  const ownAdmin = [url1('z'), { index: 101, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.NA/88.999.A', index: '301', permissions: '111111111111' } } }];
  t.equal((await fx.put(`${PREFIX_A}/ADMIN-2`, ownAdmin, auth.a)).status, 201);
  const values = (await resolveAs(`${PREFIX_A}/ADMIN-2`)).body.values;
  t.same(indexesOf(values), [1, 101], 'an HS_ADMIN sent at any index is kept and none is added');
  t.same(values[1].data.value, { handle: '0.NA/88.999.A', index: 301, permissions: '111111111111' });
});

t.test('timestamps are set by the server, ISO-8601 UTC without milliseconds', async (t) => {
  const handle = `${PREFIX_A}/TS-1`;
  nowMs = Date.UTC(2024, 4, 1, 8, 0, 0, 999);
  t.equal((await fx.put(handle, [{ ...url1('x'), timestamp: '1999-01-01T00:00:00Z' }], auth.a)).status, 201);
  let got = await resolveAs(handle);
  for (const value of got.body.values) t.equal(value.timestamp, '2024-05-01T08:00:00Z', 'client timestamp ignored, ms dropped');
  nowMs = Date.UTC(2024, 4, 2, 9, 30, 15, 1);
  t.equal((await fx.put(handle, [{ index: 2, type: 'NOTE', data: 'n' }], auth.a, '?index=2')).status, 200);
  got = await resolveAs(handle);
  t.same(
    got.body.values.map((value: { index: number; timestamp: string }) => [value.index, value.timestamp]),
    [
      [1, '2024-05-01T08:00:00Z'],
      [2, '2024-05-02T09:30:15Z'],
      [100, '2024-05-01T08:00:00Z'],
    ],
    'a merge stamps only the values it writes',
  );
});

t.test('writes to an unhomed prefix: 400 responseCode 301 for every authenticated caller, 401 before anything for anonymous ones, nothing stored', async (t) => {
  for (const [who, authorization] of [['operator', auth.operator], ['enterprise', auth.a]] as const) {
    const put = await fx.put('99.999/x', [url1('x')], authorization);
    assertError(t, put, 400, 301, 'NOT_HOMED', who);
    t.equal(put.body.handle, '99.999/x', who);
    const del = await send(fx.handleUrl('99.999/x'), { method: 'DELETE', headers: { authorization } });
    assertError(t, del, 400, 301, 'NOT_HOMED', `${who} delete`);
  }
  // Credentials are checked before anything else (the body is not even read): no write is anonymous.
  assertError(t, await fx.put('99.999/x', [url1('x')], undefined), 401, 402, 'AUTHENTICATION_REQUIRED', 'anonymous');
  assertError(t, await send(fx.handleUrl('99.999/x'), { method: 'DELETE' }), 401, 402, 'AUTHENTICATION_REQUIRED', 'anonymous delete');
  t.equal(await fx.stored('99.999/x'), undefined);
});

t.test('a write through a lower-case prefix lands on the normalised identifier', async (t) => {
  const put = await fx.put('88.999.a/Case-1', [url1('x')], auth.a);
  t.equal(put.status, 201);
  t.equal(put.body.handle, '88.999.A/Case-1');
  t.ok(await fx.stored('88.999.A/Case-1'));
  t.equal(await fx.stored('88.999.A/case-1'), undefined, 'suffix case kept');
});

t.test('an identifier of exactly 255 bytes of UTF-8 is accepted and resolves', async (t) => {
  // "88.999.A/" is 9 bytes; 82 three-byte characters make 246 more.
  const handle = `${PREFIX_A}/${'产'.repeat(82)}`;
  t.equal(Buffer.byteLength(handle, 'utf8'), 255);
  const put = await fx.put(`${PREFIX_A}/${encodeURIComponent('产'.repeat(82))}`, [url1('x')], auth.a);
  t.equal(put.status, 201);
  t.equal(put.body.handle, handle);
  t.equal((await send(fx.handleUrl(`${PREFIX_A}/${'产'.repeat(82)}`))).body.handle, handle);
});

t.test('PUT ?index=N that creates the identifier adds the default HS_ADMIN too', async (t) => {
  const fixture = await startFixture(t);
  const handle = `${PREFIX_A}/merge-created`;
  const reply = await fixture.put(handle, [{ index: 1, type: 'URL', data: 'https://example.org/m' }], fixture.auth.a, '?index=1');
  t.equal(reply.status, 201);
  const stored = await fixture.stored(handle);
  t.same(stored?.values.map((value) => [value.index, value.type]), [[1, 'URL'], [100, 'HS_ADMIN']]);
  const again = await fixture.put(handle, [{ index: 2, type: 'EMAIL', data: 'a@example.org' }], fixture.auth.a, '?index=2');
  t.equal(again.status, 200);
  t.same((await fixture.stored(handle))?.values.map((value) => value.index), [1, 2, 100], 'a merge into an existing identifier adds no second admin');
});
