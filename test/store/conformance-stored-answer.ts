import type { Test } from 'tap';
import { answerJson, publicValuesOf } from '../../src/core/resolver/public-answer.js';
import type { HandleWrite, Store } from '../../src/core/store/store.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { at, CONTEXT, create, handle, NOW, PREFIX, value, type WithStore } from './conformance-fixtures.js';

/** A value anonymous callers may not read (publicRead bit off). */
function privateValue(index: number, text: string): HandleValue {
  return { ...value(index, text, 'EMAIL'), permissions: '1100' };
}

/** A secret key: never shown to anyone, so never in a public answer. */
function secretValue(index: number): HandleValue {
  return { index, type: 'HS_SECKEY', data: { format: 'secret-hash', value: 'c2FsdA==:aGFzaA==' }, ttl: 86400, timestamp: '2024-05-01T00:00:00Z', permissions: '1100', references: [] } as unknown as HandleValue;
}

/** The kept body must be exactly what the record's values give now, and the record the one getHandle reads. */
async function expectKept(t: Test, store: Store, h: string, what: string): Promise<void> {
  const stored = await store.getStoredAnswer(h);
  const record = await store.getHandle(h);
  if (store.readStoredAnswerNow !== undefined) t.equal(store.readStoredAnswerNow(h)?.publicJson, stored?.publicJson, `${what}: the synchronous read reads the same`);
  if (record === undefined) {
    t.equal(stored, undefined, `${what}: absent`);
    return;
  }
  t.ok(stored, `${what}: present`);
  const visible = publicValuesOf(record.values);
  t.equal(stored!.publicJson, answerJson(h, visible, visible.length > 0 ? 1 : 200), `${what}: kept body equals the encoded answer, byte for byte`);
  t.strictSame(stored!.record(), record, `${what}: the record is getHandle's`);
  t.equal(stored!.record(), stored!.record(), `${what}: parsed once`);
}

/**
 * HandleStore.getStoredAnswer: the public answer each write keeps beside the values (public_json in the SQL
 * stores), after every kind of write, with private and secret values left out. Part of storeConformance.
 */
export async function storedAnswerConformance(withStore: WithStore): Promise<void> {
  await withStore('getStoredAnswer: the kept public body follows every write', async (t, store) => {
    const a = handle('kept-a');
    const b = handle('kept-b');
    const bulk = Array.from({ length: 25 }, (_, k) => handle(`kept-bulk-${k}`));
    t.equal(await store.getStoredAnswer(a), undefined, 'absent before');
    await store.applyWrites([create(a, [value(2, 'b'), value(1, 'a')])], CONTEXT);
    await expectKept(t, store, a, 'single create');
    await store.applyWrites(bulk.map((h, k) => create(h, [value(1, `v${k}`), privateValue(2, 'hidden')])), CONTEXT);
    for (const h of [bulk[0]!, bulk[24]!]) await expectKept(t, store, h, 'bulk create with a private value');
    t.notMatch((await store.getStoredAnswer(bulk[0]!))!.publicJson, /hidden/, 'a private value is not in the public body');

    const writes: [string, HandleWrite][] = [
      ['replace', { op: 'replace', handle: a, prefix: PREFIX, values: [value(5, 'e'), privateValue(6, 'p')] }],
      ['merge', { op: 'merge', handle: a, prefix: PREFIX, values: [value(7, 'g')], overwrite: true }],
      ['delete-values', { op: 'delete-values', handle: a, prefix: PREFIX, indexes: [5, 7] }],
    ];
    let now = NOW;
    for (const [what, write] of writes) {
      await store.applyWrites([write], at((now += 1000)));
      await expectKept(t, store, a, what);
    }
    t.match((await store.getStoredAnswer(a))!.publicJson, /^\{"responseCode":200,/, 'only a private value left: the body says none is visible');

    await store.applyWrites([create(b, [secretValue(300), value(1, 'x')])], CONTEXT);
    await expectKept(t, store, b, 'with a secret key');
    t.notMatch((await store.getStoredAnswer(b))!.publicJson, /HS_SECKEY/, 'a secret key is in no public body');

    await store.applyWrites([{ op: 'delete', handle: a, prefix: PREFIX }], at((now += 1000)));
    t.equal(await store.getStoredAnswer(a), undefined, 'deleted: absent');
    await store.applyWrites([{ op: 'delete', handle: b, prefix: PREFIX }, create(b, [value(9, 'reborn')])], at((now += 1000)));
    await expectKept(t, store, b, 'deleted and created again in one call');
  });
}
