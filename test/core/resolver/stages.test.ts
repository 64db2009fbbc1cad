import { join } from 'node:path';
import t from 'tap';
import { ResolutionCache } from '../../../src/core/cache/resolution-cache.js';
import type { Clock } from '../../../src/core/clock/clock.js';
import { IdnodeError } from '../../../src/core/errors/catalogue.js';
import { HomedPrefixes } from '../../../src/core/homing/homed-prefixes.js';
import type { Lookup, Next, ResolveContext } from '../../../src/core/resolver/pipeline.js';
import { cacheStage } from '../../../src/core/resolver/stages/cache-stage.js';
import { PUBLIC_JSON_KEY, publicAnswerJson } from '../../../src/core/resolver/public-answer.js';
import { localStoreRoute } from '../../../src/core/resolver/stages/local-store-route.js';
import { meteringStage } from '../../../src/core/resolver/stages/metering-stage.js';
import { routerStage, type Route } from '../../../src/core/resolver/stages/router-stage.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { LOCAL_OPERATOR } from '../../../src/core/auth/principal.js';
import { CACHE_OPTIONS, CONTEXT, countingMetering, lookupOf, manualMonotonic, value } from './fakes.js';

const unreachable: Next = () => {
  throw new Error('next must not be called');
};

t.test('metering stage', async (t) => {
  t.test('counts every answer by its source; an absent record is not-found, whatever answered', async (t) => {
    const metering = countingMetering();
    const stage = meteringStage(metering);
    const answers: Lookup[] = [lookupOf('cache', [value(1)]), lookupOf('store', [value(1)]), lookupOf('federation', [value(1)]), lookupOf('cache'), lookupOf('store')];
    for (const answer of answers) t.equal(stage.run(CONTEXT, () => answer), answer, 'the answer is passed on unchanged');
    t.same(metering.counted, [
      ['88.999', 'rest', 'resolution.cache-hit'],
      ['88.999', 'rest', 'resolution.store-read'],
      ['88.999', 'rest', 'resolution.referred'],
      ['88.999', 'rest', 'resolution.not-found'],
      ['88.999', 'rest', 'resolution.not-found'],
    ]);
  });

  t.test('an asynchronous answer is counted once it settles, under the context prefix and protocol', async (t) => {
    const metering = countingMetering();
    const pending = meteringStage(metering).run({ ...CONTEXT, prefix: '88.999.1', protocol: 'grpc' }, () => Promise.resolve(lookupOf('store', [value(1)])));
    t.ok(pending instanceof Promise);
    t.same(metering.counted, [], 'nothing before the answer');
    await pending;
    t.same(metering.counted, [['88.999.1', 'grpc', 'resolution.store-read']]);
  });

  t.test('a failed lookup counts nothing (thrown or rejected)', async (t) => {
    const metering = countingMetering();
    const stage = meteringStage(metering);
    const notHomed = new IdnodeError('NOT_HOMED', 'not here');
    t.throws(() =>
      stage.run(CONTEXT, () => {
        throw notHomed;
      }),
    );
    await t.rejects(Promise.resolve(stage.run(CONTEXT, () => Promise.reject(new IdnodeError('STORE_UNAVAILABLE', 'down')))), { code: 'STORE_UNAVAILABLE' });
    t.same(metering.counted, []);
  });
});

t.test('cache stage', async (t) => {
  t.test('a miss asks the next stage and keeps its answer; the next lookup is a hit with source cache', async (t) => {
    const cache = new ResolutionCache({ ...CACHE_OPTIONS, monotonic: manualMonotonic() });
    const stage = cacheStage(cache);
    const stored = lookupOf('store', [value(1)]);
    let asked = 0;
    const miss = await stage.run(CONTEXT, () => (asked++, Promise.resolve(stored)));
    t.equal(miss, stored, 'the miss returns the next stage answer itself');
    const hit = stage.run(CONTEXT, unreachable);
    t.notOk(hit instanceof Promise, 'a hit answers synchronously');
    t.same(hit, { answer: stored.answer, source: 'cache' });
    t.equal((hit as Lookup).answer, stored.answer, 'the kept answer itself (with its encodings)');
    t.equal(asked, 1);
    t.match(cache.stats(), { hits: 1, misses: 1, entries: 1 });
  });

  t.test('a synchronous answer from the next stage stays synchronous and is kept', async (t) => {
    const cache = new ResolutionCache({ ...CACHE_OPTIONS, monotonic: manualMonotonic() });
    const stored = lookupOf('store', [value(1)]);
    t.equal(cacheStage(cache).run(CONTEXT, () => stored), stored);
    t.ok(cache.get(CONTEXT.handle));
  });

  t.test('an answer read before a write is not kept after the write invalidated the identifier', async (t) => {
    const cache = new ResolutionCache({ ...CACHE_OPTIONS, monotonic: manualMonotonic() });
    let release!: (lookup: Lookup) => void;
    const reading = cacheStage(cache).run(CONTEXT, () => new Promise<Lookup>((resolve) => (release = resolve)));
    cache.invalidate(CONTEXT.handle);
    release(lookupOf('store', [value(1, 'URL', '1110', 'old')]));
    await reading;
    t.equal(cache.get(CONTEXT.handle), undefined, 'the stale answer was not kept');
  });

  t.test('a not-found answer is kept for the not-found TTL only', async (t) => {
    const monotonic = manualMonotonic();
    const cache = new ResolutionCache({ ...CACHE_OPTIONS, monotonic });
    const stage = cacheStage(cache);
    await stage.run(CONTEXT, () => Promise.resolve(lookupOf('store')));
    t.match(stage.run(CONTEXT, unreachable), { source: 'cache', answer: { record: undefined } });
    monotonic.advance(CACHE_OPTIONS.notFoundTtlSeconds * 1000 + 1);
    t.equal(cache.get(CONTEXT.handle), undefined);
  });

  t.test('a failed lookup keeps nothing and the error reaches the caller', async (t) => {
    const cache = new ResolutionCache({ ...CACHE_OPTIONS, monotonic: manualMonotonic() });
    t.throws(
      () =>
        cacheStage(cache).run(CONTEXT, () => {
          throw new IdnodeError('NOT_HOMED', 'not here');
        }),
      { code: 'NOT_HOMED' },
    );
    t.equal(cache.stats().entries, 0);
  });
});

t.test('router stage', async (t) => {
  const route = (name: string, prefixes: string[], answer: Lookup, calls: string[]): Route => ({
    name,
    serves: (prefix) => prefixes.includes(prefix),
    lookup: (context) => (calls.push(`${name}:${context.handle}`), answer),
  });

  t.test('sends a lookup to the first route that serves its prefix, in the declared order', async (t) => {
    const calls: string[] = [];
    const local = lookupOf('store', [value(1)]);
    const remote = lookupOf('federation', [value(2)]);
    const stage = routerStage([route('local', ['88.999'], local, calls), route('federation', ['88.999', '77.1'], remote, calls)]);
    t.equal(stage.run(CONTEXT, unreachable), local);
    t.equal(stage.run({ ...CONTEXT, handle: '77.1/X', prefix: '77.1' }, unreachable), remote);
    t.same(calls, ['local:88.999/ITEM-1', 'federation:77.1/X']);
  });

  t.test('when no route serves the prefix: NOT_HOMED naming the identifier, as the read path always said', async (t) => {
    const calls: string[] = [];
    const stage = routerStage([route('local', ['88.999'], lookupOf('store'), calls)]);
    const context: ResolveContext = { handle: '99.1/X', prefix: '99.1', protocol: 'rest', hops: 0 };
    t.throws(() => stage.run(context, unreachable), {
      code: 'NOT_HOMED',
      handle: '99.1/X',
      message: 'prefix 99.1 is not homed on this node, so 99.1/X does not live here',
    });
    t.throws(() => routerStage([]).run(CONTEXT, unreachable), { code: 'NOT_HOMED', handle: CONTEXT.handle }, 'no routes at all');
    t.same(calls, []);
  });
});

t.test('local store route: homed prefixes and those below them, read from the store', async (t) => {
  const store = openSqliteStore({ file: join(t.testdir(), 'idnode.sqlite'), synchronous: 'normal' });
  t.teardown(() => store.close());
  const clock: Clock = { now: () => Date.UTC(2024, 0, 1) };
  const homing = await HomedPrefixes.load(store, clock, ['88.999']);
  await store.applyWrites([{ op: 'create', handle: '88.999.1/P-1', prefix: '88.999.1', values: [value(1), value(2, 'EMAIL', '1100')] }], {
    nowMs: clock.now(),
    day: '2024-01-01',
    protocol: 'rest',
  });
  const route = localStoreRoute(homing, store);

  t.ok(route.serves('88.999'), 'a homed prefix');
  t.ok(route.serves('88.999.1'), 'a prefix below it');
  t.notOk(route.serves('88.9990'), 'not a prefix that merely starts alike');
  t.notOk(route.serves('77.1'));

  const found = await route.lookup({ handle: '88.999.1/P-1', prefix: '88.999.1', protocol: 'rest', hops: 0 });
  t.equal(found.source, 'store');
  t.same(
    found.answer.record?.values.map((held) => held.index),
    [1, 2],
  );
  t.same(
    found.answer.publicValues.map((held) => held.index),
    [1],
    'the anonymous view is computed once, with the answer',
  );
  t.same(
    found.answer.encodings,
    { [PUBLIC_JSON_KEY]: publicAnswerJson('88.999.1/P-1', [value(1)]) },
    'seeded with the public body the store kept (the private EMAIL left out)',
  );
  t.equal(found.answer.publicStatus, 'found');

  const absent = await route.lookup({ handle: '88.999.1/NONE', prefix: '88.999.1', protocol: 'rest', hops: 0 });
  t.same(absent, { answer: { record: undefined, publicValues: [], encodings: {} }, source: 'store' });

  await homing.add(LOCAL_OPERATOR, '77.1');
  t.ok(route.serves('77.1'), 'a prefix homed at run time is served at once');
});
