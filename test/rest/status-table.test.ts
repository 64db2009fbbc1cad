import t from 'tap';
import { send, type Sent } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { PREFIX_A, PREFIX_B, startFixture } from './rest-fixture.js';

// docs/design.md §4, response code → HTTP status: 1→200/201, 2→500, 100→404, 101→409, 102/202/301→400,
// 200→200 on resolution, 402→401, 400/401/403→403. Each row below triggers its code over HTTP.
// (400 "invalid admin" is in the table but no operation of this API produces it.)

const fx = await startFixture(t);
const { auth } = fx;
const handle = `${PREFIX_A}/TABLE-1`;
t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'x' }], auth.a)).status, 201);

interface Row {
  readonly responseCode: number;
  readonly status: number;
  readonly what: string;
  readonly request: () => Promise<Sent>;
}

const rows: Row[] = [
  { responseCode: 1, status: 200, what: 'resolved', request: () => send(fx.handleUrl(handle)) },
  { responseCode: 1, status: 201, what: 'created', request: () => fx.put(`${PREFIX_A}/TABLE-2`, [{ index: 1, type: 'URL', data: 'x' }], auth.a) },
  { responseCode: 1, status: 200, what: 'replaced', request: () => fx.put(handle, [{ index: 1, type: 'URL', data: 'y' }], auth.a) },
  { responseCode: 100, status: 404, what: 'handle not found', request: () => send(fx.handleUrl(`${PREFIX_A}/none`)) },
  { responseCode: 101, status: 409, what: 'handle exists', request: () => fx.put(handle, [{ index: 1, type: 'URL', data: 'z' }], auth.a, '?overwrite=false') },
  { responseCode: 102, status: 400, what: 'invalid handle', request: () => send(fx.handleUrl('88..999/x')) },
  { responseCode: 200, status: 200, what: 'values not found', request: () => send(fx.handleUrl(`${handle}?type=NONE`)) },
  { responseCode: 202, status: 400, what: 'invalid value', request: () => fx.put(handle, [{ index: 0, type: 'URL', data: 'x' }], auth.a) },
  { responseCode: 301, status: 400, what: 'not responsible', request: () => send(fx.handleUrl('99.999/x')) },
  { responseCode: 402, status: 401, what: 'authentication needed', request: () => fx.put(handle, [{ index: 1, type: 'URL', data: 'x' }]) },
  { responseCode: 401, status: 403, what: 'insufficient permissions', request: () => fx.put(`${PREFIX_B}/x`, [{ index: 1, type: 'URL', data: 'x' }], auth.a) },
  {
    responseCode: 403,
    status: 403,
    what: 'authentication failed',
    request: () => fx.put(handle, [{ index: 1, type: 'URL', data: 'x' }], basic(fx.a.id, 'wrong-secret')),
  },
];

t.test('each response code is served with its HTTP status', async (t) => {
  for (const row of rows) {
    const got = await row.request();
    t.equal(got.body.responseCode, row.responseCode, `${row.what}: responseCode ${row.responseCode}`);
    t.equal(got.status, row.status, `${row.what}: HTTP ${row.status}`);
    if (row.responseCode !== 1 && row.responseCode !== 200) t.match(got.body, { code: String, message: /\S/ }, `${row.what}: code and message`);
  }
});

t.test('2 (error) → 500: an unexpected store failure is INTERNAL_ERROR and its cause stays private', async (t) => {
  const store = fx.rest.store;
  const { getHandle, getStoredAnswer, readStoredAnswerNow } = store;
  const fire = () => {
    throw new Error('disk on fire: /var/lib/secret/path');
  };
  const onFire = async () => fire();
  store.getHandle = onFire;
  store.getStoredAnswer = onFire;
  store.readStoredAnswerNow = fire;
  t.teardown(() => {
    store.getHandle = getHandle;
    store.getStoredAnswer = getStoredAnswer;
    store.readStoredAnswerNow = readStoredAnswerNow;
  });
  const got = await send(fx.handleUrl(`${PREFIX_A}/uncached`));
  t.equal(got.status, 500);
  t.equal(got.body.responseCode, 2);
  t.equal(got.body.code, 'INTERNAL_ERROR');
  t.notMatch(got.body.message, /disk|secret/, 'the cause stays in the server log');
});
