import pino from 'pino';
import t from 'tap';
import { ANONYMOUS } from '../../../src/core/auth/principal.js';
import { systemClock, systemRandom } from '../../../src/core/clock/clock.js';
import { ManualScheduler } from '../../../src/core/clock/manual-scheduler.js';
import type { TopLevelLink } from '../../../src/core/connection/top-level-link.js';
import { IdNode, type CoreConfig } from '../../../src/core/node.js';
import { remoteTargetOf, type RemoteAnswer, type RemoteResolver, type RemoteTarget } from '../../../src/core/resolver/remote-resolver.js';
import { prefixAndParents } from '../../../src/core/resolver/stages/recursive-route.js';
import { prefixHandleRecord } from '../../../src/core/resolver/stages/prefix-handle-route.js';
import { ipAddressBytes } from '../../../src/core/site/ip-address.js';
import { encodeSiteInfo, HANDLE_PROTOCOL_VERSION, type ServiceInterface, type SiteAttribute } from '../../../src/core/site/site-info.js';
import { openMemoryStore } from '../../../src/store/memory/memory-store.js';
import { TEST_CORE_CONFIG } from '../../helpers/rest-node.js';
import { virtualRuntime } from '../../helpers/virtual-runtime.js';

/** The bytes of a one-server site at `host` with `interfaces` (what a node homes its prefixes with). */
function siteBytes(host: string, interfaces: readonly ServiceInterface[], attributes: readonly SiteAttribute[] = []): Buffer {
  return encodeSiteInfo({
    dataFormatVersion: 1,
    protocolVersion: HANDLE_PROTOCOL_VERSION,
    serialNumber: 1,
    primary: true,
    multiPrimary: false,
    hashOption: 'all',
    hashFilter: new Uint8Array(0),
    attributes,
    servers: interfaces.length === 0 ? [] : [{ serverId: 1, address: ipAddressBytes(host)!, publicKey: new Uint8Array(0), interfaces }],
  });
}

const SITE_B = siteBytes('127.0.0.2', [{ type: 'admin-and-query', protocol: 'http', port: 8000 }]);
const SITE_C = siteBytes('127.0.0.3', [{ type: 'admin-and-query', protocol: 'http', port: 8000 }]);

/** A top-level node that homes 77.1 at node B and 66.1 at node C, counting what it is asked. */
function fakeTop(): TopLevelLink & { asked: string[] } {
  const homes: Record<string, Buffer> = { '77.1': SITE_B, '66.1': SITE_C };
  const asked: string[] = [];
  return {
    url: 'http://top.invalid',
    nodeId: 'node-1',
    asked,
    connect: async () => ({ prefixes: [], firstConnectedAt: '2024-01-01T00:00:00Z' }) as never,
    homePrefix: async () => undefined,
    report: async () => undefined,
    async resolvePrefixHandle(prefix) {
      asked.push(prefix);
      const site = homes[prefix];
      if (site === undefined) return undefined;
      return prefixHandleRecord({ handle: `0.NA/${prefix}`, siteBase64: site.toString('base64'), siteDescribedAtMs: 1, operatorPrefix: prefix, createdAtMs: 1 });
    },
  };
}

interface Call {
  readonly target: RemoteTarget;
  readonly handle: string;
  readonly hops: number;
}

/** A remote node: answers from `held`, or through `behaviour` when a test sets one. */
function fakeRemote(): RemoteResolver & { calls: Call[]; held: Map<string, unknown[]>; behaviour?: (call: Call) => Promise<RemoteAnswer> } {
  const remote = {
    calls: [] as Call[],
    held: new Map<string, unknown[]>(),
    behaviour: undefined as ((call: Call) => Promise<RemoteAnswer>) | undefined,
    async resolve(target: RemoteTarget, handle: string, options: { hops: number }): Promise<RemoteAnswer> {
      const call = { target, handle, hops: options.hops };
      remote.calls.push(call);
      if (remote.behaviour !== undefined) return remote.behaviour(call);
      const values = remote.held.get(handle);
      return values === undefined ? { status: 'not-found' } : { status: 'found', values };
    },
  };
  return remote;
}

const wire = (index: number, ttl: number, data = `https://b.example/${index}`) => ({ index, type: 'URL', data: { format: 'string', value: data }, ttl, timestamp: '2024-05-01T08:00:00Z' });

async function recursiveNode(config: Partial<CoreConfig> = {}) {
  const time = new ManualScheduler();
  const top = fakeTop();
  const remote = fakeRemote();
  const store = openMemoryStore();
  const node = await IdNode.create(
    { ...TEST_CORE_CONFIG, recursive: true, recursion: { timeoutMs: 100, maxHops: 2, failureTtlMs: 1000, maxInFlight: 2 }, ...config },
    { store, clock: systemClock, random: systemRandom, logger: pino({ level: 'silent' }), ...virtualRuntime(time), topLevel: { link: top, retryBaseMs: 100, retryMaxMs: 1000 }, remoteResolver: remote },
  );
  const resolve = (handle: string, hops = 0) => node.resolver.resolve({ handle, principal: ANONYMOUS, protocol: 'rest', hops });
  const counted = async () => {
    await node.metering.flushNow();
    const sums: Record<string, number> = {};
    for (const row of await store.listCounters('0000-01-01', '9999-12-31')) sums[`${row.prefix} ${row.kind}`] = (sums[`${row.prefix} ${row.kind}`] ?? 0) + row.count;
    return sums;
  };
  return { node, time, top, remote, resolve, counted, close: () => node.close().then(() => store.close()) };
}

t.test('recursion off: another node\'s identifier stays NOT_HOMED (Handle code 301), and nothing is asked', async (t) => {
  const fx = await recursiveNode({ recursive: false });
  t.teardown(fx.close);
  await t.rejects(fx.resolve('77.1/PART-1'), { code: 'NOT_HOMED', handleCode: 301 });
  t.same(fx.remote.calls, []);
});

t.test('found at the node the top-level node names: cached by its values\' TTLs, metered as referred (also from the cache)', async (t) => {
  const fx = await recursiveNode();
  t.teardown(fx.close);
  fx.remote.held.set('77.1/PART-1', [wire(1, 60), wire(2, 2)]);
  fx.remote.held.set('77.1/PART-2', [wire(1, 60)]);
  const first = await fx.resolve('77.1/PART-1');
  t.equal(first.status, 'found');
  t.same(first.values.map((value) => [value.index, value.ttl, value.timestamp]), [[1, 60, '2024-05-01T08:00:00Z'], [2, 2, '2024-05-01T08:00:00Z']], 'the serving node\'s values and timestamps');
  t.match(fx.remote.calls, [{ target: { kind: 'rest', url: 'http://127.0.0.2:8000', key: 'http://127.0.0.2:8000' }, handle: '77.1/PART-1', hops: 1 }]);
  t.same(fx.top.asked, ['77.1']);

  t.equal((await fx.resolve('77.1/PART-1')).status, 'found');
  t.equal(fx.remote.calls.length, 1, 'the second lookup is answered from the cache');
  await fx.resolve('77.1/PART-2');
  t.same(fx.top.asked, ['77.1'], 'the prefix handle is kept by its TTL: one question to the top-level node');
  t.equal(fx.remote.calls.length, 2);

  await fx.time.advance(2001);
  await fx.resolve('77.1/PART-1');
  t.equal(fx.remote.calls.length, 3, 'past its smallest TTL (2 s) the answer is asked again');
  t.match(await fx.counted(), { '77.1 resolution.referred': 4 });
  t.notOk('77.1 resolution.cache-hit' in (await fx.counted()), 'a cached referred answer is still referred');
  t.notOk('0.NA resolution.store-read' in (await fx.counted()) || '0.NA resolution.referred' in (await fx.counted()), 'the prefix-handle lookups of recursion are not metered');
});

t.test('not found there: not found here (HANDLE_NOT_FOUND), cached for the not-found TTL; a prefix nobody serves stays NOT_HOMED', async (t) => {
  const fx = await recursiveNode();
  t.teardown(fx.close);
  t.equal((await fx.resolve('77.1/NONE')).status, 'not-found');
  t.equal((await fx.resolve('77.1/NONE')).status, 'not-found');
  t.equal(fx.remote.calls.length, 1);
  await t.rejects(fx.resolve('55.5.X/A'), { code: 'NOT_HOMED', message: /nor at any node the top-level node knows/ });
  t.same(fx.top.asked, ['77.1', '55.5.X', '55.5', '55'], 'every shorter prefix is asked');
  t.equal(fx.remote.calls.length, 1);
});

t.test('a prefix below one homed elsewhere is served by that node (its prefix handle is the nearest)', async (t) => {
  const fx = await recursiveNode();
  t.teardown(fx.close);
  fx.remote.held.set('66.1.ACME/X', [wire(1, 60)]);
  t.equal((await fx.resolve('66.1.acme/X')).status, 'found');
  t.match(fx.remote.calls, [{ target: { url: 'http://127.0.0.3:8000' }, handle: '66.1.ACME/X' }]);
  t.same(fx.top.asked, ['66.1.ACME', '66.1']);
  t.same(prefixAndParents('a.b.c'), ['a.b.c', 'a.b', 'a']);
});

t.test('hops: a resolution referred maxHops times is refused before anything is asked', async (t) => {
  const fx = await recursiveNode();
  t.teardown(fx.close);
  fx.remote.held.set('77.1/P', [wire(1, 60)]);
  await t.rejects(fx.resolve('77.1/P', 2), { code: 'RECURSION_LIMIT_EXCEEDED', handleCode: 6, message: /after 2 referrals/ });
  t.same(fx.remote.calls, []);
  t.equal((await fx.resolve('77.1/P', 1)).status, 'found');
  t.equal(fx.remote.calls[0]!.hops, 2, 'the hops travel on, one more');
});

t.test('a loop (the top-level node names this very node): refused at the hop limit at once, not after a time-out', async (t) => {
  const fx = await recursiveNode();
  t.teardown(fx.close);
  // The "remote" node is this one: it resolves what it is asked with the hops it was sent.
  fx.remote.behaviour = async (call) => {
    const resolution = await fx.resolve(call.handle, call.hops);
    return { status: 'found', values: resolution.values };
  };
  await t.rejects(fx.resolve('77.1/LOOP'), { code: 'RECURSION_LIMIT_EXCEEDED', message: /after 2 referrals/ });
  t.same(fx.remote.calls.map((call) => call.hops), [1, 2], 'asked itself twice, then refused');
  fx.remote.behaviour = undefined;
});

t.test('a failing node: a clear error, remembered for failure-ttl (no call meanwhile), its prefix handle asked again, then recovery', async (t) => {
  const fx = await recursiveNode();
  t.teardown(fx.close);
  const { IdnodeError } = await import('../../../src/core/errors/catalogue.js');
  fx.remote.behaviour = async (call) => {
    if (call.target.key !== 'http://127.0.0.2:8000') return { status: 'not-found' };
    throw new IdnodeError('REMOTE_NODE_UNAVAILABLE', 'cannot reach http://127.0.0.2:8000/api/handles/77.1/P: no answer within 100 ms');
  };
  await t.rejects(fx.resolve('77.1/P'), { code: 'REMOTE_NODE_UNAVAILABLE', handleCode: 3, message: /77\.1\/P could not be resolved at http:\/\/127\.0\.0\.2:8000, the node serving 77\.1: .*no answer within 100 ms/ });
  await t.rejects(fx.resolve('77.1/Q'), { code: 'REMOTE_NODE_UNAVAILABLE', message: /failed: .*not asked again for \d+ ms/ });
  t.equal(fx.remote.calls.length, 1, 'the failed node is not asked again for failure-ttl');
  t.same(fx.top.asked, ['77.1', '77.1'], 'its prefix handle was dropped: the top-level node is asked again (the node may have moved)');
  t.equal((await fx.resolve('66.1/OTHER')).status, 'not-found', 'another node is asked as usual');
  fx.remote.behaviour = undefined;
  fx.remote.held.set('77.1/P', [wire(1, 60)]);
  await fx.time.advance(1000);
  t.equal((await fx.resolve('77.1/P')).status, 'found', 'recovered once failure-ttl passed');
  t.match(await fx.counted(), { '77.1 resolution.referred': 1 });
});

t.test('concurrency: one request per identifier in flight, at most max-in-flight per node (more fail at once)', async (t) => {
  const fx = await recursiveNode();
  t.teardown(fx.close);
  const waiting: (() => void)[] = [];
  fx.remote.behaviour = () => new Promise((resolve) => waiting.push(() => resolve({ status: 'found', values: [wire(1, 60)] })));
  const a1 = fx.resolve('77.1/A');
  const a2 = fx.resolve('77.1/A');
  const b = fx.resolve('77.1/B');
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(fx.remote.calls.length, 2, 'the two lookups of 77.1/A share one request');
  await t.rejects(fx.resolve('77.1/C'), { code: 'REMOTE_NODE_UNAVAILABLE', message: /2 lookups are already in flight to http:\/\/127\.0\.0\.2:8000/ });
  for (const release of waiting) release();
  t.same((await Promise.all([a1, a2, b])).map((resolution) => resolution.status), ['found', 'found', 'found']);
  fx.remote.behaviour = undefined;
});

t.test('values another node answers are checked like a write: unreadable ones are REMOTE_NODE_UNAVAILABLE', async (t) => {
  const fx = await recursiveNode();
  t.teardown(fx.close);
  fx.remote.held.set('77.1/BAD', [{ index: -1, type: 'URL', data: 'x' }]);
  await t.rejects(fx.resolve('77.1/BAD'), { code: 'REMOTE_NODE_UNAVAILABLE', message: /answered 77\.1\/BAD with values this node cannot read: values\[0\]\.index/ });
  fx.remote.held.set('77.1/UNSTAMPED', [{ index: 1, type: 'URL', data: 'x', ttl: 60 }, { ...wire(2, 60), timestamp: 'yesterday' }]);
  const unstamped = await fx.resolve('77.1/UNSTAMPED');
  t.ok(unstamped.values.every((value) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value.timestamp) && value.timestamp !== 'yesterday'), 'a missing or malformed timestamp is this node\'s time of reading');
  fx.remote.held.set('77.1/EMPTY', []);
  t.equal((await fx.resolve('77.1/EMPTY')).status, 'no-values', 'an identifier with no public value exists, with none');
});

t.test('the target of a site: REST first, else the Handle protocol; no server, no address or no query interface is named', async (t) => {
  const rest = remoteTargetOf(siteBytes('10.0.0.1', [{ type: 'query', protocol: 'udp', port: 2641 }, { type: 'admin-and-query', protocol: 'http', port: 80 }]), '0.NA/X');
  t.same(rest, { kind: 'rest', url: 'http://10.0.0.1:80', key: 'http://10.0.0.1:80' });
  t.same(remoteTargetOf(siteBytes('2001:db8::1', [{ type: 'query', protocol: 'tcp', port: 2641 }]), '0.NA/X'), { kind: 'hdl', host: '2001:db8::1', port: 2641, key: 'hdl://[2001:db8::1]:2641' });
  t.same(remoteTargetOf(siteBytes('0.0.0.0', [{ type: 'query', protocol: 'https', port: 443 }], [{ name: 'domain', value: 'node.example' }]), '0.NA/X').key, 'https://node.example:443');
  t.throws(() => remoteTargetOf(siteBytes('0.0.0.0', [{ type: 'query', protocol: 'http', port: 80 }]), '0.NA/X'), { code: 'REMOTE_NODE_UNAVAILABLE', message: /names no address/ });
  t.throws(() => remoteTargetOf(siteBytes('10.0.0.1', []), '0.NA/X'), { code: 'REMOTE_NODE_UNAVAILABLE', message: /names no server/ });
  t.throws(() => remoteTargetOf(siteBytes('10.0.0.1', [{ type: 'admin', protocol: 'http', port: 80 }]), '0.NA/X'), { code: 'REMOTE_NODE_UNAVAILABLE', message: /no query interface/ });
  t.throws(() => remoteTargetOf(Buffer.from('nonsense'), '0.NA/X'), { code: 'REMOTE_NODE_UNAVAILABLE', message: /cannot be read/ });
});

t.test('the core refuses recursion without a top-level node or a remote resolver', async (t) => {
  const store = openMemoryStore();
  t.teardown(() => store.close());
  await t.rejects(
    IdNode.create({ ...TEST_CORE_CONFIG, recursive: true }, { store, clock: systemClock, random: systemRandom, logger: pino({ level: 'silent' }), ...virtualRuntime() }),
    /recursive resolution needs the top-level node/,
  );
});
