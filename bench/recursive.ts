/**
 * The recursive-resolution benchmark (issue 12): `npm run bench:recursive -- [--ids N] [--seconds S] [--concurrency C]`.
 * See bench/README.md, "Recursive resolution".
 *
 * Two nodes, each in its own process (pinned to its own core when taskset and two cores are there, so the
 * asking node's CPU time is its own): the serving node B (this script with --serve: a node core on an
 * in-memory store holding --ids identifiers under 88.999.1, behind the REST front end) and the asking node
 * A (this process: a node core with recursion on, a top-level node that names B for 88.999.1, and the real
 * network RemoteResolver; --ids identifiers of its own under 88.998). node.resolver.resolve is called
 * in-process, as every front end calls it, for S seconds per row, C lookups in flight:
 *   local, cached          A's own identifiers, every one already in the cache
 *   local, store read      A's own identifiers, cache emptied before the row (each one read once)
 *   recursive, warm        B's identifiers, every one already cached at A
 *   recursive, cold        B's identifiers never asked before: every lookup goes to B over HTTP
 * Prints rates, CPU µs per lookup (A's process), p50 and p99 latency and the load average, and writes
 * bench/results/recursive.json.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ANONYMOUS, LOCAL_OPERATOR } from '../src/core/auth/principal.js';
import { systemClock } from '../src/core/clock/clock.js';
import { MeteringDay } from '../src/core/clock/metering-day.js';
import type { TopLevelLink } from '../src/core/connection/top-level-link.js';
import { IdNode, type CoreConfig } from '../src/core/node.js';
import { prefixHandleRecord } from '../src/core/resolver/stages/prefix-handle-route.js';
import type { HandleWrite } from '../src/core/store/store.js';
import { networkRemoteResolver } from '../src/federation/network-remote-resolver.js';
import { buildRestServer } from '../src/rest/server.js';
import { systemRuntime } from '../src/runtime/system-runtime.js';
import { openMemoryStore } from '../src/store/memory/memory-store.js';
import { markdownTable } from './lib/format.js';
import { pinGenerator, pinToServerCore } from './lib/pinning.js';
import { seedIdentifiers } from './lib/seed.js';
import { percentile } from './lib/stats.js';
import { BENCH_NODE_PREFIX, BENCH_PREFIX, seededHandle, storedValuesFactory } from './lib/workload.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LOCAL_PREFIX = '88.998';
const { values: flags } = parseArgs({
  options: { serve: { type: 'boolean', default: false }, ids: { type: 'string', default: '200000' }, seconds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '8' } },
});
const ids = Number(flags.ids);
const seconds = Number(flags.seconds);
const concurrency = Number(flags.concurrency);
const log = (message: string) => process.stderr.write(`[bench:recursive] ${message}\n`);

const CONFIG: CoreConfig = {
  nodePrefixes: [BENCH_NODE_PREFIX],
  timeZone: 'Asia/Shanghai',
  cache: { maxEntries: 2_000_000, maxBytes: 2 * 1024 ** 3, maxTtlSeconds: 86_400, notFoundTtlSeconds: 5 },
  limits: { maxValues: 1000, maxDataBytes: 65_536 },
  meteringFlushIntervalMs: 1000,
};

/** The serving node B: prints one JSON line {url, site} once it listens, serves until stdin closes. */
async function serve(): Promise<void> {
  const store = openMemoryStore();
  const node = await IdNode.create(CONFIG, { ...systemRuntime({}), store, logger: pino({ level: 'silent' }) });
  const enterprise = await node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: BENCH_PREFIX, name: 'bench' });
  await seedIdentifiers(store, ids, enterprise.id);
  const app = await buildRestServer(node, { logger: pino({ level: 'silent' }), bodyLimitBytes: 1 << 20, batchBodyLimitBytes: 8 << 20, allowRemoteCredentialsOverHttp: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const port = Number(new URL(url).port);
  node.site.describe({ host: '127.0.0.1', description: 'bench serving node', contributions: [{ interfaces: [{ type: 'admin-and-query', protocol: 'http', port }] }] });
  process.stdout.write(JSON.stringify({ url, site: node.site.currentBytes().toString('base64') }) + '\n');
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on('end', resolve));
  await app.close();
  await node.close();
}

interface Row {
  readonly name: string;
  readonly lookups: number;
  readonly perSecond: number;
  readonly cpuMicrosPerLookup: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly loadAverage: number;
}

/**
 * Resolves handleOf(0), handleOf(1), … with `concurrency` in flight for `seconds` (or until `limit` lookups;
 * `untimed`: until `limit` whatever the time, to fill the cache before a warm row).
 */
async function measure(name: string, node: IdNode, handleOf: (i: number) => string, limit = Number.POSITIVE_INFINITY, untimed = false): Promise<Row> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const deadline = untimed ? Number.POSITIVE_INFINITY : started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline && next < limit) {
      const handle = handleOf(next++);
      const begin = performance.now();
      const resolution = await node.resolver.resolve({ handle, principal: ANONYMOUS, protocol: 'bench' });
      latencies.push(performance.now() - begin);
      if (resolution.status !== 'found') throw new Error(`${name}: ${handle} was ${resolution.status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  latencies.sort((x, y) => x - y);
  return {
    name,
    lookups: latencies.length,
    perSecond: latencies.length / elapsed,
    cpuMicrosPerLookup: (used.user + used.system) / latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    loadAverage: loadavg()[0]!,
  };
}

async function main(): Promise<void> {
  const pinning = pinGenerator();
  log(`starting the serving node with ${ids.toLocaleString('en-US')} identifiers`);
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', '--ids', String(ids)], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  pinToServerCore(child.pid!, pinning);
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the serving node exited with ${code}`)));
  });
  const served = JSON.parse(first) as { url: string; site: string };

  const top: TopLevelLink = {
    url: 'in-process',
    nodeId: 'bench',
    connect: async () => ({ prefixes: [] }) as never,
    homePrefix: async () => undefined,
    report: async () => undefined,
    resolvePrefixHandle: async (prefix) =>
      prefix === BENCH_PREFIX || prefix === BENCH_NODE_PREFIX ? prefixHandleRecord({ handle: `0.NA/${prefix}`, siteBase64: served.site, siteDescribedAtMs: 1, operatorPrefix: BENCH_NODE_PREFIX, createdAtMs: 1 }) : undefined,
  };
  const store = openMemoryStore();
  const node = await IdNode.create(
    { ...CONFIG, nodePrefixes: [LOCAL_PREFIX], recursive: true, recursion: { timeoutMs: 2000, maxHops: 2, failureTtlMs: 5000, maxInFlight: 256 } },
    { ...systemRuntime({}), store, logger: pino({ level: 'silent' }), topLevel: { link: top, retryBaseMs: 1000, retryMaxMs: 1000 }, remoteResolver: networkRemoteResolver() },
  );
  const nowMs = systemClock.now();
  const valuesOf = storedValuesFactory(`300:0.NA/${LOCAL_PREFIX}`, nowMs);
  const localHandle = (i: number) => `${LOCAL_PREFIX}/L-${String(i).padStart(8, '0')}`;
  const context = { nowMs, day: new MeteringDay('Asia/Shanghai').dayOf(nowMs), protocol: 'bench-seed' };
  for (let start = 0; start < ids; start += 10_000) {
    const writes: HandleWrite[] = [];
    for (let i = start; i < Math.min(ids, start + 10_000); i++) writes.push({ op: 'create', handle: localHandle(i), prefix: LOCAL_PREFIX, values: valuesOf(i) });
    await store.applyWrites(writes, context);
  }

  // A hot set for the warm rows, each identifier asked once before its row so the cache holds it.
  const HOT = Math.min(2_000, Math.floor(ids / 4));
  const hot = (handleOf: (i: number) => string) => (i: number) => handleOf(i % HOT);
  const rows: Row[] = [];
  await measure('(warm-up)', node, hot(localHandle), HOT, true);
  rows.push(await measure('local, cached', node, hot(localHandle)));
  node.cache.clear();
  rows.push(await measure('local, store read', node, (i) => localHandle(HOT + i), ids - HOT));
  await measure('(warm-up)', node, hot(seededHandle), HOT, true);
  rows.push(await measure('recursive, warm (cached)', node, hot(seededHandle)));
  rows.push(await measure('recursive, cold (asks B over HTTP)', node, (i) => seededHandle(HOT + i), ids - HOT));
  await node.close();
  child.stdin!.end();
  await new Promise((resolve) => child.once('exit', resolve));

  const reference = rows[0]!.perSecond;
  const table = markdownTable(
    ['row', 'lookups', 'per second', 'vs local cached', 'CPU µs/lookup (A)', 'p50 ms', 'p99 ms', 'load average'],
    rows.map((row) => [
      row.name,
      row.lookups.toLocaleString('en-US'),
      Math.round(row.perSecond).toLocaleString('en-US'),
      `${((row.perSecond / reference) * 100).toFixed(1)} %`,
      row.cpuMicrosPerLookup.toFixed(1),
      row.p50Ms.toFixed(3),
      row.p99Ms.toFixed(3),
      row.loadAverage.toFixed(2),
    ]),
  );
  const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  process.stdout.write(`\n## Recursive resolution (${concurrency} in flight, ${seconds} s per row, ${ids.toLocaleString('en-US')} identifiers per node, pinned: ${pinning.enabled})\n\n${table}\n${uptime}\n`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/recursive.json'), JSON.stringify({ at: new Date().toISOString(), uptime, concurrency, seconds, ids, pinned: pinning.enabled, rows }, null, 2) + '\n');
}

if (flags.serve) await serve();
else await main();
