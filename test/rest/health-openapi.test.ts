import t from 'tap';
import { send } from '../helpers/http.js';
import { assertError, startFixture } from './rest-fixture.js';

const fx = await startFixture(t);
const { rest } = fx;

t.test('/healthz and /readyz', async (t) => {
  const live = await send(`${rest.url}/healthz`);
  t.equal(live.status, 200);
  t.same(live.body, { status: 'ok' });
  const ready = await send(`${rest.url}/readyz`);
  t.equal(ready.status, 200);
  t.match(ready.body, { status: 'ready', store: 'sqlite' });
});

t.test('/readyz is 503 STORE_UNAVAILABLE when the store does not answer', async (t) => {
  const ping = rest.store.ping;
  rest.store.ping = async () => {
    throw new Error('disk gone');
  };
  t.teardown(() => {
    rest.store.ping = ping;
  });
  const down = await send(`${rest.url}/readyz`);
  assertError(t, down, 503, 3, 'STORE_UNAVAILABLE');
  t.match(down.body.message, /sqlite store does not answer/);
});

t.test('/openapi.json documents every route with its methods', async (t) => {
  const doc = await send(`${rest.url}/openapi.json`);
  t.equal(doc.status, 200);
  t.match(doc.body.openapi, /^3\./);
  const paths = doc.body.paths as Record<string, Record<string, { summary?: string }>>;
  const routes = Object.fromEntries(Object.entries(paths).map(([path, item]) => [path, Object.keys(item).sort()]));
  // The routes of this contract; other front-end routes (bulk, ...) may be listed besides.
  t.match(routes, {
    '/api/handles/{*}': ['delete', 'get', 'put'],
    '/api/handles': ['get'],
    '/api/prefixes': ['get', 'post'],
    '/api/prefixes/{prefix}': ['delete', 'post'],
    '/api/v1/enterprises': ['get', 'post'],
    '/api/v1/enterprises/{prefix}': ['delete'],
    '/api/v1/enterprises/{prefix}/rotate-secret': ['post'],
    '/healthz': ['get'],
    '/readyz': ['get'],
  });
  // Every route the server has is documented: the router's operations (HEAD is implied by GET, and the
  // document does not list itself) are as many as the document's, and each documented one exists.
  const routerOperations = [...rest.app.printRoutes({ commonPrefix: false }).matchAll(/\(([A-Z, ]+)\)/g)]
    .flatMap((match) => match[1]!.split(', '))
    .filter((method) => method !== 'HEAD').length;
  const documented = Object.entries(paths).flatMap(([path, item]) => Object.keys(item).map((method) => ({ path, method })));
  t.equal(documented.length, routerOperations - 1, 'as many documented operations as routes (less GET /openapi.json)');
  for (const { path, method } of documented) {
    const url = path.replace('{*}', '*').replace(/\{(\w+)\}/g, ':$1');
    t.ok(rest.app.hasRoute({ method: method.toUpperCase() as 'GET', url }), `${method.toUpperCase()} ${path} is served`);
    t.ok(paths[path]![method]!.summary, `${method.toUpperCase()} ${path} has a summary`);
  }
  t.ok(doc.body.components.schemas, 'schemas are published');
  t.match(doc.body.components.securitySchemes, { basic: { type: 'http', scheme: 'basic' } });
});

t.test('unknown routes: 404 ROUTE_NOT_FOUND naming the method and path', async (t) => {
  for (const [method, path] of [
    ['GET', '/nope'],
    ['GET', '/api/handle/88.999/x'],
    ['PATCH', '/api/handles/88.999.A/x'],
    ['POST', '/api/handles/88.999.A/x'],
  ] as const) {
    const got = await send(`${rest.url}${path}?q=1`, { method });
    assertError(t, got, 404, 5, 'ROUTE_NOT_FOUND', `${method} ${path}`);
    t.equal(got.body.message, `no endpoint ${method} ${path}`, 'the query string is not echoed');
  }
});

t.test('x-request-id: echoed when sent, generated when absent or unusable', async (t) => {
  const echoed = await send(`${rest.url}/healthz`, { headers: { 'x-request-id': 'client-req_42.a:b' } });
  t.equal(echoed.headers.get('x-request-id'), 'client-req_42.a:b');
  const generated = await send(`${rest.url}/healthz`);
  // A per-process random tag and a counter: unique without a random UUID per request.
  t.match(generated.headers.get('x-request-id'), /^[0-9a-f]{8}-[0-9a-z]+$/);
  const another = await send(`${rest.url}/healthz`);
  t.not(another.headers.get('x-request-id'), generated.headers.get('x-request-id'), 'a new id per request');
  const unusable = await send(`${rest.url}/healthz`, { headers: { 'x-request-id': 'has spaces <script>' } });
  t.match(unusable.headers.get('x-request-id'), /^[0-9a-f]{8}-[0-9a-z]+$/, 'an id that could forge log lines is replaced');
  const onError = await send(`${rest.url}/api/handles/88.999.A/missing`, { headers: { 'x-request-id': 'trace-404' } });
  t.equal(onError.status, 404);
  t.equal(onError.headers.get('x-request-id'), 'trace-404', 'error replies carry it too');
  const onRefusal = await send(`${rest.url}/api/handles/88.999.A/x`, { method: 'PUT', headers: { 'x-request-id': 'trace-401' }, json: [] });
  t.equal(onRefusal.headers.get('x-request-id'), 'trace-401');
});
