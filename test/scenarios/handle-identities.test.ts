import t, { type Test } from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import { authMetadata } from '../helpers/grpc-client.js';
import { startBothNode, type BothNode } from '../helpers/grpc-node.js';
import { send, type Sent } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';

// Identities held in handles (issue 13, item 4): an enterprise makes a handle under its prefix holding an
// HS_SECKEY value and an HS_ADMIN value naming that key; `300:<handle>` then authenticates with the secret and
// writes under that prefix only, until the key or the handle is deleted. The secret (and its stored hash)
// never appears in any answer, listing, export or log line.

const NOW = Date.UTC(2025, 2, 1, 2, 0, 0);
const A = '88.999.A';
const B = '88.999.B';
const ADMIN_HANDLE = `${A}/admin`;
const IDENTITY = `300:${ADMIN_HANDLE}`;
const SECRET = 'correct-horse-battery-staple-4242';
const ALL = '111111111111';
const URL_VALUE = [{ index: 1, type: 'URL', data: 'https://example.org/identity' }];

const adminOf = (handle: string, index: number, permissions: string, at = 100) => ({
  index: at,
  type: 'HS_ADMIN',
  data: { format: 'admin', value: { handle, index, permissions } },
});
const identityValues = (secret: unknown = SECRET, permissions = ALL) => [adminOf(ADMIN_HANDLE, 300, permissions), { index: 300, type: 'HS_SECKEY', data: secret }];

async function setUp(t: Test) {
  const both = await startBothNode({ dir: t.testdir(), clock: { now: () => NOW } });
  t.teardown(() => both.close());
  const a = await both.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: A, name: 'Enterprise A' });
  await both.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: B, name: 'Enterprise B' });
  const auth = {
    a: basic(a.id, a.secret),
    operator: basic(both.credentials.operator.id, both.credentials.operator.secret),
    identity: basic(IDENTITY, SECRET),
  };
  const put = (handle: string, values: unknown, authorization?: string, query = '') =>
    send(`${both.url}/api/handles/${handle}${query}`, { method: 'PUT', headers: authorization ? { authorization } : {}, json: { values } });
  const get = (path: string, authorization?: string) => send(`${both.url}${path}`, { headers: authorization ? { authorization } : {} });
  const del = (handle: string, authorization: string, query = '') => send(`${both.url}/api/handles/${handle}${query}`, { method: 'DELETE', headers: { authorization } });
  return { both, a, auth, put, get, del };
}

/** The stored hash text of the identity's key, to look for in answers alongside the secret. */
async function storedHash(t: Test, both: BothNode): Promise<string> {
  const key = (await both.store.getHandle(ADMIN_HANDLE))!.values.find((value) => value.index === 300)!;
  t.equal(key.data.format, 'secret-hash', 'stored as a hash');
  return key.data.value as string;
}

/** Neither the secret nor its stored hash (nor its salt) is in `text`; nor, for `answers`, any HS_SECKEY value. */
function assertHidden(t: Test, text: string, hash: string, label: string, answers = true): void {
  const [, salt, hashed] = hash.split(':');
  t.notOk(text.includes(SECRET), `${label}: the secret is not in it`);
  t.notOk(text.includes(hashed!) || text.includes(salt!), `${label}: the stored hash is not in it`);
  // Log lines may name the type (a refused write's message); answers never carry such a value.
  if (answers) t.notOk(text.includes('HS_SECKEY') || text.includes('secret-hash'), `${label}: no HS_SECKEY value in it`);
}

t.test('a handle-held identity writes under its prefix, is refused elsewhere, and ends with its key', async (t) => {
  const { both, auth, put, del } = await setUp(t);
  t.equal((await put(ADMIN_HANDLE, identityValues(), auth.a)).status, 201, 'enterprise A makes the identity handle');

  const created = await put(`${A}/by-identity`, URL_VALUE, auth.identity);
  t.equal(created.status, 201, 'the identity creates under its prefix');
  const admin = (await both.store.getHandle(`${A}/by-identity`))!.values.find((value) => value.index === 100)!;
  t.same(admin.data, { format: 'admin', value: { handle: ADMIN_HANDLE, index: 300, permissions: '011111110011' } }, 'the default HS_ADMIN names the identity');
  t.equal((await put(`${A}/by-identity`, [{ ...URL_VALUE[0], data: 'https://example.org/changed' }], auth.identity)).status, 200, 'and changes it');
  t.equal((await del(`${A}/by-identity`, auth.identity)).status, 200, 'and deletes it');
  const listed = await send(`${both.url}/api/handles?prefix=${A}`, { headers: { authorization: auth.identity } });
  t.equal(listed.status, 200, 'and lists its prefix');

  for (const handle of [`${B}/x`, '88.999/x', `${A}.1/x`]) {
    const refused = await put(handle, URL_VALUE, auth.identity);
    t.equal(refused.status, 403, `${handle}: refused`);
    t.equal(refused.body.code, 'PERMISSION_DENIED');
    t.match(refused.body.message, `identity ${IDENTITY} (writes under ${A} only) may not write under prefix`);
    t.equal(await both.store.getHandle(handle), undefined, `${handle}: nothing stored`);
  }
  const other = await send(`${both.url}/api/handles?prefix=${B}`, { headers: { authorization: auth.identity } });
  t.equal(other.status, 403, 'another prefix may not be listed');
  for (const [path, method] of [['/api/v1/enterprises', 'GET'], ['/api/v1/ledger', 'GET'], ['/api/v1/ledger/seal', 'POST']] as const) {
    const refused = await send(`${both.url}${path}`, { method, headers: { authorization: auth.identity } });
    t.equal(refused.status, 403, `${method} ${path}: not the operator's or an auditor's`);
    t.match(refused.body.message, 'an identity held in a handle');
  }

  const grpcCreate = await both.clients.unary(both.clients.registry, 'Create', { handle: `${A}/over-grpc`, values: [{ index: 1, type: 'URL', data: { value: 'https://example.org/g' } }] }, authMetadata(IDENTITY, SECRET));
  t.equal(grpcCreate.ok, true, 'gRPC: the identity creates under its prefix');
  const grpcRefused = await both.clients.unary(both.clients.registry, 'Create', { handle: `${B}/over-grpc`, values: [{ index: 1, type: 'URL', data: { value: 'https://example.org/g' } }] }, authMetadata(IDENTITY, SECRET));
  t.match(grpcRefused, { ok: false, code: 'PERMISSION_DENIED' }, 'gRPC: refused elsewhere');

  const batch = await send(`${both.url}/api/v1/handles/batch`, {
    method: 'POST',
    headers: { authorization: auth.identity },
    json: { items: [{ handle: `${A}/batch-1`, values: URL_VALUE }, { handle: `${B}/batch-1`, values: URL_VALUE }] },
  });
  t.same(batch.body.results.map((result: { status: string; code?: string }) => [result.status, result.code]), [['created', undefined], ['failed', 'PERMISSION_DENIED']], 'a batch: its own prefix only');

  const wrong = await put(`${A}/wrong-secret`, URL_VALUE, basic(IDENTITY, `${SECRET}x`));
  t.equal(wrong.status, 403, 'a wrong secret fails');
  t.equal(wrong.body.code, 'AUTHENTICATION_FAILED');

  t.equal((await del(ADMIN_HANDLE, auth.a, '?index=300')).status, 200, 'enterprise A deletes the key');
  const keyless = await put(`${A}/after-key`, URL_VALUE, auth.identity);
  t.equal(keyless.status, 403, 'without its key the identity fails at the next request');
  t.equal(keyless.body.code, 'AUTHENTICATION_FAILED');

  t.equal((await put(ADMIN_HANDLE, identityValues(), auth.a)).status, 200, 'the key is set again');
  t.equal((await put(`${A}/key-again`, URL_VALUE, auth.identity)).status, 201, 'and the identity works again');
  t.equal((await del(ADMIN_HANDLE, auth.a)).status, 200, 'enterprise A deletes the handle');
  t.equal((await put(`${A}/after-handle`, URL_VALUE, auth.identity)).body.code, 'AUTHENTICATION_FAILED', 'without its handle the identity fails at the next request');
  t.equal((await put(`${A}/issued`, URL_VALUE, auth.a)).status, 201, 'the issued credential keeps working throughout');
});

t.test('rights come from the HS_ADMIN values of the identity handle naming the key', async (t) => {
  const { both, auth, put, get } = await setUp(t);
  // No HS_ADMIN naming the key: the default one names enterprise A, so the identity may do nothing beyond reading.
  t.equal((await put(ADMIN_HANDLE, [{ index: 300, type: 'HS_SECKEY', data: SECRET }], auth.a)).status, 201);
  const refused = await put(`${A}/x`, URL_VALUE, auth.identity);
  t.equal(refused.status, 403, 'an identity not granted write is refused');
  t.match(refused.body.message, 'not granted write by the HS_ADMIN values of its handle');
  const batch = await send(`${both.url}/api/v1/handles/batch`, { method: 'POST', headers: { authorization: auth.identity }, json: { items: [] } });
  t.equal(batch.status, 403, 'and refused a batch up front');
  t.equal((await get(`/api/handles?prefix=${A}`, auth.identity)).status, 403, 'and a listing');

  // Read value and list handles only: private values are read, nothing written.
  t.equal((await put(ADMIN_HANDLE, identityValues(SECRET, '000000010001'), auth.a)).status, 200);
  t.equal((await put(`${A}/private`, [{ ...URL_VALUE[0], permissions: '1100' }], auth.a)).status, 201);
  t.equal((await get(`/api/handles/${A}/private`, auth.identity)).body.values.length, 2, 'private values read with the read-value digit');
  t.equal((await get(`/api/handles?prefix=${A}`, auth.identity)).status, 200, 'listing with the list-handles digit');
  t.equal((await put(`${A}/x`, URL_VALUE, auth.identity)).status, 403, 'but no write');

  // Every write digit but one: still no write (a right is granted only whole).
  t.equal((await put(ADMIN_HANDLE, identityValues(SECRET, '111111110111'), auth.a)).status, 200);
  t.equal((await put(`${A}/x`, URL_VALUE, auth.identity)).status, 403, 'modify-admin missing: no write');
  // Two HS_ADMIN values naming the key combine; one naming another index grants nothing to this one.
  t.equal((await put(ADMIN_HANDLE, [...identityValues(SECRET, '111111110111'), adminOf(ADMIN_HANDLE, 300, '000000001000', 101), adminOf(ADMIN_HANDLE, 301, ALL, 102)], auth.a)).status, 200);
  t.equal((await put(`${A}/x`, URL_VALUE, auth.identity)).status, 201, 'the digits of two values combine');

  // The operator may make an identity under any homed prefix; it gets that prefix, never the operator's rights.
  const nodeIdentity = '88.999/ops';
  t.equal((await put(nodeIdentity, [adminOf(nodeIdentity, 300, ALL), { index: 300, type: 'HS_SECKEY', data: { format: 'hex', value: Buffer.from(SECRET).toString('hex') } }], auth.operator)).status, 201);
  const ops = basic(`300:${nodeIdentity}`, SECRET);
  t.equal((await put('88.999/by-ops', URL_VALUE, ops)).status, 201, 'a hex secret is its bytes: the identity writes under 88.999');
  t.equal((await put(`${A}/by-ops`, URL_VALUE, ops)).status, 403, 'but not under an enterprise prefix below it');
  t.equal((await get('/api/v1/enterprises', ops)).status, 403, 'and has none of the operator rights');

  // A revoked enterprise's identities stop with it; an unhomed prefix's identities too.
  await both.node.principals.revokeEnterprise(LOCAL_OPERATOR, A);
  const failed = async (handle: string, authorization: string) => (await put(handle, URL_VALUE, authorization)).body.code;
  t.equal(await failed(`${A}/after-revoke`, auth.identity), 'AUTHENTICATION_FAILED', 'the enterprise revoked: its identity fails');
  t.equal(await failed('88.999.C/x', basic('300:0.NA/88.999.C', SECRET)), 'AUTHENTICATION_FAILED', 'an unknown 0.NA identity fails');
  t.equal(await failed('77.1/x', basic('300:77.1/admin', SECRET)), 'AUTHENTICATION_FAILED', 'an identity under a prefix not homed here fails');
});

t.test('the secret never appears in any answer, listing, export or log', async (t) => {
  const { both, auth, put, get } = await setUp(t);
  t.equal((await put(ADMIN_HANDLE, [...identityValues(), { index: 1, type: 'URL', data: 'https://example.org/admin' }], auth.a)).status, 201);
  const hash = await storedHash(t, both);
  t.notOk(hash.includes(SECRET), 'the stored data is not the secret');

  const seen: [string, Sent][] = [];
  for (const [who, authorization] of [['anonymous', undefined], ['owner', auth.a], ['operator', auth.operator], ['identity', auth.identity]] as const) {
    const answer = await get(`/api/handles/${ADMIN_HANDLE}`, authorization);
    t.equal(answer.status, 200, `${who}: resolves`);
    t.same(answer.body.values.map((value: { index: number }) => value.index), [1, 100], `${who}: every value but the key`);
    seen.push([`resolve as ${who}`, answer]);
    for (const query of ['?index=300', '?type=HS_SECKEY']) {
      const filtered = await get(`/api/handles/${ADMIN_HANDLE}${query}`, authorization);
      t.same([filtered.body.responseCode, filtered.body.values], [200, []], `${who} ${query}: no such value shown`);
      seen.push([`resolve ${query} as ${who}`, filtered]);
    }
  }
  seen.push(['listing', await get(`/api/handles?prefix=${A}`, auth.operator)]);
  const grpc = await both.clients.unary(both.clients.resolver, 'Resolve', { handle: ADMIN_HANDLE, indexes: [], types: [] }, authMetadata(both.credentials.operator.id, both.credentials.operator.secret));
  t.same(grpc.ok && grpc.value.values.map((value: { index: number }) => value.index), [1, 100], 'gRPC resolve as the operator: every value but the key');
  assertHidden(t, JSON.stringify(grpc), hash, 'gRPC resolve');

  // A batch re-sending the identity handle, and one with a malformed secret: results name neither secret.
  const batch = await send(`${both.url}/api/v1/handles/batch`, {
    method: 'POST',
    headers: { authorization: auth.a },
    json: { items: [{ handle: ADMIN_HANDLE, values: identityValues() }, { handle: `${A}/bad-key`, values: [{ index: 300, type: 'HS_SECKEY', data: { format: 'hex', value: `${SECRET}zz` } }] }] },
  });
  t.same(batch.body.results.map((result: { code: string }) => result.code), ['HANDLE_ALREADY_EXISTS', 'VALUE_DATA_INVALID']);
  seen.push(['batch results', batch]);
  const grpcBatch = await both.clients.unary(both.clients.registry, 'RegisterBatch', { items: [{ handle: ADMIN_HANDLE, values: [{ index: 300, type: 'HS_SECKEY', data: { format: 'base64', value: `${SECRET}!` } }] }] }, authMetadata(IDENTITY, SECRET));
  assertHidden(t, JSON.stringify(grpcBatch), hash, 'gRPC batch results');
  for (const bad of [{ format: 'string', value: 7 }, { format: 'string', value: `${SECRET}\ud800` }]) {
    const refused = await put(`${A}/bad`, [{ index: 300, type: 'HS_SECKEY', data: bad }], auth.a);
    t.equal(refused.body.code, 'VALUE_DATA_INVALID');
    t.match(refused.body.message, 'the secret key (not shown)');
    seen.push(['a refused key', refused]);
  }
  // An empty secret may be stored (HANDLE.NET clients send them) but never authenticates: Basic needs a password.
  t.equal((await put(`${A}/empty-key`, [adminOf(`${A}/empty-key`, 300, ALL), { index: 300, type: 'HS_SECKEY', data: '' }], auth.a)).status, 201);
  const emptyLogin = await put(`${A}/x`, URL_VALUE, `Basic ${Buffer.from(`300%3A${A}/empty-key:`).toString('base64')}`);
  t.equal(emptyLogin.body.code, 'CREDENTIALS_MALFORMED', 'an empty password is refused before any identity is looked at');

  await both.node.ledger.sealClosedDays(LOCAL_OPERATOR);
  seen.push(['ledger export', await get('/api/v1/ledger', auth.operator)]);
  seen.push(['ledger status', await get('/api/v1/ledger/status', auth.operator)]);

  for (const [label, answer] of seen) assertHidden(t, JSON.stringify(answer.body), hash, label);
  await both.node.metering.flush();
  assertHidden(t, JSON.stringify(both.logs), hash, 'the captured log lines', false);
  t.ok(both.logs.some((line) => line['handle'] === ADMIN_HANDLE), 'the writes were logged');
});
