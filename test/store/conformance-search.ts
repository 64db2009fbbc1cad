import type { HandleValue } from '../../src/core/values/handle-value.js';
import type { SearchHit, Store } from '../../src/core/store/store.js';
import { KEY_MAX_CHARS } from '../../src/core/search/search-keys.js';
import { at, byteOrder, CONTEXT, create, handle, NOW, PREFIX, value, type WithStore } from './conformance-fixtures.js';

/** Every hit of `type` from the start, scanned `page` at a time (checks resuming after a hit). */
async function allHits(store: Store, type: string, from = '', to?: string, page = 2): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  for (;;) {
    const next = await store.scanSearchIndex({ type, from, to, limit: page, ...(hits.length > 0 ? { after: hits.at(-1)! } : {}) });
    hits.push(...next);
    if (next.length < page) return hits;
  }
}

function seckey(): HandleValue {
  return { index: 300, type: 'HS_SECKEY', data: { format: 'secret-hash', value: 'abc' }, ttl: 86400, timestamp: '2024-05-01T00:00:00Z', permissions: '1100', references: [] };
}

/** The SearchStore role (src/core/store/store.ts): what the index holds after every kind of write, and how it is scanned. */
export async function searchStoreConformance(withStore: WithStore): Promise<void> {
  await withStore('search index: the searchable string values of created handles, in (key, handle) byte order', async (t, store) => {
    await store.applyWrites(
      [
        create(handle('b'), [value(1, 'https://x/2'), value(2, 'IM-1', 'product.model'), value(3, 'ops@x', 'EMAIL')]),
        create(handle('a'), [value(1, 'https://x/2'), value(2, 'https://x/1'), value(3, 'https://x/1')]),
        create(handle('c'), [value(1, 'https://ü/'), value(2, 'https://z/'), { ...value(3, 'AA==', 'URL'), data: { format: 'base64', value: 'AA==' } }, seckey()]),
      ],
      CONTEXT,
    );
    const expected = [
      { key: 'https://x/1', handle: handle('a') },
      { key: 'https://x/2', handle: handle('a') },
      { key: 'https://x/2', handle: handle('b') },
      { key: 'https://z/', handle: handle('c') },
      { key: 'https://ü/', handle: handle('c') },
    ];
    t.strictSame(await allHits(store, 'URL'), expected, 'one entry per distinct value, byte order, base64 data and secret keys left out');
    t.strictSame(await allHits(store, 'EMAIL'), [{ key: 'ops@x', handle: handle('b') }]);
    t.strictSame(await allHits(store, 'product.model'), [], 'types not searchable are not indexed');
    t.strictSame(await allHits(store, 'HS_SECKEY'), []);
    t.strictSame(await allHits(store, 'URL', 'https://x/', 'https://x0'), expected.slice(0, 3), 'a key range [from, to)');
    t.strictSame(await allHits(store, 'URL', 'https://x/2'), expected.slice(1), 'from is inclusive');
    t.strictSame(await store.scanSearchIndex({ type: 'URL', from: '', to: undefined, after: expected[1]!, limit: 10 }), expected.slice(2), 'after is exclusive');
    t.strictSame(await store.scanSearchIndex({ type: 'URL', from: 'https://x/', to: 'https://x/1', limit: 10 }), [], 'to is exclusive');
    t.ok(expected.every((hit, k) => k === 0 || byteOrder(expected[k - 1]!.key, hit.key) <= 0));
  });

  await withStore('search index: replace, merge, delete-values and delete change the entries in the same write', async (t, store) => {
    const h = handle('changing');
    await store.applyWrites([create(h, [value(1, 'https://old/'), value(2, 'keep@x', 'EMAIL')])], CONTEXT);
    await store.applyWrites([{ op: 'replace', handle: h, prefix: PREFIX, values: [value(1, 'https://new/'), value(2, 'keep@x', 'EMAIL')] }], at(NOW + 1));
    t.strictSame(await allHits(store, 'URL'), [{ key: 'https://new/', handle: h }], 'replace: the old value is gone');
    await store.applyWrites([{ op: 'merge', handle: h, prefix: PREFIX, values: [value(3, 'https://more/')], overwrite: true }], at(NOW + 2));
    t.strictSame(await allHits(store, 'URL'), [{ key: 'https://more/', handle: h }, { key: 'https://new/', handle: h }], 'merge adds');
    await store.applyWrites([{ op: 'delete-values', handle: h, prefix: PREFIX, indexes: [1] }], at(NOW + 3));
    t.strictSame(await allHits(store, 'URL'), [{ key: 'https://more/', handle: h }], 'delete-values removes');
    t.strictSame(await allHits(store, 'EMAIL'), [{ key: 'keep@x', handle: h }], 'untouched values stay');
    await store.applyWrites([{ op: 'delete', handle: h, prefix: PREFIX }], at(NOW + 4));
    t.strictSame(await allHits(store, 'URL'), [], 'delete removes every entry');
    t.strictSame(await allHits(store, 'EMAIL'), []);
    // A handle created and deleted within one call nets out.
    await store.applyWrites([create(handle('brief'), [value(1, 'https://brief/')]), { op: 'delete', handle: handle('brief'), prefix: PREFIX }], at(NOW + 5));
    t.strictSame(await allHits(store, 'URL'), []);
  });

  await withStore('search index: a create that finds the handle existing adds nothing; two values with one key are one entry', async (t, store) => {
    const h = handle('exists');
    await store.applyWrites([create(h, [value(1, 'https://first/')])], CONTEXT);
    const outcomes = await store.applyWrites([create(h, [value(1, 'https://second/')]), create(handle('other'), [value(1, 'https://first/')])], at(NOW + 1));
    t.same(outcomes.map((o) => o.status), ['exists', 'created']);
    t.strictSame(await allHits(store, 'URL'), [{ key: 'https://first/', handle: h }, { key: 'https://first/', handle: handle('other') }]);
    // Twelve creates: the bulk paths' multi-row statements and their remainder.
    await store.applyWrites(Array.from({ length: 12 }, (_, k) => create(handle(`bulk-${String(k).padStart(2, '0')}`), [value(1, `https://bulk/${k % 3}`)])), at(NOW + 2));
    t.equal((await allHits(store, 'URL', 'https://bulk/', 'https://bulk0', 5)).length, 12);
  });

  await withStore('search index: keys are the first KEY_MAX_CHARS code points of the value', async (t, store) => {
    const long = '😀'.repeat(KEY_MAX_CHARS + 10);
    const ascii = 'd'.repeat(KEY_MAX_CHARS * 2);
    await store.applyWrites([create(handle('long'), [value(1, long, 'DESC'), value(2, ascii, 'DESC'), value(3, `${ascii}x`, 'DESC')])], CONTEXT);
    t.strictSame(await allHits(store, 'DESC'), [
      { key: 'd'.repeat(KEY_MAX_CHARS), handle: handle('long') },
      { key: '😀'.repeat(KEY_MAX_CHARS), handle: handle('long') },
    ]);
  });
}
