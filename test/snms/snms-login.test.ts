import t from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import { storeSecret } from '../../src/core/auth/secrets.js';
import { systemRandom } from '../../src/core/clock/clock.js';
import { send } from '../helpers/http.js';
import { PREFIX_A, sha256Hex, START_MS, startSnmsFixture } from './snms-fixture.js';

const fx = await startSnmsFixture(t);
const { call, login, secrets, clock } = fx;
const ID_A = `300:0.NA/${PREFIX_A}`;
const DAY_MS = 86_400_000;
const write = (token: string | undefined, suffix: string) =>
  call('POST', '/identityv2/data', { ...(token === undefined ? {} : { token }), json: { handle: `${PREFIX_A}/${suffix}`, value: [{ index: 1, type: 'URL', data: { format: 'string', value: 'https://x.example' } }] } });

t.test('POST /identity/token: identity or prefix and the secret give a 24-hour token', async (t) => {
  const answer = await call('POST', '/identity/token', { json: { username: ID_A, password: secrets.a } });
  t.equal(answer.status, 200);
  t.match(answer.body, { status: 1, message: 'success', data: { token: /^[A-Za-z0-9_-]{43}$/, expiresIn: 86400, expiresAt: new Date(START_MS + DAY_MS).toISOString() } });
  t.equal((await write(answer.body.data.token, 'login-1')).body.status, 1, 'the token writes under the prefix');
  const byPrefix = await login(PREFIX_A.toLowerCase(), secrets.a);
  t.equal((await write(byPrefix, 'login-2')).body.status, 1, 'username may be the enterprise prefix');
  const rows = await fx.rest.store.getToken((await import('../../src/core/auth/tokens.js')).tokenHash(byPrefix));
  t.ok(rows, 'the token is kept by its hash');
  t.notOk(JSON.stringify(rows).includes(byPrefix), 'the token itself is not stored');
});

t.test('login refusals answer status -1 and issue nothing', async (t) => {
  const cases: [unknown, string][] = [
    [{ username: ID_A, password: 'wrong' }, 'AUTHENTICATION_FAILED'],
    [{ username: '300:0.NA/88.999.77', password: secrets.a }, 'AUTHENTICATION_FAILED'],
    [{ username: ID_A }, 'CREDENTIALS_MALFORMED'],
    [{ password: secrets.a }, 'CREDENTIALS_MALFORMED'],
    [{ username: 'not a..prefix', password: 'x' }, 'CREDENTIALS_MALFORMED'],
    [{ username: 'x:y', password: 'x' }, 'CREDENTIALS_MALFORMED'],
    [undefined, 'CREDENTIALS_MALFORMED'],
  ];
  for (const [json, code] of cases) {
    const answer = await call('POST', '/identity/token', json === undefined ? {} : { json });
    t.match(answer.body, { status: -1, code }, JSON.stringify(json));
    t.notOk(answer.body.data, 'no token');
  }
  const malformed = await send(`${fx.url}/identity/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
  t.match(malformed.body, { status: -2, code: 'BODY_MALFORMED_JSON' }, 'a malformed body is a business error in the SNMS shape');
});

t.test('POST /identity/token/v1: sha256(sha256(secret) + yyyy-MM-dd) in China Standard Time', async (t) => {
  const hashed = (day: string) => sha256Hex(sha256Hex(secrets.a) + day);
  // 2026-05-01T20:00Z is 2026-05-02 04:00 in China Standard Time: the UTC date is the wrong one.
  clock.set(Date.UTC(2026, 4, 1, 20, 0, 0));
  t.teardown(() => clock.set(START_MS));
  const good = await call('POST', '/identity/token/v1', { json: { username: ID_A, password: hashed('2026-05-02') } });
  t.match(good.body, { status: 1, data: { token: String } });
  t.equal((await write(good.body.data.token, 'v1-1')).body.status, 1);
  t.match((await call('POST', '/identity/token/v1', { json: { username: ID_A, password: hashed('2026-05-02').toUpperCase() } })).body, { status: 1 }, 'hex in either case');
  t.match((await call('POST', '/identity/token/v1', { json: { username: ID_A, password: hashed('2026-05-01') } })).body, { status: -1, code: 'AUTHENTICATION_FAILED' }, 'the UTC day is refused');
  t.match((await call('POST', '/identity/token/v1', { json: { username: ID_A, password: secrets.a } })).body, { status: -1 }, 'the plain secret is refused');
  // 23:58 CST on 2026-05-02: a client two minutes ahead already uses 2026-05-03.
  clock.set(Date.UTC(2026, 4, 2, 15, 58, 0));
  t.match((await call('POST', '/identity/token/v1', { json: { username: ID_A, password: hashed('2026-05-03') } })).body, { status: 1 }, 'the next day within 5 minutes of midnight');
  t.match((await call('POST', '/identity/token/v1', { json: { username: ID_A, password: hashed('2026-05-04') } })).body, { status: -1 });
});

t.test('v1 is refused for a credential issued before login digests were kept, and works after a rotation', async (t) => {
  const store = fx.rest.store;
  const secret = 'legacy-secret';
  await store.insertPrincipal({ id: '300:0.NA/88.999.9', role: 'enterprise', prefix: '88.999.9', name: 'legacy', secret: storeSecret(secret, systemRandom), createdAtMs: START_MS, revokedAtMs: undefined });
  const answer = await call('POST', '/identity/token/v1', { json: { username: '88.999.9', password: sha256Hex(sha256Hex(secret) + '2026-05-01') } });
  t.match(answer.body, { status: -1, code: 'AUTHENTICATION_FAILED', message: /rotate the secret/ });
  t.match((await call('POST', '/identity/token', { json: { username: '88.999.9', password: secret } })).body, { status: 1 }, 'the plain login works');
  const rotated = await fx.rest.node.principals.rotateEnterpriseSecret(LOCAL_OPERATOR, '88.999.9');
  t.match((await call('POST', '/identity/token/v1', { json: { username: '88.999.9', password: sha256Hex(sha256Hex(rotated.secret) + '2026-05-01') } })).body, { status: 1 });
});

t.test('tokens: expired (24 h), forged, revoked with the enterprise, ended by a new secret', async (t) => {
  const token = await login(ID_A, secrets.a);
  t.equal((await write(token, 'tok-1')).body.status, 1);
  clock.advance(DAY_MS - 1);
  t.equal((await write(token, 'tok-2')).body.status, 1, 'valid until the 24th hour');
  clock.advance(1);
  t.match((await write(token, 'tok-3')).body, { status: -1, code: 'TOKEN_INVALID', message: /expired/ });
  clock.set(START_MS);

  for (const forged of ['A'.repeat(43), `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`]) {
    t.match((await write(forged, 'tok-4')).body, { status: -1, code: 'TOKEN_INVALID' }, 'forged');
  }
  const bare = await send(`${fx.url}/identityv2/data/detail?handle=${PREFIX_A}/tok-1`, { headers: { authorization: token } });
  t.match(bare.body, { status: 1 }, 'a bare token as the Authorization value is read as a bearer token');
  const rest = await send(`${fx.url}/api/handles/${PREFIX_A}/tok-1`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, json: { values: [{ index: 1, type: 'URL', data: 'https://y.example' }] } });
  t.equal(rest.status, 200, 'the token is a credential of the native REST API too (one authenticator)');
  const restForged = await send(`${fx.url}/api/handles/${PREFIX_A}/tok-1`, { headers: { authorization: 'Bearer nope' } });
  t.match(restForged, { status: 401, body: { code: 'TOKEN_INVALID' } });

  const b = await login('88.999.2', secrets.b);
  await fx.rest.node.principals.revokeEnterprise(LOCAL_OPERATOR, '88.999.2');
  t.match((await call('GET', `/identityv2/data/detail?handle=${PREFIX_A}/tok-1`, { token: b })).body, { status: -1, code: 'TOKEN_INVALID', message: /revoked/ }, 'revoked');

  const before = await login(ID_A, secrets.a);
  const rotated = await fx.rest.node.principals.rotateEnterpriseSecret(LOCAL_OPERATOR, PREFIX_A);
  t.match((await write(before, 'tok-5')).body, { status: -1, code: 'TOKEN_INVALID' }, 'a new secret ends the old tokens');
  t.equal((await write(await login(ID_A, rotated.secret), 'tok-6')).body.status, 1);
});
