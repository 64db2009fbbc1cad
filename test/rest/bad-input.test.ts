import t, { type Test } from 'tap';
import { send, type Sent } from '../helpers/http.js';
import { assertError, PREFIX_A, startFixture, type Fixture } from './rest-fixture.js';

// Every bad request is refused with a 4xx, a responseCode, a catalogue code and a message naming the
// problem, and leaves the store exactly as it was: the existing identifier reads back the same and the
// number of identifiers under the prefix does not move.

const fx = await startFixture(t);
const { auth } = fx;
const EXISTING = `${PREFIX_A}/existing`;
t.equal((await fx.put(EXISTING, [{ index: 1, type: 'URL', data: 'https://example.org/kept' }], auth.a)).status, 201);

interface Case {
  readonly label: string;
  readonly send: () => Promise<Sent>;
  readonly status: number;
  readonly responseCode: number;
  readonly code: string;
  /** What the message must say. */
  readonly message: RegExp;
}

async function expectRefused(t: Test, fixture: Fixture, cases: readonly Case[]): Promise<void> {
  for (const c of cases) {
    const before = await fixture.stored(EXISTING);
    const countBefore = (await fixture.rest.store.listHandles(PREFIX_A, 0, 1)).total;
    const got = await c.send();
    assertError(t, got, c.status, c.responseCode, c.code, c.label);
    t.match(got.body?.message, c.message, `${c.label}: message names the problem`);
    t.same(await fixture.stored(EXISTING), before, `${c.label}: existing identifier unchanged`);
    t.equal((await fixture.rest.store.listHandles(PREFIX_A, 0, 1)).total, countBefore, `${c.label}: no identifier added or removed`);
  }
}

const putRaw = (body: string, contentType: string, handle = EXISTING, query = '') => () =>
  send(fx.handleUrl(handle) + query, { method: 'PUT', headers: { authorization: auth.a, 'content-type': contentType }, body });
const putValues = (values: unknown, query = '', handle = EXISTING) => () => fx.put(handle, values, auth.a, query);
const url1 = { index: 1, type: 'URL', data: 'https://example.org/new' };

t.test('bodies: malformed JSON, wrong content type, empty, no values', async (t) => {
  await expectRefused(t, fx, [
    { label: 'malformed JSON', send: putRaw('{"values": [', 'application/json'), status: 400, responseCode: 4, code: 'BODY_MALFORMED_JSON', message: /not valid JSON/ },
    { label: 'empty JSON body', send: putRaw('', 'application/json'), status: 400, responseCode: 4, code: 'BODY_MALFORMED_JSON', message: /empty/ },
    { label: 'text/plain', send: putRaw(JSON.stringify([url1]), 'text/plain'), status: 415, responseCode: 4, code: 'BODY_UNSUPPORTED_MEDIA_TYPE', message: /application\/json/ },
    { label: 'form-encoded', send: putRaw('values=1', 'application/x-www-form-urlencoded'), status: 415, responseCode: 4, code: 'BODY_UNSUPPORTED_MEDIA_TYPE', message: /content type/ },
    {
      label: 'no body at all',
      send: () => send(fx.handleUrl(EXISTING), { method: 'PUT', headers: { authorization: auth.a } }),
      status: 400,
      responseCode: 202,
      code: 'VALUES_MISSING',
      message: /body must be \{"values": \[\.\.\.\]\} or an array of values, got nothing/,
    },
    { label: 'empty array', send: putValues([]), status: 400, responseCode: 202, code: 'VALUES_MISSING', message: /non-empty array/ },
    { label: 'empty values', send: putValues({ values: [] }), status: 400, responseCode: 202, code: 'VALUES_MISSING', message: /non-empty array/ },
    { label: 'values null', send: putValues({ values: null }), status: 400, responseCode: 202, code: 'VALUES_MISSING', message: /body\.values must be an array of values, got null/ },
    { label: 'values a string', send: putValues({ values: 'x' }), status: 400, responseCode: 202, code: 'VALUES_MISSING', message: /got "x"/ },
    { label: 'no values field', send: putValues({ value: [url1] }), status: 400, responseCode: 202, code: 'VALUES_MISSING', message: /got nothing/ },
    { label: 'body a number', send: putValues(7), status: 400, responseCode: 202, code: 'VALUES_MISSING', message: /got 7/ },
    { label: 'body null', send: putRaw('null', 'application/json'), status: 400, responseCode: 202, code: 'VALUES_MISSING', message: /got null/ },
  ]);
});

t.test('oversized body: 413 BODY_TOO_LARGE', async (t) => {
  const small = await startFixture(t, { bodyLimitBytes: 256 });
  t.equal((await small.put(EXISTING, [{ index: 1, type: 'URL', data: 'kept' }], small.auth.a)).status, 201);
  await expectRefused(t, small, [
    {
      label: 'body over bodyLimitBytes',
      send: () => small.put(EXISTING, [{ index: 1, type: 'URL', data: 'x'.repeat(1000) }], small.auth.a),
      status: 413,
      responseCode: 4,
      code: 'BODY_TOO_LARGE',
      message: /bodyLimitBytes/,
    },
  ]);
});

t.test('invalid identifiers, on writes (by the operator) and on reads', async (t) => {
  const identifiers: [string, string, string, RegExp][] = [
    ['empty suffix', `${PREFIX_A}/`, 'IDENTIFIER_EMPTY_SUFFIX', /empty suffix/],
    ['control character', `${PREFIX_A}/bad%01id`, 'IDENTIFIER_CONTROL_CHARACTER', /U\+0001/],
    ['DEL character', `${PREFIX_A}/bad%7Fid`, 'IDENTIFIER_CONTROL_CHARACTER', /U\+007F/],
    ['too long', `${PREFIX_A}/${'x'.repeat(250)}`, 'IDENTIFIER_TOO_LONG', /259 bytes.*255/],
    ['too long in UTF-8 bytes', `${PREFIX_A}/${encodeURIComponent('产'.repeat(83))}`, 'IDENTIFIER_TOO_LONG', /258 bytes/],
    ['empty prefix segment', '88..999/x', 'PREFIX_EMPTY_SEGMENT', /empty segment/],
    ['leading dot', '.88.999/x', 'PREFIX_LEADING_DOT', /starts with a dot/],
    ['trailing dot', '88.999./x', 'PREFIX_TRAILING_DOT', /ends with a dot/],
    ['bad prefix character', '88.999.A%2B/x', 'PREFIX_INVALID_CHARACTER', /A\+/],
    ['prefix too long', `88.${'9'.repeat(70)}/x`, 'PREFIX_TOO_LONG', /64/],
    ['no slash', '88.999.A', 'IDENTIFIER_MISSING_SLASH', /no "\/"/],
    ['empty prefix', '%2Fx', 'IDENTIFIER_EMPTY_PREFIX', /empty prefix/],
    ['invalid UTF-8', `${PREFIX_A}/%FF`, 'IDENTIFIER_NOT_UTF8', /UTF-8/],
  ];
  const cases: Case[] = [];
  for (const [label, handle, code, message] of identifiers) {
    cases.push({ label: `PUT ${label}`, send: () => fx.put(handle, [url1], auth.operator), status: 400, responseCode: 102, code, message });
    cases.push({ label: `GET ${label}`, send: () => send(fx.handleUrl(handle)), status: 400, responseCode: 102, code, message });
    cases.push({
      label: `DELETE ${label}`,
      send: () => send(fx.handleUrl(handle), { method: 'DELETE', headers: { authorization: auth.operator } }),
      status: 400,
      responseCode: 102,
      code,
      message,
    });
  }
  await expectRefused(t, fx, cases);
});

t.test('invalid values: each refused with the field and the input named', async (t) => {
  const seckey = { index: 300, type: 'HS_SECKEY', data: 'c2VjcmV0', permissions: '1110' };
  const values: [string, unknown[], string, RegExp][] = [
    ['index 0', [{ ...url1, index: 0 }], 'VALUE_INDEX_INVALID', /values\[0\]\.index must be an integer from 1 to 2147483647, got 0/],
    ['index "x"', [{ ...url1, index: 'x' }], 'VALUE_INDEX_INVALID', /values\[0\]\.index .* got "x"/],
    ['index 1.5', [{ ...url1, index: 1.5 }], 'VALUE_INDEX_INVALID', /got 1\.5/],
    ['index missing', [{ type: 'URL', data: 'x' }], 'VALUE_INDEX_INVALID', /got nothing/],
    ['index too big', [{ ...url1, index: 2147483648 }], 'VALUE_INDEX_INVALID', /2147483648/],
    ['duplicate indexes', [url1, { ...url1, data: 'again' }], 'VALUE_INDEX_DUPLICATE', /values\[1\]\.index 1 is already used by values\[0\]/],
    ['index 100 with type URL', [{ ...url1, index: 100 }], 'VALUE_INDEX_RESERVED', /HS_ADMIN at the reserved index 100, got "URL"/],
    ['index 300 with type URL', [{ ...url1, index: 300 }], 'VALUE_INDEX_RESERVED', /reserved index 300/],
    ['index 1001', [{ ...url1, index: 1001 }], 'VALUE_INDEX_RESERVED', /1001 is reserved/],
    ['empty type', [{ ...url1, type: '' }], 'VALUE_TYPE_INVALID', /values\[0\]\.type/],
    ['format xml', [{ ...url1, data: { format: 'xml', value: '<a/>' } }], 'VALUE_FORMAT_UNKNOWN', /values\[0\]\.data\.format .* got "xml"/],
    ['bad hex', [{ ...url1, data: { format: 'hex', value: 'zz' } }], 'VALUE_DATA_INVALID', /hex .* got "zz"/],
    ['odd hex', [{ ...url1, data: { format: 'hex', value: 'abc' } }], 'VALUE_DATA_INVALID', /odd length 3/],
    ['bad base64', [{ ...url1, data: { format: 'base64', value: 'abc' } }], 'VALUE_DATA_INVALID', /base64 .*not a multiple of 4/],
    ['base64 bad character', [{ ...url1, data: { format: 'base64', value: 'ab*=' } }], 'VALUE_DATA_INVALID', /base64/],
    ['data a number', [{ ...url1, data: 5 }], 'VALUE_DATA_INVALID', /values\[0\]\.data must be a string or an object/],
    ['admin data on a URL', [{ ...url1, data: { format: 'admin', value: { handle: '0.NA/88.999.A', index: 300, permissions: '011111110011' } } }], 'VALUE_DATA_INVALID', /only for type HS_ADMIN/],
    ['HS_ADMIN with bad permissions', [{ index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.NA/88.999.A', index: 300, permissions: '0111' } } }], 'VALUE_DATA_INVALID', /12 binary digits/],
    ['ttl -1', [{ ...url1, ttl: -1 }], 'VALUE_TTL_INVALID', /values\[0\]\.ttl .* got -1/],
    ['ttl "60"', [{ ...url1, ttl: '60' }], 'VALUE_TTL_INVALID', /got "60"/],
    ['permissions "12"', [{ ...url1, permissions: '12' }], 'VALUE_PERMISSIONS_INVALID', /values\[0\]\.permissions must be 4 binary digits .* got "12"/],
    ['HS_SECKEY public', [seckey], 'VALUE_PERMISSIONS_INVALID', /publicRead on an HS_SECKEY/],
    ['references not an array', [{ ...url1, references: 'x' }], 'VALUE_REFERENCES_INVALID', /values\[0\]\.references/],
    ['a value not an object', ['https://example.org'], 'VALUE_NOT_OBJECT', /values\[0\] must be an object, got "https:\/\/example\.org"/],
    ['second value bad', [url1, { index: 2, type: 'URL', data: 'x', ttl: -5 }], 'VALUE_TTL_INVALID', /values\[1\]\.ttl/],
  ];
  await expectRefused(
    t,
    fx,
    values.map(([label, body, code, message]) => ({ label, send: putValues({ values: body }), status: 400, responseCode: 202, code, message })),
  );
  await expectRefused(
    t,
    fx,
    values.slice(0, 3).map(([label, body, code, message]) => ({
      label: `${label}, creating`,
      send: putValues({ values: body }, '?overwrite=false', `${PREFIX_A}/never-created`),
      status: 400,
      responseCode: 202,
      code,
      message,
    })),
  );
  t.equal(await fx.stored(`${PREFIX_A}/never-created`), undefined);
});

t.test('bad query parameters: 400 REQUEST_INVALID', async (t) => {
  await expectRefused(t, fx, [
    { label: 'overwrite=maybe', send: putValues([url1], '?overwrite=maybe'), status: 400, responseCode: 4, code: 'REQUEST_INVALID', message: /overwrite must be boolean/ },
    { label: 'mintNewSuffix=perhaps', send: putValues([url1], '?mintNewSuffix=perhaps'), status: 400, responseCode: 4, code: 'REQUEST_INVALID', message: /mintNewSuffix/ },
    { label: 'index=x on PUT', send: putValues([url1], '?index=x'), status: 400, responseCode: 4, code: 'REQUEST_INVALID', message: /index/ },
    { label: 'index=0 on PUT', send: putValues([url1], '?index=0'), status: 400, responseCode: 4, code: 'REQUEST_INVALID', message: /index/ },
  ]);
});
