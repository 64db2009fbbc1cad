import t from 'tap';
import { isIdnodeError } from '../../src/core/errors/catalogue.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { openMemoryStore } from '../../src/store/memory/memory-store.js';
import { compareUtf8 } from '../../src/core/store/utf8-order.js';
import { byteOrder, CONTEXT, create, handle, PREFIX, principal, value } from './conformance-fixtures.js';

// What the conformance suite cannot ask of every backend: the in-memory store's own promises.

t.test('compareUtf8 orders as the UTF-8 bytes do', async (t) => {
  const samples = ['', 'a', 'ab', 'b', 'Z', '~', '\u007f', 'é', '\u0800', '\ud7ff', '\ue000', '\uff21', '\uffff', '😀', '𝄞', 'a😀', 'a\uffff', 'a\ue000b'];
  for (const a of samples) {
    for (const b of samples) t.equal(Math.sign(compareUtf8(a, b)), Math.sign(byteOrder(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
});

t.test('records, principals and rows handed out are frozen, and shared instead of copied', async (t) => {
  const store = openMemoryStore();
  t.teardown(() => store.close());
  const h = handle('frozen');
  await store.applyWrites([create(h, [value(1, 'a'), { ...value(2, 'b'), references: [{ handle: '88.999.2/x', index: 1 }] }])], CONTEXT);
  const record = (await store.getHandle(h))!;
  t.equal(await store.getHandle(h), record, 'the same object on every read');
  t.ok(Object.isFrozen(record) && Object.isFrozen(record.values), 'record and its values array');
  for (const stored of record.values) t.ok(Object.isFrozen(stored) && Object.isFrozen(stored.data) && Object.isFrozen(stored.references), `value ${stored.index}`);
  t.ok(Object.isFrozen(record.values[1]!.references[0]), 'a reference');
  t.throws(() => ((record.values as HandleValue[])[0] = value(1, 'x')), TypeError, 'no caller can change a stored record');

  await store.applyWrites([{ op: 'merge', handle: h, prefix: PREFIX, values: [value(3, 'c')], overwrite: false }], CONTEXT);
  const merged = (await store.getHandle(h))!;
  t.equal(merged.values[0], record.values[0], 'a merge keeps the stored values as they are');

  const admin: HandleValue = { ...value(100, ''), type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.NA/88.999.1', index: 200, permissions: '011111110011' } } };
  await store.applyWrites([create(handle('a1'), [value(1, 'a'), admin]), create(handle('a2'), [value(1, 'b'), admin])], CONTEXT);
  const [a1, a2] = [(await store.getHandle(handle('a1')))!, (await store.getHandle(handle('a2')))!];
  t.equal(a1.values[1], a2.values[1], 'one value passed for several handles in a call is copied once');
  t.not(a1.values[1], admin);
  t.ok(Object.isFrozen(a1.values[1]!.data) && Object.isFrozen((a1.values[1]!.data as { value: object }).value), 'admin data');

  await store.insertPrincipal(principal('300:88.999.1/p'));
  const got = (await store.getPrincipal('300:88.999.1/p'))!;
  t.ok(Object.isFrozen(got) && Object.isFrozen(got.secret));
  await store.addHomedPrefix({ prefix: '88.1', source: 'api', createdAtMs: 1 });
  t.ok(Object.isFrozen((await store.listHomedPrefixes())[0]));
  await store.appendLedgerEntry({ seq: 1, day: '2024-05-01', entry: '{}' });
  t.ok(Object.isFrozen((await store.listLedgerEntries())[0]));
});

t.test('a value that could not be stored as JSON fails the call (INTERNAL_ERROR, naming it) and changes nothing', async (t) => {
  const store = openMemoryStore({ name: 'node-7' });
  t.teardown(() => store.close());
  const good = value(1, 'good');
  const broken: [string, unknown][] = [
    ['index is a string, not a number', { ...good, index: '1' }],
    ['type is a bigint, not a string', { ...good, type: 1n }],
    ['ttl is a string, not a number', { ...good, ttl: '60' }],
    ['timestamp is a number, not a string', { ...good, timestamp: 0 }],
    ['permissions is a undefined, not a string', { ...good, permissions: undefined }],
    ['data.format is a undefined, not a string', { ...good, data: {} }],
    ['data.value is a object, not a string', { ...good, data: { format: 'string', value: null } }],
    ['data.value.handle is a undefined, not a string', { ...good, data: { format: 'admin', value: {} } }],
    ['data.value.index is a string, not a number', { ...good, data: { format: 'admin', value: { handle: 'h', index: '1', permissions: '0' } } }],
    ['data.value.permissions is a number, not a string', { ...good, data: { format: 'admin', value: { handle: 'h', index: 1, permissions: 0 } } }],
    ['references is not an array', { ...good, references: {} }],
    ["a reference's handle is a number, not a string", { ...good, references: [{ handle: 1, index: 1 }] }],
    ["a reference's index is a undefined, not a number", { ...good, references: [{ handle: 'h' }] }],
  ];
  for (const [problem, bad] of broken) {
    for (const writes of [[create(handle('ok'), [good]), create(handle('bad'), [bad as HandleValue])], [create(handle('ok'), [good]), { op: 'replace' as const, handle: handle('bad'), prefix: PREFIX, values: [bad as HandleValue] }]]) {
      const error: unknown = await store.applyWrites(writes, CONTEXT).then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      t.ok(isIdnodeError(error) && error.code === 'INTERNAL_ERROR', problem);
      t.match((error as Error).message, `applying 2 handle write(s) in the in-memory store "node-7" failed: value`);
      t.match((error as Error).message, `of "${handle('bad')}" cannot be stored: ${problem}`);
    }
  }
  t.equal(await store.getHandle(handle('ok')), undefined, 'nothing committed');
  t.same(await store.listCounters('0000-01-01', '9999-12-31'), []);
});

t.test('the name appears in errors; sumCounters refuses an unknown dimension like the SQL stores', async (t) => {
  const store = openMemoryStore({ name: 'sim-3' });
  await t.rejects(store.sumCounters({ fromDay: '2024-05-01', toDay: '2024-05-01', groupBy: ['kind' as 'day'] }), { code: 'INTERNAL_ERROR', message: /sumCounters cannot group by "kind"/ });
  await store.close();
  await t.rejects(store.ping(), { code: 'STORE_UNAVAILABLE', message: 'the in-memory store "sim-3" is closed' });
  const unnamed = openMemoryStore();
  await unnamed.close();
  await t.rejects(unnamed.getMeta('k'), { message: 'the in-memory store is closed' });
});

t.test('listHandles: handles without a "/" are under no prefix; a listing after a change sees it', async (t) => {
  const store = openMemoryStore();
  t.teardown(() => store.close());
  await store.applyWrites([create('no-slash', [value(1, 'x')]), create(handle('b'), [value(1, 'b')])], CONTEXT);
  t.same(await store.listHandles('no-slash', 0, 10), { total: 0, handles: [] });
  t.same(await store.listHandles(PREFIX, 0, 10), { total: 1, handles: [handle('b')] });
  await store.applyWrites([create(handle('a'), [value(1, 'a')]), { op: 'delete', handle: 'no-slash', prefix: PREFIX }], CONTEXT);
  t.same(await store.listHandles(PREFIX, 0, 10), { total: 2, handles: [handle('a'), handle('b')] });
  await store.applyWrites([{ op: 'delete', handle: handle('a'), prefix: PREFIX }, { op: 'delete', handle: handle('b'), prefix: PREFIX }], CONTEXT);
  t.same(await store.listHandles(PREFIX, 0, 10), { total: 0, handles: [] });
});
