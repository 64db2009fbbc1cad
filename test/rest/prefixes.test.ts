import t from 'tap';
import { send } from '../helpers/http.js';
import { assertError, startFixture } from './rest-fixture.js';

const fx = await startFixture(t);
const { rest, auth } = fx;
const prefixesUrl = `${rest.url}/api/prefixes`;
const as = (authorization?: string): Record<string, string> => (authorization ? { authorization } : {});
const homedNow = async () => (await rest.store.listHomedPrefixes()).map((homed) => homed.prefix).sort();

t.test('GET /api/prefixes is public: {responseCode 1, prefixes}', async (t) => {
  const got = await send(prefixesUrl);
  t.equal(got.status, 200);
  t.strictSame(got.body, { responseCode: 1, prefixes: ['88.999'] });
});

t.test('operator homes a prefix (path or body), 201; again 409; identifiers under it then work', async (t) => {
  const byPath = await send(`${prefixesUrl}/77.123`, { method: 'POST', headers: as(auth.operator) });
  t.equal(byPath.status, 201);
  t.strictSame(byPath.body, { responseCode: 1, prefix: '77.123' });
  const byBody = await send(prefixesUrl, { method: 'POST', headers: as(auth.operator), json: { prefix: '77.abc' } });
  t.equal(byBody.status, 201);
  t.strictSame(byBody.body, { responseCode: 1, prefix: '77.ABC' }, 'normalised');
  t.same((await send(prefixesUrl)).body.prefixes.sort(), ['77.123', '77.ABC', '88.999']);

  const again = await send(`${prefixesUrl}/77.123`, { method: 'POST', headers: as(auth.operator) });
  assertError(t, again, 409, 101, 'PREFIX_ALREADY_HOMED');
  t.match(again.body.message, /77\.123/);
  const againBody = await send(prefixesUrl, { method: 'POST', headers: as(auth.operator), json: { prefix: '77.ABC' } });
  assertError(t, againBody, 409, 101, 'PREFIX_ALREADY_HOMED');

  t.equal((await fx.put('77.123/item', [{ index: 1, type: 'URL', data: 'x' }], auth.operator)).status, 201);
  t.equal((await send(fx.handleUrl('77.123/item'))).status, 200, 'resolved, and now cached');
});

t.test('operator unhomes an API-homed prefix, 200; its identifiers are then NOT_HOMED even if cached', async (t) => {
  const removed = await send(`${prefixesUrl}/77.123`, { method: 'DELETE', headers: as(auth.operator) });
  t.equal(removed.status, 200);
  t.strictSame(removed.body, { responseCode: 1, prefix: '77.123' });
  t.same(await homedNow(), ['77.ABC', '88.999']);
  assertError(t, await send(fx.handleUrl('77.123/item')), 400, 301, 'NOT_HOMED', 'resolve after unhoming');
  assertError(t, await fx.put('77.123/item', [{ index: 1, type: 'URL', data: 'y' }], auth.operator), 400, 301, 'NOT_HOMED', 'write after unhoming');

  const again = await send(`${prefixesUrl}/77.123`, { method: 'DELETE', headers: as(auth.operator) });
  assertError(t, again, 400, 301, 'NOT_HOMED', 'unhoming again');
});

t.test('unhoming a configured prefix: 403 PREFIX_CONFIGURED, still homed', async (t) => {
  const configured = await send(`${prefixesUrl}/88.999`, { method: 'DELETE', headers: as(auth.operator) });
  t.equal(configured.status, 403);
  t.equal(configured.body.responseCode, 401);
  t.equal(configured.body.code, 'PREFIX_CONFIGURED');
  t.match(configured.body.message, /configuration/);
  t.ok((await homedNow()).includes('88.999'));
});

t.test('homing and unhoming are for the operator only; refusals change nothing', async (t) => {
  const before = await homedNow();
  const callers: [string, string | undefined, number, number, string][] = [
    ['anonymous', undefined, 401, 402, 'AUTHENTICATION_REQUIRED'],
    ['enterprise', auth.a, 403, 401, 'PERMISSION_DENIED'],
    ['auditor', auth.auditor, 403, 401, 'PERMISSION_DENIED'],
  ];
  for (const [who, authorization, status, responseCode, code] of callers) {
    const byPath = await send(`${prefixesUrl}/66.1`, { method: 'POST', headers: as(authorization) });
    assertError(t, byPath, status, responseCode, code, `${who} POST path`);
    if (status === 401) t.equal(byPath.headers.get('www-authenticate'), 'Basic realm="handle"');
    const byBody = await send(prefixesUrl, { method: 'POST', headers: as(authorization), json: { prefix: '66.2' } });
    assertError(t, byBody, status, responseCode, code, `${who} POST body`);
    const unhome = await send(`${prefixesUrl}/77.ABC`, { method: 'DELETE', headers: as(authorization) });
    assertError(t, unhome, status, responseCode, code, `${who} DELETE`);
  }
  t.same(await homedNow(), before);
});

t.test('bad prefixes and bodies are refused with the rule broken', async (t) => {
  const before = await homedNow();
  const cases: [string, RequestInit & { json?: unknown }, number, number, string][] = [
    [`${prefixesUrl}/88..1`, { method: 'POST' }, 400, 102, 'PREFIX_EMPTY_SEGMENT'],
    [`${prefixesUrl}/.66`, { method: 'POST' }, 400, 102, 'PREFIX_LEADING_DOT'],
    [`${prefixesUrl}/66.`, { method: 'POST' }, 400, 102, 'PREFIX_TRAILING_DOT'],
    [`${prefixesUrl}/66.a%20b`, { method: 'POST' }, 400, 102, 'PREFIX_INVALID_CHARACTER'],
    [prefixesUrl, { method: 'POST', json: {} }, 400, 4, 'REQUEST_INVALID'],
    [prefixesUrl, { method: 'POST', json: { prefix: 66 } }, 400, 4, 'REQUEST_INVALID'],
    [prefixesUrl, { method: 'POST', json: { prefix: 66.1 } }, 400, 4, 'REQUEST_INVALID'],
    [prefixesUrl, { method: 'POST', json: { prefix: true } }, 400, 4, 'REQUEST_INVALID'],
    [prefixesUrl, { method: 'POST' }, 400, 4, 'REQUEST_INVALID'],
  ];
  for (const [url, init, status, responseCode, code] of cases) {
    const got = await send(url, { ...init, headers: as(auth.operator) });
    assertError(t, got, status, responseCode, code, `${init.method} ${url.slice(rest.url.length)} ${JSON.stringify(init.json ?? '')}`);
  }
  t.same(await homedNow(), before);
});
