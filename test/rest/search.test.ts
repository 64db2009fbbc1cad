import t from 'tap';
import { send } from '../helpers/http.js';
import { assertError, PREFIX_A, PREFIX_B, startFixture } from './rest-fixture.js';

const fx = await startFixture(t);
const { rest, auth } = fx;

const hrls = (query: string, authorization?: string) => send(`${rest.url}/hrls/handles?${query}`, authorization ? { headers: { authorization } } : {});
const native = (query: string, authorization?: string) => send(`${rest.url}/api/v1/search?${query}`, authorization ? { headers: { authorization } } : {});
async function created(reply: Promise<{ status: number }>): Promise<void> {
  const { status } = await reply;
  if (status !== 201) throw new Error(`setup: PUT answered ${status}`);
}
const q = (pairs: Record<string, string | number>) => new URLSearchParams(Object.entries(pairs).map(([k, v]): [string, string] => [k, String(v)])).toString();

// A: 25 products, each a URL and a CHECKSUM; 3 of them also hold a private EMAIL. B: two products.
for (let i = 0; i < 25; i++) {
  const values: unknown[] = [
    { index: 1, type: 'URL', data: `https://shop.example.com/p/${String(i).padStart(2, '0')}.html` },
    { index: 2, type: 'CHECKSUM', data: i % 5 === 0 ? 'md5:five' : `md5:${i}` },
  ];
  if (i < 3) values.push({ index: 3, type: 'EMAIL', data: `owner-${i}@a.example`, permissions: '1100' });
  await created(fx.put(`${PREFIX_A}/P-${String(i).padStart(2, '0')}`, values, auth.a));
}
await created(fx.put(`${PREFIX_B}/Q-1`, [{ index: 1, type: 'URL', data: 'https://shop.example.com/p/b1.pdf' }, { index: 2, type: 'URL', data: 'https://shop.example.com/p/b1.html' }], auth.b));
await created(fx.put(`${PREFIX_B}/Q-2`, [{ index: 1, type: 'URL', data: 'https://other.example.org/x' }, { index: 2, type: 'DESC', data: 'pump *star* model' }], auth.b));

const aHandles = Array.from({ length: 25 }, (_, i) => `${PREFIX_A}/P-${String(i).padStart(2, '0')}`);

t.test('hrls: exact value, and "*" at the end, in the middle and at the start (bounded by another condition)', async (t) => {
  const exact = await hrls(q({ URL: 'https://shop.example.com/p/07.html' }));
  t.equal(exact.status, 200);
  t.strictSame(exact.body, [`${PREFIX_A}/P-07`], 'a bare JSON list of handles');
  t.strictSame((await hrls(q({ URL: 'https://shop.example.com/p/1*', limit: 100 }))).body, aHandles.slice(10, 20), 'trailing *');
  t.strictSame((await hrls(q({ URL: 'https://shop.example.com/p/*.pdf' }))).body, [`${PREFIX_B}/Q-1`], 'middle *');
  t.strictSame((await hrls(q({ URL: 'https://*.example.org/*' }))).body, [`${PREFIX_B}/Q-2`], 'two *');
  t.strictSame((await hrls(q({ URL: '*/p/2*.html', CHECKSUM: 'md5:five' }))).body, [`${PREFIX_A}/P-20`], 'leading * bounded by an exact condition');
  t.strictSame((await hrls(q({ DESC: 'pump *' }))).body, [`${PREFIX_B}/Q-2`], 'a "*" in the data is matched by "*"');
  t.strictSame((await hrls(q({ URL: 'https://nowhere/*' }))).body, [], 'no match: an empty list');
});

t.test('hrls: "*" alone matches every value of its type (B2HANDLE\'s URL=*)', async (t) => {
  t.strictSame((await hrls(q({ URL: '*', limit: 1000 }))).body, [`${PREFIX_B}/Q-2`, ...aHandles, `${PREFIX_B}/Q-1`], 'in key order, each once');
  t.strictSame((await hrls(q({ URL: '*.pdf', DESC: '*' }))).body, [], 'a "*" condition drives another leading-"*" one');
  t.strictSame((await hrls(q({ URL: '*.pdf', EMAIL: '*' }), auth.a)).body, [], 'no handle has both');
});

t.test('hrls: several types are ANDed; a handle with two matching values is answered once', async (t) => {
  t.strictSame((await hrls(q({ CHECKSUM: 'md5:five', URL: 'https://shop.example.com/p/1*' }))).body, [`${PREFIX_A}/P-10`, `${PREFIX_A}/P-15`]);
  t.strictSame((await hrls(q({ CHECKSUM: 'md5:five' }))).body, [0, 5, 10, 15, 20].map((i) => aHandles[i]));
  const both = (await hrls(q({ URL: 'https://shop.example.com/p/b1*' }))).body;
  t.strictSame(both, [`${PREFIX_B}/Q-1`], 'b1.html and b1.pdf both match: one answer');
  t.strictSame((await hrls('URL=https://shop.example.com/p/0*&URL=*3.html')).body, [aHandles[3]], 'one type twice: both must hold');
});

t.test('hrls: limit and page walk every result once, in order', async (t) => {
  const seen: string[] = [];
  for (let page = 0; ; page++) {
    const reply = await hrls(q({ URL: 'https://shop.example.com/p/*', limit: 4, page }));
    t.equal(reply.status, 200);
    seen.push(...reply.body);
    if (reply.body.length < 4) break;
  }
  t.strictSame(seen, [...aHandles, `${PREFIX_B}/Q-1`], 'no duplicate, no gap');
  t.strictSame((await hrls(q({ URL: 'https://shop.example.com/p/*', limit: 4, page: 100 }))).body, [], 'past the end: empty');
});

t.test('native search: a cursor pages through everything; more and cursor say whether to go on', async (t) => {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const reply = await native(q({ URL: 'https://shop.example.com/p/*', limit: 7, ...(cursor === undefined ? {} : { cursor }) }));
    t.equal(reply.status, 200);
    t.equal(reply.body.responseCode, 1);
    seen.push(...reply.body.handles);
    t.equal(reply.body.more, reply.body.cursor !== undefined);
    cursor = reply.body.cursor;
    if (!reply.body.more) break;
  }
  t.strictSame(seen, [...aHandles, `${PREFIX_B}/Q-1`]);
  const last = await native(q({ URL: 'https://shop.example.com/p/07.html' }));
  t.strictSame(last.body, { responseCode: 1, handles: [aHandles[7]], more: false });
});

t.test('read rights: a private value is found by its owner and the operator only', async (t) => {
  const query = q({ EMAIL: 'owner-*' });
  t.strictSame((await hrls(query)).body, [], 'anonymous: not found');
  t.strictSame((await hrls(query, auth.b)).body, [], 'another enterprise: not found');
  t.strictSame((await hrls(query, auth.auditor)).body, [], 'an auditor: not found');
  t.strictSame((await hrls(query, auth.a)).body, aHandles.slice(0, 3), 'the owner finds it');
  t.strictSame((await native(query, auth.operator)).body.handles, aHandles.slice(0, 3), 'the operator finds it');
  // A private value as the second condition: the public one alone is not enough.
  t.strictSame((await hrls(q({ URL: 'https://shop.example.com/p/01.html', EMAIL: 'owner-1@a.example' }))).body, []);
  t.strictSame((await hrls(q({ URL: 'https://shop.example.com/p/01.html', EMAIL: 'owner-1@a.example' }), auth.a)).body, [aHandles[1]]);
  assertError(t, await hrls(query, 'Basic bm9ib2R5Om5vdGhpbmc='), 401, 402, 'CREDENTIALS_MALFORMED', 'bad credentials are refused, not taken for anonymous');
});

t.test('updates and deletes: a search never answers a stale value or a deleted handle', async (t) => {
  const handle = `${PREFIX_A}/CHANGING`;
  t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'https://changing.example/v1' }], auth.a)).status, 201);
  t.strictSame((await hrls(q({ URL: 'https://changing.example/*' }))).body, [handle]);
  t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'https://changing.example/v2' }], auth.a)).status, 200);
  t.strictSame((await hrls(q({ URL: 'https://changing.example/v1' }))).body, [], 'the old value is gone');
  t.strictSame((await hrls(q({ URL: 'https://changing.example/v2' }))).body, [handle]);
  t.equal((await send(fx.handleUrl(handle), { method: 'DELETE', headers: { authorization: auth.a } })).status, 200);
  t.strictSame((await hrls(q({ URL: 'https://changing.example/*' }))).body, [], 'deleted: not found');
});

t.test('bad queries are refused with catalogue errors naming the problem', async (t) => {
  const cases: [string, string][] = [
    ['', 'SEARCH_QUERY_INVALID'],
    [q({ limit: 5 }), 'SEARCH_QUERY_INVALID'],
    [q({ URL: '' }), 'SEARCH_QUERY_INVALID'],
    [q({ URL: 'x'.repeat(1025) }), 'SEARCH_QUERY_INVALID'],
    [q({ URL: 'a\u0001*' }), 'SEARCH_QUERY_INVALID'],
    ['URL=a*&limit=1&limit=2', 'SEARCH_QUERY_INVALID'],
    [Array.from({ length: 9 }, () => 'URL=a*').join('&'), 'SEARCH_QUERY_INVALID'],
    [q({ 'product.model': 'IM-*' }), 'SEARCH_TYPE_NOT_INDEXED'],
    [q({ HS_SECKEY: 'secret' }), 'SEARCH_TYPE_NOT_INDEXED'],
    [q({ URL: '*.pdf' }), 'SEARCH_UNBOUNDED'],
    [q({ URL: '*.pdf', CHECKSUM: '*x' }), 'SEARCH_UNBOUNDED'],
    [q({ URL: 'a*', limit: 0 }), 'SEARCH_LIMIT_INVALID'],
    [q({ URL: 'a*', limit: 1001 }), 'SEARCH_LIMIT_INVALID'],
    [q({ URL: 'a*', limit: 'ten' }), 'SEARCH_LIMIT_INVALID'],
    [q({ URL: 'a*', limit: -1 }), 'SEARCH_LIMIT_INVALID'],
    [q({ URL: 'a*', limit: 1000, page: 10 }), 'SEARCH_LIMIT_INVALID'],
  ];
  for (const [query, code] of cases) {
    const reply = await hrls(query);
    assertError(t, reply, 400, 4, code, `?${query.slice(0, 60)}`);
  }
  const unbounded = await hrls(q({ URL: '*.pdf' }));
  t.match(unbounded.body.message, /starts with "\*"/);
  t.match((await hrls(q({ Url: 'a*' }))).body.message, /searchable types: URL, EMAIL, CHECKSUM, DESC/);
  for (const cursor of ['garbage', Buffer.from('[0,"zzz","x"]').toString('base64url'), Buffer.from('[5,"https://shop.example.com/p/","x"]').toString('base64url'), Buffer.from('{}').toString('base64url')]) {
    assertError(t, await native(q({ URL: 'https://shop.example.com/p/*', cursor })), 400, 4, 'SEARCH_CURSOR_INVALID', `cursor ${cursor}`);
  }
  assertError(t, await native(q({ URL: 'https://shop.example.com/p/*', cursor: Buffer.from('[0,"https://shop.example.com/p/01","x"]').toString('base64url'), limit: 'x' })), 400, 4, 'SEARCH_LIMIT_INVALID');
  t.equal((await fx.stored(aHandles[0]!))?.values.length, 4, 'nothing changed');
});

t.test('the OpenAPI document and /metrics describe the search', async (t) => {
  const openapi = (await send(`${rest.url}/openapi.json`)).body;
  t.ok(openapi.paths['/hrls/handles']?.get, 'hrls in the OpenAPI document');
  t.ok(openapi.paths['/api/v1/search']?.get, 'native search in the OpenAPI document');
  const metrics = await fetch(`${rest.url}/metrics`).then((r) => r.text());
  t.match(metrics, /idnode_search_index_entries_read_total \d+/);
  t.match(metrics, /idnode_search_records_read_total \d+/);
});
