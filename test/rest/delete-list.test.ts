import t from 'tap';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { assertError, PREFIX_A, PREFIX_B, startFixture } from './rest-fixture.js';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';

const fx = await startFixture(t);
const { rest, auth } = fx;

const remove = (handle: string, authorization: string | undefined = auth.a, query = '') =>
  send(fx.handleUrl(handle) + query, { method: 'DELETE', ...(authorization ? { headers: { authorization } } : {}) });
const list = (query: string, authorization?: string) =>
  send(`${rest.url}/api/handles${query}`, authorization ? { headers: { authorization } } : {});
const three = [
  { index: 1, type: 'URL', data: 'u' },
  { index: 2, type: 'EMAIL', data: 'e@example.org' },
  { index: 3, type: 'NOTE', data: 'n' },
];

t.test('DELETE an identifier: 200 {responseCode 1, handle}; then it is gone', async (t) => {
  const handle = `${PREFIX_A}/D-1`;
  t.equal((await fx.put(handle, three, auth.a)).status, 201);
  t.equal((await send(fx.handleUrl(handle))).status, 200, 'resolved once, so the cache holds it');
  const deleted = await remove(handle);
  t.equal(deleted.status, 200);
  t.strictSame(deleted.body, { responseCode: 1, handle });
  t.equal(await fx.stored(handle), undefined);
  assertError(t, await send(fx.handleUrl(handle)), 404, 100, 'HANDLE_NOT_FOUND', 'resolve after delete');
  const again = await remove(handle);
  assertError(t, again, 404, 100, 'HANDLE_NOT_FOUND', 'delete again');
  t.equal(again.body.handle, handle);
});

t.test('DELETE ?index=N removes those values only', async (t) => {
  const handle = `${PREFIX_A}/D-2`;
  t.equal((await fx.put(handle, three, auth.a)).status, 201);
  const deleted = await remove(handle, auth.a, '?index=2');
  t.equal(deleted.status, 200);
  t.strictSame(deleted.body, { responseCode: 1, handle });
  t.same(
    (await fx.stored(handle))?.values.map((value) => value.index),
    [1, 3, 100],
  );
  const two = await remove(handle, auth.a, '?index=1&index=3');
  t.equal(two.status, 200);
  t.same((await send(fx.handleUrl(handle))).body.values.map((value: { index: number }) => value.index), [100]);
});

t.test('DELETE ?index=N of indexes not present is a 200 no-op', async (t) => {
  const handle = `${PREFIX_A}/D-3`;
  t.equal((await fx.put(handle, three, auth.a)).status, 201);
  const before = await fx.stored(handle);
  const noop = await remove(handle, auth.a, '?index=55&index=56');
  t.equal(noop.status, 200);
  t.strictSame(noop.body, { responseCode: 1, handle });
  t.same(await fx.stored(handle), before);
});

t.test('DELETE ?index=N that would leave no value: 400 responseCode 202, unchanged', async (t) => {
  const handle = `${PREFIX_A}/D-4`;
  t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'u' }], auth.a)).status, 201);
  const before = await fx.stored(handle);
  const emptied = await remove(handle, auth.a, '?index=1&index=100');
  assertError(t, emptied, 400, 202, 'VALUES_WOULD_BE_EMPTY');
  t.equal(emptied.body.handle, handle);
  t.match(emptied.body.message, /delete the identifier/);
  t.same(await fx.stored(handle), before);
});

t.test('DELETE ?index=N of a missing identifier: 404 responseCode 100', async (t) => {
  assertError(t, await remove(`${PREFIX_A}/NOPE`, auth.a, '?index=1'), 404, 100, 'HANDLE_NOT_FOUND');
});

t.test('DELETE with a bad index parameter: 400 REQUEST_INVALID, unchanged', async (t) => {
  const handle = `${PREFIX_A}/D-5`;
  t.equal((await fx.put(handle, three, auth.a)).status, 201);
  const before = await fx.stored(handle);
  assertError(t, await remove(handle, auth.a, '?index=two'), 400, 4, 'REQUEST_INVALID');
  t.same(await fx.stored(handle), before);
});

t.test('GET /api/handles?prefix=P lists identifiers under exactly P, a page at a time', async (t) => {
  const suffixes = ['L-01', 'L-02', 'L-03', 'L-04', 'L-05'];
  const listPrefix = '88.999.A.LIST';
  const owner = await rest.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: listPrefix, name: 'Lister' });
  const ownerAuth = basic(owner.id, owner.secret);
  for (const suffix of suffixes) t.equal((await fx.put(`${listPrefix}/${suffix}`, three, ownerAuth)).status, 201);
  t.equal((await fx.put(`${listPrefix}.SUB/L-99`, three, auth.operator)).status, 201, 'a derived prefix, not listed under its parent');

  const all = await list(`?prefix=${listPrefix.toLowerCase()}`, ownerAuth);
  t.equal(all.status, 200);
  t.strictSame(all.body, {
    responseCode: 1,
    prefix: listPrefix,
    totalCount: '5',
    page: 0,
    pageSize: 1000,
    handles: suffixes.map((suffix) => `${listPrefix}/${suffix}`),
  });

  const page1 = await list(`?prefix=${listPrefix}&page=1&pageSize=2`, ownerAuth);
  t.strictSame(page1.body, { responseCode: 1, prefix: listPrefix, totalCount: '5', page: 1, pageSize: 2, handles: [`${listPrefix}/L-03`, `${listPrefix}/L-04`] });
  const last = await list(`?prefix=${listPrefix}&page=2&pageSize=2`, ownerAuth);
  t.same(last.body.handles, [`${listPrefix}/L-05`]);
  const beyond = await list(`?prefix=${listPrefix}&page=9&pageSize=2`, ownerAuth);
  t.same(beyond.body.handles, []);
  t.equal(beyond.body.totalCount, '5');
  const max = await list(`?prefix=${listPrefix}&pageSize=10000`, ownerAuth);
  t.equal(max.status, 200);
  t.equal(max.body.pageSize, 10000);

  const asOperator = await list(`?prefix=${listPrefix}`, auth.operator);
  t.equal(asOperator.status, 200);
  t.equal(asOperator.body.totalCount, '5');

  const empty = await list(`?prefix=${PREFIX_B}`, auth.b);
  t.strictSame(empty.body, { responseCode: 1, prefix: PREFIX_B, totalCount: '0', page: 0, pageSize: 1000, handles: [] });
});

t.test('listing: anonymous 401 (+ WWW-Authenticate, 402), other enterprise and auditor 403 (401)', async (t) => {
  const anonymous = await list(`?prefix=${PREFIX_A}`);
  assertError(t, anonymous, 401, 402, 'AUTHENTICATION_REQUIRED');
  t.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="handle"');
  assertError(t, await list(`?prefix=${PREFIX_A}`, auth.b), 403, 401, 'PERMISSION_DENIED', 'enterprise B');
  assertError(t, await list(`?prefix=${PREFIX_A}`, auth.auditor), 403, 401, 'PERMISSION_DENIED', 'auditor');
  assertError(t, await list(`?prefix=${PREFIX_A}.LIST`, auth.a), 403, 401, 'PERMISSION_DENIED', 'A does not own a derived prefix');
  assertError(t, await list('?prefix=88.999', auth.a), 403, 401, 'PERMISSION_DENIED', 'A does not own the node prefix');
});

t.test('listing: bad parameters and unhomed prefixes', async (t) => {
  const cases: [string, number, number, string][] = [
    ['', 400, 4, 'REQUEST_INVALID'],
    ['?prefix=', 400, 4, 'REQUEST_INVALID'],
    [`?prefix=${PREFIX_A}&pageSize=10001`, 400, 4, 'REQUEST_INVALID'],
    [`?prefix=${PREFIX_A}&pageSize=0`, 400, 4, 'REQUEST_INVALID'],
    [`?prefix=${PREFIX_A}&page=-1`, 400, 4, 'REQUEST_INVALID'],
    [`?prefix=${PREFIX_A}&page=x`, 400, 4, 'REQUEST_INVALID'],
    ['?prefix=88..999', 400, 102, 'PREFIX_EMPTY_SEGMENT'],
    ['?prefix=99.999', 400, 301, 'NOT_HOMED'],
  ];
  for (const [query, status, responseCode, code] of cases) {
    assertError(t, await list(query, auth.operator), status, responseCode, code, query || '(no query)');
  }
  const unhomed = await list('?prefix=99.999', auth.operator);
  t.equal(unhomed.body.handle, undefined, 'a listing names no identifier');
  t.match(unhomed.body.message, /prefix 99\.999 is not homed/);
});
