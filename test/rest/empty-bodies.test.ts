import { request as httpRequest } from 'node:http';
import t from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import { send } from '../helpers/http.js';
import { assertError, PREFIX_A, PREFIX_B, startFixture } from './rest-fixture.js';

// Handle clients send Content-Type: application/json on every request, bodies or not (issue 13, item 6): an
// empty body is no body for every operation that takes none, whatever its Content-Type; an operation that
// needs a body still refuses an empty one, saying so. One parser decides (src/rest/body-parsers.ts).

const fx = await startFixture(t);
const { auth } = fx;
const URL_VALUE = [{ index: 1, type: 'URL', data: 'https://example.org/empty-bodies' }];

/** A request sent exactly as given: headers, and the body's chunks (chunked when `chunked`). */
function raw(method: string, path: string, headers: Record<string, string>, chunks: string[] = [], chunked = false) {
  return new Promise<{ status: number; body: { code?: string; message?: string; responseCode?: number } | undefined }>((resolve, reject) => {
    const url = new URL(path, fx.rest.url);
    const outgoing = httpRequest(url, { method, agent: false, headers: chunked ? { ...headers, 'transfer-encoding': 'chunked' } : { ...headers, 'content-length': String(chunks.join('').length) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: text.length > 0 ? JSON.parse(text) : undefined }));
    });
    outgoing.on('error', reject);
    for (const chunk of chunks) outgoing.write(chunk);
    outgoing.end();
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

t.test('DELETE of an identifier with Content-Type: application/json and no body succeeds', async (t) => {
  for (const [label, headers, chunked] of [
    ['Content-Length: 0', { ...JSON_TYPE }, false],
    ['charset parameter', { 'content-type': 'application/json; charset=utf-8' }, false],
    ['chunked, no chunk', { ...JSON_TYPE }, true],
    ['text/plain', { 'content-type': 'text/plain' }, false],
    ['text/plain, chunked, no chunk', { 'content-type': 'text/plain' }, true],
  ] as const) {
    const handle = `${PREFIX_A}/delete-${label.replace(/[^a-z0-9]+/gi, '-')}`;
    t.equal((await fx.put(handle, URL_VALUE, auth.a)).status, 201, `${label}: created`);
    const got = await raw('DELETE', `/api/handles/${handle}`, { authorization: auth.a, ...headers }, [], chunked);
    t.equal(got.status, 200, `${label}: deleted`);
    t.equal(await fx.stored(handle), undefined, `${label}: gone`);
  }
});

t.test('DELETE of some values (?index=) with Content-Type: application/json and no body succeeds', async (t) => {
  const handle = `${PREFIX_A}/delete-values`;
  t.equal((await fx.put(handle, [...URL_VALUE, { index: 2, type: 'EMAIL', data: 'a@example.org' }], auth.a)).status, 201);
  const got = await raw('DELETE', `/api/handles/${handle}?index=2`, { authorization: auth.a, ...JSON_TYPE });
  t.equal(got.status, 200);
  t.same((await fx.stored(handle))?.values.map((value) => value.index), [1, 100]);
});

t.test('POST operations without bodies succeed with Content-Type: application/json', async (t) => {
  const operator = { authorization: auth.operator, ...JSON_TYPE };
  const sealed = await raw('POST', '/api/v1/ledger/seal', operator);
  t.equal(sealed.status, 200, 'POST /api/v1/ledger/seal');

  const rotated = await raw('POST', `/api/v1/enterprises/${PREFIX_B}/rotate-secret`, operator);
  t.equal(rotated.status, 200, 'POST /api/v1/enterprises/:prefix/rotate-secret');

  const homed = await raw('POST', '/api/prefixes/77.1', operator);
  t.equal(homed.status, 201, 'POST /api/prefixes/:prefix');
  t.ok(fx.rest.node.homing.homeOf('77.1'), 'the prefix is homed');

  const unhomed = await raw('DELETE', '/api/prefixes/77.1', operator);
  t.equal(unhomed.status, 200, 'DELETE /api/prefixes/:prefix');

  await fx.rest.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: '88.999.R', name: 'R' });
  const revoked = await raw('DELETE', '/api/v1/enterprises/88.999.R', operator);
  t.equal(revoked.status, 200, 'DELETE /api/v1/enterprises/:prefix');
});

t.test('an operation that needs a body still refuses an empty one, saying so', async (t) => {
  for (const [method, path, authorization] of [
    ['PUT', `/api/handles/${PREFIX_A}/needs-body`, auth.a],
    ['POST', '/api/v1/enterprises', auth.operator],
    ['POST', '/api/prefixes', auth.operator],
    ['POST', '/api/v1/handles/batch', auth.a],
  ] as const) {
    const got = await raw(method, path, { authorization, ...JSON_TYPE });
    t.equal(got.status, 400, `${method} ${path}`);
    t.equal(got.body?.code, 'BODY_MALFORMED_JSON', `${method} ${path}: code`);
    t.match(got.body?.message, /request body is empty; .* needs a JSON body/, `${method} ${path}: says a body is needed`);
  }
  t.equal(await fx.stored(`${PREFIX_A}/needs-body`), undefined, 'nothing stored');
});

t.test('a non-empty body of another type is still refused (415), chunked or not', async (t) => {
  const handle = `${PREFIX_A}/kept`;
  t.equal((await fx.put(handle, URL_VALUE, auth.a)).status, 201);
  for (const chunked of [false, true]) {
    const got = await raw('DELETE', `/api/handles/${handle}`, { authorization: auth.a, 'content-type': 'text/plain' }, ['', 'x'], chunked);
    t.equal(got.status, 415, `chunked ${chunked}: ${JSON.stringify(got.body)}`);
    t.equal(got.body?.code, 'BODY_UNSUPPORTED_MEDIA_TYPE');
  }
  t.ok(await fx.stored(handle), 'nothing deleted');
  const json = await send(fx.handleUrl(handle), { method: 'DELETE', headers: { authorization: auth.a, ...JSON_TYPE }, body: '{' });
  assertError(t, json, 400, 4, 'BODY_MALFORMED_JSON', 'a malformed JSON body on DELETE');
});
