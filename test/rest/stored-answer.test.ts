import t from 'tap';
import { answerJson, publicValuesOf } from '../../src/core/resolver/public-answer.js';
import { TEST_CORE_CONFIG } from '../helpers/rest-node.js';
import { PREFIX_A, startFixture } from './rest-fixture.js';

// A miss is answered with the body the store kept beside the values (public_json): it must be, byte for byte,
// what encoding the record gives, after creates, updates and deletes, with private values left out for
// anonymous callers and still shown to those who may read them. With second-sight admission an identifier is
// cached on its second miss, so the first two reads here come from the store's kept bytes.

const fx = await startFixture(t, { config: { cache: { ...TEST_CORE_CONFIG.cache, admission: 'second-sight' } } });
const { rest, auth } = fx;

async function rawGet(handle: string, authorization?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(fx.handleUrl(handle), { headers: authorization === undefined ? {} : { authorization } });
  return { status: response.status, text: await response.text() };
}

/** The body an anonymous resolution must send, computed from the record as stored. */
async function computed(handle: string): Promise<string> {
  const record = await fx.stored(handle);
  const visible = publicValuesOf(record!.values);
  return answerJson(handle, visible, visible.length > 0 ? 1 : 200);
}

const stats = () => rest.node.cache.stats();

t.test('anonymous misses send the kept bytes, equal to the computed answer; privileged callers see the rest', async (t) => {
  const handle = `${PREFIX_A}/KEPT-1`;
  t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'https://a.example/1' }, { index: 2, type: 'EMAIL', data: 'x@a.example', permissions: '1100' }], auth.a)).status, 201);

  const before = stats();
  const first = await rawGet(handle);
  const second = await rawGet(handle);
  const third = await rawGet(handle);
  const after = stats();
  t.equal(first.status, 200);
  t.equal(first.text, await computed(handle), 'a miss: the kept bytes are the computed answer, byte for byte');
  t.notMatch(first.text, /x@a\.example/, 'the private value is not in the anonymous answer');
  t.equal(second.text, first.text, 'the second miss, which admits it to the cache');
  t.equal(third.text, first.text, 'a hit');
  t.same([after.misses - before.misses, after.hits - before.hits], [2, 1], 'cached on second sight');

  const owner = await rawGet(handle, auth.a);
  t.match(owner.text, /x@a\.example/, 'the owner may read the private value: not the kept public bytes');

  // An update: the kept bytes change in the same transaction, and the cache entry is dropped.
  t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'https://a.example/2' }, { index: 3, type: 'EMAIL', data: 'y@a.example', permissions: '1100' }], auth.a)).status, 200);
  for (let k = 0; k < 3; k++) t.equal((await rawGet(handle)).text, await computed(handle), `after the update, read ${k + 1}`);
  t.match((await rawGet(handle)).text, /a\.example\/2/);

  // Only a private value given (the PUT keeps the default HS_ADMIN, which is public).
  t.equal((await fx.put(handle, [{ index: 3, type: 'EMAIL', data: 'y@a.example', permissions: '1100' }], auth.a)).status, 200);
  const none = await rawGet(handle);
  t.equal(none.text, await computed(handle), 'only HS_ADMIN public: the kept answer');
  t.same(
    (JSON.parse(none.text) as { values: { type: string }[] }).values.map((value) => value.type),
    ['HS_ADMIN'],
  );
  t.match((await rawGet(handle, auth.a)).text, /y@a\.example/, 'still shown to the owner');

  const deleted = await fetch(fx.handleUrl(handle), { method: 'DELETE', headers: { authorization: auth.a } });
  t.equal(deleted.status, 200);
  t.equal((await rawGet(handle)).status, 404, 'deleted: not found');
});

t.test('filtered anonymous reads are computed, not the kept bytes', async (t) => {
  const handle = `${PREFIX_A}/KEPT-2`;
  t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'u' }, { index: 2, type: 'NOTE', data: 'n' }], auth.a)).status, 201);
  const filtered = await fetch(`${fx.handleUrl(handle)}?index=2`);
  const body = (await filtered.json()) as { values: { index: number }[] };
  t.same(
    body.values.map((value) => value.index),
    [2],
  );
});
