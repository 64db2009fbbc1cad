import { pathToFileURL } from 'node:url';
import pino from 'pino';
import t from 'tap';
import { buildRestServer } from '../../src/rest/server.js';
import { IMMUTABLE, REVALIDATE, WebAssets } from '../../src/rest/web/web-assets.js';
import { send, type Json } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { assertError, startFixture } from './rest-fixture.js';

// The node's own pages and their assets (src/rest/routes/pages.ts), and the two JSON routes the console needs
// (src/rest/routes/status.ts). The console in a browser: test/console/console-browser.test.ts.

const fx = await startFixture(t);
const { rest, auth } = fx;
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${rest.url}${path}`, { headers });

t.test('GET / is the landing page: what the node is, links to the console, /docs and health, in both languages', async (t) => {
  const zh = await get('/');
  t.equal(zh.status, 200);
  t.match(zh.headers.get('content-type'), /^text\/html; charset=utf-8/);
  const zhText = await zh.text();
  t.match(zhText, '<html lang="zh-CN">', 'Chinese when the browser states no preference');
  t.match(zhText, '二级节点');
  for (const link of ['/console', '/docs', '/readyz']) t.match(zhText, `href="${link}"`, `links ${link}`);
  t.match(zhText, '<code>88.999</code>', 'names the homed prefixes');
  const en = await (await get('/', { 'accept-language': 'en-GB,en;q=0.9' })).text();
  t.match(en, '<html lang="en">');
  t.match(en, 'secondary node');
  t.notMatch(en, '管理控制台');
  t.match(await (await get('/', { 'accept-language': 'zh-TW,en;q=0.5' })).text(), '<html lang="zh-CN">');
});

t.test('the language switch: ?lang= sets the idnode-lang cookie, and the cookie wins over Accept-Language', async (t) => {
  const chosen = await get('/console?lang=en', { 'accept-language': 'zh-CN' });
  t.equal(chosen.headers.get('set-cookie'), 'idnode-lang=en; Path=/; Max-Age=31536000; SameSite=Lax');
  t.match(await chosen.text(), '<html lang="en">');
  const page = await (await get('/docs', { cookie: 'idnode-lang=en', 'accept-language': 'zh-CN' })).text();
  t.match(page, '<html lang="en">');
  t.match(page, 'href="/docs?lang=zh-CN"', 'the switch links the other language on the same page');
  t.equal((await get('/', { cookie: 'idnode-lang=en' })).headers.get('set-cookie'), null, 'no cookie without an explicit choice');
  t.equal((await get('/?lang=fr')).headers.get('set-cookie'), null, 'an unknown language sets nothing');
});

t.test('pages are revalidated by ETag (304) and vary by language', async (t) => {
  const first = await get('/console');
  t.equal(first.headers.get('cache-control'), 'no-cache');
  t.equal(first.headers.get('vary'), 'Accept-Language, Cookie');
  const etag = first.headers.get('etag')!;
  t.match(etag, /^"[0-9a-f]{16}"$/);
  const again = await get('/console', { 'if-none-match': etag });
  t.equal(again.status, 304);
  t.equal(await again.text(), '');
  const english = await get('/console', { 'if-none-match': etag, 'accept-language': 'en' });
  t.equal(english.status, 200, 'another language is another page');
  t.not(english.headers.get('etag'), etag);
});

t.test('assets: hashed names are immutable, plain names revalidate, both answer 304 to their ETag', async (t) => {
  const page = await (await get('/console')).text();
  const script = /<script type="module" src="(\/assets\/console\.[0-9a-f]{12}\.js)">/.exec(page)?.[1];
  const style = /<link rel="stylesheet" href="(\/assets\/web\.[0-9a-f]{12}\.css)">/.exec(page)?.[1];
  t.ok(script && style, 'the page links its assets by hashed names');
  const js = await get(script!);
  t.equal(js.status, 200);
  t.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  t.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const etag = js.headers.get('etag')!;
  t.equal(etag, `"${/\.([0-9a-f]{12})\.js$/.exec(script!)![1]}"`, 'the ETag is the hash in the name');
  t.match(await js.text(), 'web-strings');
  t.equal((await get(script!, { 'if-none-match': etag })).status, 304);
  t.equal((await get(style!)).headers.get('content-type'), 'text/css; charset=utf-8');
  const plain = await get('/assets/console.js');
  t.equal(plain.headers.get('cache-control'), 'no-cache');
  t.equal(plain.headers.get('etag'), etag);
  t.equal((await get('/assets/console.js', { 'if-none-match': `W/${etag}, "other"` })).status, 304, 'weak and listed ETags match');
  const missing = await send(`${rest.url}/assets/console.000000000000.js`);
  assertError(t, missing, 404, 5, 'ROUTE_NOT_FOUND');
  assertError(t, await send(`${rest.url}/assets/..%2Fpackage.json`), 404, 5, 'ROUTE_NOT_FOUND', 'nothing outside web/');
});

t.test('/docs is the interactive page over /openapi.json, which describes the new routes', async (t) => {
  const page = await (await get('/docs')).text();
  t.match(page, /<script type="module" src="\/assets\/docs\.[0-9a-f]{12}\.js">/);
  t.match(page, 'API 文档');
  const description = (await (await get('/openapi.json')).json()) as Json;
  for (const path of ['/api/v1/auditors', '/api/v1/auditors/{id}', '/api/v1/enterprises/{prefix}/reinstate', '/api/v1/whoami', '/api/v1/status']) {
    t.ok(description.paths[path], `${path} is described`);
  }
  for (const path of ['/', '/console', '/docs', '/assets/{name}']) t.same(description.paths[path].get.tags, ['pages'], `${path} is described as a page`);
});

t.test('GET /api/v1/whoami names the caller', async (t) => {
  t.same((await send(`${rest.url}/api/v1/whoami`)).body, { kind: 'anonymous' });
  t.same((await send(`${rest.url}/api/v1/whoami`, { headers: { authorization: auth.operator } })).body, { kind: 'operator', id: rest.credentials.operator.id });
  t.same((await send(`${rest.url}/api/v1/whoami`, { headers: { authorization: auth.a } })).body, { kind: 'enterprise', id: fx.a.id, prefix: '88.999.A' });
  t.same((await send(`${rest.url}/api/v1/whoami`, { headers: { authorization: auth.auditor } })).body, { kind: 'auditor', id: fx.auditor.id });
  assertError(t, await send(`${rest.url}/api/v1/whoami`, { headers: { authorization: basic(fx.a.id, 'wrong') } }), 403, 403, 'AUTHENTICATION_FAILED');
});

t.test('GET /api/v1/status: the node status for the operator only', async (t) => {
  await fx.put('88.999.A/status-1', [{ index: 1, type: 'URL', data: 'https://example.org/s' }], auth.a);
  const status = await send(`${rest.url}/api/v1/status`, { headers: { authorization: auth.operator } });
  t.equal(status.status, 200);
  t.match(status.body, {
    store: 'sqlite',
    clock: { mode: 'system' },
    now: /^\d{4}-/,
    cache: { hits: Number, misses: Number, hitRatio: Number, entries: Number, bytes: Number },
    metering: { flushLagSeconds: Number, pending: Number, flushes: Number, failedFlushes: Number },
    homedPrefixes: [{ prefix: '88.999', source: String }],
    today: { day: /^\d{4}-\d\d-\d\d$/, registrations: Number, resolutions: Number, refusedWrites: Number },
  });
  t.ok(status.body.today.registrations >= 1, 'today counts the registration just made');
  t.notOk('frontEnds' in status.body, 'a server built on its own has no listener list');
  t.notOk('topLevel' in status.body, 'no top-level node configured');
  assertError(t, await send(`${rest.url}/api/v1/status`), 401, 402, 'AUTHENTICATION_REQUIRED');
  assertError(t, await send(`${rest.url}/api/v1/status`, { headers: { authorization: auth.auditor } }), 403, 401, 'PERMISSION_DENIED');
  assertError(t, await send(`${rest.url}/api/v1/status`, { headers: { authorization: auth.a } }), 403, 401, 'PERMISSION_DENIED');
});

t.test('WebAssets serves the scripts and stylesheets of its directory only, by hashed and plain name', async (t) => {
  const dir = t.testdir({ 'a.js': 'export {};\n', 'b.css': 'body {}\n', 'notes.txt': 'not an asset', 'c.md': '# no' });
  const assets = new WebAssets(pathToFileURL(`${dir}/`));
  t.match(assets.url('a.js'), /^\/assets\/a\.[0-9a-f]{12}\.js$/);
  t.equal(assets.served(assets.url('b.css').slice('/assets/'.length))?.cacheControl, IMMUTABLE);
  t.equal(assets.served('b.css')?.cacheControl, REVALIDATE);
  t.equal(assets.served('notes.txt'), undefined, 'other files are not served');
  t.throws(() => assets.url('notes.txt'), /web\/notes\.txt is not an asset/);
});

t.test('under serve, the status names the listeners', async (t) => {
  const app = await buildRestServer(rest.node, {
    logger: pino({ level: 'silent' }),
    bodyLimitBytes: 1024 * 1024,
    batchBodyLimitBytes: 1024 * 1024,
    allowRemoteCredentialsOverHttp: false,
    frontEnds: new Map([['http', 'http://127.0.0.1:8000'], ['grpc', '127.0.0.1:8001']]),
  });
  t.teardown(() => app.close());
  const status = await app.inject({ method: 'GET', url: '/api/v1/status', headers: { authorization: auth.operator } });
  t.equal(status.statusCode, 200);
  t.same(status.json().frontEnds, { http: 'http://127.0.0.1:8000', grpc: '127.0.0.1:8001' });
});
