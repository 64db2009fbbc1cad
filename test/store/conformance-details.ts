import type { Test } from 'tap';
import { isIdnodeError } from '../../src/core/errors/catalogue.js';
import { plainWriteChunk, type CounterDelta, type HandleWrite, type Store, type WriteChunk } from '../../src/core/store/store.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { at, CONTEXT, create, handle, NOW, PREFIX, principal, value, type WithStore } from './conformance-fixtures.js';

const ADMIN: HandleValue = {
  index: 100,
  type: 'HS_ADMIN',
  data: { format: 'admin', value: { handle: '0.NA/88.999.1', index: 200, permissions: '011111110011' } },
  ttl: 86400,
  timestamp: '2024-05-01T00:00:00Z',
  permissions: '1110',
  references: [],
};

function counter(count: number, over: Partial<CounterDelta> = {}): CounterDelta {
  return { day: '2024-05-01', prefix: PREFIX, protocol: 'rest', kind: 'resolution.referred', count, ...over };
}

/**
 * The finer statements of the Store contract (src/core/store/store.ts): addIfCreated, updates that change
 * nothing, the write's prefix, counters that cancel out, errors and their codes, and that callers' objects are
 * not the stored ones. Part of storeConformance, so every backend runs it.
 */
export async function storeContractDetails(withStore: WithStore): Promise<void> {
  await withStore('merge: addIfCreated is written when, and only when, the merge creates the handle', async (t, store) => {
    const a = handle('admin-a');
    const b = handle('admin-b');
    const c = handle('admin-c');
    const merge = (h: string, values: HandleValue[], overwrite: boolean, addIfCreated = [ADMIN]): HandleWrite => ({ op: 'merge', handle: h, prefix: PREFIX, values, overwrite, addIfCreated });
    const first = await store.applyWrites([merge(a, [value(300, 'x'), value(1, 'y')], false), merge(b, [value(1, 'b')], true)], CONTEXT);
    t.same(first.map((outcome) => outcome.status), ['created', 'created'], 'created whatever overwrite says');
    t.strictSame((await store.getHandle(a))?.values, [value(1, 'y'), ADMIN, value(300, 'x')], 'added, and sorted with the given values by index');
    t.strictSame((await store.getHandle(b))?.values, [value(1, 'b'), ADMIN]);

    t.same(await store.applyWrites([merge(a, [value(2, 'z')], false)], at(NOW + 1000)), [{ handle: a, status: 'updated' }]);
    t.strictSame((await store.getHandle(a))?.values.map((v) => v.index), [1, 2, 100, 300], 'an existing handle gets the given values only');

    const sameCall = await store.applyWrites([create(c, [value(1, 'c')]), merge(c, [value(2, 'd')], false, [{ ...ADMIN, index: 101 }])], CONTEXT);
    t.same(sameCall.map((outcome) => outcome.status), ['created', 'updated']);
    t.strictSame((await store.getHandle(c))?.values.map((v) => v.index), [1, 2], 'created by an earlier write of the same call: not added');
  });

  await withStore('replace and merge report updated even when nothing differs; the record takes the write\'s prefix', async (t, store) => {
    const h = handle('same');
    await store.applyWrites([create(h, [value(1, 'a')])], CONTEXT);
    t.same(await store.applyWrites([{ op: 'replace', handle: h, prefix: PREFIX, values: [value(1, 'a')] }], at(NOW + 1000)), [{ handle: h, status: 'updated' }]);
    t.equal((await store.getHandle(h))?.updatedAtMs, NOW + 1000, 'updatedAt moved');
    t.same(await store.applyWrites([{ op: 'merge', handle: h, prefix: PREFIX, values: [value(1, 'a')], overwrite: true }], at(NOW + 2000)), [{ handle: h, status: 'updated' }]);
    t.equal((await store.getHandle(h))?.updatedAtMs, NOW + 2000);

    await store.applyWrites([{ op: 'replace', handle: h, prefix: '88.999', values: [value(1, 'a')] }], at(NOW + 3000));
    t.strictSame(await store.getHandle(h), { handle: h, prefix: '88.999', values: [value(1, 'a')], createdAtMs: NOW, updatedAtMs: NOW + 3000 });
    t.strictSame(await store.listCounters('2024-05-01', '2024-05-01'), [
      { day: '2024-05-01', prefix: '88.999', protocol: 'rest', kind: 'update', count: 1 },
      { day: '2024-05-01', prefix: PREFIX, protocol: 'rest', kind: 'registration', count: 1 },
      { day: '2024-05-01', prefix: PREFIX, protocol: 'rest', kind: 'update', count: 2 },
    ], 'each update counted, under the write\'s prefix');
  });

  await withStore('addCounters: deltas of one key that sum to 0 create no row', async (t, store) => {
    await store.addCounters([counter(2), counter(1, { kind: 'refused' }), counter(-2)]);
    t.strictSame(await store.listCounters('2024-05-01', '2024-05-01'), [{ day: '2024-05-01', prefix: PREFIX, protocol: 'rest', kind: 'refused', count: 1 }]);
  });

  await withStore('updatePrincipalSecret updates a revoked principal too', async (t, store) => {
    const revoked = principal('300:88.999.1/revoked');
    await store.insertPrincipal(revoked);
    await store.revokePrincipal(revoked.id, NOW + 1);
    const secret = { hash: Buffer.alloc(32, 7), salt: Buffer.alloc(16, 8) };
    t.equal(await store.updatePrincipalSecret(revoked.id, secret), true);
    t.strictSame(await store.getPrincipal(revoked.id), { ...revoked, secret, revokedAtMs: NOW + 1 });
  });

  await withStore('reinstatePrincipal lifts a revocation with a new secret, only for a revoked principal', async (t, store) => {
    const revoked = principal('300:88.999.1/reinstated');
    await store.insertPrincipal(revoked);
    const secret = { hash: Buffer.alloc(32, 9), salt: Buffer.alloc(16, 3) };
    t.equal(await store.reinstatePrincipal(revoked.id, secret), false, 'an active principal is not reinstated');
    t.strictSame(await store.getPrincipal(revoked.id), revoked, 'nothing changed');
    await store.revokePrincipal(revoked.id, NOW + 1);
    t.equal(await store.reinstatePrincipal(revoked.id, secret), true);
    t.strictSame(await store.getPrincipal(revoked.id), { ...revoked, secret }, 'active again, with the new secret');
    t.equal(await store.reinstatePrincipal('300:88.999.1/nobody', secret), false, 'no such principal');
    t.equal(await store.revokePrincipal(revoked.id, NOW + 2), true, 'it can be revoked again');
  });

  await withStore('a failed call rejects with an IdnodeError INTERNAL_ERROR or STORE_UNAVAILABLE', async (t, store) => {
    const poison = { ...value(1, 'x'), type: 1n as unknown as string };
    const error: unknown = await store.applyWrites([create(handle('poisoned'), [poison])], CONTEXT).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    t.ok(isIdnodeError(error) && (error.code === 'INTERNAL_ERROR' || error.code === 'STORE_UNAVAILABLE'), `rejected with ${String(error)}`);
  });

  await withStore('a write chunk (startWriteChunk) commits as a plain array of the same writes; one never applied writes nothing', async (t, store) => {
    const chunkOf = (writes: readonly HandleWrite[], expected = 1): WriteChunk => {
      const chunk = store.startWriteChunk?.(expected) ?? plainWriteChunk();
      for (const write of writes) chunk.add(write);
      return chunk;
    };
    // Three writes where one was expected: the store's chunk grows.
    const ahead = chunkOf([create(handle('ahead-1'), [value(1, 'a'), value(2, 'b')]), create(handle('ahead-2'), [value(1, 'c')]), create(handle('ahead-3'), [value(1, 'd')])]);
    const leftOut = chunkOf([create(handle('left-out'), [value(1, 'e')])]);
    t.same(
      (await store.applyWrites(ahead.writes, CONTEXT)).map((outcome) => outcome.status),
      ['created', 'created', 'created'],
    );
    t.same(
      (await store.applyWrites([create(handle('plain'), [value(1, 'a'), value(2, 'b')])], CONTEXT)).map((outcome) => outcome.status),
      ['created'],
    );
    const [fromChunk, fromArray] = await Promise.all([store.getStoredAnswer(handle('ahead-1')), store.getStoredAnswer(handle('plain'))]);
    t.equal(fromChunk?.publicJson.replaceAll(handle('ahead-1'), 'H'), fromArray?.publicJson.replaceAll(handle('plain'), 'H'), 'the kept answer is a plain write\'s');
    t.same((await store.getHandle(handle('ahead-1')))?.values, (await store.getHandle(handle('plain')))?.values, 'and so are the values');
    t.same((await store.getHandle(handle('ahead-3')))?.values, [value(1, 'd')], 'the last write of the grown chunk too');
    const hits = await store.scanSearchIndex({ type: 'URL', from: '', to: undefined, limit: 20 });
    const keysOf = (name: string) => hits.filter((hit) => hit.handle === handle(name)).map((hit) => hit.key);
    t.same(keysOf('ahead-1'), keysOf('plain'), 'and so are its search entries');
    t.ok(keysOf('ahead-1').length > 0, 'it has some');
    t.equal(await store.getHandle(handle('left-out')), undefined, 'a chunk never applied is not written');
    t.same(leftOut.writes.length, 1);

    // A write that is not a create or replace, and one that cannot be encoded: applied as from an array.
    const mixed = chunkOf([create(handle('mixed'), [value(1, 'f')]), { op: 'delete', handle: handle('ahead-2'), prefix: PREFIX }]);
    t.same(
      (await store.applyWrites(mixed.writes, CONTEXT)).map((outcome) => outcome.status),
      ['created', 'deleted'],
    );
    const poisoned = chunkOf([create(handle('before-poison'), [value(1, 'g')]), create(handle('poisoned-chunk'), [{ ...value(1, 'x'), type: 1n as unknown as string }])]);
    const error: unknown = await store.applyWrites(poisoned.writes, CONTEXT).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    t.ok(isIdnodeError(error), `a chunk with a write that cannot be encoded fails in applyWrites (${String(error)})`);
    t.equal(await store.getHandle(handle('before-poison')), undefined, 'and writes none of its writes');
  });

  await withStore('commitsInCallOrder: calls made without waiting commit in the order they were made', async (t, store) => {
    if (store.commitsInCallOrder !== true) {
      t.equal(store.commitsInCallOrder, undefined, 'a store that does not promise the order says nothing');
      return;
    }
    // Bulk chunks (many writes, each call packed and sent at once) and single writes, in turn, none awaited.
    const many = (tag: string, from: number) => Array.from({ length: 50 }, (_, k) => create(handle(`order-${tag}-${from + k}`), [value(1, tag)]));
    const calls = [
      store.applyWrites([...many('a', 0), create(handle('order-x'), [value(1, 'first')])], CONTEXT),
      store.applyWrites([create(handle('order-x'), [value(1, 'second')])], CONTEXT),
      store.applyWrites([...many('b', 0), { op: 'replace', handle: handle('order-x'), prefix: PREFIX, values: [value(1, 'third')] }], at(NOW + 1000)),
      store.applyWrites([create(handle('order-x'), [value(1, 'fourth')]), ...many('c', 0)], at(NOW + 2000)),
      store.applyWrites([{ op: 'delete', handle: handle('order-x'), prefix: PREFIX }], at(NOW + 3000)),
      store.applyWrites([...many('d', 0), create(handle('order-x'), [value(1, 'sixth')])], at(NOW + 4000)),
    ];
    const statuses = (await Promise.all(calls)).map((outcomes) => outcomes.find((outcome) => outcome.handle === handle('order-x'))?.status);
    t.same(statuses, ['created', 'exists', 'updated', 'exists', 'deleted', 'created'], 'each call saw the calls made before it, and none made after');
    t.strictSame((await store.getHandle(handle('order-x')))?.values, [value(1, 'sixth')]);
  });

  await withStore('after close, every call of every role rejects with STORE_UNAVAILABLE', async (t, store) => {
    await store.close();
    if (store.readStoredAnswerNow !== undefined) t.throws(() => store.readStoredAnswerNow!(handle('x')), { code: 'STORE_UNAVAILABLE' }, 'readStoredAnswerNow');
    // startWriteChunk only gathers (it never throws); applyWrites, below, is what is refused.
    const calls: Record<Exclude<keyof Store, 'kind' | 'close' | 'onForeignChange' | 'readStoredAnswerNow' | 'startWriteChunk' | 'commitsInCallOrder'>, () => Promise<unknown>> = {
      getHandle: () => store.getHandle(handle('x')),
      getStoredAnswer: () => store.getStoredAnswer(handle('x')),
      applyWrites: () => store.applyWrites([create(handle('x'), [value(1, 'a')])], CONTEXT),
      listHandles: () => store.listHandles(PREFIX, 0, 10),
      scanSearchIndex: () => store.scanSearchIndex({ type: 'URL', from: '', to: undefined, limit: 1 }),
      listHomedPrefixes: () => store.listHomedPrefixes(),
      addHomedPrefix: () => store.addHomedPrefix({ prefix: '88.1', source: 'api', createdAtMs: NOW }),
      removeHomedPrefix: () => store.removeHomedPrefix('88.1'),
      insertPrincipal: () => store.insertPrincipal(principal('300:88.999.1/x')),
      getPrincipal: () => store.getPrincipal('300:88.999.1/x'),
      listPrincipals: () => store.listPrincipals(),
      updatePrincipalSecret: () => store.updatePrincipalSecret('300:88.999.1/x', { hash: Buffer.alloc(32), salt: Buffer.alloc(16) }),
      revokePrincipal: () => store.revokePrincipal('300:88.999.1/x', NOW),
      reinstatePrincipal: () => store.reinstatePrincipal('300:88.999.1/x', { hash: Buffer.alloc(32), salt: Buffer.alloc(16) }),
      addCounters: () => store.addCounters([counter(1)]),
      listCounters: () => store.listCounters('2024-05-01', '2024-05-01'),
      sumCounters: () => store.sumCounters({ fromDay: '2024-05-01', toDay: '2024-05-01', groupBy: [] }),
      listLedgerEntries: () => store.listLedgerEntries(),
      appendLedgerEntry: () => store.appendLedgerEntry({ seq: 1, day: '2024-05-01', entry: '{}' }),
      getMeta: () => store.getMeta('k'),
      initMeta: () => store.initMeta('k', 'v'),
      deleteMeta: () => store.deleteMeta('k'),
      setMeta: () => store.setMeta('k', 'v'),
      ping: () => store.ping(),
      insertTemplate: () => store.insertTemplate({ prefix: PREFIX, version: '1', definition: '{}', createdAtMs: NOW, updatedAtMs: NOW }),
      replaceTemplate: () => store.replaceTemplate({ prefix: PREFIX, version: '1', definition: '{}', createdAtMs: NOW, updatedAtMs: NOW }),
      getTemplate: () => store.getTemplate(PREFIX, '1'),
      listTemplates: () => store.listTemplates(PREFIX),
      deleteTemplate: () => store.deleteTemplate(PREFIX, '1'),
      insertToken: () => store.insertToken({ hash: Buffer.alloc(32), principalId: 'x', stamp: Buffer.alloc(16), issuedAtMs: NOW, expiresAtMs: NOW }, NOW),
      getToken: () => store.getToken(Buffer.alloc(32)),
      setLoginDigest: () => store.setLoginDigest('x', { stamp: Buffer.alloc(16), digest: Buffer.alloc(32) }),
      getLoginDigest: () => store.getLoginDigest('x'),
    };
    for (const [name, call] of Object.entries(calls)) await t.rejects(call(), { code: 'STORE_UNAVAILABLE' }, name);
  });

  await withStore('what a caller passed in, and the lists and buffers it got back, are not what is stored', async (t, store) => {
    const h = handle('mine');
    const values = [value(1, 'a'), value(2, 'b')];
    await store.applyWrites([create(h, values)], CONTEXT);
    (values[0] as { type: string }).type = 'CHANGED';
    (values[0]!.data as { value: string }).value = 'changed';
    values.push(value(3, 'c'));
    t.strictSame((await store.getHandle(h))?.values, [value(1, 'a'), value(2, 'b')], 'values passed in');

    const enterprise = principal('300:88.999.1/mine');
    const hash = Buffer.from(enterprise.secret.hash);
    await store.insertPrincipal(enterprise);
    enterprise.secret.hash.fill(0);
    t.strictSame((await store.getPrincipal(enterprise.id))?.secret.hash, hash, 'a secret passed in');
    (await store.getPrincipal(enterprise.id))!.secret.hash.fill(1);
    (await store.listPrincipals())[0]!.secret.hash.fill(2);
    t.strictSame((await store.getPrincipal(enterprise.id))?.secret.hash, hash, 'a secret got back');

    await store.addHomedPrefix({ prefix: '88.1', source: 'api', createdAtMs: NOW });
    await store.appendLedgerEntry({ seq: 1, day: '2024-05-01', entry: '{}' });
    (await store.listHandles(PREFIX, 0, 10)).handles.length = 0;
    (await store.listPrincipals()).length = 0;
    (await store.listHomedPrefixes()).length = 0;
    (await store.listCounters('2024-05-01', '2024-05-01')).length = 0;
    (await store.listLedgerEntries()).length = 0;
    t.same((await store.listHandles(PREFIX, 0, 10)).handles, [h], 'lists got back');
    t.equal((await store.listPrincipals()).length, 1);
    t.equal((await store.listHomedPrefixes()).length, 1);
    t.equal((await store.listCounters('2024-05-01', '2024-05-01')).length, 1);
    t.equal((await store.listLedgerEntries()).length, 1);
  });
}
