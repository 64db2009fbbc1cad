/**
 * `node --import tsx bench/import-threads.ts`: where an NDJSON import's time goes, per thread of the server.
 * One idnode (the compiled build) imports bodies of new identifiers; each run reports the wall time per
 * identifier beside the CPU per identifier of every busy thread of the server (from /proc/<pid>/task: the
 * main thread parses, validates and encodes; the SQLite writer thread inserts and commits). Wall ≈ main +
 * writer means the two do not overlap; wall ≈ max(main, writer) means they do.
 *
 * Flags: --size N (100000) --runs N (3) --cores server|both (server: pinned to one core, as bench:wrk runs it)
 *        --baseline DIR (another built checkout, run in turn with this one on data of its own, prepared alike)
 *        --profile DIR (a CPU profile of every thread of this idnode, written to DIR when it stops)
 *        --node-options TEXT (NODE_OPTIONS of this idnode only, e.g. "--max-semi-space-size=64")
 *        --probe (a GET of one identifier every 2 ms on another connection during each import: its latency
 *        says whether the import lets the node's other requests through)
 *        --workers N (1: serve --workers N, every process's threads reported; above 1 implies --cores both)
 *        --synchronous full|normal (this idnode's sqlite-synchronous: normal tells how much of a chunk's wall time
 *        is the commit's fsync)
 *        --store sqlite|postgres (postgres: each idnode on a schema of its own, created for the run and dropped
 *        after, in the database at IDNODE_BENCH_DATABASE_URL, else the local server's; the PostgreSQL server's
 *        own CPU per identifier, every process named postgres on this machine, is reported beside the threads)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore } from '../src/store/open-store.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { ensureBuilt } from './lib/build.js';
import { postJson } from './lib/http-post.js';
import { pinGenerator } from './lib/pinning.js';
import { childPids, parseStatCpuTicks } from './lib/proc.js';
import { stopAllChildren } from './lib/processes.js';
import { createBenchEnterprise, type Credential } from './lib/seed.js';
import { startIdnode, type RunningServer } from './lib/servers.js';
import { LatencyRecorder, type LatencySummary } from './lib/stats.js';
import { basicAuth, ndjsonImport } from './lib/workload.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    size: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    cores: { type: 'string', default: 'server' },
    baseline: { type: 'string' },
    profile: { type: 'string' },
    'node-options': { type: 'string' },
    synchronous: { type: 'string' },
    probe: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
    store: { type: 'string', default: 'sqlite' },
  },
});
const size = Number(flags.size);
const TICK_MICROS = 10_000; // USER_HZ is 100 on Linux
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

/**
 * CPU ticks per thread of `pid` and of its children (serve --workers: the workers), keyed "tid name"; a
 * worker's threads are named "worker <pid> main" and so on.
 */
function threadTicks(pid: number, owner = ''): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      // Node names no thread: the main thread's id is the process's; the busiest other one is the writer.
      const name = tid === String(pid) ? 'main' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      ticks.set(`${tid} ${owner}${name}`, parseStatCpuTicks(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  for (const child of childPids(pid)) {
    try {
      for (const [thread, count] of threadTicks(child, `worker ${child} `)) ticks.set(thread, count);
    } catch {
      // the worker ended between the listing and the read
    }
  }
  return ticks;
}

const POSTGRES_URL = process.env['IDNODE_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** CPU ticks of every process named postgres on this machine (the server's backends, its writers, its WAL). */
function postgresTicks(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') ticks += parseStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      // the process ended between the listing and the read
    }
  }
  return ticks;
}

async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** GETs one identifier every 2 ms, one at a time, on a connection of its own, until stopped; their latencies in ms. */
function startProbe(url: string): { stop(): Promise<LatencySummary> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = new LatencyRecorder();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const sent = performance.now();
      await new Promise<void>((resolve, reject) => {
        get(`${url}/api/handles/88.999/probe`, { agent }, (response) => {
          response.resume();
          response.on('end', resolve);
        }).on('error', reject);
      });
      latencies.record(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      agent.destroy();
      return latencies.summary();
    },
  };
}

async function main(): Promise<void> {
  if (ensureBuilt(root)) process.stderr.write('built dist/\n');
  const pinning = pinGenerator();
  const workDir = mkdtempSync(join(tmpdir(), 'idnode-import-threads-'));
  const postgres = flags.store === 'postgres';
  const schemas: string[] = [];
  try {
    /** A data directory (and on PostgreSQL a schema) with the bench enterprise: its credential and the server's store settings. */
    const prepare = async (name: string) => {
      const dataDir = join(workDir, name);
      const schema = `idnode_import_threads_${process.pid}_${name}`;
      if (postgres) schemas.push(schema);
      const store = postgres ? await openPostgresStore({ url: POSTGRES_URL, schema }) : await openStore({ store: 'sqlite', dataDir, sqliteSynchronous: 'normal' });
      const credential = await createBenchEnterprise(store, join(dataDir, 'node-key.pem'));
      await store.close();
      const settings: Record<string, string> = postgres ? { IDNODE_STORE: 'postgres', IDNODE_DATABASE_URL: POSTGRES_URL, IDNODE_DATABASE_SCHEMA: schema } : {};
      return { dataDir, credential, settings };
    };
    const env = { root, workDir, pinning, profileDir: undefined };
    const workers = Number(flags.workers);
    const cores = flags.cores === 'both' || workers > 1 ? ('both' as const) : ('server' as const);
    const own = await prepare('idnode');
    const ownSettings = { ...own.settings, ...(flags['node-options'] === undefined ? {} : { NODE_OPTIONS: flags['node-options'] }), ...(flags.synchronous === undefined ? {} : { IDNODE_SQLITE_SYNCHRONOUS: flags.synchronous }) };
    const servers: { server: RunningServer; credential: Credential }[] = [
      { server: await startIdnode({ ...env, profileDir: flags.profile }, { name: 'idnode', dataDir: own.dataDir, cores, workers, profileEachThread: true, settings: ownSettings }), credential: own.credential },
    ];
    if (flags.baseline !== undefined) {
      const other = await prepare('baseline');
      servers.push({ server: await startIdnode(env, { name: 'baseline', root: flags.baseline, dataDir: other.dataDir, cores, workers, settings: other.settings }), credential: other.credential });
    }
    console.log(`load before: ${load()}; ${size} lines a run; cores: ${cores}; workers: ${workers}; store: ${postgres ? 'postgres' : 'sqlite'}`);
    for (let r = 0; r < Number(flags.runs); r++) {
      for (const { server, credential } of r % 2 === 0 ? servers : [...servers].reverse()) {
        const headers = { 'content-type': 'application/x-ndjson', authorization: basicAuth(credential.id, credential.secret) };
        const body = ndjsonImport(`t${r}-${server.name}`, size);
        const before = threadTicks(server.pid);
        const postgresBefore = postgres ? postgresTicks() : 0;
        const probe = flags.probe ? startProbe(server.url) : undefined;
        const started = performance.now();
        const answer = await postJson(server.url, '/api/v1/import', headers, body, 600_000);
        const wallMicros = (performance.now() - started) * 1000;
        const probed = await probe?.stop();
        const after = threadTicks(server.pid);
        if (postgres) {
          before.set('0 postgres', postgresBefore);
          after.set('0 postgres', postgresTicks());
        }
        const created = (answer.json as { summary?: { created?: number } }).summary?.created ?? 0;
        const busy = [...after]
          .map(([thread, ticks]) => [thread, ((ticks - (before.get(thread) ?? 0)) * TICK_MICROS) / created] as const)
          .filter(([, micros]) => micros >= 0.5)
          .sort((a, b) => b[1] - a[1]);
        const total = busy.reduce((sum, [, micros]) => sum + micros, 0);
        console.log(
          `${server.name} run ${r + 1}: ${created} created, ${Math.round(created / (wallMicros / 1e6))}/s, wall ${(wallMicros / created).toFixed(1)} µs/id, CPU ${total.toFixed(1)} µs/id = ` +
            busy.map(([thread, micros]) => `${thread.split(' ').slice(1).join(' ')} ${micros.toFixed(1)}`).join(' + ') +
            ` (load ${load()})`,
        );
        if (probed !== undefined) console.log(`  probe GETs during it: ${probed.count}, p50 ${probed.p50Ms.toFixed(2)} ms, p99 ${probed.p99Ms.toFixed(2)} ms, max ${probed.maxMs.toFixed(2)} ms`);
      }
    }
    await Promise.all(servers.map(({ server }) => server.stop()));
  } finally {
    await stopAllChildren();
    await dropSchemas(schemas);
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
