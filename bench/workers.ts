/**
 * `npm run bench:workers`: warm REST resolution with `serve --workers 1` and `--workers 2`, driven by wrk.
 *
 * Three servers on copies of one seeded SQLite directory, each run in turn (interleaved, median of --runs):
 *   1 worker, pinned to core 0                — today's single process;
 *   2 workers, both pinned to core 0          — the same CPU budget: what sharing costs per resolution;
 *   2 workers, on both cores (0 and 1)        — the throughput an operator gets, with wrk competing for core 1.
 * wrk is pinned to core 1. Figures per run: resolutions/s (wrk), server CPU µs per resolution (utime + stime of
 * the primary and every worker, from /proc, over the run), wrk's own CPU share of one core, and the load
 * average. Every answer must be a 200 (wrk's non-2xx count is checked).
 *
 * Flags: --seconds S (5) per run, --runs N (3), --hot N (1,000 identifiers resolved), --connections C (64),
 * --writes N (200 sequential PUTs timed per server: the invalidation round trip a write waits for), --no-build.
 * Writes bench/results/workers.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PUBLIC_KEY_META } from '../src/core/ledger/node-key.js';
import { openStore } from '../src/store/open-store.js';
import { ensureBuilt } from './lib/build.js';
import { parseStatChildrenCpuTicks, parseStatCpuTicks } from './lib/proc.js';
import { spawnTracked, stopAllChildren, stopChild, waitForReadyFile } from './lib/processes.js';
import { createBenchEnterprise, seedIdentifiers, type Credential } from './lib/seed.js';
import { BENCH_NODE_PREFIX, BENCH_PREFIX, HANDLE_PATH, seededHandle } from './lib/workload.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

interface Options {
  readonly seconds: number;
  readonly runs: number;
  readonly hot: number;
  readonly connections: number;
  /** Sequential PUTs timed per server. */
  readonly writes: number;
  readonly build: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string, fallback: number) => {
    const at = argv.indexOf(flag);
    return at < 0 ? fallback : Number(argv[at + 1]);
  };
  return { seconds: value('--seconds', 5), runs: value('--runs', 3), hot: value('--hot', 1000), connections: value('--connections', 64), writes: value('--writes', 200), build: !argv.includes('--no-build') };
}

interface Setup {
  readonly name: string;
  readonly workers: number;
  readonly cores: string;
}

const SETUPS: readonly Setup[] = [
  { name: '1 worker, core 0', workers: 1, cores: '0' },
  { name: '2 workers, core 0', workers: 2, cores: '0' },
  { name: '2 workers, cores 0-1', workers: 2, cores: '0,1' },
];

interface Server {
  readonly setup: Setup;
  readonly url: string;
  /** The primary and, with workers, every worker. */
  readonly pids: readonly number[];
  stop(): Promise<number | null>;
}

interface Run {
  readonly setup: string;
  readonly resolutionsPerSecond: number;
  readonly serverCpuUsPerResolution: number;
  /** The server's CPU over the run, in cores (1 = one core busy the whole run). */
  readonly serverCores: number;
  /** wrk's CPU over the run, as a share of one core. */
  readonly generatorCoreShare: number;
  readonly loadAverage: number;
}

function cpuTicks(pid: number): number {
  return parseStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

async function startServer(workDir: string, seededDir: string, setup: Setup, index: number): Promise<Server> {
  const dataDir = join(workDir, `data-${index}`);
  cpSync(seededDir, dataDir, { recursive: true });
  const readyFile = join(workDir, `ready-${index}.json`);
  const logFile = join(workDir, `server-${index}.log`);
  const args = [join(ROOT, 'dist/cli/main.js'), 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--http-port', '0', '--grpc-port', 'off', '--hdl-port', 'off'];
  args.push('--ready-file', readyFile, '--node-prefix', BENCH_NODE_PREFIX, '--log-level', 'warn', '--workers', String(setup.workers));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('IDNODE_')) env[key] = value;
  // Pinned by taskset's own argument (workers inherit the affinity), not the bench's server/generator split.
  const child = spawnTracked('taskset', ['-c', setup.cores, process.execPath, ...args], { pinning: { enabled: false, serverCpu: -1, generatorCpu: -1 }, env, logFile });
  const ready = await waitForReadyFile<Record<string, string>>(readyFile, child, 180_000, logFile);
  const workers = (ready['workers'] ?? '').split(' ').filter(Boolean).map(Number);
  return { setup, url: ready['http']!, pids: [child.pid!, ...workers], stop: () => stopChild(child) };
}

/** A wrk script that cycles through the hot identifiers, one GET each. */
function writeWrkScript(file: string, hot: number): void {
  const paths = Array.from({ length: hot }, (_, i) => JSON.stringify(`${HANDLE_PATH}${seededHandle(i)}`));
  writeFileSync(
    file,
    `local paths = {${paths.join(',')}}\nlocal n = 0\nrequest = function()\n  n = n % #paths + 1\n  return wrk.format("GET", paths[n])\nend\n`,
  );
}

/** A wrk script that creates a new identifier per request (one wrk thread: the counter is unique). */
function writePutScript(file: string, enterprise: Credential, tag: string): void {
  const authorization = basicAuthorization(enterprise);
  const body = JSON.stringify({ values: [{ index: 1, type: 'URL', data: { format: 'string', value: 'https://example.org/w' } }] });
  writeFileSync(
    file,
    `local n = 0\nwrk.method = "PUT"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["content-type"] = "application/json"\nwrk.headers["authorization"] = ${JSON.stringify(authorization)}\n` +
      `request = function()\n  n = n + 1\n  return wrk.format(nil, "${HANDLE_PATH}${BENCH_PREFIX}/${tag}-" .. n)\nend\n`,
  );
}

function basicAuthorization(enterprise: Credential): string {
  return `Basic ${Buffer.from(`${enterprise.id.replace(':', '%3A')}:${enterprise.secret}`).toString('base64')}`;
}

/** Runs wrk pinned to core 1; resolves with its output and its CPU ticks (this process's waited-for children). */
async function wrk(url: string, script: string, seconds: number, connections: number): Promise<{ output: string; ticks: number }> {
  const before = parseStatChildrenCpuTicks(readFileSync('/proc/self/stat', 'utf8'));
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('taskset', ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}:\n${text}`))));
  });
  return { output, ticks: parseStatChildrenCpuTicks(readFileSync('/proc/self/stat', 'utf8')) - before };
}

function wrkRequests(output: string): number {
  const match = /(\d+) requests in/.exec(output);
  if (match === null) throw new Error(`no request count in wrk's output:\n${output}`);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  if (non2xx !== null) throw new Error(`${non2xx[1]} answers were not 200:\n${output}`);
  // Socket errors (wrk's 2 s timeouts on a loaded machine) are reported with the run, not fatal.
  const errors = /Socket errors: .*/.exec(output);
  if (errors !== null) console.log(`  wrk: ${errors[0]}`);
  return Number(match[1]);
}

async function measure(server: Server, script: string, options: Options): Promise<Run> {
  const before = server.pids.map(cpuTicks);
  const started = performance.now();
  const { output, ticks } = await wrk(server.url, script, options.seconds, options.connections);
  const seconds = (performance.now() - started) / 1000;
  const serverTicks = server.pids.map(cpuTicks).reduce((sum, after, i) => sum + after - before[i]!, 0);
  const requests = wrkRequests(output);
  const serverSeconds = serverTicks / CLOCK_TICKS_PER_SECOND;
  return {
    setup: server.setup.name,
    resolutionsPerSecond: requests / seconds,
    serverCpuUsPerResolution: (serverSeconds * 1e6) / requests,
    serverCores: serverSeconds / seconds,
    generatorCoreShare: ticks / CLOCK_TICKS_PER_SECOND / seconds,
    loadAverage: loadavg()[0]!,
  };
}

/** Median ms of `count` sequential single PUTs (new identifiers, one keep-alive connection). */
async function putLatencyMs(url: string, enterprise: Credential, count: number): Promise<number> {
  const authorization = basicAuthorization(enterprise);
  const tag = Math.random().toString(36).slice(2, 8);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(`${url}${HANDLE_PATH}${BENCH_PREFIX}/W-${tag}-${i}`, {
      method: 'PUT',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ values: [{ index: 1, type: 'URL', data: { format: 'string', value: `https://example.org/${i}` } }] }),
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`PUT answered ${response.status}`);
    times.push(performance.now() - started);
  }
  return median(times);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (availableParallelism() < 2) throw new Error('bench:workers needs two cores (wrk on one, the servers on the other or both)');
  if (options.build) ensureBuilt(ROOT);
  const workDir = mkdtempSync(join(tmpdir(), 'idnode-bench-workers-'));
  try {
    const seededDir = join(workDir, 'seeded');
    mkdirSync(seededDir);
    const store = await openStore({ store: 'sqlite', dataDir: seededDir, sqliteSynchronous: 'normal' });
    const enterprise = await createBenchEnterprise(store);
    await seedIdentifiers(store, options.hot, enterprise.id);
    // Seeding ran a node with a key kept in memory: each server makes its own key file and registers it.
    await store.deleteMeta(PUBLIC_KEY_META);
    await store.close();
    const script = join(workDir, 'hot.lua');
    writeWrkScript(script, options.hot);

    const servers: Server[] = [];
    for (const [index, setup] of SETUPS.entries()) servers.push(await startServer(workDir, seededDir, setup, index));
    // Warm: every hot identifier in every worker's cache (wrk's connections reach every worker).
    for (const server of servers) wrkRequests((await wrk(server.url, script, 2, options.connections)).output);

    const runs: Run[] = [];
    for (let round = 0; round < options.runs; round++) {
      for (const server of servers) {
        const run = await measure(server, script, options);
        runs.push(run);
        console.log(
          `${run.setup.padEnd(22)} ${Math.round(run.resolutionsPerSecond).toLocaleString('en').padStart(8)}/s  ` +
            `${run.serverCpuUsPerResolution.toFixed(1).padStart(5)} CPU µs/resolution  server ${run.serverCores.toFixed(2)} cores  ` +
            `wrk ${(run.generatorCoreShare * 100).toFixed(0)}% of a core  load ${run.loadAverage.toFixed(2)}`,
        );
      }
    }
    // Writes. Sequential PUTs: the invalidation round trip a write waits for with 2 workers (PeerChangeFeed).
    // Concurrent PUTs (wrk, 16 connections): what two writer threads contending for SQLite's write lock cost.
    const writes = [];
    for (const [index, server] of servers.entries()) {
      const medianPutMs = await putLatencyMs(server.url, enterprise, options.writes);
      const putScript = join(workDir, `put-${index}.lua`);
      writePutScript(putScript, enterprise, `C${index}`);
      const { output } = await wrk(server.url, putScript, options.seconds, 16);
      const putsPerSecond = wrkRequests(output) / options.seconds;
      writes.push({ setup: server.setup.name, medianPutMs, putsPerSecond: Math.round(putsPerSecond), loadAverage: loadavg()[0]! });
      console.log(`${server.setup.name.padEnd(22)} sequential PUT median ${medianPutMs.toFixed(2)} ms; 16 concurrent: ${Math.round(putsPerSecond).toLocaleString('en')} PUT/s (load ${loadavg()[0]!.toFixed(2)})`);
    }
    for (const server of servers) await server.stop();

    const summary = SETUPS.map((setup) => {
      const own = runs.filter((run) => run.setup === setup.name);
      return {
        setup: setup.name,
        resolutionsPerSecond: Math.round(median(own.map((run) => run.resolutionsPerSecond))),
        serverCpuUsPerResolution: Number(median(own.map((run) => run.serverCpuUsPerResolution)).toFixed(2)),
        generatorCoreShare: Number(median(own.map((run) => run.generatorCoreShare)).toFixed(2)),
        loadAverage: Number(median(own.map((run) => run.loadAverage)).toFixed(2)),
      };
    });
    const single = summary[0]!.serverCpuUsPerResolution;
    console.log('\nmedians:');
    for (const row of summary) {
      console.log(`  ${row.setup.padEnd(22)} ${row.resolutionsPerSecond.toLocaleString('en').padStart(8)}/s  ${row.serverCpuUsPerResolution} CPU µs/resolution (${((row.serverCpuUsPerResolution / single - 1) * 100).toFixed(1)}% vs 1 worker)  wrk ${(row.generatorCoreShare * 100).toFixed(0)}% of a core  load ${row.loadAverage}`);
    }
    console.log('(2 cores: on "cores 0-1" wrk, pinned to core 1, competes with the second worker for that core.)');
    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'workers.json'), `${JSON.stringify({ options, runs, summary, writes }, null, 2)}\n`);
  } finally {
    await stopAllChildren();
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
