/**
 * `npm run bench:wrk`: the REST read and write paths driven by C load generators on their own core (issue 15,
 * "honest measurement"), each figure beside a reference measured in the same run, turn about.
 *
 *   warm     GETs, Zipf over a hot set (all cache hits), wrk closed loop: idnode vs bare node:http + Map
 *   miss     GETs, uniform over the population with a cache of a tenth of it: idnode vs bare node:http +
 *            better-sqlite3 point read of the kept body on the same file (the ceiling of a miss), and vs the Map
 *   latency  warm and miss at half of idnode's measured maximum, constant rate (h2load --h1 --rps), with the
 *            reference driven at the same rate
 *   put      single PUTs of new identifiers, 64 connections (wrk), each acknowledged once durable
 *   import   one NDJSON body of new identifiers (POST /api/v1/import), end to end
 *
 * Flags: --population N (100000) --hot N (1000) --cache-entries N (population / 10) --seconds S (5) --runs N (3)
 *        --import-size N (200000) --only warm,miss,latency,put,import --no-build --keep
 *        --profile (a CPU profile of each idnode server: bench/results/profiles/idnode.cpuprofile)
 *        --baseline DIR (another checkout, built: its idnode is another side of warm, miss, put and import, on a copy of the
 *        same data and with the same --workers, so a change is measured against the code before it in one run)
 *        --baseline-workers N (the baseline's --workers instead: `--baseline . --baseline-workers 1 --workers 2`
 *        measures this code with two workers against itself with one)
 *        --lane-off (another side of warm and miss: this idnode with rest-fast-lane false, on a copy of the data)
 *        --workers N (1: idnode as `serve --workers N`; above 1 on both cores, where the generator competes with a
 *        worker for its core, the references staying on core 0)
 *        --semi-space-mb N (another side of warm, miss and latency: this idnode with young-generation semi-spaces of
 *        N MiB, on a copy of the data — with --workers above 1 through the semi-space-mb setting, else as node's
 *        own --min/--max-semi-space-size, since a single process cannot set it for itself; 0: V8's own sizing)
 * Prints a Markdown summary (with the load average before and after) and writes bench/results/wrk.json.
 */
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IdnodeError } from '../src/core/errors/catalogue.js';
import { openStore } from '../src/store/open-store.js';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { ensureBuilt } from './lib/build.js';
import { findH2load } from './lib/h2load-load.js';
import { postJson } from './lib/http-post.js';
import { pinGenerator } from './lib/pinning.js';
import { processPeakRssMb, processTreeCpuMicros } from './lib/proc.js';
import { spawnTracked, stopAllChildren, stopChild, waitForReadyFile } from './lib/processes.js';
import { compileReference } from './lib/reference-build.js';
import { createBenchEnterprise, seedIdentifiers } from './lib/seed.js';
import { startBareHttp, startIdnode, type BenchEnv, type RunningServer } from './lib/servers.js';
import { median } from './lib/stats.js';
import { basicAuth, BENCH_PREFIX, clientValues, HANDLE_PATH, ndjsonImport, uniformHandles, zipfHandles } from './lib/workload.js';
import { runPaced, runWrk, writeWrkScript, type GeneratorRun } from './lib/wrk-load.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    population: { type: 'string', default: '100000' },
    hot: { type: 'string', default: '1000' },
    'cache-entries': { type: 'string' },
    seconds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
    'import-size': { type: 'string', default: '200000' },
    only: { type: 'string', default: 'warm,miss,latency,put,import' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    baseline: { type: 'string' },
    'baseline-workers': { type: 'string' },
    'lane-off': { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
    'semi-space-mb': { type: 'string' },
  },
});
const population = Number(flags.population);
const hot = Number(flags.hot);
const cacheEntries = Number(flags['cache-entries'] ?? Math.ceil(population / 10));
const seconds = Number(flags.seconds);
const runs = Number(flags.runs);
const importSize = Number(flags['import-size']);
const only = new Set(flags.only.split(','));
const log = (message: string) => process.stderr.write(`${message}\n`);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

interface Row {
  readonly scenario: string;
  readonly side: string;
  readonly runs: GeneratorRun[];
}

async function main(): Promise<void> {
  const wrk = '/usr/bin/wrk';
  const h2load = findH2load();
  if (h2load === undefined) throw new IdnodeError('CONFIG_INVALID', 'h2load is not installed (apt-get install nghttp2-client)');
  const pinning = pinGenerator();
  if (!pinning.enabled) log('warning: not pinned (taskset missing or one core): the generator shares the server core');
  if (!flags['no-build'] && ensureBuilt(root)) log('built dist/');
  const loadBefore = load();
  const workDir = mkdtempSync(join(tmpdir(), 'idnode-wrk-'));
  const profileDir = flags.profile ? join(root, 'bench/results/profiles') : undefined;
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const env: BenchEnv = { root, workDir, pinning, profileDir };
  const refDir = join(root, 'bench/results/.references');
  const mapScript = compileReference(root, join(root, 'bench/references/bare-http-server.ts'), refDir);
  const sqliteScript = compileReference(root, join(root, 'bench/references/bare-sqlite-http-server.ts'), refDir);
  const script = writeWrkScript(join(workDir, 'idnode.lua'));
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    const dataDir = join(workDir, 'data');
    const store = await openStore({ store: 'sqlite', dataDir, sqliteSynchronous: 'normal' });
    const credential = await createBenchEnterprise(store, join(dataDir, 'node-key.pem'));
    const seedSec = await seedIdentifiers(store, population, credential.id);
    const sqliteFile = (store as SqliteStore).file;
    await store.close();
    log(`seeded ${population.toLocaleString('en-US')} identifiers in ${seedSec.toFixed(1)} s`);

    const sqliteRef = await startSqliteReference(env, sqliteScript, sqliteFile);
    const mapRef = await startBareHttp(env, { script: mapScript, answersFrom: sqliteFile, writesTo: join(workDir, 'bare-writes.sqlite') });
    const workers = Number(flags.workers);
    const idnode = await startIdnode(env, {
      name: 'idnode',
      dataDir,
      workers,
      ...(workers > 1 ? { cores: 'both' as const } : {}),
      settings: { IDNODE_CACHE_MAX_ENTRIES: String(cacheEntries), IDNODE_CACHE_MAX_BYTES: '268435456' },
    });
    if (workers > 1) notes.push(`idnode ran as serve --workers ${workers} on both cores (the generator's core included); the references on core 0`);
    // The baseline runs as many workers as idnode does unless told otherwise (--baseline-workers: e.g. this checkout
    // with one worker against itself with two, in one run).
    const baselineWorkers = flags['baseline-workers'] === undefined ? workers : Number(flags['baseline-workers']);
    const baseline = flags.baseline === undefined ? undefined : await startCopy(env, flags.baseline, dataDir, cacheEntries, 'idnode-baseline', {}, { workers: baselineWorkers });
    const laneOff = flags['lane-off'] ? await startCopy(env, root, dataDir, cacheEntries, 'idnode-lane-off', { IDNODE_REST_FAST_LANE: 'false' }) : undefined;
    const semiSpaceMb = flags['semi-space-mb'];
    const semiSpaceSide = `idnode (semi-space ${semiSpaceMb} MiB)`;
    const semiSpace =
      semiSpaceMb === undefined
        ? undefined
        : await startCopy(env, root, dataDir, cacheEntries, 'idnode-semi-space', workers > 1 ? { IDNODE_SEMI_SPACE_MB: semiSpaceMb } : {}, {
            workers,
            nodeArgs: workers > 1 || semiSpaceMb === '0' ? [] : [`--min-semi-space-size=${semiSpaceMb}`, `--max-semi-space-size=${semiSpaceMb}`],
          });
    const servers = { idnode, map: mapRef, sqlite: sqliteRef, ...(baseline === undefined ? {} : { baseline }), ...(laneOff === undefined ? {} : { laneOff }), ...(semiSpace === undefined ? {} : { semiSpace }) };
    const baselineSide = (paths: string): [string, () => Promise<GeneratorRun>][] => [
      ...(baseline === undefined ? [] : [['idnode (baseline)', () => wrkRun(baseline, paths)] as [string, () => Promise<GeneratorRun>]]),
      ...(laneOff === undefined ? [] : [['idnode (fast lane off)', () => wrkRun(laneOff, paths)] as [string, () => Promise<GeneratorRun>]]),
      ...(semiSpace === undefined ? [] : [[semiSpaceSide, () => wrkRun(semiSpace, paths)] as [string, () => Promise<GeneratorRun>]]),
    ];

    const warmPaths = pathsFile(join(workDir, 'warm.paths'), zipfHandles(hot, population, 1), 200_000);
    const missPaths = pathsFile(join(workDir, 'miss.paths'), uniformHandles(population, 2), 200_000);
    const wrkRun = (server: RunningServer, paths: string, connections = 10, durationSec = seconds) =>
      runWrk({ wrk, url: server.url, connections, durationSec, serverPid: server.pid, scriptFile: script, env: { WRK_PATHS: paths }, pinning, logFile: join(workDir, 'wrk.log') });

    // Only the read scenarios need it (and a --profile of put or import alone is then of writes alone).
    if (only.has('warm') || only.has('miss') || only.has('latency')) {
      log('warm-up: 3 s of each workload on each server (the JIT, and the hot set seen twice so it is admitted)');
      for (const server of Object.values(servers)) {
        await wrkRun(server, warmPaths, 10, 3);
        await wrkRun(server, missPaths, 10, 3);
      }
    }

    /** Runs the sides in turn, the order reversed every run, so the machine's noise falls on all alike. */
    const interleaved = async (scenario: string, sides: [string, () => Promise<GeneratorRun>][]): Promise<Row[]> => {
      const byName = new Map(sides.map(([name]) => [name, [] as GeneratorRun[]]));
      for (let r = 0; r < runs; r++) {
        const order = r % 2 === 0 ? sides : [...sides].reverse();
        for (const [name, run] of order) {
          const result = await run();
          byName.get(name)!.push(result);
          log(`${scenario} ${name} run ${r + 1}: ${Math.round(result.perSec)}/s${result.latency ? ` p99 ${result.latency.p99Ms.toFixed(2)} ms` : ''} (load ${load()})`);
        }
      }
      const made = sides.map(([name]) => ({ scenario, side: name, runs: byName.get(name)! }));
      rows.push(...made);
      return made;
    };

    let warmMax = 0;
    let missMax = 0;
    if (only.has('warm') || only.has('latency')) {
      const [ours] = await interleaved('warm', [
        ['idnode', () => wrkRun(idnode, warmPaths)],
        ['bare node:http + Map', () => wrkRun(mapRef, warmPaths)],
        ...baselineSide(warmPaths),
      ]);
      warmMax = median(ours!.runs.map((run) => run.perSec));
    }
    if (only.has('miss') || only.has('latency')) {
      const [ours] = await interleaved('miss', [
        ['idnode', () => wrkRun(idnode, missPaths)],
        ['bare node:http + better-sqlite3', () => wrkRun(sqliteRef, missPaths)],
        ['bare node:http + Map', () => wrkRun(mapRef, missPaths)],
        ...baselineSide(missPaths),
      ]);
      missMax = median(ours!.runs.map((run) => run.perSec));
    }
    if (only.has('latency')) {
      const paced = (server: RunningServer, paths: string, rate: number, name: string) => () =>
        runPaced({ h2load, urisFile: urisFile(join(workDir, `${name}.uris`), server.url, paths), ratePerSec: rate, clients: 32, durationSec: seconds, serverPid: server.pid, pinning, logFile: join(workDir, 'h2load.log'), expectedStatus: 200 });
      const warmRate = Math.round(warmMax / 2);
      const missRate = Math.round(missMax / 2);
      notes.push(`latency: warm at ${warmRate}/s and miss at ${missRate}/s (half of idnode's median maximum), both sides at the same rate, h2load --h1 -c 32 --rps ${Math.round(warmRate / 32)} / ${Math.round(missRate / 32)} per connection`);
      await interleaved(`warm at ${warmRate}/s`, [
        ['idnode', paced(idnode, join(workDir, 'warm.paths'), warmRate, 'warm-idnode')],
        ['bare node:http + Map', paced(mapRef, join(workDir, 'warm.paths'), warmRate, 'warm-map')],
        ...(semiSpace === undefined ? [] : [[semiSpaceSide, paced(semiSpace, join(workDir, 'warm.paths'), warmRate, 'warm-semi-space')] as [string, () => Promise<GeneratorRun>]]),
      ]);
      await interleaved(`miss at ${missRate}/s`, [
        ['idnode', paced(idnode, join(workDir, 'miss.paths'), missRate, 'miss-idnode')],
        ['bare node:http + better-sqlite3', paced(sqliteRef, join(workDir, 'miss.paths'), missRate, 'miss-sqlite')],
        ...(semiSpace === undefined ? [] : [[semiSpaceSide, paced(semiSpace, join(workDir, 'miss.paths'), missRate, 'miss-semi-space')] as [string, () => Promise<GeneratorRun>]]),
      ]);
    }
    if (only.has('put')) {
      const body = JSON.stringify({ values: clientValues(0) });
      let tag = 0;
      const putRun = (server: RunningServer) => () =>
        runWrk({
          wrk,
          url: server.url,
          connections: 64,
          durationSec: seconds,
          serverPid: server.pid,
          scriptFile: script,
          env: { WRK_PUT_PREFIX: `${HANDLE_PATH}${BENCH_PREFIX}/W-${tag++}-`, WRK_BODY: body, WRK_AUTH: basicAuth(credential.id, credential.secret) },
          pinning,
          logFile: join(workDir, 'wrk.log'),
        });
      await interleaved('put (64 connections)', [['idnode', putRun(idnode)], ...(baseline === undefined ? [] : [['idnode (baseline)', putRun(baseline)] as [string, () => Promise<GeneratorRun>]])]);
    }
    if (only.has('import')) {
      const headers = { 'content-type': 'application/x-ndjson', authorization: basicAuth(credential.id, credential.secret) };
      const importRun = (server: RunningServer) => async (r: number): Promise<GeneratorRun> => {
        const body = ndjsonImport(`wrk${r}-${server.name}`, importSize);
        // The whole tree: with --workers the primary (writer thread) and the workers (parsing) alike.
        const cpuBefore = processTreeCpuMicros(server.pid);
        const started = performance.now();
        const answer = await postJson(server.url, '/api/v1/import', headers, body, 600_000);
        const wallSec = (performance.now() - started) / 1000;
        const created = (answer.json as { summary?: { created?: number } }).summary?.created ?? 0;
        log(`import run ${r + 1} (${server.name}): ${created} in ${wallSec.toFixed(2)} s = ${Math.round(created / wallSec)}/s (load ${load()})`);
        if (created !== importSize) log(`  answered HTTP ${answer.status}: ${JSON.stringify(answer.json).slice(0, 600)}`);
        return {
          requests: created,
          perSec: created / wallSec,
          unexpected: importSize - created,
          serverCpuMicrosPerOp: (processTreeCpuMicros(server.pid) - cpuBefore) / created,
          generatorCpuMicrosPerOp: Number.NaN,
          generatorCpuShare: Number.NaN,
        };
      };
      // The same build again on both cores: the import's parsing (main thread) and committing (writer thread)
      // overlap only when each has a core; the bench process, the client, stays pinned to core 1.
      const bothCores = await startCopy(env, root, dataDir, cacheEntries, 'idnode-both-cores', {}, { workers, cores: 'both' });
      // The sides in turn, the order reversed every run (as `interleaved`), so the machine's noise falls on both.
      const sides: [string, (r: number) => Promise<GeneratorRun>][] = [
        ['idnode', importRun(idnode)],
        ['idnode (both cores)', importRun(bothCores)],
        ...(baseline === undefined ? [] : [['idnode (baseline)', importRun(baseline)] as [string, (r: number) => Promise<GeneratorRun>]]),
      ];
      const byName = new Map(sides.map(([name]) => [name, [] as GeneratorRun[]]));
      for (let r = 0; r < runs; r++) {
        for (const [name, run] of r % 2 === 0 ? sides : [...sides].reverse()) byName.get(name)!.push(await run(r));
      }
      for (const [name] of sides) rows.push({ scenario: `import (${importSize.toLocaleString('en-US')} lines)`, side: name, runs: byName.get(name)! });
      await bothCores.stop();
      notes.push(
        `import: the server is pinned to its core${workers > 1 ? ' (with --workers above 1: both cores)' : ''}, "both cores" is the same build on both; the bench process, pinned to core 1, sends a body built before the clock starts`,
      );
    }
    notes.push(`idnode peak RSS ${processPeakRssMb(idnode.pid)?.toFixed(0)} MiB${semiSpace === undefined ? '' : `; ${semiSpaceSide} ${processPeakRssMb(semiSpace.pid)?.toFixed(0)} MiB`}${workers > 1 ? ' (the primary process; the workers are not counted)' : ''}`);
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  } finally {
    await stopAllChildren();
    if (!flags.keep) rmSync(workDir, { recursive: true, force: true });
    else log(`kept ${workDir}`);
  }
  const summary = render(rows, notes, loadBefore, load());
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/wrk.json'), JSON.stringify({ population, hot, cacheEntries, seconds, runs, loadBefore, loadAfter: load(), rows, notes }, null, 2) + '\n');
  process.stdout.write(summary);
}

/** The bare node:http + better-sqlite3 reference, pinned like idnode. */
/** An idnode (of the checkout at `checkout`) on a copy of the seeded data (the data dir of a running node is not shared). */
async function startCopy(
  env: BenchEnv,
  checkout: string,
  dataDir: string,
  cacheEntries: number,
  name: string,
  settings: Record<string, string>,
  process: { readonly workers?: number; readonly nodeArgs?: readonly string[]; readonly cores?: 'both' } = {},
): Promise<RunningServer> {
  const copy = `${dataDir}-${name}`;
  cpSync(dataDir, copy, { recursive: true });
  const workers = process.workers ?? 1;
  return startIdnode(env, {
    name,
    root: checkout,
    dataDir: copy,
    workers,
    ...(workers > 1 || process.cores === 'both' ? { cores: 'both' as const } : {}),
    ...(process.nodeArgs === undefined ? {} : { nodeArgs: process.nodeArgs }),
    settings: { IDNODE_CACHE_MAX_ENTRIES: String(cacheEntries), IDNODE_CACHE_MAX_BYTES: '268435456', ...settings },
  });
}

async function startSqliteReference(env: BenchEnv, script: string, file: string): Promise<RunningServer> {
  const readyFile = join(env.workDir, 'bare-sqlite.ready.json');
  const logFile = join(env.workDir, 'bare-sqlite.log');
  const profile = env.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${env.profileDir}`, '--cpu-prof-name=bare-sqlite.cpuprofile'];
  const child = spawnTracked(process.execPath, [...profile, script, '--file', file, '--ready-file', readyFile], { pinning: env.pinning, logFile });
  const ready = await waitForReadyFile<{ http: string }>(readyFile, child, 120_000, logFile);
  return { name: 'bare-sqlite', pid: child.pid!, url: ready.http, logFile, stop: () => stopChild(child) };
}

function pathsFile(file: string, next: () => string, count: number): string {
  const lines: string[] = new Array(count);
  for (let k = 0; k < count; k++) lines[k] = `${HANDLE_PATH}${encodeURIComponent(next()).replace(/%2F/g, '/')}`;
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** h2load -i wants absolute URLs: the paths file with the server's base in front. */
function urisFile(file: string, base: string, pathsFile: string): string {
  const paths = readFileSync(pathsFile, 'utf8').split('\n').filter((line) => line !== '');
  writeFileSync(file, paths.map((path) => `${base}${path}`).join('\n') + '\n');
  return file;
}

function render(rows: readonly Row[], notes: readonly string[], loadBefore: string, loadAfter: string): string {
  const lines = [
    `## idnode under wrk / h2load (population ${population.toLocaleString('en-US')}, hot set ${hot.toLocaleString('en-US')}, cache ${cacheEntries.toLocaleString('en-US')} entries, ${runs} × ${seconds} s runs)`,
    '',
    `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}.`,
    '',
    '| scenario | side | req/s median [min-max] | vs first side | server CPU µs/op | generator CPU µs/op (core share) | p50 / p99 / p99.9 ms | unexpected |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const firstOf = new Map<string, number>();
  for (const row of rows) {
    const rates = row.runs.map((run) => run.perSec);
    const rate = median(rates);
    if (!firstOf.has(row.scenario)) firstOf.set(row.scenario, rate);
    const sum = (pick: (run: GeneratorRun) => number) => row.runs.reduce((total, run) => total + pick(run) * run.requests, 0) / row.runs.reduce((total, run) => total + run.requests, 0);
    const latencies = row.runs.map((run) => run.latency).filter((latency) => latency !== undefined);
    const latency = latencies.length === 0 ? '' : `${median(latencies.map((l) => l.p50Ms)).toFixed(2)} / ${median(latencies.map((l) => l.p99Ms)).toFixed(2)} / ${median(latencies.map((l) => l.p999Ms)).toFixed(2)}`;
    const ratio = firstOf.get(row.scenario) === rate ? '—' : `ours/this ${(firstOf.get(row.scenario)! / rate).toFixed(2)}`;
    lines.push(
      `| ${row.scenario} | ${row.side} | ${Math.round(rate).toLocaleString('en-US')} [${Math.round(Math.min(...rates)).toLocaleString('en-US')}-${Math.round(Math.max(...rates)).toLocaleString('en-US')}] | ${ratio} | ${sum((run) => run.serverCpuMicrosPerOp).toFixed(1)} | ${Number.isNaN(row.runs[0]!.generatorCpuMicrosPerOp) ? '—' : `${sum((run) => run.generatorCpuMicrosPerOp).toFixed(1)} (${median(row.runs.map((run) => run.generatorCpuShare)).toFixed(2)})`} | ${latency} | ${row.runs.reduce((total, run) => total + run.unexpected, 0)} |`,
    );
  }
  lines.push('', ...notes.map((note) => `- ${note}`), '');
  return lines.join('\n');
}

main().catch(async (error: unknown) => {
  log(`bench:wrk failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await stopAllChildren();
  process.exitCode = 1;
});
