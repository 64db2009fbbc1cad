import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { systemClock, systemRandom } from '../../src/core/clock/clock.js';
import { TopLevel } from '../../src/core/top/top-level.js';
import { resolveOverHdl } from '../../src/hdl/client/hdl-resolve.js';
import { openSqliteTopStore } from '../../src/store/top/sqlite-top-store.js';
import { eventually } from '../helpers/eventually.js';
import { IdnodeClients } from '../helpers/grpc-client.js';
import { send, type Json } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { firstRunCredentials, spawnNode, type SpawnedNode } from '../helpers/spawn-node.js';
import { freePort } from '../helpers/free-port.js';

/**
 * Recursive resolution between real processes on loopback: a top-level node and three secondary nodes,
 * started once and shared by the subtests (each child costs seconds to start). A and B resolve recursively,
 * C does not; every node serves its own prefix. B's HTTP port is fixed, so that B can be killed and started
 * again where the top-level node says it is.
 */
const TIMEOUT_MS = 800;
const FAILURE_TTL_MS = 1500;
const RECURSION = { IDNODE_RECURSION_TIMEOUT_MS: String(TIMEOUT_MS), IDNODE_RECURSION_FAILURE_TTL_MS: String(FAILURE_TTL_MS), IDNODE_TOP_LEVEL_RETRY_MAX_MS: '500', IDNODE_METERING_FLUSH_INTERVAL_MS: '100', IDNODE_METRICS_CACHE_MS: '0' };
const START = { readyTimeoutMs: 300_000 };

interface Secondary {
  node: SpawnedNode;
  readonly prefix: string;
  readonly dir: string;
  readonly args: string[];
  operator(): { authorization: string };
  demo(): { prefix: string; authorization: string };
}

const root = t.testdir();
const topDir = join(root, 'top');
// The accounts, made in this process on the top-level node's store before it starts (no CLI child needed).
const topStore = openSqliteTopStore(topDir);
const accounts = new TopLevel(topStore, systemClock, systemRandom, []);
const prefixes = { a: '88.301', b: '88.302', c: '88.303' } as const;
const account = {
  a: await accounts.addNode('Node A', [prefixes.a]),
  b: await accounts.addNode('Node B', [prefixes.b]),
  c: await accounts.addNode('Node C', [prefixes.c]),
};
await topStore.close();

// Every process starts at once (each compiles the sources: minutes on a loaded machine): the top-level node's
// port is chosen first, so the secondaries know where it will be; they retry until it answers.
t.setTimeout(600_000);
const topUrl = `http://127.0.0.1:${await freePort()}`;
const topStarting = spawnNode({ command: 'top', dataDir: topDir, t, ...START, args: ['--http-port', new URL(topUrl).port] });
const bPort = String(await freePort());

const secondary = async (key: 'a' | 'b' | 'c', extra: string[]): Promise<Secondary> => {
  const dir = join(root, key);
  const args = ['--node-prefix', prefixes[key], '--top-level', topUrl, '--top-level-id', account[key].id, '--top-level-secret', account[key].secret, ...extra];
  const node = await spawnNode({ dataDir: dir, t, env: RECURSION, args, ...START });
  const fx: Secondary = {
    node,
    prefix: prefixes[key],
    dir,
    args,
    operator: () => {
      const credentials = firstRunCredentials(fx.node.stderr())!;
      return { authorization: basic(credentials.operator.id, credentials.operator.secret) };
    },
    demo: () => {
      const { demo } = firstRunCredentials(fx.node.stderr())!;
      return { prefix: demo.prefix, authorization: basic(demo.id, demo.secret) };
    },
  };
  return fx;
};
const [top, a, b, c] = await Promise.all([
  topStarting,
  secondary('a', ['--recursive', '--grpc-port', '0', '--hdl-port', '0']),
  secondary('b', ['--recursive', '--http-port', bPort]),
  secondary('c', []),
]);
// The first-run credentials come on stderr, possibly after the ready file; the prefixes must be homed at the top.
await eventually(() => [a, b, c].every((fx) => firstRunCredentials(fx.node.stderr()) !== undefined), 'the first-run credentials', 10_000, 50);
await eventually(async () => {
  for (const fx of [a, b, c]) {
    const homed = (await send(`${fx.node.url}/readyz`)).body.topLevel?.prefixesHomed ?? [];
    if (!homed.includes(fx.demo().prefix)) return false;
  }
  return true;
}, 'every node has homed its prefixes at the top-level node', 30_000, 100);
const ready = JSON.parse(readFileSync(a.node.readyFile, 'utf8')) as Record<string, string>;

/** Writes `suffix` under the node's demo enterprise prefix with one URL value of the given TTL. */
async function register(fx: Secondary, suffix: string, ttl: number): Promise<string> {
  const { prefix, authorization } = fx.demo();
  const handle = `${prefix}/${suffix}`;
  const put = await send(`${fx.node.url}/api/handles/${handle}`, { method: 'PUT', headers: { authorization }, json: { values: [{ index: 1, type: 'URL', data: `https://${fx.prefix}.example/${suffix}`, ttl }] } });
  if (put.status !== 201) throw new Error(`PUT ${handle}: ${put.status} ${JSON.stringify(put.body)}`);
  return handle;
}

/** Resolutions the node has answered over REST (its /metrics), whoever asked: how often B was reached. */
async function restResolutions(fx: Secondary): Promise<number> {
  const text = await (await fetch(`${fx.node.url}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^idnode_requests_total\{frontend="rest",operation="resolve",outcome="[a-z_]+"\} (\d+)$/gm)) total += Number(match[1]);
  return total;
}

/** The node's flushed metering totals for `prefix` (its operator reads them). */
async function figures(fx: Secondary, prefix: string): Promise<Json> {
  const answer = await send(`${fx.node.url}/api/v1/metering/totals?prefix=${encodeURIComponent(prefix)}&from=2020-01-01&to=2029-12-31`, { headers: fx.operator() });
  if (answer.status !== 200) throw new Error(`metering totals: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.totals;
}

const stamp = Date.now().toString(36);
const partB = await register(b, `PART-${stamp}`, 3600);
const partC = await register(c, `PART-${stamp}`, 3600);
const partA = await register(a, `PART-${stamp}`, 3600);

t.test('cross-node resolution through recursion over REST, gRPC and the Handle protocol; off: still 301', async (t) => {
  const viaRest = await send(`${a.node.url}/api/handles/${partB}`);
  t.match(viaRest, { status: 200, body: { responseCode: 1, handle: partB, values: [{ index: 1, type: 'URL', data: { value: `https://${prefixes.b}.example/PART-${stamp}` }, ttl: 3600 }] } });
  t.match(await send(`${b.node.url}/api/handles/${partC}`), { status: 200, body: { values: [{ data: { value: `https://${prefixes.c}.example/PART-${stamp}` } }] } }, 'B resolves C\'s identifier');
  t.match(await send(`${b.node.url}/api/handles/${partA}`), { status: 200, body: { values: [{ data: { value: `https://${prefixes.a}.example/PART-${stamp}` } }] } }, 'and A\'s');

  const clients = new IdnodeClients(ready['grpc']!);
  t.teardown(() => clients.close());
  const viaGrpc = await clients.unary(clients.resolver, 'Resolve', { handle: partC });
  t.ok(viaGrpc.ok, JSON.stringify(viaGrpc));
  t.match(viaGrpc, { ok: true, value: { handle: partC } });

  const [host, port] = ready['hdl']!.split(':');
  const viaHdl = await resolveOverHdl({ host: host!, port: Number(port) }, { handle: partB, indexes: [], types: [], timeoutMs: 5000 });
  t.match(viaHdl, { responseCode: 1, handle: partB, values: [{ index: 1, type: 'URL' }] }, 'the Handle protocol front end resolves recursively too');

  t.match(await send(`${c.node.url}/api/handles/${partB}`), { status: 400, body: { responseCode: 301, code: 'NOT_HOMED' } }, 'C does not recurse: not homed here');
  t.match(await send(`${a.node.url}/api/handles/88.399/NOBODY`), { body: { responseCode: 301, code: 'NOT_HOMED', message: /nor at any node the top-level node knows/ } }, 'a prefix no node serves');
  t.match(
    await send(`${a.node.url}/api/handles/${partC}-unseen`, { headers: { 'idnode-referral-hops': '2' } }),
    { status: 503, body: { responseCode: 6, code: 'RECURSION_LIMIT_EXCEEDED' } },
    'a request already referred recursion-max-hops times is not referred again',
  );
  t.match(await send(`${a.node.url}/api/handles/${partC}`, { headers: { 'idnode-referral-hops': 'x' } }), { status: 400, body: { code: 'REQUEST_INVALID', message: /idnode-referral-hops/ } });
});

t.test('the remote answer is cached: a second lookup does not reach the serving node; invalidation by TTL', async (t) => {
  const handle = await register(b, `CACHED-${stamp}`, 3600);
  const before = await restResolutions(b);
  t.equal((await send(`${a.node.url}/api/handles/${handle}`)).status, 200);
  t.equal(await restResolutions(b), before + 1, 'the first lookup reached B');
  for (let k = 0; k < 3; k++) t.equal((await send(`${a.node.url}/api/handles/${handle}`)).status, 200);
  t.equal(await restResolutions(b), before + 1, 'the next ones did not');

  const short = await register(b, `SHORT-${stamp}`, 1);
  const start = await restResolutions(b);
  await send(`${a.node.url}/api/handles/${short}`);
  await send(`${a.node.url}/api/handles/${short}`);
  t.equal(await restResolutions(b), start + 1, 'kept while its TTL (1 s) lasts');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  t.equal((await send(`${a.node.url}/api/handles/${short}`)).status, 200);
  t.equal(await restResolutions(b), start + 2, 'asked again once the TTL passed');
});

t.test('metering: referred at the asking node (fresh and cached), the serving node counts its own answers', async (t) => {
  const handle = await register(c, `METERED-${stamp}`, 3600);
  const enterprise = handle.slice(0, handle.indexOf('/'));
  const atA = await figures(a, enterprise);
  const atC = await figures(c, enterprise);
  for (let k = 0; k < 4; k++) t.equal((await send(`${a.node.url}/api/handles/${handle}`)).status, 200);
  await eventually(async () => (await figures(a, enterprise)).resolutionReferred === atA.resolutionReferred + 4, 'A counts four referred resolutions', 10_000, 100);
  const nowA = await figures(a, enterprise);
  t.equal(nowA.resolutionCacheHits, atA.resolutionCacheHits, 'none of them as a cache hit of its own');
  await eventually(async () => (await figures(c, enterprise)).resolutions === atC.resolutions + 1, 'C counts the one lookup that reached it', 10_000, 100);
  t.equal((await figures(c, enterprise)).resolutionReferred, 0, 'C answered from its own store');
});

t.test('the serving node hung (SIGSTOP): an error within the time-out, never a hang; answers again once it runs', async (t) => {
  const handle = await register(b, `HUNG-${stamp}`, 3600);
  t.ok(b.node.process.kill('SIGSTOP'));
  t.teardown(() => void b.node.process.kill('SIGCONT'));
  const began = performance.now();
  const failed = await send(`${a.node.url}/api/handles/${handle}`);
  const waited = performance.now() - began;
  t.match(failed, { status: 503, body: { responseCode: 3, code: 'REMOTE_NODE_UNAVAILABLE', message: new RegExp(`no answer within ${TIMEOUT_MS} ms`) } });
  t.ok(waited >= TIMEOUT_MS - 50 && waited < TIMEOUT_MS + 1500, `answered after the time-out (${Math.round(waited)} ms)`);
  t.match(await send(`${a.node.url}/api/handles/${partA}`), { status: 200 }, 'A\'s own identifiers resolve meanwhile');
  t.ok(b.node.process.kill('SIGCONT'));
  await eventually(async () => (await send(`${a.node.url}/api/handles/${handle}`)).status === 200, 'answered again after recursion-failure-ttl-ms', 20_000, 200);
});

t.test('the serving node killed mid-run: a bounded error, the local service unaffected, recovery when it returns', async (t) => {
  const first = await register(b, `OUTAGE-1-${stamp}`, 3600);
  const second = `${b.demo().prefix}/OUTAGE-2-${stamp}`;
  t.same(await b.node.stop('SIGKILL'), { code: null, signal: 'SIGKILL' });

  let began = performance.now();
  const failed = await send(`${a.node.url}/api/handles/${first}`);
  const firstMs = performance.now() - began;
  t.match(failed, { status: 503, body: { responseCode: 3, code: 'REMOTE_NODE_UNAVAILABLE', message: new RegExp(`could not be resolved at http://127\\.0\\.0\\.1:${bPort}, the node serving`) } });
  t.ok(firstMs < TIMEOUT_MS + 1500, `answered within the time-out and a margin (${Math.round(firstMs)} ms)`);
  began = performance.now();
  const remembered = await send(`${a.node.url}/api/handles/${second}`);
  t.match(remembered, { status: 503, body: { code: 'REMOTE_NODE_UNAVAILABLE', message: /not asked again for \d+ ms/ } });
  t.ok(performance.now() - began < TIMEOUT_MS, 'a remembered failure is answered at once');

  t.match(await send(`${a.node.url}/api/handles/${partA}`), { status: 200 }, 'A\'s own identifiers resolve');
  t.match(await send(`${a.node.url}/api/handles/${partC}`), { status: 200 }, 'other nodes\' too');
  t.match(await send(`${a.node.url}/api/handles/${partB}`), { status: 200 }, 'and a cached answer of the dead node');
  const put = await send(`${a.node.url}/api/handles/${a.demo().prefix}/DURING-${stamp}`, { method: 'PUT', headers: { authorization: a.demo().authorization }, json: { values: [{ index: 1, type: 'URL', data: 'x' }] } });
  t.equal(put.status, 201, 'and writes go on');

  b.node = await spawnNode({ dataDir: b.dir, t, env: RECURSION, args: b.args, ...START });
  await eventually(async () => (await send(`${a.node.url}/api/handles/${first}`)).status === 200, 'A resolves B\'s identifier again', 30_000, 200);
  t.pass('recovered');
});

t.teardown(async () => {
  await Promise.all([a.node.stop(), b.node.stop(), c.node.stop()]);
  await top.stop();
});
