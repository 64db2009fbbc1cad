import t from 'tap';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { startFixture } from './rest-fixture.js';

// The shapes of test/fixtures/handle-rest-examples.json (HANDLE.NET v9 JSON REST API), which
// clients such as pyhandle rely on. 21.T11998 is homed over the API and allocated to an enterprise, so the
// fixture's own identifiers and bodies are used unchanged.

const FIXTURE_CREATE_BODY = {
  values: [
    { index: 1, type: 'URL', data: 'https://example.org/item/1' },
    { index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.NA/21.T11998', index: '200', permissions: '011111110011' } } },
  ],
};
/** 2000-04-10T22:41:46.789Z: the milliseconds must not reach the wire. */
const NOW_MS = Date.UTC(2000, 3, 10, 22, 41, 46, 789);

t.test('HANDLE.NET fixture shapes, end to end on 21.T11998', async (t) => {
  const fx = await startFixture(t, { clock: { now: () => NOW_MS } });
  const { rest, auth } = fx;

  const homed = await send(`${rest.url}/api/prefixes/21`, { method: 'POST', headers: { authorization: auth.operator } });
  t.equal(homed.status, 201);
  const allocated = await send(`${rest.url}/api/v1/enterprises`, {
    method: 'POST',
    headers: { authorization: auth.operator },
    json: { prefix: '21.T11998', name: 'Fixture enterprise' },
  });
  t.equal(allocated.status, 201);
  const user = basic(allocated.body.id, allocated.body.secret);

  t.test('create: 201 {responseCode 1, handle}, admin index sent as a string', async (t) => {
    const created = await send(`${rest.url}/api/handles/21.T11998/TEST-1?overwrite=false`, {
      method: 'PUT',
      headers: { authorization: user, 'content-type': 'application/json' },
      json: FIXTURE_CREATE_BODY,
    });
    t.equal(created.status, 201);
    t.same(created.body, { responseCode: 1, handle: '21.T11998/TEST-1' });
    t.strictSame(Object.keys(created.body), ['responseCode', 'handle']);
  });

  t.test('resolve_ok: values in HANDLE.NET key order, admin index a number, timestamps without ms', async (t) => {
    const resolved = await send(`${rest.url}/api/handles/21.T11998/TEST-1`);
    t.equal(resolved.status, 200);
    t.strictSame(resolved.body, {
      responseCode: 1,
      handle: '21.T11998/TEST-1',
      values: [
        { index: 1, type: 'URL', data: { format: 'string', value: 'https://example.org/item/1' }, ttl: 86400, timestamp: '2000-04-10T22:41:46Z' },
        {
          index: 100,
          type: 'HS_ADMIN',
          data: { format: 'admin', value: { handle: '0.NA/21.T11998', index: 200, permissions: '011111110011' } },
          ttl: 86400,
          timestamp: '2000-04-10T22:41:46Z',
        },
      ],
    });
    for (const value of resolved.body.values) t.strictSame(Object.keys(value), ['index', 'type', 'data', 'ttl', 'timestamp']);
    t.strictSame(Object.keys(resolved.body), ['responseCode', 'handle', 'values']);
  });

  t.test('resolve_not_found: 404 responseCode 100 with the handle', async (t) => {
    const missing = await send(`${rest.url}/api/handles/21.T11998/nope`);
    t.equal(missing.status, 404);
    t.match(missing.body, { responseCode: 100, handle: '21.T11998/nope', code: 'HANDLE_NOT_FOUND', message: /21\.T11998\/nope/ });
  });

  t.test('resolve_no_matching_values: 200 responseCode 200, values []', async (t) => {
    const none = await send(`${rest.url}/api/handles/21.T11998/TEST-1?type=EMAIL`);
    t.equal(none.status, 200);
    t.strictSame(none.body, { responseCode: 200, handle: '21.T11998/TEST-1', values: [] });
  });

  t.test('create_exists: 409 responseCode 101, nothing changed', async (t) => {
    const before = await fx.stored('21.T11998/TEST-1');
    const again = await send(`${rest.url}/api/handles/21.T11998/TEST-1?overwrite=false`, {
      method: 'PUT',
      headers: { authorization: user },
      json: { values: [{ index: 1, type: 'URL', data: 'https://example.org/other' }] },
    });
    t.equal(again.status, 409);
    t.match(again.body, { responseCode: 101, handle: '21.T11998/TEST-1', code: 'HANDLE_ALREADY_EXISTS', message: /already exists/ });
    t.same(await fx.stored('21.T11998/TEST-1'), before);
  });

  t.test('auth_needed: 401, WWW-Authenticate Basic realm="handle", responseCode 402', async (t) => {
    const anonymous = await send(`${rest.url}/api/handles/21.T11998/TEST-2`, { method: 'PUT', json: FIXTURE_CREATE_BODY });
    t.equal(anonymous.status, 401);
    t.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="handle"');
    t.equal(anonymous.body.responseCode, 402);
    t.equal(await fx.stored('21.T11998/TEST-2'), undefined);
  });

  t.test('list: totalCount is a string; page and pageSize echoed; handles in byte order', async (t) => {
    for (let n = 2; n <= 12; n++) {
      const put = await send(`${rest.url}/api/handles/21.T11998/TEST-${n}`, {
        method: 'PUT',
        headers: { authorization: user },
        json: { values: [{ index: 1, type: 'URL', data: `https://example.org/item/${n}` }] },
      });
      t.equal(put.status, 201, `TEST-${n} created`);
    }
    const listed = await send(`${rest.url}/api/handles?prefix=21.T11998&page=0&pageSize=2`, { headers: { authorization: user } });
    t.equal(listed.status, 200);
    t.strictSame(listed.body, {
      responseCode: 1,
      prefix: '21.T11998',
      totalCount: '12',
      page: 0,
      pageSize: 2,
      handles: ['21.T11998/TEST-1', '21.T11998/TEST-10'],
    });
  });

  t.test('not_homed: 400 responseCode 301 with a message', async (t) => {
    const elsewhere = await send(`${rest.url}/api/handles/99.999/x`);
    t.equal(elsewhere.status, 400);
    t.match(elsewhere.body, { responseCode: 301, code: 'NOT_HOMED', handle: '99.999/x', message: /99\.999 is not homed/ });
  });
});
