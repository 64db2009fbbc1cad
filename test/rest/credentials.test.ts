import type { FastifyRequest } from 'fastify';
import t from 'tap';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { isLoopback, parseBasic, principalOf } from '../../src/rest/credentials.js';
import { HTTP_STATUS } from '../../src/rest/http-status.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { assertError, PREFIX_A, startFixture } from './rest-fixture.js';

const fx = await startFixture(t);
const { auth } = fx;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

t.test('parseBasic: username {index}:{handle} with the colon plain or percent-encoded, password the secret', async (t) => {
  const cases: [string, string, string][] = [
    ['300:0.NA/88.999.A:s3cret', '300:0.NA/88.999.A', 's3cret'],
    ['300%3A0.NA/88.999.A:s3cret', '300:0.NA/88.999.A', 's3cret'],
    ['300%3a0.NA/88.999.A:s3cret', '300:0.NA/88.999.A', 's3cret'],
    ['300%3A0.NA%2F88.999.A:s3cret', '300:0.NA/88.999.A', 's3cret'],
    ['300:0.NA/with:colon:s3cret', '300:0.NA/with:colon', 's3cret'],
    ['300:0.NA/88.999.A:a-b_c', '300:0.NA/88.999.A', 'a-b_c'],
  ];
  for (const [decoded, identity, secret] of cases) {
    t.same(parseBasic(`Basic ${b64(decoded)}`), { identity, secret }, decoded);
  }
  t.same(parseBasic(`basic   ${b64('300:0.NA/X:y')}`), { identity: '300:0.NA/X', secret: 'y' }, 'scheme case-insensitive');
});

t.test('parseBasic: malformed headers are CREDENTIALS_MALFORMED', async (t) => {
  const malformed = [
    'Bearer abc',
    'Basic',
    'Basic ',
    'Basic !!!!',
    `Basic ${b64('nocolon')}`,
    `Basic ${b64(':secret')}`,
    `Basic ${b64('300:0.NA/88.999.A:')}`,
    `Basic ${b64('300%3A0.NA/%FF:secret')}`,
  ];
  for (const header of malformed) {
    t.throws(() => parseBasic(header), { code: 'CREDENTIALS_MALFORMED' }, header);
  }
});

t.test('isLoopback', async (t) => {
  for (const address of ['127.0.0.1', '127.4.5.6', '::1', '::ffff:127.0.0.1']) t.ok(isLoopback(address), address);
  for (const address of [undefined, '', '10.0.0.1', '192.168.1.10', '::ffff:10.0.0.1', '::', '128.0.0.1', 'fe80::1']) {
    t.notOk(isLoopback(address), String(address));
  }
});

t.test('principalOf: credentials over plain HTTP from a non-loopback address are refused', async (t) => {
  const fakeRequest = (authorization: string | undefined, remoteAddress: string) =>
    ({ headers: authorization === undefined ? {} : { authorization }, socket: { remoteAddress }, routeOptions: { config: {} } }) as unknown as FastifyRequest;
  const authenticator = fx.rest.node.authenticator;
  const plainHttp = { tls: false, allowRemoteCredentialsOverHttp: false };

  const remote = principalOf(fakeRequest(auth.a, '203.0.113.7'), authenticator, plainHttp);
  await t.rejects(remote, { code: 'CREDENTIALS_REQUIRE_TLS' });
  const error = (await remote.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as IdnodeError;
  t.equal(HTTP_STATUS[error.code], 403);
  t.equal(error.handleCode, 403);
  t.match(error.message, /loopback|TLS/);
  await t.rejects(principalOf(fakeRequest('Basic garbage!!', '203.0.113.7'), authenticator, plainHttp), { code: 'CREDENTIALS_REQUIRE_TLS' }, 'refused before parsing');

  t.same(await principalOf(fakeRequest(undefined, '203.0.113.7'), authenticator, plainHttp), { kind: 'anonymous' }, 'no credentials: anonymous, from anywhere');
  t.match(await principalOf(fakeRequest(auth.a, '127.0.0.1'), authenticator, plainHttp), { kind: 'enterprise', prefix: PREFIX_A }, 'loopback');
  t.match(await principalOf(fakeRequest(auth.a, '::1'), authenticator, plainHttp), { kind: 'enterprise' }, 'IPv6 loopback');
  t.match(await principalOf(fakeRequest(auth.a, '203.0.113.7'), authenticator, { tls: true, allowRemoteCredentialsOverHttp: false }), { kind: 'enterprise' }, 'over TLS');
  t.match(
    await principalOf(fakeRequest(auth.operator, '203.0.113.7'), authenticator, { tls: false, allowRemoteCredentialsOverHttp: true }),
    { kind: 'operator' },
    "operator's explicit choice (TLS terminated in front)",
  );
});

t.test('over HTTP on loopback: both username forms authenticate', async (t) => {
  const forms: [string, string][] = [
    ['colon percent-encoded', basic(fx.a.id, fx.a.secret, true)],
    ['colon plain', basic(fx.a.id, fx.a.secret, false)],
    ['lower-case %3a', `Basic ${b64(`${fx.a.id.replace(':', '%3a')}:${fx.a.secret}`)}`],
    ['lower-case prefix in the identity', `Basic ${b64(`${fx.a.id.toLowerCase()}:${fx.a.secret}`)}`],
  ];
  for (const [label, authorization] of forms) {
    const handle = `${PREFIX_A}/cred-${label.replace(/\W+/g, '-')}`;
    const put = await fx.put(handle, [{ index: 1, type: 'URL', data: 'x' }], authorization);
    t.equal(put.status, 201, label);
    const private1 = await fx.put(`${handle}-p`, [{ index: 1, type: 'URL', data: 'x', permissions: '1100' }], authorization);
    t.equal(private1.status, 201);
    const read = await send(fx.handleUrl(`${handle}-p`), { headers: { authorization } });
    t.equal(read.body.values.length, 2, `${label}: the owner's read sees the private value`);
  }
});

t.test('over HTTP: wrong secret, unknown identity, malformed header', async (t) => {
  const handle = `${PREFIX_A}/cred-refused`;
  const refusals: [string, string, number, number, string][] = [
    ['wrong secret', basic(fx.a.id, 'not-the-secret'), 403, 403, 'AUTHENTICATION_FAILED'],
    ["another enterprise's secret", basic(fx.a.id, fx.b.secret), 403, 403, 'AUTHENTICATION_FAILED'],
    ['unknown identity', basic('300:0.NA/88.999.NOBODY', fx.a.secret), 403, 403, 'AUTHENTICATION_FAILED'],
    ['neither Basic nor Bearer', 'Digest abc.def', 401, 402, 'CREDENTIALS_MALFORMED'],
    ['a bearer token this node never issued', 'Bearer abc.def', 401, 402, 'TOKEN_INVALID'],
    ['not base64', 'Basic ***', 401, 402, 'CREDENTIALS_MALFORMED'],
    ['username not {index}:{handle}', `Basic ${b64(`admin:${fx.a.secret}`)}`, 401, 402, 'CREDENTIALS_MALFORMED'],
    ['index 0', `Basic ${b64(`0:0.NA/88.999.A:${fx.a.secret}`)}`, 401, 402, 'CREDENTIALS_MALFORMED'],
    ['identity handle invalid', `Basic ${b64(`300:0.NA/88..A:${fx.a.secret}`)}`, 401, 402, 'CREDENTIALS_MALFORMED'],
  ];
  for (const [label, authorization, status, responseCode, code] of refusals) {
    const put = await fx.put(handle, [{ index: 1, type: 'URL', data: 'x' }], authorization);
    assertError(t, put, status, responseCode, code, `${label} (write)`);
    if (status === 401) t.equal(put.headers.get('www-authenticate'), 'Basic realm="handle"', `${label}: challenge`);
    const read = await send(fx.handleUrl(`${PREFIX_A}/anything`), { headers: { authorization } });
    assertError(t, read, status, responseCode, code, `${label} (read: bad credentials are refused, not ignored)`);
  }
  t.equal(await fx.stored(handle), undefined);
  const unknown = await fx.put(handle, [{ index: 1, type: 'URL', data: 'x' }], basic('300:0.NA/88.999.NOBODY', 'x'));
  const wrong = await fx.put(handle, [{ index: 1, type: 'URL', data: 'x' }], basic(fx.a.id, 'x'));
  t.equal(
    unknown.body.message.replace('88.999.NOBODY', 'ID'),
    wrong.body.message.replace(PREFIX_A, 'ID'),
    'unknown identity and wrong secret read the same: nothing learnt about which identities exist',
  );
});
