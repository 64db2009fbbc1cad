import t from 'tap';
import { send } from '../helpers/http.js';
import { answerFor, ResolutionCache } from '../../src/core/cache/resolution-cache.js';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { TEST_CORE_CONFIG } from '../helpers/rest-node.js';
import { PREFIX_A, startFixture, type Fixture } from './rest-fixture.js';

// The resolution cache seen through REST (docs/design.md §3): writes invalidate at once, not-found answers are
// cached briefly, an entry lives at most its smallest value TTL, ttl 0 is never cached, entries are bounded.
// Expiry is driven by an injected monotonic clock, never by waiting.

/** The node's monotonic clock (virtual); tests move it forward. */
const time = new ManualScheduler(1_000_000);
const fx = await startFixture(t, { time });
const { rest, auth } = fx;

const resolve = (handle: string) => send(fx.handleUrl(handle));
const stats = () => rest.node.cache.stats();
/** The hits and misses a piece of work caused. */
async function counted<T>(work: () => Promise<T>): Promise<{ result: T; hits: number; misses: number }> {
  const before = stats();
  const result = await work();
  const after = stats();
  return { result, hits: after.hits - before.hits, misses: after.misses - before.misses };
}
const dataOf = async (handle: string) => (await resolve(handle)).body.values[0].data.value;

/** Writes straight to the store, so the cache is not told: shows what a cached entry still serves. */
async function writeBehindCache(fixture: Fixture, handle: string, values: unknown[]): Promise<void> {
  const registry = fixture.rest.node.registry;
  const operator = { kind: 'operator', id: fixture.rest.credentials.operator.id } as const;
  const context = registry.writeContext('test');
  const write = registry.preparePut({ principal: operator, handle, values, overwrite: true, protocol: 'test' }, context.nowMs);
  await fixture.rest.store.applyWrites([write], context);
}

t.test('a cold read misses, a warm one hits', async (t) => {
  const handle = `${PREFIX_A}/C-1`;
  t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'v1' }], auth.a)).status, 201);
  const cold = await counted(() => resolve(handle));
  t.same([cold.hits, cold.misses], [0, 1]);
  const warm = await counted(() => resolve(handle));
  t.same([warm.hits, warm.misses], [1, 0]);
  t.same(warm.result.body, cold.result.body);
});

t.test('a PUT invalidates at once: the next GET shows the new values', async (t) => {
  const handle = `${PREFIX_A}/C-2`;
  t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'v1' }], auth.a)).status, 201);
  t.equal(await dataOf(handle), 'v1');
  t.equal(await dataOf(handle), 'v1', 'warm');
  t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'v2' }], auth.a)).status, 200);
  const after = await counted(() => dataOf(handle));
  t.equal(after.result, 'v2');
  t.equal(after.misses, 1, 'the write dropped the entry');
  t.equal((await fx.put(handle, [{ index: 2, type: 'NOTE', data: 'n' }], auth.a, '?index=2')).status, 200);
  t.same((await resolve(handle)).body.values.map((value: { index: number }) => value.index), [1, 2, 100], 'a merge invalidates too');
  t.equal((await send(fx.handleUrl(handle) + '?index=2', { method: 'DELETE', headers: { authorization: auth.a } })).status, 200);
  t.same((await resolve(handle)).body.values.map((value: { index: number }) => value.index), [1, 100], 'a value delete invalidates too');
});

t.test('a DELETE invalidates at once: the next GET is 404', async (t) => {
  const handle = `${PREFIX_A}/C-3`;
  t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'v1' }], auth.a)).status, 201);
  t.equal((await resolve(handle)).status, 200);
  t.equal((await resolve(handle)).status, 200, 'warm');
  t.equal((await send(fx.handleUrl(handle), { method: 'DELETE', headers: { authorization: auth.a } })).status, 200);
  t.equal((await resolve(handle)).status, 404);
});

t.test('not-found answers are cached briefly, and a create right after still resolves', async (t) => {
  const handle = `${PREFIX_A}/C-4`;
  const first = await counted(() => resolve(handle));
  t.equal(first.result.status, 404);
  t.same([first.hits, first.misses], [0, 1]);
  const second = await counted(() => resolve(handle));
  t.equal(second.result.status, 404);
  t.same([second.hits, second.misses], [1, 0], 'the not-found is served from the cache');
  t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'now here' }], auth.a)).status, 201);
  t.equal(await dataOf(handle), 'now here', 'the create dropped the cached not-found');
});

t.test('a cached not-found lives notFoundTtlSeconds', async (t) => {
  const handle = `${PREFIX_A}/C-5`;
  t.equal((await resolve(handle)).status, 404);
  await writeBehindCache(fx, handle, [{ index: 1, type: 'URL', data: 'behind' }]);
  await time.advance(TEST_CORE_CONFIG.cache.notFoundTtlSeconds * 1000 - 1);
  t.equal((await resolve(handle)).status, 404, 'still the cached not-found just before expiry');
  await time.advance(2);
  const expired = await counted(() => resolve(handle));
  t.equal(expired.result.status, 200, 'after expiry the store is asked again');
  t.equal(expired.misses, 1);
});

t.test('an entry lives at most the smallest TTL of its values', async (t) => {
  const handle = `${PREFIX_A}/C-6`;
  t.equal(
    (await fx.put(handle, [{ index: 1, type: 'URL', data: 'v1', ttl: 60 }, { index: 2, type: 'NOTE', data: 'n', ttl: 3600 }], auth.a)).status,
    201,
  );
  t.equal(await dataOf(handle), 'v1');
  await writeBehindCache(fx, handle, [{ index: 1, type: 'URL', data: 'v2', ttl: 60 }]);
  await time.advance(59_000);
  const within = await counted(() => dataOf(handle));
  t.equal(within.result, 'v1', 'within 60 s the cached answer is served');
  t.same([within.hits, within.misses], [1, 0]);
  await time.advance(1_001);
  const expired = await counted(() => dataOf(handle));
  t.equal(expired.result, 'v2', 'past the smallest TTL the entry is gone');
  t.same([expired.hits, expired.misses], [0, 1]);
});

t.test('values with ttl 0 are never cached', async (t) => {
  const handle = `${PREFIX_A}/C-7`;
  t.equal((await fx.put(handle, [{ index: 1, type: 'URL', data: 'v1', ttl: 0 }, { index: 2, type: 'NOTE', data: 'n' }], auth.a)).status, 201);
  const entriesBefore = stats().entries;
  const reads = await counted(async () => {
    t.equal((await resolve(handle)).status, 200);
    t.equal((await resolve(handle)).status, 200);
    t.equal((await resolve(handle)).status, 200);
  });
  t.same([reads.hits, reads.misses], [0, 3]);
  t.equal(stats().entries, entriesBefore, 'no entry added');
  await writeBehindCache(fx, handle, [{ index: 1, type: 'URL', data: 'v2', ttl: 0 }]);
  t.equal(await dataOf(handle), 'v2', 'every read sees the store');
});

t.test('maxTtlSeconds caps an entry whatever its values say', async (t) => {
  const cappedTime = new ManualScheduler(5_000);
  const capped = await startFixture(t, { time: cappedTime, config: { cache: { ...TEST_CORE_CONFIG.cache, maxTtlSeconds: 30 } } });
  const handle = `${PREFIX_A}/CAP`;
  t.equal((await capped.put(handle, [{ index: 1, type: 'URL', data: 'v1' }], capped.auth.a)).status, 201);
  t.equal((await send(capped.handleUrl(handle))).body.values[0].data.value, 'v1');
  await writeBehindCache(capped, handle, [{ index: 1, type: 'URL', data: 'v2' }]);
  await cappedTime.advance(29_000);
  t.equal((await send(capped.handleUrl(handle))).body.values[0].data.value, 'v1');
  await cappedTime.advance(1_001);
  t.equal((await send(capped.handleUrl(handle))).body.values[0].data.value, 'v2', 'ttl 86400 capped at 30 s');
});

t.test('the cache is bounded: entries never exceed maxEntries', async (t) => {
  const maxEntries = 3;
  const bounded = await startFixture(t, { config: { cache: { ...TEST_CORE_CONFIG.cache, maxEntries } } });
  const cache = bounded.rest.node.cache;
  for (let n = 0; n < 8; n++) {
    const handle = `${PREFIX_A}/B-${n}`;
    t.equal((await bounded.put(handle, [{ index: 1, type: 'URL', data: `v${n}` }], bounded.auth.a)).status, 201);
    t.equal((await send(bounded.handleUrl(handle))).status, 200);
    t.equal((await send(bounded.handleUrl(`${PREFIX_A}/missing-${n}`))).status, 404, 'not-found answers take entries too');
    t.ok(cache.stats().entries <= maxEntries, `after ${n + 1}: ${cache.stats().entries} entries <= ${maxEntries}`);
  }
  t.equal(cache.stats().entries, maxEntries, 'full, not over');
  t.equal((await send(bounded.handleUrl(`${PREFIX_A}/B-0`))).body.values[0].data.value, 'v0', 'an evicted entry is read again from the store');
});

t.test('an injected clock is read at every expiry check, even within the same millisecond', async (t) => {
  let ms = 1_000;
  const cache = new ResolutionCache({ maxEntries: 10, maxBytes: 1_000_000, maxTtlSeconds: 60, notFoundTtlSeconds: 5, monotonic: { now: () => ms } });
  cache.put('88.999/X', answerFor(undefined), cache.generation());
  t.ok(cache.get('88.999/X'), 'cached not-found');
  ms += 5_001;
  t.equal(cache.get('88.999/X'), undefined, 'expired at once, with no real time passing');
});
