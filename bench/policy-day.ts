/**
 * `npm run bench:policy-day`: the award policy's day — 3,000,000 resolutions, Zipf (s = 1) over 10,000,000
 * identifiers — replayed against a real `idnode serve` (issue 15's goal: in under 90 s).
 *
 *   1. Seeds the identifiers into a fresh SQLite data directory through the store's own bulk write
 *      (bench/lib/bulk-seed.ts), timed on its own, and draws the day: `resolutions` paths, seeded, in order.
 *   2. For each of --workers (1,2): starts `idnode serve --workers N` on that directory (1 worker pinned to
 *      core 0; 2 on both cores, where wrk competes with one of them), checks it serves the seeded identifiers
 *      as registered and metered, replays the day with wrk (pinned to core 1; bench/lib/day-replay.ts: every
 *      path once, then stopped with none in flight), and reads the node's metering API before and after.
 *   3. Prints wall time, rate, server CPU µs per resolution (primary and workers, /proc), the cache-hit share
 *      (metered cache hits / metered resolutions), wrk's CPU share, peak RSS, and the exactness check: the
 *      node's metered resolutions over the replay must equal those wrk saw answered 200 or 404 — also read
 *      from the store after a graceful stop — or the bench fails.
 *
 * Flags: --scale S (1: 10,000,000 and 3,000,000; 0.01 to try it) --resolutions N (part of a day, when a full
 *        one would take too long here: the full day is then projected) --workers 1,2 --connections C (32)
 *        --cache-entries N (1,000,000 × scale, the policy-year's) --seed N (9) --max-seconds S (600 per replay)
 *        --profile (CPU profiles of the servers: bench/results/profiles/) --keep (keep the scratch directory)
 *        --reuse DIR (a directory kept by --keep: its seeded data and drawn day, no seeding) --no-build
 * Writes bench/results/policy-day.json.
 */
import { statfsSync, statSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LOCAL_OPERATOR } from '../src/core/auth/principal.js';
import { systemClock } from '../src/core/clock/clock.js';
import { MeteringDay } from '../src/core/clock/metering-day.js';
import { openStore } from '../src/store/open-store.js';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { ensureBuilt } from './lib/build.js';
import { bulkSeedSqlite } from './lib/bulk-seed.js';
import { replayPaths, type ReplayRun } from './lib/day-replay.js';
import { REGISTRATIONS_PER_YEAR, RESOLUTIONS_PER_DAY } from './lib/headroom.js';
import { checkSeededServing, settledFigures, storeResolutions, type Figures } from './lib/policy-day-checks.js';
import { pinGenerator } from './lib/pinning.js';
import { processCpuMicros, processPeakRssMb } from './lib/proc.js';
import { stopAllChildren } from './lib/processes.js';
import { BENCH_TIME_ZONE, benchCoreNode, createBenchEnterprise } from './lib/seed.js';
import { startIdnode, type BenchEnv } from './lib/servers.js';
import { HANDLE_PATH, zipfHandles } from './lib/workload.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    resolutions: { type: 'string' },
    workers: { type: 'string', default: '1,2' },
    connections: { type: 'string', default: '32' },
    'cache-entries': { type: 'string' },
    seed: { type: 'string', default: '9' },
    'max-seconds': { type: 'string', default: '600' },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const scale = Number(flags.scale);
const population = Math.round(REGISTRATIONS_PER_YEAR * scale);
const resolutions = Number(flags.resolutions ?? Math.round(RESOLUTIONS_PER_DAY * scale));
const cacheEntries = Number(flags['cache-entries'] ?? Math.max(1000, Math.round(1_000_000 * scale)));
const workerCounts = flags.workers.split(',').map(Number);
const log = (message: string) => process.stderr.write(`${message}\n`);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
/** Bytes a seeded identifier takes in the file (≈ 1.5 KB measured: row, kept answer, index entries), with room. */
const BYTES_PER_IDENTIFIER = 2_000;

interface Seeded {
  readonly population: number;
  readonly auditor: { id: string; secret: string };
  readonly seedSeconds: number;
  readonly seedDay: string;
}

interface Row {
  readonly workers: number;
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly replay: ReplayRun;
  readonly ratePerSec: number;
  readonly serverCpuMicrosPerResolution: number;
  readonly serverCores: number;
  readonly generatorCpuShare: number;
  readonly generatorCpuMicrosPerResolution: number;
  readonly cacheHitShare: number;
  readonly peakRssMb: number[];
  readonly meteredByApi: number;
  readonly meteredInStore: number;
  readonly exact: boolean;
}

async function main(): Promise<void> {
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], got ${flags.scale}`);
  const pinning = pinGenerator();
  if (!pinning.enabled) log('warning: not pinned (taskset missing or one core): wrk shares the server core');
  if (!flags['no-build'] && ensureBuilt(root)) log('built dist/');
  const workDir = flags.reuse ?? mkdtempSync(join(tmpdir(), 'idnode-policy-day-'));
  const dataDir = join(workDir, 'data');
  const profileDir = flags.profile ? join(root, 'bench/results/profiles') : undefined;
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const env: BenchEnv = { root, workDir, pinning, profileDir };
  const rows: Row[] = [];
  let seeded: Seeded;
  try {
    seeded = flags.reuse === undefined ? await seed(workDir, dataDir) : reuse(workDir);
    const pathsFile = join(workDir, `day-${flags.seed}-${resolutions}.paths`);
    if (!existsSync(pathsFile)) drawDay(pathsFile);
    for (const workers of workerCounts) rows.push(await runDay(env, dataDir, pathsFile, seeded, workers));
  } finally {
    await stopAllChildren();
    if (flags.keep || flags.reuse !== undefined) log(`kept ${workDir} (rerun with --reuse ${workDir})`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  const summary = render(seeded, rows);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/policy-day.json'), JSON.stringify({ scale, population, resolutions, cacheEntries, connections: Number(flags.connections), seedSeconds: seeded.seedSeconds, rows }, null, 2) + '\n');
  process.stdout.write(summary);
  if (rows.some((row) => !row.exact)) {
    log('policy-day FAILED: the metered resolutions differ from those answered');
    process.exitCode = 1;
  }
}

/** A fresh data directory: the bench enterprise, an auditor (for the metering API), the identifiers. */
async function seed(workDir: string, dataDir: string): Promise<Seeded> {
  const free = statfsSync(workDir);
  const needed = population * BYTES_PER_IDENTIFIER + resolutions * 60;
  log(`disk: ${((free.bavail * free.bsize) / 2 ** 30).toFixed(1)} GiB free at ${workDir}, the run needs about ${(needed / 2 ** 30).toFixed(1)} GiB`);
  if (free.bavail * free.bsize < needed) throw new Error(`not enough disk at ${workDir} for ${population.toLocaleString('en-US')} identifiers`);
  const keyFile = join(dataDir, 'node-key.pem');
  const store = await openStore({ store: 'sqlite', dataDir, sqliteSynchronous: 'normal' });
  const enterprise = await createBenchEnterprise(store, keyFile);
  const node = await benchCoreNode(store, keyFile);
  const auditor = await node.principals.addAuditor(LOCAL_OPERATOR, 'policy-day bench');
  await node.close();
  const file = (store as SqliteStore).file;
  await store.close();
  log(`seeding ${population.toLocaleString('en-US')} identifiers (load ${load()})`);
  const seedDay = new MeteringDay(BENCH_TIME_ZONE).dayOf(systemClock.now());
  const seedSeconds = bulkSeedSqlite(file, population, enterprise.id, {
    onProgress: (done) => {
      if (done % 1_000_000 === 0) log(`  ${done.toLocaleString('en-US')} (load ${load()})`);
    },
  });
  log(`seeded in ${seedSeconds.toFixed(1)} s = ${Math.round(population / seedSeconds).toLocaleString('en-US')}/s; file ${(statSync(file).size / 2 ** 30).toFixed(2)} GiB`);
  const seeded: Seeded = { population, auditor: { id: auditor.id, secret: auditor.secret }, seedSeconds, seedDay };
  writeFileSync(join(workDir, 'seeded.json'), JSON.stringify(seeded));
  return seeded;
}

function reuse(workDir: string): Seeded {
  const seeded = JSON.parse(readFileSync(join(workDir, 'seeded.json'), 'utf8')) as Seeded;
  if (seeded.population !== population) throw new Error(`${workDir} holds ${seeded.population} identifiers, --scale ${scale} wants ${population}`);
  log(`reusing ${population.toLocaleString('en-US')} identifiers seeded in ${seeded.seedSeconds.toFixed(1)} s`);
  return seeded;
}

/** The day's resolutions: Zipf (s = 1) ranks over the whole population, scattered over it, seeded. */
function drawDay(file: string): void {
  const next = zipfHandles(population, population, Number(flags.seed));
  const lines: string[] = [];
  for (let k = 0; k < resolutions; k++) lines.push(HANDLE_PATH + next());
  writeFileSync(file, lines.join('\n') + '\n');
}

async function runDay(env: BenchEnv, dataDir: string, pathsFile: string, seeded: Seeded, workers: number): Promise<Row> {
  const server = await startIdnode(env, {
    name: `policy-day-w${workers}`,
    dataDir,
    workers,
    cores: workers > 1 ? 'both' : 'server',
    settings: { IDNODE_CACHE_MAX_ENTRIES: String(cacheEntries), IDNODE_CACHE_MAX_BYTES: String(2 * 1024 ** 3) },
  });
  const pids = [server.pid, ...(server.workerPids ?? [])];
  const auditor = seeded.auditor;
  let row: Row;
  try {
    await checkSeededServing(server.url, auditor, seeded.population, seeded.seedDay);
    const day = new MeteringDay(BENCH_TIME_ZONE).dayOf(systemClock.now());
    const before = await settledFigures(server.url, auditor, day);
    const loadBefore = load();
    const cpuBefore = pids.map(processCpuMicros);
    log(`workers ${workers}: replaying ${resolutions.toLocaleString('en-US')} resolutions (load ${loadBefore})`);
    const replay = await replayPaths({
      wrk: '/usr/bin/wrk',
      url: server.url,
      pathsFile,
      scriptFile: join(env.workDir, 'replay.lua'),
      connections: Number(flags.connections),
      pinning: env.pinning,
      logFile: join(env.workDir, 'wrk.log'),
      maxSec: Number(flags['max-seconds']),
    });
    const serverMicros = pids.reduce((sum, pid, k) => sum + processCpuMicros(pid) - cpuBefore[k]!, 0);
    const loadAfter = load();
    const after = await settledFigures(server.url, auditor, day);
    const peakRssMb = pids.map((pid) => processPeakRssMb(pid) ?? Number.NaN);
    const metered = difference(after, before);
    await server.stop();
    const meteredInStore = (await storeResolutions(dataDir, day)) - before.resolutions;
    row = {
      workers,
      loadBefore,
      loadAfter,
      replay,
      ratePerSec: replay.answered / replay.wallSec,
      serverCpuMicrosPerResolution: serverMicros / replay.answered,
      serverCores: serverMicros / 1e6 / replay.wallSec,
      generatorCpuShare: replay.generatorCpuMicros / 1e6 / replay.generatorLifeSec,
      generatorCpuMicrosPerResolution: replay.generatorCpuMicros / replay.answered,
      cacheHitShare: metered.resolutionCacheHits / metered.resolutions,
      peakRssMb,
      meteredByApi: metered.resolutions,
      meteredInStore,
      exact: metered.resolutions === replay.answered && meteredInStore === replay.answered,
    };
  } finally {
    await server.stop();
  }
  log(
    `workers ${workers}: ${row.replay.wallSec.toFixed(1)} s, ${Math.round(row.ratePerSec).toLocaleString('en-US')}/s; answered ${row.replay.answered} (other ${row.replay.other}), ` +
      `metered ${row.meteredByApi} (API) / ${row.meteredInStore} (store after stop): ${row.exact ? 'exact' : 'NOT EQUAL'}`,
  );
  return row;
}

function difference(after: Figures, before: Figures): Figures {
  return Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - before[key as keyof Figures]])) as unknown as Figures;
}

function render(seeded: Seeded, rows: readonly Row[]): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const lines = [
    `## The policy day: ${n(resolutions)} Zipf resolutions over ${n(population)} identifiers (goal: < 90 s at full scale)`,
    '',
    `Seeded ${n(population)} identifiers in ${seeded.seedSeconds.toFixed(1)} s (${n(population / seeded.seedSeconds)}/s, the store's bulk write on one connection). Cache ${n(cacheEntries)} entries; wrk, one thread, ${flags.connections} connections, pinned to core 1.`,
    '',
    '| workers (cores) | replay s | resolutions/s | server CPU µs/resolution (cores busy) | cache hits | wrk CPU µs/res (core share) | peak RSS MiB | answered 200/404 (other) | metered: API / store | load avg before → after |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.workers} (${row.workers > 1 ? '0-1' : '0'}) | ${row.replay.wallSec.toFixed(1)} | ${n(row.ratePerSec)} | ${row.serverCpuMicrosPerResolution.toFixed(1)} (${row.serverCores.toFixed(2)}) | ${(row.cacheHitShare * 100).toFixed(1)}% | ${row.generatorCpuMicrosPerResolution.toFixed(1)} (${row.generatorCpuShare.toFixed(2)}) | ${row.peakRssMb.map((mb) => mb.toFixed(0)).join(' + ')} | ${n(row.replay.answered)} (${row.replay.other}) | ${n(row.meteredByApi)} / ${n(row.meteredInStore)} ${row.exact ? 'exact' : '**NOT EQUAL**'} | ${row.loadBefore} → ${row.loadAfter} |`,
    );
  }
  const day = RESOLUTIONS_PER_DAY * scale;
  if (resolutions !== day) {
    for (const row of rows) {
      lines.push(`- ${row.workers} worker(s), projected to the whole day of ${n(day)}: ${(day / row.ratePerSec).toFixed(0)} s at the measured rate; ${((day * row.serverCpuMicrosPerResolution) / 1e6 / row.workers).toFixed(0)} s if the server had ${row.workers} core(s) to itself at the measured CPU per resolution.`);
    }
  }
  lines.push('', 'Peak RSS: the primary, then each worker. wrk\'s CPU share is over its whole life (loading the day\'s paths included). With 2 workers on 2 cores wrk competes with a worker for core 1.', '');
  return lines.join('\n');
}

main().catch(async (error: unknown) => {
  log(`bench:policy-day failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await stopAllChildren();
  process.exitCode = 1;
});
