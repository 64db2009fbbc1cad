import t from 'tap';
import { send } from '../helpers/http.js';
import { assertError, PREFIX_A, startFixture, WIRE_TIMESTAMP } from './rest-fixture.js';

const fx = await startFixture(t);
const { auth } = fx;

const VALUES = [
  { index: 1, type: 'URL', data: 'https://example.org/p/1' },
  { index: 2, type: 'EMAIL', data: { format: 'string', value: 'ops@example.org' } },
  { index: 3, type: 'product.model', data: { format: 'hex', value: 'CAFE' }, ttl: 3600 },
];
t.equal((await fx.put(`${PREFIX_A}/P-1`, { values: VALUES }, auth.a)).status, 201);

const indexesOf = (values: { index: number }[]) => values.map((value) => value.index);

t.test('found: responseCode 1, the normalised handle, every value in wire form', async (t) => {
  const got = await send(fx.handleUrl(`${PREFIX_A}/P-1`));
  t.equal(got.status, 200);
  t.equal(got.body.responseCode, 1);
  t.equal(got.body.handle, `${PREFIX_A}/P-1`);
  t.same(indexesOf(got.body.values), [1, 2, 3, 100]);
  t.match(got.body.values[2], { index: 3, type: 'product.model', data: { format: 'hex', value: 'cafe' }, ttl: 3600 });
  for (const value of got.body.values) t.match(value.timestamp, WIRE_TIMESTAMP);
});

t.test('filters: a value is returned if its index is in index= OR its type in type=', async (t) => {
  const cases: [string, number[]][] = [
    ['?index=1', [1]],
    ['?index=1&index=3', [1, 3]],
    ['?type=EMAIL', [2]],
    ['?type=URL&type=HS_ADMIN', [1, 100]],
    ['?index=3&type=EMAIL', [2, 3]],
    ['?index=1&type=URL', [1]],
    ['?index=100&type=product.model', [3, 100]],
  ];
  for (const [query, expected] of cases) {
    const got = await send(fx.handleUrl(`${PREFIX_A}/P-1${query}`));
    t.equal(got.status, 200, query);
    t.equal(got.body.responseCode, 1, query);
    t.same(indexesOf(got.body.values), expected, query);
  }
});

t.test('exists but nothing matches the filters: HTTP 200, responseCode 200, values []', async (t) => {
  for (const query of ['?index=7', '?type=NOPE', '?index=7&type=NOPE', '?type=url']) {
    const got = await send(fx.handleUrl(`${PREFIX_A}/P-1${query}`));
    t.equal(got.status, 200, query);
    t.strictSame(got.body, { responseCode: 200, handle: `${PREFIX_A}/P-1`, values: [] }, query);
  }
});

t.test('not found: HTTP 404, responseCode 100, the handle and a message naming it', async (t) => {
  const got = await send(fx.handleUrl(`${PREFIX_A}/NOPE`));
  assertError(t, got, 404, 100, 'HANDLE_NOT_FOUND');
  t.equal(got.body.handle, `${PREFIX_A}/NOPE`);
  t.match(got.body.message, `${PREFIX_A}/NOPE`);
  const filtered = await send(fx.handleUrl(`${PREFIX_A}/NOPE?index=1`));
  t.equal(filtered.status, 404, 'filters do not turn not-found into no-values');
});

t.test('prefix is case-insensitive, suffix case-sensitive', async (t) => {
  const lower = await send(fx.handleUrl(`${PREFIX_A.toLowerCase()}/P-1`));
  t.equal(lower.status, 200);
  t.equal(lower.body.handle, `${PREFIX_A}/P-1`, 'the answer names the normalised handle');
  const mixed = await send(fx.handleUrl(`88.999.a/P-1`));
  t.equal(mixed.status, 200);
  const suffixCase = await send(fx.handleUrl(`${PREFIX_A}/p-1`));
  t.equal(suffixCase.status, 404, 'p-1 is another identifier than P-1');
});

t.test('suffixes with "/", ".", ":" and percent-encoded UTF-8', async (t) => {
  const suffixes = ['path/to/item', 'a.b:c/d.e', '产品-001/批次:7', 'space here', 'Ünïcødé'];
  for (const suffix of suffixes) {
    const handle = `${PREFIX_A}/${suffix}`;
    const encoded = `${PREFIX_A}/${suffix.split('/').map(encodeURIComponent).join('/')}`;
    const put = await fx.put(encoded, [{ index: 1, type: 'URL', data: suffix }], auth.a);
    t.equal(put.status, 201, `${suffix} created`);
    t.equal(put.body.handle, handle, `${suffix}: response names the decoded handle`);
    const got = await send(fx.handleUrl(encoded));
    t.equal(got.status, 200, `${suffix} resolves`);
    t.equal(got.body.handle, handle);
    t.equal(got.body.values[0].data.value, suffix);
    t.ok(await fx.stored(handle), `${suffix} stored under its decoded text`);
  }
  const escapedSlash = await send(fx.handleUrl(`${PREFIX_A}/path%2Fto%2Fitem`));
  t.equal(escapedSlash.status, 200, '%2F is the same "/" as a literal one');
  t.equal(escapedSlash.body.handle, `${PREFIX_A}/path/to/item`);
});

t.test('invalid UTF-8 in the URL: 400, responseCode 102, IDENTIFIER_NOT_UTF8', async (t) => {
  for (const bad of ['%FF', 'a%C3%28', '%ED%A0%80', '%C0%AF']) {
    const got = await send(fx.handleUrl(`${PREFIX_A}/${bad}`));
    assertError(t, got, 400, 102, 'IDENTIFIER_NOT_UTF8', bad);
    t.match(got.body.message, /UTF-8/, bad);
  }
});

t.test('unhomed prefix: 400, responseCode 301, NOT_HOMED naming the prefix', async (t) => {
  for (const authorization of [undefined, auth.a, auth.operator]) {
    const got = await send(fx.handleUrl('99.999/x'), authorization === undefined ? {} : { headers: { authorization } });
    assertError(t, got, 400, 301, 'NOT_HOMED');
    t.equal(got.body.handle, '99.999/x');
    t.match(got.body.message, /99\.999/);
  }
});

t.test('values without publicRead: hidden from anonymous, auditors and other enterprises', async (t) => {
  const handle = `${PREFIX_A}/PRIVATE-1`;
  const put = await fx.put(
    handle,
    [
      { index: 1, type: 'URL', data: 'https://example.org/public' },
      { index: 2, type: 'EMAIL', data: 'secret@example.org', permissions: '1100' },
    ],
    auth.a,
  );
  t.equal(put.status, 201);
  // The owner first, so the others are then served from the cache entry the owner's read filled.
  const views: [string, string | undefined, number[]][] = [
    ['owner', auth.a, [1, 2, 100]],
    ['operator', auth.operator, [1, 2, 100]],
    ['anonymous', undefined, [1, 100]],
    ['auditor', auth.auditor, [1, 100]],
    ['other enterprise', auth.b, [1, 100]],
    ['anonymous again (warm)', undefined, [1, 100]],
    ['owner again (warm)', auth.a, [1, 2, 100]],
  ];
  for (const [who, authorization, expected] of views) {
    const got = await send(fx.handleUrl(handle), authorization === undefined ? {} : { headers: { authorization } });
    t.equal(got.status, 200, who);
    t.same(indexesOf(got.body.values), expected, who);
  }
  const private2 = await send(fx.handleUrl(`${handle}?index=2`));
  t.strictSame(private2.body, { responseCode: 200, handle, values: [] }, 'anonymous asking for the private value gets responseCode 200');
  const owner2 = await send(fx.handleUrl(`${handle}?index=2`), { headers: { authorization: auth.a } });
  t.same(indexesOf(owner2.body.values), [2]);
  t.equal(owner2.body.values[0].permissions, '1100', 'non-default permissions are on the wire');
});

t.test('an identifier with no public value at all: responseCode 200 for the public, values for the owner', async (t) => {
  const handle = `${PREFIX_A}/ALL-PRIVATE`;
  const put = await fx.put(
    handle,
    [
      { index: 1, type: 'EMAIL', data: 'x@example.org', permissions: '1100' },
      { index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: `0.NA/${PREFIX_A}`, index: 300, permissions: '011111110011' } }, permissions: '1100' },
    ],
    auth.a,
  );
  t.equal(put.status, 201);
  for (const [who, authorization] of [['anonymous', undefined], ['other enterprise', auth.b], ['auditor', auth.auditor]] as const) {
    const got = await send(fx.handleUrl(handle), authorization === undefined ? {} : { headers: { authorization } });
    t.equal(got.status, 200, who);
    t.strictSame(got.body, { responseCode: 200, handle, values: [] }, who);
  }
  const owner = await send(fx.handleUrl(handle), { headers: { authorization: auth.a } });
  t.same(indexesOf(owner.body.values), [1, 100]);
});

t.test('bad filters are refused with REQUEST_INVALID', async (t) => {
  for (const query of ['?index=x', '?index=0', '?index=2147483648']) {
    const got = await send(fx.handleUrl(`${PREFIX_A}/P-1${query}`));
    assertError(t, got, 400, 4, 'REQUEST_INVALID', query);
    t.match(got.body.message, /index/, query);
  }
});
