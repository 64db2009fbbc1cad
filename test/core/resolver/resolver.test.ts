import { join } from 'node:path';
import t from 'tap';
import { ANONYMOUS, LOCAL_OPERATOR, type Principal } from '../../../src/core/auth/principal.js';
import { virtualRuntime } from '../../helpers/virtual-runtime.js';
import { systemRandom } from '../../../src/core/clock/clock.js';
import { IdnodeError } from '../../../src/core/errors/catalogue.js';
import { IdNode } from '../../../src/core/node.js';
import type { Lookup, ResolveContext } from '../../../src/core/resolver/pipeline.js';
import { filterValues, Resolver } from '../../../src/core/resolver/resolver.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { TEST_CORE_CONFIG } from '../../helpers/rest-node.js';
import { lookupOf, value } from './fakes.js';

const OPERATOR: Principal = { kind: 'operator', id: '300:0.NA/88.999' };
const OWNER: Principal = { kind: 'enterprise', id: '300:0.NA/88.999.1', prefix: '88.999.1' };
const NEIGHBOUR: Principal = { kind: 'enterprise', id: '300:0.NA/88.999.2', prefix: '88.999.2' };

const PUBLIC_URL = value(1);
const PRIVATE_EMAIL = value(2, 'EMAIL', '1100', 'private@example.org');
const PUBLIC_MODEL = value(3, 'product.model', '1110', 'M-1');

/** A Resolver over a fake pipeline answering `lookup`, and the contexts it was asked. */
function resolverAnswering(lookup: Lookup | (() => Lookup | Promise<Lookup>)): { resolver: Resolver; asked: ResolveContext[] } {
  const asked: ResolveContext[] = [];
  const resolver = new Resolver((context) => {
    asked.push(context);
    return typeof lookup === 'function' ? lookup() : lookup;
  });
  return { resolver, asked };
}

t.test('the identifier is parsed and normalised before the pipeline sees it', async (t) => {
  const { resolver, asked } = resolverAnswering(lookupOf('store', [PUBLIC_URL], '88.999.ABC/Item'));
  const resolution = await resolver.resolve({ handle: '88.999.abc/Item', principal: ANONYMOUS, protocol: 'grpc' });
  t.same(asked, [{ handle: '88.999.ABC/Item', prefix: '88.999.ABC', protocol: 'grpc', hops: 0 }], 'the prefix is case-folded, the suffix kept');
  t.equal(resolution.handle, '88.999.ABC/Item');
});

t.test('an invalid identifier is refused before the pipeline runs', async (t) => {
  const { resolver, asked } = resolverAnswering(lookupOf('store'));
  await t.rejects(resolver.resolve({ handle: 'no-slash', principal: ANONYMOUS, protocol: 'rest' }), { code: /^(IDENTIFIER|PREFIX)_/ });
  await t.rejects(resolver.resolve({ handle: '88..999/x', principal: ANONYMOUS, protocol: 'rest' }), { code: /^(IDENTIFIER|PREFIX)_/ });
  t.same(asked, []);
});

t.test('homing is the pipeline’s business: its NOT_HOMED (or a store failure) reaches the caller as thrown', async (t) => {
  const notHomed = new IdnodeError('NOT_HOMED', 'prefix 77.1 is not homed on this node, so 77.1/X does not live here', { handle: '77.1/X' });
  const refusing = resolverAnswering(() => {
    throw notHomed;
  });
  await t.rejects(refusing.resolver.resolve({ handle: '77.1/X', principal: ANONYMOUS, protocol: 'rest' }), notHomed);
  t.equal(refusing.asked.length, 1, 'the pipeline was asked: the resolver checks no homing itself');
  const failing = resolverAnswering(() => Promise.reject(new IdnodeError('STORE_UNAVAILABLE', 'down')));
  await t.rejects(failing.resolver.resolve({ handle: '88.999/X', principal: ANONYMOUS, protocol: 'rest' }), { code: 'STORE_UNAVAILABLE' });
});

t.test('not-found: no record in the answer', async (t) => {
  const lookup = lookupOf('store');
  const { resolver } = resolverAnswering(lookup);
  const resolution = await resolver.resolve({ handle: '88.999.1/NONE', principal: OPERATOR, protocol: 'rest' });
  t.same(resolution, { status: 'not-found', handle: '88.999.1/NONE', values: [], answer: lookup.answer, publicView: false });
});

t.test('who sees what: private values for the operator and the prefix holder only', async (t) => {
  const lookup = lookupOf('cache', [PUBLIC_URL, PRIVATE_EMAIL, PUBLIC_MODEL], '88.999.1/P');
  const { resolver } = resolverAnswering(lookup);
  const indexesFor = async (principal: Principal) => (await resolver.resolve({ handle: '88.999.1/P', principal, protocol: 'rest' })).values.map((held) => held.index);
  t.same(await indexesFor(OPERATOR), [1, 2, 3]);
  t.same(await indexesFor(OWNER), [1, 2, 3]);
  t.same(await indexesFor(NEIGHBOUR), [1, 3], 'another enterprise sees public values only');
  t.same(await indexesFor({ kind: 'auditor', id: '300:0.NA/AUDIT' }), [1, 3]);
  t.same(await indexesFor(ANONYMOUS), [1, 3]);
});

t.test('publicView: exactly the anonymous, unfiltered view (the one a front end may keep an encoding of)', async (t) => {
  const lookup = lookupOf('store', [PUBLIC_URL, PRIVATE_EMAIL, PUBLIC_MODEL], '88.999.1/P');
  const { resolver } = resolverAnswering(lookup);
  const anonymous = await resolver.resolve({ handle: '88.999.1/P', principal: ANONYMOUS, protocol: 'rest' });
  t.equal(anonymous.publicView, true);
  t.equal(anonymous.values, lookup.answer.publicValues, 'the answer’s own public array, not a copy');
  t.equal(anonymous.answer, lookup.answer);
  const filtered = await resolver.resolve({ handle: '88.999.1/P', principal: ANONYMOUS, protocol: 'rest', types: ['URL'] });
  t.equal(filtered.publicView, false);
  const privileged = await resolver.resolve({ handle: '88.999.1/P', principal: OWNER, protocol: 'rest' });
  t.equal(privileged.publicView, false);
});

t.test('filters: a value is returned if it matches any index or type given; none visible is no-values', async (t) => {
  const { resolver } = resolverAnswering(lookupOf('store', [PUBLIC_URL, PRIVATE_EMAIL, PUBLIC_MODEL], '88.999.1/P'));
  const resolve = (principal: Principal, indexes?: number[], types?: string[]) =>
    resolver.resolve({ handle: '88.999.1/P', principal, protocol: 'rest', ...(indexes ? { indexes } : {}), ...(types ? { types } : {}) });
  const both = await resolve(OWNER, [1], ['EMAIL']);
  t.equal(both.status, 'found');
  t.same(
    both.values.map((held) => held.index),
    [1, 2],
  );
  const hidden = await resolve(ANONYMOUS, undefined, ['EMAIL']);
  t.same([hidden.status, hidden.values], ['no-values', []], 'the only match is private: the identifier exists, nothing is visible');
  const none = await resolve(OWNER, [99]);
  t.equal(none.status, 'no-values');
});

t.test('filterValues returns the array itself when no filter is given', async (t) => {
  const values = [PUBLIC_URL, PUBLIC_MODEL];
  t.equal(filterValues(values), values);
  t.equal(filterValues(values, [], []), values);
  t.same(filterValues(values, [3]), [PUBLIC_MODEL]);
});

t.test('as the node wires it: a not-homed lookup counts nothing and is not cached; unhoming empties the cache', async (t) => {
  const store = openSqliteStore({ file: join(t.testdir(), 'idnode.sqlite'), synchronous: 'normal' });
  const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent };
  const node = await IdNode.create(TEST_CORE_CONFIG, { store, clock: { now: () => Date.now() }, random: systemRandom, logger: silent, ...virtualRuntime() });
  t.teardown(async () => {
    await node.close();
    await store.close();
  });
  const counted = async () => {
    await node.metering.flush();
    return (await store.listCounters('2000-01-01', '2999-12-31')).map((row) => `${row.prefix}|${row.kind}|${row.count}`).sort();
  };

  await t.rejects(node.resolver.resolve({ handle: '77.1/X', principal: ANONYMOUS, protocol: 'rest' }), {
    code: 'NOT_HOMED',
    handle: '77.1/X',
    message: 'prefix 77.1 is not homed on this node, so 77.1/X does not live here',
  });
  t.same(await counted(), [], 'nothing counted');
  t.equal(node.cache.stats().entries, 0, 'nothing cached');

  await node.homing.add(LOCAL_OPERATOR, '77.1');
  await node.registry.put({ principal: OPERATOR, handle: '77.1/X', values: [{ index: 1, type: 'URL', data: 'x' }], overwrite: false, protocol: 'rest' });
  t.equal((await node.resolver.resolve({ handle: '77.1/X', principal: ANONYMOUS, protocol: 'rest' })).status, 'found');
  t.equal((await node.resolver.resolve({ handle: '77.1/X', principal: ANONYMOUS, protocol: 'rest' })).answer.record?.handle, '77.1/X');
  t.equal(node.cache.stats().hits, 1, 'the second lookup was a cache hit');
  t.same(await counted(), ['77.1|registration|1', '77.1|resolution.cache-hit|1', '77.1|resolution.store-read|1']);

  await node.homing.remove(LOCAL_OPERATOR, '77.1');
  await t.rejects(node.resolver.resolve({ handle: '77.1/X', principal: ANONYMOUS, protocol: 'rest' }), { code: 'NOT_HOMED' }, 'not served from the cache');
  t.same(await counted(), ['77.1|registration|1', '77.1|resolution.cache-hit|1', '77.1|resolution.store-read|1'], 'and not counted');
});
