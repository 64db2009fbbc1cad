import { join } from 'node:path';
import t, { type Test } from 'tap';
import { ANONYMOUS, type Principal } from '../../src/core/auth/principal.js';
import type { BulkRegistration } from '../../src/core/bulk/bulk-registration.js';
import type { BulkItem } from '../../src/core/bulk/bulk-types.js';
import { systemClock, systemRandom, type Clock } from '../../src/core/clock/clock.js';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { firstRun } from '../../src/core/first-run.js';
import { IdNode } from '../../src/core/node.js';
import type { CounterKind, Store } from '../../src/core/store/store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { TEST_CORE_CONFIG } from '../helpers/rest-node.js';
import { virtualRuntime } from '../helpers/virtual-runtime.js';

const DEMO = '88.999.DEMO';

interface Fixture {
  node: IdNode;
  store: Store;
  bulk: BulkRegistration;
  demo: Principal;
  operator: Principal;
  /** While `on`, applyWrites calls fail (as with a lost database) once `skip` more calls have gone through. */
  failWrites: { on: boolean; skip: number };
  /**
   * applyWrites calls under way (`inFlight`, at most `maxInFlight` at once). While `hold` is set, each call's
   * answer waits until the test runs its release, kept in `held` in call order (the call itself is made at once,
   * so the store's order is kept; the answers may be released in any order).
   */
  writes: { hold: boolean; held: (() => void)[]; inFlight: number; maxInFlight: number };
  counters(): Promise<Record<string, number>>;
}

/** `inCallOrder: false`: the store does not say it commits in call order (as PostgreSQL's does not). */
async function fixture(t: Test, clock: Clock = systemClock, { inCallOrder = true } = {}): Promise<Fixture> {
  const real = openSqliteStore({ file: join(t.testdir(), 'idnode.sqlite'), synchronous: 'normal' });
  const failWrites = { on: false, skip: 0 };
  const writes: Fixture['writes'] = { hold: false, held: [], inFlight: 0, maxInFlight: 0 };
  const store: Store = new Proxy(real, {
    get(target, property, receiver) {
      if (property === 'commitsInCallOrder' && !inCallOrder) return undefined;
      if (property === 'applyWrites' && failWrites.on) {
        if (failWrites.skip > 0) failWrites.skip--;
        else {
          return async () => {
            throw new IdnodeError('STORE_UNAVAILABLE', 'the SQLite store is unavailable (test)');
          };
        }
      }
      if (property === 'applyWrites') {
        return async (...args: Parameters<Store['applyWrites']>) => {
          writes.maxInFlight = Math.max(writes.maxInFlight, ++writes.inFlight);
          try {
            const answer = target.applyWrites(...args);
            if (writes.hold) await new Promise<void>((resolve) => writes.held.push(resolve));
            return await answer;
          } finally {
            writes.inFlight--;
          }
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const node = await IdNode.create(TEST_CORE_CONFIG, { store, clock, random: systemRandom, logger: silent(), ...virtualRuntime() });
  const credentials = (await firstRun(node))!;
  t.teardown(async () => {
    await node.close();
    await real.close();
  });
  return {
    node,
    store,
    bulk: node.bulk,
    demo: { kind: 'enterprise', id: credentials.demoEnterprise.id, prefix: DEMO },
    operator: { kind: 'operator', id: credentials.operator.id },
    failWrites,
    writes,
    async counters() {
      await node.metering.flush();
      const totals: Record<string, number> = {};
      for (const row of await store.listCounters('2000-01-01', '2100-01-01')) totals[`${row.prefix}|${row.kind}`] = (totals[`${row.prefix}|${row.kind}`] ?? 0) + row.count;
      return totals;
    },
  };
}

function silent() {
  const logger = { info() {}, warn() {}, error() {}, debug() {}, child: () => logger };
  return logger;
}

function item(suffix: string, url = `https://example.org/${suffix}`, prefix = DEMO): BulkItem {
  return { handle: `${prefix}/${suffix}`, values: [{ index: 1, type: 'URL', data: url }] };
}

function count(counters: Record<string, number>, prefix: string, kind: CounterKind): number {
  return counters[`${prefix}|${kind}`] ?? 0;
}

t.test('a re-sent batch creates nothing and counts nothing twice', async (t) => {
  const f = await fixture(t);
  const items = [item('A'), item('B'), item('C')];
  const first = await f.bulk.registerBatch(items, { principal: f.demo, overwrite: false, protocol: 'rest' });
  t.same(first.results.map((r) => [r.position, r.handle, r.status]), [
    [0, `${DEMO}/A`, 'created'],
    [1, `${DEMO}/B`, 'created'],
    [2, `${DEMO}/C`, 'created'],
  ]);
  const again = await f.bulk.registerBatch(items, { principal: f.demo, overwrite: false, protocol: 'rest' });
  t.same(again.results.map((r) => r.status), ['already-exists', 'already-exists', 'already-exists']);
  t.match(again.summary, { received: 3, created: 0, alreadyExisted: 3, updated: 0, failed: 0, failures: [], failuresOmitted: 0 });
  const counters = await f.counters();
  t.equal(count(counters, DEMO, 'registration'), 3);
  t.equal(count(counters, DEMO, 'refused'), 0);
  t.equal(count(counters, DEMO, 'update'), 0);
});

t.test('an existing identifier with other values: a conflict, or with overwrite an update', async (t) => {
  const f = await fixture(t);
  await f.bulk.registerBatch([item('A')], { principal: f.demo, overwrite: false, protocol: 'rest' });
  const conflict = await f.bulk.registerBatch([item('A', 'https://other.example/')], { principal: f.demo, overwrite: false, protocol: 'rest' });
  t.match(conflict.results[0], { status: 'failed', code: 'HANDLE_ALREADY_EXISTS', message: `${DEMO}/A already exists with other values (overwrite=false)` });
  const replaced = await f.bulk.registerBatch([item('A', 'https://other.example/'), item('B')], { principal: f.demo, overwrite: true, protocol: 'rest' });
  t.same(replaced.results.map((r) => r.status), ['updated', 'created']);
  const record = await f.store.getHandle(`${DEMO}/A`);
  t.equal(record!.values.find((v) => v.index === 1)!.data.value, 'https://other.example/');
  const identical = await f.bulk.registerBatch([item('A', 'https://other.example/')], { principal: f.demo, overwrite: true, protocol: 'rest' });
  t.equal(identical.results[0]!.status, 'already-exists', 'overwrite never rewrites an identical record');
  const counters = await f.counters();
  t.equal(count(counters, DEMO, 'registration'), 2);
  t.equal(count(counters, DEMO, 'update'), 1);
  t.equal(count(counters, DEMO, 'refused'), 1);
});

t.test('items are validated one by one like a PUT; refusals are counted under their prefix', async (t) => {
  const f = await fixture(t);
  const { results, summary } = await f.bulk.registerBatch(
    [
      item('ok-1'),
      { handle: 42, values: [] },
      { handle: 'no-slash', values: [{ index: 1, type: 'URL', data: 'x' }] },
      item('theirs', 'https://x', '88.999.OTHER'),
      item('away', 'https://x', '77.1'),
      { handle: `${DEMO}/bad-value`, values: [{ index: 0, type: 'URL', data: 'x' }] },
      { handle: `${DEMO}/no-values`, values: [] },
      { handle: '', values: undefined, problem: new IdnodeError('BODY_MALFORMED_JSON', 'line 8 is not valid JSON') },
      item('ok-2'),
    ],
    { principal: f.demo, overwrite: false, protocol: 'grpc' },
  );
  t.same(
    results.map((r) => [r.position, r.status, r.code]),
    [
      [0, 'created', undefined],
      [1, 'failed', 'REQUEST_INVALID'],
      [2, 'failed', 'IDENTIFIER_MISSING_SLASH'],
      [3, 'failed', 'PERMISSION_DENIED'],
      [4, 'failed', 'NOT_HOMED'],
      [5, 'failed', 'VALUE_INDEX_INVALID'],
      [6, 'failed', 'VALUES_MISSING'],
      [7, 'failed', 'BODY_MALFORMED_JSON'],
      [8, 'created', undefined],
    ],
  );
  t.equal(results[1]!.message, 'handle must be a string, got 42');
  t.equal(results[3]!.handle, '88.999.OTHER/theirs');
  t.equal(summary.failed, 7);
  t.same(summary.failures.map((r) => r.position), [1, 2, 3, 4, 5, 6, 7]);
  const counters = await f.counters();
  t.equal(count(counters, DEMO, 'registration'), 2);
  t.equal(count(counters, DEMO, 'refused'), 2, 'bad value and no values, under the enterprise prefix');
  t.equal(count(counters, '88.999.OTHER', 'refused'), 0, 'a prefix allocated to no one makes no row');
  t.equal(count(counters, '77.1', 'refused'), 0, 'nor does a foreign one');
  t.equal(count(counters, '(other)', 'refused'), 5, 'unallocated, foreign, and handles that did not parse: the one bounded bucket');
});

t.test('an identifier twice in one batch: the later occurrence is refused', async (t) => {
  const f = await fixture(t);
  await f.bulk.registerBatch([item('OLD')], { principal: f.demo, overwrite: false, protocol: 'rest' });
  const { results } = await f.bulk.registerBatch([item('NEW'), item('OLD'), item('new', 'x'), item('NEW', 'https://changed'), item('OLD')], {
    principal: f.demo,
    overwrite: true,
    protocol: 'rest',
  });
  t.same(results.map((r) => [r.status, r.code]), [
    ['created', undefined],
    ['already-exists', undefined],
    ['created', undefined],
    ['failed', 'HANDLE_DUPLICATE_IN_REQUEST'],
    ['failed', 'HANDLE_DUPLICATE_IN_REQUEST'],
  ]);
  t.equal(results[3]!.message, `${DEMO}/NEW occurs earlier in this batch, at position 0; it is written once`);
});

t.test('an identifier again in a later chunk of the same import is refused too', async (t) => {
  const f = await fixture(t);
  await f.bulk.registerBatch([item('PRE')], { principal: f.demo, overwrite: false, protocol: 'rest' });
  const session = f.bulk.openImport({ principal: f.demo, overwrite: true, protocol: 'rest', chunkSize: 2 });
  await session.add(item('X'), 1);
  await session.add(item('PRE', 'https://changed'), 2);
  await session.add(item('Y'), 3);
  await session.add(item('X'), 4);
  await session.add(item('PRE', 'https://changed'), 5);
  await session.add(item('PRE', 'https://changed-again'), 6);
  const summary = await session.finish();
  t.match(summary, { received: 6, created: 2, updated: 1, failed: 3 });
  t.same(summary.failures.map((r) => [r.line, r.code]), [
    [4, 'HANDLE_DUPLICATE_IN_REQUEST'],
    [5, 'HANDLE_DUPLICATE_IN_REQUEST'],
    [6, 'HANDLE_DUPLICATE_IN_REQUEST'],
  ]);
  t.match(summary.failures[0]!.message, /was already written earlier in this import/);
  t.equal((await f.store.getHandle(`${DEMO}/PRE`))!.values[0]!.data.value, 'https://changed', 'the first occurrence won');
});

t.test('a retried import in a new session is already-exists even when the clock has not moved', async (t) => {
  const frozen = { now: () => Date.UTC(2025, 0, 1, 2, 0, 0) };
  const f = await fixture(t, frozen);
  for (let attempt = 0; attempt < 2; attempt++) {
    const session = f.bulk.openImport({ principal: f.demo, overwrite: false, protocol: 'rest', chunkSize: 100 });
    for (let i = 0; i < 1000; i++) await session.add(item(`SN-${i}`));
    const summary = await session.finish();
    t.match(summary, attempt === 0 ? { created: 1000, failed: 0 } : { created: 0, alreadyExisted: 1000, failed: 0 }, `attempt ${attempt + 1}`);
  }
});

t.test('callers who can write nothing are refused before any item is read', async (t) => {
  const f = await fixture(t);
  await t.rejects(f.bulk.registerBatch([item('A')], { principal: ANONYMOUS, overwrite: false, protocol: 'rest' }), { code: 'AUTHENTICATION_REQUIRED' });
  t.throws(() => f.bulk.openImport({ principal: { kind: 'auditor', id: '300:0.NA/88.999.AUDIT' }, overwrite: false, protocol: 'rest' }), { code: 'PERMISSION_DENIED' });
  const tooMany = Array.from({ length: 2001 }, (_, i) => item(`N-${i}`));
  await t.rejects(f.bulk.registerBatch(tooMany, { principal: f.demo, overwrite: false, protocol: 'rest' }), {
    code: 'REQUEST_INVALID',
    message: 'a batch holds at most 2000 items, got 2001; send more batches or use the streaming import',
  });
  const counters = await f.counters();
  t.equal(count(counters, '(other)', 'refused'), 3, 'each refused request counts once');
  t.equal(await f.store.getHandle(`${DEMO}/A`), undefined);
  const empty = await f.bulk.registerBatch([], { principal: f.demo, overwrite: false, protocol: 'rest' });
  t.same(empty, { results: [], summary: { received: 0, created: 0, alreadyExisted: 0, updated: 0, failed: 0, failures: [], failuresOmitted: 0 } });
});

t.test('the operator may register under any homed prefix', async (t) => {
  const f = await fixture(t);
  const { results } = await f.bulk.registerBatch([item('OP', 'x', '88.999.ANY')], { principal: f.operator, overwrite: false, protocol: 'rest' });
  t.equal(results[0]!.status, 'created');
});

t.test('a written identifier is dropped from the cache at once', async (t) => {
  const f = await fixture(t);
  const resolve = () => f.node.resolver.resolve({ handle: `${DEMO}/CACHED`, principal: ANONYMOUS, protocol: 'rest' });
  t.equal((await resolve()).status, 'not-found');
  t.equal((await resolve()).status, 'not-found', 'the not-found answer is cached');
  await f.bulk.registerBatch([item('CACHED')], { principal: f.demo, overwrite: false, protocol: 'rest' });
  t.equal((await resolve()).status, 'found');
  await f.bulk.registerBatch([item('CACHED', 'https://new')], { principal: f.demo, overwrite: true, protocol: 'rest' });
  t.equal((await resolve()).values[0]!.data.value, 'https://new');
});

t.test('the failures listed are bounded; the rest are counted', async (t) => {
  const f = await fixture(t);
  const session = f.bulk.openImport({ principal: f.demo, overwrite: false, protocol: 'rest', chunkSize: 3, maxFailuresListed: 2 });
  for (let i = 0; i < 5; i++) await session.add({ handle: `bad ${i}`, values: [] });
  await session.add(item('good'));
  const summary = await session.finish();
  t.match(summary, { received: 6, created: 1, failed: 5, failuresOmitted: 3 });
  t.same(summary.failures.map((r) => r.position), [0, 1]);
});

t.test('a chunk the store cannot commit writes nothing; earlier chunks stay; the session stops', async (t) => {
  const f = await fixture(t);
  const session = f.bulk.openImport({ principal: f.demo, overwrite: false, protocol: 'rest', chunkSize: 10 });
  for (let i = 0; i < 20; i++) await session.add(item(`K-${i}`));
  f.failWrites.on = true;
  // The third chunk is handed over by the add that fills it; its failure surfaces at the next call.
  for (let i = 20; i < 30; i++) await session.add(item(`K-${i}`));
  await t.rejects(session.finish(), { code: 'STORE_UNAVAILABLE' });
  f.failWrites.on = false;
  t.match(session.summary(), { created: 20, received: 20 });
  t.equal((await f.store.listHandles(DEMO, 0, 1)).total, 20);
  await t.rejects(session.add(item('K-30'))!, { code: 'REQUEST_INVALID', message: 'this bulk import is broken; no more items are taken' });
  await t.rejects(session.finish(), { code: 'REQUEST_INVALID' });
});

/** An import of chunks of 5 whose second chunk (`<tag>-5` to `<tag>-9`, handed over by the add of `<tag>-9`) the store fails. */
async function importFailingSecondChunk(f: Fixture, tag: string, overwrite: boolean) {
  const session = f.bulk.openImport({ principal: f.demo, overwrite, protocol: 'rest', chunkSize: 5 });
  for (let i = 0; i < 5; i++) await session.add(item(`${tag}-${i}`));
  f.failWrites.on = true;
  for (let i = 5; i < 10; i++) await session.add(item(`${tag}-${i}`));
  f.failWrites.on = false;
  return session;
}

t.test('one chunk at a time (overwrite): a failed commit surfaces by the add that fills the next chunk, which is never written', async (t) => {
  const f = await fixture(t);
  const session = await importFailingSecondChunk(f, 'L', true);
  // The second chunk was handed over by the add of L-9; its failure reaches the first call after it settles.
  let rejectedAt: number | undefined;
  for (let i = 10; i < 15 && rejectedAt === undefined; i++) {
    await session.add(item(`L-${i}`))?.catch((error: { code?: string }) => {
      t.equal(error.code, 'STORE_UNAVAILABLE');
      rejectedAt = i;
    });
  }
  t.ok(rejectedAt !== undefined, 'rejected by L-14 at the latest');
  t.match(session.summary(), { created: 5, received: 5 });
  t.equal((await f.store.listHandles(DEMO, 0, 1)).total, 5, 'the chunk after the failed one was never written');
});

t.test('two chunks in flight: the one handed over after a failed chunk commits or fails whole and is reported, then the failure surfaces', async (t) => {
  const f = await fixture(t);
  const session = await importFailingSecondChunk(f, 'M', false);
  let rejected: { code?: string } | undefined;
  for (let i = 10; i < 20 && rejected === undefined; i++) {
    await session.add(item(`M-${i}`))?.catch((error: { code?: string }) => (rejected = error));
  }
  if (rejected === undefined) await session.finish().catch((error: { code?: string }) => (rejected = error));
  t.equal(rejected?.code, 'STORE_UNAVAILABLE', 'the failure surfaces, by finish at the latest');
  const summary = session.summary();
  const stored = (await f.store.listHandles(DEMO, 0, 100)).handles;
  t.notOk(stored.some((handle) => /\/M-[5-9]$/.test(handle)), 'the failed chunk wrote nothing');
  t.ok(stored.includes(`${DEMO}/M-4`), 'the chunk before it stays');
  t.equal(summary.created, stored.length, `what was written (${stored.length}) is what is reported`);
  t.equal(summary.received, summary.created);
  await t.rejects(session.finish(), { code: 'REQUEST_INVALID' }, 'and the session is broken');
});

t.test('where the store commits in call order, the next chunk is handed over while one commits (two at most); with overwrite, or without that order, one at a time', async (t) => {
  for (const [overwrite, inCallOrder, most] of [
    [false, true, 2],
    [true, true, 1],
    [false, false, 1],
  ] as const) {
    const f = await fixture(t, systemClock, { inCallOrder });
    f.writes.hold = true;
    const session = f.bulk.openImport({ principal: f.demo, overwrite, protocol: 'rest', chunkSize: 2 });
    const tag = `H-${overwrite}-${inCallOrder}`;
    await session.add(item(`${tag}-0`));
    await session.add(item(`${tag}-1`)); // the first chunk, handed over; its answer is held
    await session.add(item(`${tag}-2`));
    let handedOver = false;
    const second = session.add(item(`${tag}-3`))!.then(() => (handedOver = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    t.equal(f.writes.inFlight, most, `overwrite ${overwrite}, in call order ${inCallOrder}: ${most} chunk(s) committing at once`);
    t.equal(handedOver, most === 2, most === 2 ? 'the add that filled the second chunk went on at once' : 'the add that filled the second chunk waits (back-pressure)');
    f.writes.hold = false;
    for (const release of f.writes.held) release();
    await second;
    const summary = await session.finish();
    t.match(summary, { received: 4, created: 4, failed: 0 });
    t.equal(f.writes.maxInFlight, most);
  }
});

t.test('an identifier again in the chunk right after, both committing at once, is refused as a repeat, whichever answer comes first', async (t) => {
  const f = await fixture(t);
  f.writes.hold = true;
  const session = f.bulk.openImport({ principal: f.demo, overwrite: false, protocol: 'rest', chunkSize: 2 });
  await session.add(item('P'), 1);
  await session.add(item('Q'), 2);
  await session.add(item('P'), 3); // same values: without the first chunk's answer judged first, it would pass as already-exists
  await session.add(item('R'), 4);
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(f.writes.inFlight, 2, 'both chunks are committing');
  // The second chunk's answer first: it is still judged after the first chunk's.
  f.writes.held[1]!();
  await new Promise((resolve) => setTimeout(resolve, 20));
  f.writes.held[0]!();
  const summary = await session.finish();
  t.match(summary, { received: 4, created: 3, alreadyExisted: 0, failed: 1 });
  t.same(summary.failures.map((r) => [r.line, r.code]), [[3, 'HANDLE_DUPLICATE_IN_REQUEST']]);
});

t.test('with overwrite, a failed replace transaction leaves the chunk\'s committed creates reported', async (t) => {
  const f = await fixture(t);
  await f.bulk.registerBatch([item('R-0')], { principal: f.demo, overwrite: false, protocol: 'rest' });
  const session = f.bulk.openImport({ principal: f.demo, overwrite: true, protocol: 'rest', chunkSize: 3 });
  await session.add(item('R-0', 'https://changed'));
  await session.add(item('R-1'));
  f.failWrites.on = true;
  f.failWrites.skip = 1;
  await session.add(item('R-2'));
  await t.rejects(session.finish(), { code: 'STORE_UNAVAILABLE' });
  f.failWrites.on = false;
  t.match(session.summary(), { received: 3, created: 2, updated: 0, failed: 1, failures: [{ position: 0, code: 'STORE_UNAVAILABLE' }] });
  t.equal((await f.store.getHandle(`${DEMO}/R-0`))!.values[0]!.data.value, `https://example.org/R-0`, 'not replaced');
  t.ok(await f.store.getHandle(`${DEMO}/R-2`));
});

t.test('an abandoned import keeps its committed chunks and drops the queued rest', async (t) => {
  const f = await fixture(t);
  const session = f.bulk.openImport({ principal: f.demo, overwrite: false, protocol: 'rest', chunkSize: 10 });
  for (let i = 0; i < 25; i++) await session.add(item(`Q-${i}`));
  // The second chunk was handed over by the add that filled it: abandoning waits for it to settle.
  await session.abandon('test');
  await session.abandon('twice is harmless');
  t.equal((await f.store.listHandles(DEMO, 0, 1)).total, 20);
  t.equal(session.summary().created, 20);
  await t.rejects(session.add(item('late'))!, { code: 'REQUEST_INVALID' });
  const counters = await f.counters();
  t.equal(count(counters, DEMO, 'registration'), 20);
});

t.test("items are validated as they are added, but a queued chunk's refusals count only once it is handed over", async (t) => {
  const f = await fixture(t);
  const session = f.bulk.openImport({ principal: f.demo, overwrite: false, protocol: 'rest', chunkSize: 4 });
  // First chunk: two good items, one bad value, one repeat (refused at its position within the chunk).
  for (const queued of [item('V-0'), { handle: `${DEMO}/V-1`, values: [{ index: 1, type: 'URL', data: 7 }] }, item('V-2'), item('V-0')]) await session.add(queued);
  // Second chunk, left queued: one good, one bad; the import is abandoned before it fills.
  await session.add(item('V-3'));
  await session.add({ handle: `${DEMO}/V-4`, values: 'not a list' });
  await session.abandon('test');
  t.match(session.summary(), { received: 4, created: 2, failed: 2 });
  t.same(
    session.summary().failures.map((failure) => [failure.position, failure.code]),
    [
      [1, 'VALUE_DATA_INVALID'],
      [3, 'HANDLE_DUPLICATE_IN_REQUEST'],
    ],
  );
  const counters = await f.counters();
  t.equal(count(counters, DEMO, 'registration'), 2);
  t.equal(count(counters, DEMO, 'refused'), 2, "the dropped chunk's refusal is not counted");
  t.notOk(await f.store.getHandle(`${DEMO}/V-3`), 'nor its good item written');
});
