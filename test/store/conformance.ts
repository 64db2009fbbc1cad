import type { Test } from 'tap';
import type { CounterDelta, HandleRecord, HandleWrite, Store } from '../../src/core/store/store.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { storeContractDetails } from './conformance-details.js';
import { storedAnswerConformance } from './conformance-stored-answer.js';
import { templatesAndTokensConformance } from './conformance-templates-tokens.js';
import { searchStoreConformance } from './conformance-search.js';
import { at, byteOrder, CONTEXT, create, handle, NOW, type OpenStore, PREFIX, principal, value, type WithStore } from './conformance-fixtures.js';

export type { OpenStore } from './conformance-fixtures.js';

/**
 * The Store contract of src/core/store/store.ts, checked through the interface only. Every backend runs it
 * (test/store/<backend>.test.ts); each subtest gets a fresh store from `open`.
 */
export function storeConformance(t: Test, name: string, open: OpenStore): Promise<unknown> {
  return t.test(`${name} store conformance`, async (t) => {
    const withStore: WithStore = (title, body) =>
      t.test(title, async (t) => {
        const { store, cleanup } = await open();
        t.teardown(async () => {
          await store.close();
          await cleanup();
        });
        await body(t, store);
      });

    await withStore('create: created, then exists with the record as it stands', async (t, store) => {
      const h = handle('create-1');
      t.equal(await store.getHandle(h), undefined, 'absent before');
      const values = [value(2, 'https://example.com/b'), value(1, 'https://example.com/a')];
      t.same(await store.applyWrites([create(h, values)], CONTEXT), [{ handle: h, status: 'created' }]);
      const expected: HandleRecord = { handle: h, prefix: PREFIX, values: [values[1]!, values[0]!], createdAtMs: NOW, updatedAtMs: NOW };
      t.strictSame(await store.getHandle(h), expected, 'values stored sorted by index, times from the context');

      const again = await store.applyWrites([create(h, [value(1, 'other')])], at(NOW + 5000));
      t.equal(again.length, 1);
      t.equal(again[0]!.status, 'exists');
      t.strictSame(again[0]!.existing, expected, 'existing is the stored record');
      t.strictSame(await store.getHandle(h), expected, 'exists changed nothing');
    });

    await withStore('values of every format round-trip exactly', async (t, store) => {
      const h = handle('formats');
      const values: HandleValue[] = [
        { index: 1, type: 'URL', data: { format: 'string', value: 'https://例え.jp/ü?q=1&r="x"\\' }, ttl: 0, timestamp: '2024-05-01T00:00:00Z', permissions: '1110', references: [] },
        { index: 2, type: 'product.model', data: { format: 'base64', value: 'AAEC/w==' }, ttl: 2147483647, timestamp: '2024-05-01T00:00:01Z', permissions: '1111', references: [{ handle: '88.999.2/ref', index: 7 }] },
        { index: 3, type: 'BLOB', data: { format: 'hex', value: '00ff10' }, ttl: 60, timestamp: '2024-05-01T00:00:02Z', permissions: '1100', references: [] },
        { index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.NA/88.999.1', index: 200, permissions: '011111110011' } }, ttl: 86400, timestamp: '2024-05-01T00:00:03Z', permissions: '1110', references: [] },
        { index: 2147483647, type: '产品.型号', data: { format: 'string', value: '' }, ttl: 86400, timestamp: '2024-05-01T00:00:04Z', permissions: '0000', references: [] },
      ];
      await store.applyWrites([create(h, values)], CONTEXT);
      t.strictSame((await store.getHandle(h))?.values, values);
    });

    await withStore('replace: created when absent, otherwise every value replaced', async (t, store) => {
      const h = handle('replace');
      t.same(await store.applyWrites([{ op: 'replace', handle: h, prefix: PREFIX, values: [value(1, 'a'), value(2, 'b')] }], CONTEXT), [{ handle: h, status: 'created' }]);
      t.same(await store.applyWrites([{ op: 'replace', handle: h, prefix: PREFIX, values: [value(5, 'e'), value(3, 'c')] }], at(NOW + 1000)), [{ handle: h, status: 'updated' }]);
      t.strictSame(await store.getHandle(h), { handle: h, prefix: PREFIX, values: [value(3, 'c'), value(5, 'e')], createdAtMs: NOW, updatedAtMs: NOW + 1000 }, 'createdAt kept, updatedAt moved');
    });

    await withStore('merge: adds and replaces values, keeps the others; overwrite=false refuses an existing index', async (t, store) => {
      const h = handle('merge');
      t.same(await store.applyWrites([{ op: 'merge', handle: h, prefix: PREFIX, values: [value(10, 'j'), value(1, 'a')], overwrite: false }], CONTEXT), [{ handle: h, status: 'created' }]);
      t.strictSame((await store.getHandle(h))?.values, [value(1, 'a'), value(10, 'j')]);

      const merged = await store.applyWrites([{ op: 'merge', handle: h, prefix: PREFIX, values: [value(10, 'J'), value(5, 'e')], overwrite: true }], at(NOW + 1000));
      t.same(merged, [{ handle: h, status: 'updated' }]);
      t.strictSame(await store.getHandle(h), { handle: h, prefix: PREFIX, values: [value(1, 'a'), value(5, 'e'), value(10, 'J')], createdAtMs: NOW, updatedAtMs: NOW + 1000 });

      t.same(await store.applyWrites([{ op: 'merge', handle: h, prefix: PREFIX, values: [value(7, 'g')], overwrite: false }], at(NOW + 2000)), [{ handle: h, status: 'updated' }], 'overwrite=false with new indexes only');
      const before = await store.getHandle(h);
      t.strictSame(before?.values.map((v) => v.index), [1, 5, 7, 10]);

      const refused = await store.applyWrites([{ op: 'merge', handle: h, prefix: PREFIX, values: [value(8, 'new'), value(5, 'E')], overwrite: false }], at(NOW + 3000));
      t.equal(refused[0]!.status, 'value-exists');
      t.strictSame(refused[0]!.existing, before, 'existing is the record as it stands');
      t.strictSame(await store.getHandle(h), before, 'value-exists changed nothing, not even the new index 8');
    });

    await withStore('delete: deleted, then not-found', async (t, store) => {
      const h = handle('delete');
      await store.applyWrites([create(h, [value(1, 'a')])], CONTEXT);
      t.same(await store.applyWrites([{ op: 'delete', handle: h, prefix: PREFIX }], CONTEXT), [{ handle: h, status: 'deleted' }]);
      t.equal(await store.getHandle(h), undefined);
      t.same(await store.applyWrites([{ op: 'delete', handle: h, prefix: PREFIX }], CONTEXT), [{ handle: h, status: 'not-found' }]);
      t.same(await store.listHandles(PREFIX, 0, 10), { total: 0, handles: [] });
    });

    await withStore('delete-values: updated, unchanged, not-found, would-empty', async (t, store) => {
      const h = handle('delete-values');
      const dv = (indexes: number[]): HandleWrite => ({ op: 'delete-values', handle: h, prefix: PREFIX, indexes });
      t.same(await store.applyWrites([dv([1])], CONTEXT), [{ handle: h, status: 'not-found' }]);
      await store.applyWrites([create(h, [value(1, 'a'), value(2, 'b'), value(3, 'c')])], CONTEXT);
      const original = await store.getHandle(h);

      t.same(await store.applyWrites([dv([4, 99])], at(NOW + 1000)), [{ handle: h, status: 'unchanged' }]);
      t.same(await store.applyWrites([dv([])], at(NOW + 1000)), [{ handle: h, status: 'unchanged' }], 'no indexes at all');
      t.strictSame(await store.getHandle(h), original, 'unchanged touched nothing (not even updatedAt)');

      t.same(await store.applyWrites([dv([1, 2, 3])], at(NOW + 1000)), [{ handle: h, status: 'would-empty' }]);
      t.strictSame(await store.getHandle(h), original, 'would-empty touched nothing');

      t.same(await store.applyWrites([dv([2, 42])], at(NOW + 2000)), [{ handle: h, status: 'updated' }], 'absent index 42 ignored');
      t.strictSame(await store.getHandle(h), { ...original!, values: [value(1, 'a'), value(3, 'c')], updatedAtMs: NOW + 2000 });
    });

    await withStore('one applyWrites: in order, later writes see earlier ones, one outcome per write', async (t, store) => {
      const a = handle('batch-a');
      const b = handle('batch-b');
      const c = handle('batch-c');
      await store.applyWrites([create(c, [value(1, 'c')])], CONTEXT);
      const outcomes = await store.applyWrites(
        [
          create(a, [value(1, 'a1')]),
          create(a, [value(1, 'a1-again')]),
          { op: 'merge', handle: a, prefix: PREFIX, values: [value(2, 'a2')], overwrite: false },
          { op: 'merge', handle: a, prefix: PREFIX, values: [value(2, 'x')], overwrite: false },
          { op: 'delete-values', handle: a, prefix: PREFIX, indexes: [1] },
          create(b, [value(1, 'b')]),
          { op: 'delete', handle: b, prefix: PREFIX },
          { op: 'delete', handle: b, prefix: PREFIX },
          { op: 'delete', handle: c, prefix: PREFIX },
          create(c, [value(9, 'c-reborn')]),
        ],
        at(NOW + 1000),
      );
      t.same(
        outcomes.map((o) => [o.handle, o.status]),
        [
          [a, 'created'],
          [a, 'exists'],
          [a, 'updated'],
          [a, 'value-exists'],
          [a, 'updated'],
          [b, 'created'],
          [b, 'deleted'],
          [b, 'not-found'],
          [c, 'deleted'],
          [c, 'created'],
        ],
      );
      t.strictSame(outcomes[1]!.existing, { handle: a, prefix: PREFIX, values: [value(1, 'a1')], createdAtMs: NOW + 1000, updatedAtMs: NOW + 1000 }, 'exists shows the earlier write of the same call');
      t.strictSame(outcomes[3]!.existing?.values, [value(1, 'a1'), value(2, 'a2')]);
      t.strictSame(await store.getHandle(a), { handle: a, prefix: PREFIX, values: [value(2, 'a2')], createdAtMs: NOW + 1000, updatedAtMs: NOW + 1000 });
      t.equal(await store.getHandle(b), undefined, 'created and deleted in one call');
      t.strictSame(await store.getHandle(c), { handle: c, prefix: PREFIX, values: [value(9, 'c-reborn')], createdAtMs: NOW + 1000, updatedAtMs: NOW + 1000 }, 'deleted then created again');
      t.same(await store.applyWrites([], CONTEXT), [], 'an empty call is a no-op');
    });

    await withStore('counters: only committed outcomes count, per write prefix, context day and protocol', async (t, store) => {
      const other = '88.999.2';
      const x = handle('x');
      const y = handle('y', other);
      const grpc = at(NOW, { protocol: 'grpc', day: '2024-05-02' });
      await store.applyWrites(
        [
          create(x, [value(1, 'x')]),
          create(x, [value(1, 'x')]), // exists
          { op: 'replace', handle: y, prefix: other, values: [value(1, 'y')] }, // created
          { op: 'merge', handle: y, prefix: other, values: [value(1, 'y2')], overwrite: false }, // value-exists
          { op: 'merge', handle: y, prefix: other, values: [value(2, 'y2')], overwrite: true }, // updated
          { op: 'delete-values', handle: y, prefix: other, indexes: [9] }, // unchanged
          { op: 'delete-values', handle: y, prefix: other, indexes: [1, 2] }, // would-empty
          { op: 'delete-values', handle: handle('nobody'), prefix: PREFIX, indexes: [1] }, // not-found
          { op: 'delete', handle: handle('nobody'), prefix: PREFIX }, // not-found
        ],
        CONTEXT,
      );
      await store.applyWrites([{ op: 'delete', handle: x, prefix: PREFIX }, { op: 'replace', handle: y, prefix: other, values: [value(3, 'z')] }], grpc);
      t.strictSame(await store.listCounters('2024-01-01', '2024-12-31'), [
        { day: '2024-05-01', prefix: PREFIX, protocol: 'rest', kind: 'registration', count: 1 },
        { day: '2024-05-01', prefix: other, protocol: 'rest', kind: 'registration', count: 1 },
        { day: '2024-05-01', prefix: other, protocol: 'rest', kind: 'update', count: 1 },
        { day: '2024-05-02', prefix: PREFIX, protocol: 'grpc', kind: 'delete', count: 1 },
        { day: '2024-05-02', prefix: other, protocol: 'grpc', kind: 'update', count: 1 },
      ]);
    });

    await withStore('a failing applyWrites commits nothing (no write, no counter) and the store stays usable', async (t, store) => {
      const good = handle('good');
      const bad = handle('bad');
      // Not JSON-serialisable: an injected store failure after the first write of the call was planned.
      const poison = { ...value(1, 'x'), type: 1n as unknown as string };
      await t.rejects(store.applyWrites([create(good, [value(1, 'good')]), create(bad, [poison])], CONTEXT));
      t.equal(await store.getHandle(good), undefined, 'the earlier write of the call was rolled back');
      t.equal(await store.getHandle(bad), undefined);
      t.strictSame(await store.listCounters('0000-01-01', '9999-12-31'), [], 'nothing counted');
      t.same(await store.applyWrites([create(good, [value(1, 'good')])], CONTEXT), [{ handle: good, status: 'created' }]);
    });

    await withStore('a large call commits every write', async (t, store) => {
      const writes = Array.from({ length: 2000 }, (_, i) => create(handle(`bulk-${String(i).padStart(5, '0')}`), [value(1, `v${i}`), value(2, 'x')]));
      const outcomes = await store.applyWrites(writes, CONTEXT);
      t.equal(outcomes.filter((o) => o.status === 'created').length, 2000);
      t.same(outcomes.map((o) => o.handle), writes.map((w) => w.handle), 'outcomes in write order');
      t.equal((await store.listHandles(PREFIX, 0, 1)).total, 2000);
      t.strictSame((await store.getHandle(handle('bulk-01999')))?.values, [value(1, 'v1999'), value(2, 'x')]);
      t.strictSame(await store.listCounters('2024-05-01', '2024-05-01'), [{ day: '2024-05-01', prefix: PREFIX, protocol: 'rest', kind: 'registration', count: 2000 }]);
    });

    await withStore('a large call of creates, some of them existing: each outcome exact, only the new counted', async (t, store) => {
      const name = (i: number) => handle(`mix-${String(i).padStart(3, '0')}`);
      const present = [0, 3, 12, 19, 20, 44, 45, 46, 99];
      await store.applyWrites(present.map((i) => create(name(i), [value(1, 'old')])), CONTEXT);
      const later = at(NOW + 1000);
      const outcomes = await store.applyWrites(Array.from({ length: 100 }, (_, i) => create(name(i), [value(1, 'new')])), later);
      t.same(
        outcomes.map((o) => o.status),
        Array.from({ length: 100 }, (_, i) => (present.includes(i) ? 'exists' : 'created')),
      );
      t.strictSame(outcomes[12]!.existing?.values, [value(1, 'old')], 'an existing record is returned as it stands');
      t.strictSame((await store.getHandle(name(13)))?.values, [value(1, 'new')]);
      t.strictSame((await store.getHandle(name(44)))?.values, [value(1, 'old')], 'an existing record is left alone');
      t.strictSame(await store.listCounters('2024-05-01', '2024-05-01'), [
        { day: '2024-05-01', prefix: PREFIX, protocol: 'rest', kind: 'registration', count: 100 }, // 9 first, then 91
      ]);
    });

    await withStore('listHandles: exactly the prefix, byte order, paging, total', async (t, store) => {
      // UTF-8 byte order differs from UTF-16 order: U+FF21 (EF BC A1) sorts before U+1F600 (F0 9F 98 80).
      const suffixes = ['b', 'B', 'a', 'Z', '~', 'é', 'e\u0301', '中', '\uFF21', '😀', 'a/b', 'a.b', 'a:b', '0', ' lead'];
      const ours = suffixes.map((s) => handle(s));
      const writes = [
        ...ours.map((h) => create(h, [value(1, h)])),
        create(handle('not-mine', '88.999.10'), [value(1, 'x')], '88.999.10'),
        create(handle('not-mine', '88.999'), [value(1, 'x')], '88.999'),
        create(handle('not-mine', '88.999.1.2'), [value(1, 'x')], '88.999.1.2'),
      ];
      await store.applyWrites(writes, CONTEXT);
      const expected = [...ours].sort(byteOrder);
      t.not(expected.join(), [...ours].sort().join(), 'the fixture tells byte order from UTF-16 order');

      t.strictSame(await store.listHandles(PREFIX, 0, 100), { total: ours.length, handles: expected });
      t.strictSame(await store.listHandles(PREFIX, 0, 4), { total: ours.length, handles: expected.slice(0, 4) });
      t.strictSame(await store.listHandles(PREFIX, 4, 4), { total: ours.length, handles: expected.slice(4, 8) });
      t.strictSame(await store.listHandles(PREFIX, 12, 10), { total: ours.length, handles: expected.slice(12) });
      t.strictSame(await store.listHandles(PREFIX, 100, 10), { total: ours.length, handles: [] }, 'past the end');
      t.strictSame(await store.listHandles(PREFIX, 0, 0), { total: ours.length, handles: [] }, 'limit 0');
      t.strictSame(await store.listHandles('88.999.10', 0, 10), { total: 1, handles: ['88.999.10/not-mine'] });
      t.strictSame(await store.listHandles('88.999', 0, 10), { total: 1, handles: ['88.999/not-mine'] }, 'no descendants');
      t.strictSame(await store.listHandles('88.998', 0, 10), { total: 0, handles: [] });
    });

    await withStore('unicode handles round-trip byte-exact and are told apart by bytes', async (t, store) => {
      const composed = handle('café-中文-😀');
      const decomposed = handle('cafe\u0301-中文-😀');
      const upper = handle('CAFÉ-中文-😀');
      await store.applyWrites([create(composed, [value(1, 'composed')]), create(decomposed, [value(1, 'decomposed')]), create(upper, [value(1, 'upper')])], CONTEXT);
      for (const [h, expected] of [[composed, 'composed'], [decomposed, 'decomposed'], [upper, 'upper']] as const) {
        const record = await store.getHandle(h);
        t.equal(record?.handle, h);
        t.ok(Buffer.from(record!.handle, 'utf8').equals(Buffer.from(h, 'utf8')), `${expected}: same bytes`);
        t.same(record?.values[0]?.data, { format: 'string', value: expected });
      }
      const listed = (await store.listHandles(PREFIX, 0, 10)).handles;
      t.strictSame([...listed].sort(), [composed, decomposed, upper].sort());
      t.equal(await store.getHandle(handle('café-中文-😀 ')), undefined, 'no trimming or folding');
    });

    await withStore('creates store any handle as given: tabs, newlines and values full of them', async (t, store) => {
      // Stores never validate; a store that encodes creates for speed must not trip over its own separators.
      const plain = handle('plain');
      const tabbed = handle('tab\there');
      const broken = handle('line\nbreak');
      const outcomes = await store.applyWrites([create(plain, [value(1, 'a\tb\nc')]), create(tabbed, [value(1, 't')]), create(broken, [value(1, 'n')])], CONTEXT);
      t.same(outcomes.map((outcome) => outcome.status), ['created', 'created', 'created']);
      t.same((await store.getHandle(plain))?.values[0]?.data, { format: 'string', value: 'a\tb\nc' });
      t.same((await store.getHandle(tabbed))?.values[0]?.data, { format: 'string', value: 't' });
      t.same((await store.getHandle(broken))?.values[0]?.data, { format: 'string', value: 'n' });
      const again = await store.applyWrites([create(plain, [value(1, 'x')]), create(broken, [value(1, 'x')])], CONTEXT);
      t.same(again.map((outcome) => outcome.status), ['exists', 'exists']);
      t.same(again[1]!.existing?.values[0]?.data, { format: 'string', value: 'n' });
    });

    await withStore('homed prefixes', async (t, store) => {
      t.strictSame(await store.listHomedPrefixes(), []);
      t.equal(await store.addHomedPrefix({ prefix: '88.999', source: 'config', createdAtMs: NOW }), true);
      t.equal(await store.addHomedPrefix({ prefix: '88.999', source: 'api', createdAtMs: NOW + 1 }), false, 'already homed');
      t.equal(await store.addHomedPrefix({ prefix: '88.111', source: 'api', createdAtMs: NOW + 2 }), true);
      t.strictSame(await store.listHomedPrefixes(), [
        { prefix: '88.111', source: 'api', createdAtMs: NOW + 2 },
        { prefix: '88.999', source: 'config', createdAtMs: NOW },
      ], 'sorted by prefix; the refused add changed nothing');
      t.equal(await store.removeHomedPrefix('88.999'), true);
      t.equal(await store.removeHomedPrefix('88.999'), false, 'not homed any more');
      t.equal(await store.removeHomedPrefix('88.9'), false);
      t.strictSame(await store.listHomedPrefixes(), [{ prefix: '88.111', source: 'api', createdAtMs: NOW + 2 }]);
    });

    await withStore('principals', async (t, store) => {
      const enterprise = principal('300:88.999.1/admin');
      const operator = principal('300:0.NA/88.999', { role: 'operator', prefix: undefined, name: 'Operator' });
      const auditor = principal('300:88.999/auditor', { role: 'auditor', prefix: undefined, name: '审计' });
      t.equal(await store.getPrincipal(enterprise.id), undefined);
      for (const p of [enterprise, operator, auditor]) t.equal(await store.insertPrincipal(p), true, `insert ${p.id}`);
      t.equal(await store.insertPrincipal({ ...enterprise, name: 'Impostor' }), false, 'duplicate id');
      t.strictSame(await store.getPrincipal(enterprise.id), enterprise, 'the duplicate changed nothing; buffers round-trip');
      t.strictSame(await store.getPrincipal(operator.id), operator, 'prefix undefined round-trips as undefined');
      t.strictSame(await store.listPrincipals(), [operator, enterprise, auditor], 'all, by id');
      t.strictSame(await store.listPrincipals('enterprise'), [enterprise]);
      t.strictSame(await store.listPrincipals('auditor'), [auditor]);

      const secret = { hash: Buffer.alloc(32, 0xab), salt: Buffer.alloc(16, 0x00) };
      t.equal(await store.updatePrincipalSecret(enterprise.id, secret), true);
      t.strictSame((await store.getPrincipal(enterprise.id))?.secret, secret);
      t.equal(await store.updatePrincipalSecret('300:88.999.1/nobody', secret), false);

      t.equal(await store.revokePrincipal(enterprise.id, NOW + 10), true);
      t.equal(await store.revokePrincipal(enterprise.id, NOW + 20), false, 'already revoked');
      t.equal(await store.revokePrincipal('300:88.999.1/nobody', NOW), false);
      t.strictSame(await store.getPrincipal(enterprise.id), { ...enterprise, secret, revokedAtMs: NOW + 10 }, 'revoked ones are returned, first revocation time kept');
      t.equal((await store.listPrincipals('enterprise')).length, 1, 'listed while revoked');
    });

    await withStore('addCounters: additive, also under concurrency', async (t, store) => {
      const delta = (count: number, over: Partial<CounterDelta> = {}): CounterDelta => ({ day: '2024-05-01', prefix: PREFIX, protocol: 'rest', kind: 'resolution.cache-hit', count, ...over });
      await store.addCounters([]);
      await store.addCounters([delta(5), delta(2), delta(1, { kind: 'resolution.not-found' })]);
      await store.addCounters([delta(3)]);
      await store.addCounters([delta(0, { kind: 'resolution.referred' })]);
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          store.addCounters([delta(1), delta(2, { protocol: i % 2 === 0 ? 'hdl' : 'grpc' }), delta(1, { kind: 'resolution.store-read', day: '2024-05-02' })]),
        ),
      );
      t.strictSame(await store.listCounters('2024-05-01', '2024-05-02'), [
        { day: '2024-05-01', prefix: PREFIX, protocol: 'grpc', kind: 'resolution.cache-hit', count: 100 },
        { day: '2024-05-01', prefix: PREFIX, protocol: 'hdl', kind: 'resolution.cache-hit', count: 100 },
        { day: '2024-05-01', prefix: PREFIX, protocol: 'rest', kind: 'resolution.cache-hit', count: 110 },
        { day: '2024-05-01', prefix: PREFIX, protocol: 'rest', kind: 'resolution.not-found', count: 1 },
        { day: '2024-05-02', prefix: PREFIX, protocol: 'rest', kind: 'resolution.store-read', count: 100 },
      ], 'a delta of 0 creates no row');
      await store.addCounters([delta(4_000_000_000)]);
      t.equal((await store.listCounters('2024-05-01', '2024-05-01')).find((r) => r.protocol === 'rest' && r.kind === 'resolution.cache-hit')?.count, 4_000_000_110, 'beyond 32 bits');
    });

    await withStore('listCounters: the day range is inclusive', async (t, store) => {
      const days = ['2024-04-30', '2024-05-01', '2024-05-02', '2024-05-03', '2025-05-01'];
      await store.addCounters(days.map((day) => ({ day, prefix: PREFIX, protocol: 'rest', kind: 'registration', count: 1 })));
      t.same((await store.listCounters('2024-05-01', '2024-05-02')).map((r) => r.day), ['2024-05-01', '2024-05-02']);
      t.same((await store.listCounters('2024-05-03', '2024-05-03')).map((r) => r.day), ['2024-05-03']);
      t.same((await store.listCounters('2024-05-04', '2025-04-30')).map((r) => r.day), []);
      t.same(await store.listCounters('2024-05-02', '2024-05-01'), [], 'from after to');
      t.same((await store.listCounters('0000-01-01', '9999-12-31')).map((r) => r.day), days, 'sorted by day');
    });

    await withStore('sumCounters: grouped sums in byte order, filtered by day range and prefix', async (t, store) => {
      const row = (day: string, prefix: string, protocol: string, kind: CounterDelta['kind'], count: number): CounterDelta => ({ day, prefix, protocol, kind, count });
      await store.addCounters([
        row('2024-04-30', PREFIX, 'rest', 'registration', 1000),
        row('2024-05-01', PREFIX, 'rest', 'registration', 3),
        row('2024-05-01', PREFIX, 'grpc', 'registration', 4),
        row('2024-05-01', PREFIX, 'rest', 'resolution.cache-hit', 5_000_000_000),
        row('2024-05-01', '88.999.10', 'rest', 'registration', 7),
        row('2024-05-02', '88.999.2', 'hdl', 'resolution.store-read', 9),
        row('2024-05-02', PREFIX, 'rest', 'registration', 2),
        row('2024-05-03', PREFIX, 'rest', 'registration', 1000),
      ]);
      const range = { fromDay: '2024-05-01', toDay: '2024-05-02' };
      t.strictSame(await store.sumCounters({ ...range, groupBy: [] }), [
        { kind: 'registration', count: 16 },
        { kind: 'resolution.cache-hit', count: 5_000_000_000 },
        { kind: 'resolution.store-read', count: 9 },
      ], 'kind only, beyond 32 bits');
      t.strictSame(await store.sumCounters({ ...range, groupBy: ['prefix', 'day'] }), [
        { day: '2024-05-01', prefix: PREFIX, kind: 'registration', count: 7 },
        { day: '2024-05-01', prefix: PREFIX, kind: 'resolution.cache-hit', count: 5_000_000_000 },
        { day: '2024-05-01', prefix: '88.999.10', kind: 'registration', count: 7 },
        { day: '2024-05-02', prefix: PREFIX, kind: 'registration', count: 2 },
        { day: '2024-05-02', prefix: '88.999.2', kind: 'resolution.store-read', count: 9 },
      ], 'day then prefix whatever the order asked, prefixes in byte order');
      t.strictSame(await store.sumCounters({ ...range, prefix: PREFIX, groupBy: ['protocol'] }), [
        { protocol: 'grpc', kind: 'registration', count: 4 },
        { protocol: 'rest', kind: 'registration', count: 5 },
        { protocol: 'rest', kind: 'resolution.cache-hit', count: 5_000_000_000 },
      ], 'one prefix, by protocol');
      t.strictSame(await store.sumCounters({ ...range, prefix: '88.999.404', groupBy: ['day'] }), [], 'unknown prefix: nothing');
      t.strictSame(await store.sumCounters({ fromDay: '2024-05-02', toDay: '2024-05-01', groupBy: ['day'] }), [], 'from after to');
    });

    await withStore('ledger: append-only, one entry per seq and per day, listed in seq order', async (t, store) => {
      t.strictSame(await store.listLedgerEntries(), []);
      const first = { seq: 1, day: '2024-05-01', entry: '{"seq":1,"note":"ünïcode kept"}' };
      const second = { seq: 2, day: '2024-05-02', entry: '{"seq":2}' };
      t.equal(await store.appendLedgerEntry(second), true, 'the store does not judge the chain: seq 2 first is accepted');
      t.equal(await store.appendLedgerEntry(first), true);
      t.equal(await store.appendLedgerEntry({ seq: 2, day: '2024-05-03', entry: 'other' }), false, 'seq taken');
      t.equal(await store.appendLedgerEntry({ seq: 3, day: '2024-05-01', entry: 'other' }), false, 'day taken');
      const raced = await Promise.all(Array.from({ length: 10 }, (_, i) => store.appendLedgerEntry({ seq: 3, day: '2024-05-03', entry: `racer ${i}` })));
      t.equal(raced.filter(Boolean).length, 1, 'one of many concurrent appends of a seq wins');
      const listed = await store.listLedgerEntries();
      t.strictSame(listed.slice(0, 2), [first, second], 'entries byte for byte, in seq order');
      t.equal(listed.length, 3);
      t.match(listed[2], { seq: 3, day: '2024-05-03', entry: /^racer \d$/ });
    });

    await withStore('meta: unset, then set once', async (t, store) => {
      t.equal(await store.getMeta('node.first-run'), undefined);
      t.equal(await store.initMeta('node.first-run', '2024-05-01T00:00:00Z'), '2024-05-01T00:00:00Z');
      t.equal(await store.initMeta('node.first-run', 'later'), '2024-05-01T00:00:00Z', 'the first value stays');
      t.equal(await store.getMeta('node.first-run'), '2024-05-01T00:00:00Z');
      const raced = await Promise.all(Array.from({ length: 20 }, (_, i) => store.initMeta('node.key', `candidate-${i}`)));
      t.equal(new Set(raced).size, 1, 'concurrent initialisations agree on one value');
      t.equal(await store.getMeta('node.key'), raced[0]);
      t.equal(await store.initMeta('empty', ''), '', 'the empty string is a value');
      t.equal(await store.deleteMeta('node.key'), true, 'deleted');
      t.equal(await store.getMeta('node.key'), undefined);
      t.equal(await store.deleteMeta('node.key'), false, 'already unset');
      t.equal(await store.initMeta('node.key', 'again'), 'again', 'set again after deleting');
      await store.setMeta('node.key', 'replaced');
      t.equal(await store.getMeta('node.key'), 'replaced', 'setMeta replaces');
      await store.setMeta('fresh', 'new');
      t.equal(await store.getMeta('fresh'), 'new', 'setMeta sets an unset key');
      t.equal(await store.getMeta('empty'), '');
    });

    await withStore('onForeignChange: own writes are not foreign; unsubscribe works', async (t, store) => {
      const seen: (string | undefined)[] = [];
      const unsubscribe = store.onForeignChange((h) => seen.push(h));
      await store.applyWrites([create(handle('own'), [value(1, 'a')]), { op: 'delete', handle: handle('own'), prefix: PREFIX }, create(handle('own2'), [value(1, 'a')])], CONTEXT);
      // An absence can only be shown by waiting: a foreign-change notice, were one sent, arrives well within 300 ms.
      await new Promise((resolve) => setTimeout(resolve, 300));
      t.strictSame(seen, []);
      unsubscribe();
      unsubscribe();
    });

    await withStore('ping, then close: idempotent, and later calls reject', async (t, store) => {
      await store.ping();
      t.match(store.kind, /^(sqlite|postgres|memory)$/);
      await store.close();
      await store.close();
      await t.rejects(store.ping());
      await t.rejects(store.getHandle(handle('x')));
      await t.rejects(store.applyWrites([create(handle('x'), [value(1, 'a')])], CONTEXT));
    });

    await storeContractDetails(withStore);
    await storedAnswerConformance(withStore);
    await templatesAndTokensConformance(withStore);
    await searchStoreConformance(withStore);
  });
}
