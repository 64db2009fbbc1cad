import t from 'tap';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { assertError, PREFIX_A, PREFIX_B, startFixture } from './rest-fixture.js';

const fx = await startFixture(t);
const { rest, auth } = fx;
const api = `${rest.url}/api/v1/enterprises`;
const as = (authorization?: string): Record<string, string> => (authorization ? { authorization } : {});
const item = [{ index: 1, type: 'URL', data: 'https://example.org/c' }];

t.test('GET lists enterprises (operator), never a secret', async (t) => {
  const got = await send(api, { headers: as(auth.operator) });
  t.equal(got.status, 200);
  const prefixes = got.body.enterprises.map((summary: { prefix: string }) => summary.prefix).sort();
  t.same(prefixes, ['88.999.A', '88.999.B', '88.999.DEMO']);
  for (const summary of got.body.enterprises) {
    t.match(summary, { id: `300:0.NA/${summary.prefix}`, role: 'enterprise', name: String, createdAt: String });
    t.notOk('secret' in summary, 'no secret');
    t.notOk('revokedAt' in summary, 'not revoked');
  }
});

t.test('POST allocates a prefix and issues a credential that works at once', async (t) => {
  const added = await send(api, { method: 'POST', headers: as(auth.operator), json: { prefix: '88.999.c', name: ' Enterprise C ' } });
  t.equal(added.status, 201);
  t.match(added.body, { prefix: '88.999.C', id: '300:0.NA/88.999.C', secret: /^[A-Za-z0-9_-]{43}$/ });
  const c = basic(added.body.id, added.body.secret);
  t.equal((await fx.put('88.999.C/item', item, c)).status, 201);
  const listed = await send(api, { headers: as(auth.operator) });
  t.match(
    listed.body.enterprises.find((summary: { prefix: string }) => summary.prefix === '88.999.C'),
    { name: 'Enterprise C' },
    'the name is trimmed',
  );
});

t.test('POST refusals: taken, not below a homed prefix, bad names; nothing issued', async (t) => {
  const before = (await rest.store.listPrincipals()).length;
  const cases: [unknown, number, number, string][] = [
    [{ prefix: PREFIX_A, name: 'again' }, 409, 101, 'ENTERPRISE_PREFIX_TAKEN'],
    [{ prefix: '99.1', name: 'elsewhere' }, 400, 301, 'NOT_HOMED'],
    [{ prefix: '88.999', name: 'the node prefix itself' }, 400, 301, 'NOT_HOMED'],
    [{ prefix: '88..1', name: 'bad' }, 400, 102, 'PREFIX_EMPTY_SEGMENT'],
    [{ prefix: '88.999.D', name: '   ' }, 400, 4, 'REQUEST_INVALID'],
    [{ prefix: '88.999.D' }, 400, 4, 'REQUEST_INVALID'],
    [{ name: 'no prefix' }, 400, 4, 'REQUEST_INVALID'],
    [{ prefix: 88.999, name: 'a number is not a prefix (88.990 would read 88.99)' }, 400, 4, 'REQUEST_INVALID'],
    [{ prefix: '88.999.D', name: 42 }, 400, 4, 'REQUEST_INVALID'],
  ];
  for (const [body, status, responseCode, code] of cases) {
    assertError(t, await send(api, { method: 'POST', headers: as(auth.operator), json: body }), status, responseCode, code, JSON.stringify(body));
  }
  t.equal((await rest.store.listPrincipals()).length, before);
});

t.test('rotate-secret: the old secret fails at the very next request, the new one works', async (t) => {
  const rotated = await send(`${api}/${PREFIX_B}/rotate-secret`, { method: 'POST', headers: as(auth.operator) });
  t.equal(rotated.status, 200);
  t.match(rotated.body, { prefix: PREFIX_B, id: `300:0.NA/${PREFIX_B}`, secret: String });
  t.not(rotated.body.secret, fx.b.secret);
  const old = await fx.put(`${PREFIX_B}/after-rotation`, item, auth.b);
  assertError(t, old, 403, 403, 'AUTHENTICATION_FAILED', 'old secret, write');
  assertError(t, await send(fx.handleUrl(`${PREFIX_B}/x`), { headers: as(auth.b) }), 403, 403, 'AUTHENTICATION_FAILED', 'old secret, read');
  t.equal(await fx.stored(`${PREFIX_B}/after-rotation`), undefined);
  const fresh = await fx.put(`${PREFIX_B}/after-rotation`, item, basic(rotated.body.id, rotated.body.secret));
  t.equal(fresh.status, 201);
  assertError(t, await send(`${api}/88.999.NOBODY/rotate-secret`, { method: 'POST', headers: as(auth.operator) }), 404, 100, 'ENTERPRISE_NOT_FOUND');
});

t.test('DELETE revokes: the credential fails at the very next request; its identifiers stay', async (t) => {
  t.equal((await fx.put(`${PREFIX_A}/before-revocation`, item, auth.a)).status, 201);
  const revoked = await send(`${api}/${PREFIX_A.toLowerCase()}`, { method: 'DELETE', headers: as(auth.operator) });
  t.equal(revoked.status, 200);
  t.match(revoked.body, { id: `300:0.NA/${PREFIX_A}`, role: 'enterprise', prefix: PREFIX_A, revokedAt: String });
  const write = await fx.put(`${PREFIX_A}/after-revocation`, item, auth.a);
  assertError(t, write, 403, 403, 'AUTHENTICATION_FAILED', 'revoked, write');
  t.equal(await fx.stored(`${PREFIX_A}/after-revocation`), undefined);
  assertError(t, await send(fx.handleUrl(`${PREFIX_A}/before-revocation`), { headers: as(auth.a) }), 403, 403, 'AUTHENTICATION_FAILED', 'revoked, read');
  t.equal((await send(fx.handleUrl(`${PREFIX_A}/before-revocation`))).status, 200, 'still resolvable anonymously');

  const twice = await send(`${api}/${PREFIX_A}`, { method: 'DELETE', headers: as(auth.operator) });
  t.equal(twice.status, 200, 'revoking twice is harmless');
  t.equal(twice.body.revokedAt, revoked.body.revokedAt, 'the first revocation time stands');
  const rotate = await send(`${api}/${PREFIX_A}/rotate-secret`, { method: 'POST', headers: as(auth.operator) });
  assertError(t, rotate, 403, 400, 'PRINCIPAL_REVOKED');
  assertError(t, await send(`${api}/88.999.NOBODY`, { method: 'DELETE', headers: as(auth.operator) }), 404, 100, 'ENTERPRISE_NOT_FOUND');
  const listed = await send(api, { headers: as(auth.operator) });
  t.ok(listed.body.enterprises.find((summary: { prefix: string }) => summary.prefix === PREFIX_A).revokedAt);
  t.match(rotate.body.message, `POST /api/v1/enterprises/${PREFIX_A}/reinstate`, 'rotate-secret names the way out');
  const taken = await send(api, { method: 'POST', headers: as(auth.operator), json: { prefix: PREFIX_A, name: 'A again' } });
  assertError(t, taken, 409, 101, 'ENTERPRISE_PREFIX_TAKEN');
  t.match(taken.body.message, /whose credential was revoked; reinstate it/, 'add names the way out');
});

t.test('POST …/reinstate: a revoked enterprise comes back with a new secret and its identifiers', async (t) => {
  const reinstated = await send(`${api}/${PREFIX_A.toLowerCase()}/reinstate`, { method: 'POST', headers: as(auth.operator) });
  t.equal(reinstated.status, 200);
  t.match(reinstated.body, { prefix: PREFIX_A, id: `300:0.NA/${PREFIX_A}`, secret: /^[A-Za-z0-9_-]{43}$/ });
  assertError(t, await fx.put(`${PREFIX_A}/after-reinstatement`, item, auth.a), 403, 403, 'AUTHENTICATION_FAILED', 'the secret it had before stays dead');
  const fresh = basic(reinstated.body.id, reinstated.body.secret);
  t.equal((await fx.put(`${PREFIX_A}/after-reinstatement`, item, fresh)).status, 201, 'the new secret writes');
  t.equal((await send(fx.handleUrl(`${PREFIX_A}/before-revocation`), { headers: as(fresh) })).status, 200, 'its identifiers were kept');
  const listed = await send(api, { headers: as(auth.operator) });
  t.notOk('revokedAt' in listed.body.enterprises.find((summary: { prefix: string }) => summary.prefix === PREFIX_A), 'active again');
  const again = await send(`${api}/${PREFIX_A}/reinstate`, { method: 'POST', headers: as(auth.operator) });
  assertError(t, again, 400, 4, 'REQUEST_INVALID');
  t.match(again.body.message, 'is not revoked, so there is nothing to reinstate');
  assertError(t, await send(`${api}/88.999.NOBODY/reinstate`, { method: 'POST', headers: as(auth.operator) }), 404, 100, 'ENTERPRISE_NOT_FOUND');
});

t.test('auditors: list, add (the secret once), revoke (effective at once)', async (t) => {
  const auditors = `${rest.url}/api/v1/auditors`;
  const listed = await send(auditors, { headers: as(auth.operator) });
  t.equal(listed.status, 200);
  t.match(listed.body.auditors, [{ id: fx.auditor.id, role: 'auditor', name: 'Auditor', createdAt: String }]);
  t.notOk(JSON.stringify(listed.body).includes('secret'), 'never a secret');
  const added = await send(auditors, { method: 'POST', headers: as(auth.operator), json: { name: ' 淄博审计 ' } });
  t.equal(added.status, 201);
  t.match(added.body, { id: /^300:0\.NA\/AUDITOR\.[0-9A-F]{8}$/, secret: /^[A-Za-z0-9_-]{43}$/ });
  const credential = basic(added.body.id, added.body.secret);
  t.equal((await send(`${rest.url}/api/v1/ledger/status`, { headers: as(credential) })).status, 200, 'the new auditor reads');
  assertError(t, await send(auditors, { method: 'POST', headers: as(auth.operator), json: { name: 'x', quota: 1 } }), 400, 4, 'REQUEST_INVALID', 'unknown field');
  assertError(t, await send(auditors, { method: 'POST', headers: as(auth.operator), json: { name: ' ' } }), 400, 4, 'REQUEST_INVALID', 'empty name');
  const revoked = await send(`${auditors}/${encodeURIComponent(added.body.id)}`, { method: 'DELETE', headers: as(auth.operator) });
  t.equal(revoked.status, 200);
  t.match(revoked.body, { id: added.body.id, role: 'auditor', name: '淄博审计', revokedAt: String });
  assertError(t, await send(`${rest.url}/api/v1/ledger/status`, { headers: as(credential) }), 403, 403, 'AUTHENTICATION_FAILED', 'revoked at once');
  const twice = await send(`${auditors}/${encodeURIComponent(added.body.id)}`, { method: 'DELETE', headers: as(auth.operator) });
  t.equal(twice.body.revokedAt, revoked.body.revokedAt, 'revoking twice is harmless');
  assertError(t, await send(`${auditors}/${encodeURIComponent('300:0.NA/AUDITOR.00000000')}`, { method: 'DELETE', headers: as(auth.operator) }), 404, 100, 'AUDITOR_NOT_FOUND');
  assertError(t, await send(`${auditors}/${encodeURIComponent('300:0.NA/88.999.DEMO')}`, { method: 'DELETE', headers: as(auth.operator) }), 404, 100, 'AUDITOR_NOT_FOUND', 'an enterprise is no auditor');
  t.equal((await send(`${rest.url}/api/v1/enterprises`, { headers: as(auth.operator) })).body.enterprises.find((e: { prefix: string }) => e.prefix === '88.999.DEMO').revokedAt, undefined);
});

t.test('the admin API is for the operator only; refusals change nothing', async (t) => {
  const before = await rest.store.listPrincipals();
  const callers: [string, string | undefined, number, number, string][] = [
    ['anonymous', undefined, 401, 402, 'AUTHENTICATION_REQUIRED'],
    ['enterprise', basic(rest.credentials.demoEnterprise.id, rest.credentials.demoEnterprise.secret), 403, 401, 'PERMISSION_DENIED'],
    ['auditor', auth.auditor, 403, 401, 'PERMISSION_DENIED'],
  ];
  const requests: [string, RequestInit & { json?: unknown }][] = [
    [api, { method: 'GET' }],
    [api, { method: 'POST', json: { prefix: '88.999.E', name: 'E' } }],
    [`${api}/88.999.DEMO`, { method: 'DELETE' }],
    [`${api}/88.999.DEMO/rotate-secret`, { method: 'POST' }],
    [`${api}/88.999.DEMO/reinstate`, { method: 'POST' }],
    [`${rest.url}/api/v1/auditors`, { method: 'GET' }],
    [`${rest.url}/api/v1/auditors`, { method: 'POST', json: { name: 'A' } }],
    [`${rest.url}/api/v1/auditors/${encodeURIComponent(fx.auditor.id)}`, { method: 'DELETE' }],
  ];
  for (const [who, authorization, status, responseCode, code] of callers) {
    for (const [url, init] of requests) {
      const got = await send(url, { ...init, headers: as(authorization) });
      assertError(t, got, status, responseCode, code, `${who} ${init.method} ${url.slice(rest.url.length)}`);
      if (status === 401) t.equal(got.headers.get('www-authenticate'), 'Basic realm="handle"');
    }
  }
  t.same(await rest.store.listPrincipals(), before, 'no principal added, revoked or re-keyed');
});
