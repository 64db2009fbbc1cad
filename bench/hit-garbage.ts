/**
 * `npm run bench:garbage`: the V8 heap bytes allocated, and the CPU spent, per warm REST resolution (a cached
 * hit through the fast lane), measured inside the server (bench/lib/gc-probe.ts) while h2load drives N
 * requests over real sockets from the other core. Young-generation collections are what this garbage costs:
 * each scavenge holds every request behind it (issue 15, the latency goal).
 *
 * The server runs with a young generation large enough that no collection runs in a window, so the heap's
 * growth over the window is exactly what was allocated (a window with a collection is flagged). Node's own
 * per-read allocations (the Buffer of each socket read) are included: with `--depth 1` every read carries one
 * request, as under a constant-rate generator; `--depth 16` pipelines, which shows the per-request part alone.
 *
 * Flags: --requests N (20000 per window) --runs N (3) --connections N (10) --depth N (1) --population N (20000)
 *        --hot N (1000) --baseline DIR (another checkout, built: measured in the same run, turn about)
 *        --sample (one more window per side with V8's sampling heap profiler: the allocation sites, per request)
 *        --semi-space-mb N (the servers' young generation instead of 256 MiB; 0: V8's own sizing — then windows
 *        have collections, bytes are understated, and the table shows how many hits came per scavenge)
 *        --no-build
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { IdnodeError } from '../src/core/errors/catalogue.js';
import { openStore } from '../src/store/open-store.js';
import { ensureBuilt } from './lib/build.js';
import { findH2load } from './lib/h2load-load.js';
import { parseH2loadSummary } from './lib/h2load-output.js';
import { pinGenerator } from './lib/pinning.js';
import { spawnTracked, stopAllChildren } from './lib/processes.js';
import { compileReference } from './lib/reference-build.js';
import { createBenchEnterprise, seedIdentifiers } from './lib/seed.js';
import { startIdnode, type BenchEnv, type RunningServer } from './lib/servers.js';
import { median } from './lib/stats.js';
import { HANDLE_PATH, hotSetInOrder, zipfHandles } from './lib/workload.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    depth: { type: 'string', default: '1' },
    population: { type: 'string', default: '20000' },
    hot: { type: 'string', default: '1000' },
    baseline: { type: 'string' },
    sample: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'semi-space-mb': { type: 'string', default: '256' },
  },
});
const requests = Number(flags.requests);
const population = Number(flags.population);
const hot = Number(flags.hot);
const log = (message: string) => process.stderr.write(`${message}\n`);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

interface ProbeWindow {
  readonly allocatedBytes: number;
  readonly minorGcs: number;
  readonly majorGcs: number;
  readonly minorMs: number[];
  readonly cpuMicros: number;
  readonly sites?: { site: string; bytes: number }[];
}

interface Side {
  readonly name: string;
  readonly server: RunningServer;
  readonly probeOut: string;
  windows: number;
}

async function main(): Promise<void> {
  const h2load = findH2load();
  if (h2load === undefined) throw new IdnodeError('CONFIG_INVALID', 'h2load is not installed (apt-get install nghttp2-client)');
  const pinning = pinGenerator();
  if (!flags['no-build'] && ensureBuilt(root)) log('built dist/');
  const workDir = mkdtempSync(join(tmpdir(), 'idnode-garbage-'));
  const env: BenchEnv = { root, workDir, pinning, profileDir: undefined };
  const probe = pathToFileURL(compileReference(root, join(root, 'bench/lib/gc-probe.ts'), join(root, 'bench/results/.references'))).href;
  const loadBefore = load();
  try {
    const dataDir = join(workDir, 'data');
    const store = await openStore({ store: 'sqlite', dataDir, sqliteSynchronous: 'normal' });
    const credential = await createBenchEnterprise(store, join(dataDir, 'node-key.pem'));
    await seedIdentifiers(store, population, credential.id);
    await store.close();

    // 256 MiB semi-spaces: a window of 20,000 hits (≈ 50 MB at 2.5 KB each) usually runs without a scavenge;
    // one that saw a collection is measured again (see exactWindow).
    const semiSpaceMb = flags['semi-space-mb'];
    const nodeArgs = ['--import', probe, ...(semiSpaceMb === '0' ? [] : [`--max-semi-space-size=${semiSpaceMb}`, `--min-semi-space-size=${semiSpaceMb}`])];
    const start = async (name: string, checkout: string): Promise<Side> => {
      const copy = `${dataDir}-${name}`;
      cpSync(dataDir, copy, { recursive: true });
      const probeOut = join(workDir, `${name}.probe`);
      const server = await startIdnode(env, {
        name,
        root: checkout,
        dataDir: copy,
        nodeArgs,
        settings: { GC_PROBE_OUT: probeOut, IDNODE_CACHE_MAX_ENTRIES: String(hot * 4) },
      });
      return { name, server, probeOut, windows: 0 };
    };
    const sides = [await start('idnode', root), ...(flags.baseline === undefined ? [] : [await start('baseline', flags.baseline)])];

    const warmupFile = join(workDir, 'warmup.paths');
    const zipfFile = join(workDir, 'zipf.paths');
    writePaths(warmupFile, hotSetInOrder(hot, population), hot * 2);
    writePaths(zipfFile, zipfHandles(hot, population, 1), 100_000);
    /** h2load over `paths`; `strict`: every answer must be a 200 (a warm-up may see a miss shed under load). */
    const drive = async (side: Side, paths: string, amount: number, depth: number, strict = true): Promise<void> => {
      const uris = `${paths}.${side.name}.uris`;
      if (!existsSync(uris)) writeFileSync(uris, readFileSync(paths, 'utf8').split('\n').filter(Boolean).map((path) => `${side.server.url}${path}`).join('\n') + '\n');
      const args = ['--h1', '-t', '1', '-c', flags.connections, '-m', String(depth), '-n', String(amount), '-i', uris];
      const child = spawnTracked(h2load, args, { pinning, core: 'generator', logFile: join(workDir, 'h2load.log'), pipeStdout: true });
      let stdout = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      const summary = parseH2loadSummary(stdout);
      const ok = /status codes: (\d+) 2xx/.exec(stdout)?.[1];
      if (code !== 0 || (strict && (summary.succeeded !== amount || Number(ok) !== amount))) throw new IdnodeError('INTERNAL_ERROR', `h2load on ${side.name}: ${stdout.slice(-600)}`);
    };
    /** One probe window around `amount` requests. */
    const measure = async (side: Side, amount: number, depth: number): Promise<ProbeWindow> => {
      process.kill(side.server.pid, 'SIGUSR2');
      await sleep(100);
      await drive(side, zipfFile, amount, depth);
      process.kill(side.server.pid, 'SIGUSR2');
      const file = `${side.probeOut}.${++side.windows}.json`;
      for (let waited = 0; !existsSync(file); waited += 50) {
        if (waited > 30_000) throw new IdnodeError('INTERNAL_ERROR', `no probe result from ${side.name} (${file})`);
        await sleep(50);
      }
      await sleep(50);
      return JSON.parse(readFileSync(file, 'utf8')) as ProbeWindow;
    };

    /** A window with no collection in it (its bytes exact), trying up to four times; else the last one, flagged. */
    const exactWindow = async (side: Side, amount: number, depth: number): Promise<ProbeWindow> => {
      let window = await measure(side, amount, depth);
      const exactPossible = Number(flags['semi-space-mb']) >= 128;
      for (let attempt = 1; exactPossible && attempt < 4 && window.minorGcs + window.majorGcs > 0; attempt++) window = await measure(side, amount, depth);
      return window;
    };

    log('warm-up: the hot set four times (admitted on second sight), then 60,000 Zipf hits (the JIT)');
    for (const side of sides) {
      await drive(side, warmupFile, hot * 2, 1, false);
      await drive(side, warmupFile, hot * 2, 1, false);
      await drive(side, zipfFile, 60_000, Number(flags.depth), false);
    }
    const depth = Number(flags.depth);
    const results = new Map<string, ProbeWindow[]>(sides.map((side) => [side.name, []]));
    for (let run = 0; run < Number(flags.runs); run++) {
      for (const side of run % 2 === 0 ? sides : [...sides].reverse()) {
        const window = await exactWindow(side, requests, depth);
        results.get(side.name)!.push(window);
        log(`${side.name} run ${run + 1}: ${(window.allocatedBytes / requests).toFixed(0)} B/hit, ${(window.cpuMicros / requests).toFixed(1)} CPU µs/hit, ${window.minorGcs} scavenges (load ${load()})`);
      }
    }
    const lines = [
      `## Garbage per warm resolution (${requests.toLocaleString('en-US')} hits per window, h2load --h1 -c ${flags.connections} -m ${depth}, ${flags.runs} windows per side)`,
      '',
      `Load average before: ${loadBefore}; after: ${load()}.`,
      '',
      `Young generation: ${flags['semi-space-mb'] === '0' ? "V8's own sizing" : `${flags['semi-space-mb']} MiB semi-spaces`}.`,
      '',
      '| side | heap bytes per hit, median [min-max] | server CPU µs per hit, median [min-max] | collections in the windows | hits per scavenge | scavenge ms, median / max |',
      '| --- | --- | --- | --- | --- | --- |',
    ];
    for (const side of sides) {
      const windows = results.get(side.name)!;
      const bytes = windows.map((w) => w.allocatedBytes / requests);
      const cpu = windows.map((w) => w.cpuMicros / requests);
      const gcs = windows.reduce((sum, w) => sum + w.minorGcs + w.majorGcs, 0);
      const scavenges = windows.reduce((sum, w) => sum + w.minorGcs, 0);
      const perScavenge = scavenges === 0 ? '—' : Math.round((requests * windows.length) / scavenges).toLocaleString('en-US');
      const pauses = windows.flatMap((w) => w.minorMs);
      const pause = pauses.length === 0 ? '—' : `${median([...pauses]).toFixed(2)} / ${Math.max(...pauses).toFixed(2)}`;
      lines.push(`| ${side.name} | ${range(bytes, 0)} | ${range(cpu, 1)} | ${gcs === 0 ? 'none (bytes exact)' : `${gcs} (bytes understated)`} | ${perScavenge} | ${pause} |`);
    }
    if (flags.sample) {
      for (const side of sides) {
        await sideWithSampling(side, async () => {
          const window = await exactWindow(side, requests, depth);
          const sampled = (window.sites ?? []).reduce((sum, s) => sum + s.bytes, 0);
          lines.push('', `### ${side.name}: allocation sites (sampled ${(sampled / requests).toFixed(0)} B per hit)`, '', '| B per hit | site (function file:line < callers) |', '| --- | --- |');
          for (const site of (window.sites ?? []).slice(0, 30)) lines.push(`| ${(site.bytes / requests).toFixed(1)} | ${site.site.replaceAll('|', '\\|')} |`);
        });
      }
    }
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await stopAllChildren();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Runs `body` with the side's probe sampling: the switch file is read by the probe at each window's start. */
async function sideWithSampling(side: Side, body: () => Promise<void>): Promise<void> {
  writeFileSync(`${side.probeOut}.sample`, '1');
  try {
    await body();
  } finally {
    rmSync(`${side.probeOut}.sample`, { force: true });
  }
}

function writePaths(file: string, next: () => string, count: number): void {
  const lines: string[] = [];
  for (let k = 0; k < count; k++) lines.push(`${HANDLE_PATH}${encodeURIComponent(next()).replace(/%2F/g, '/')}`);
  writeFileSync(file, lines.join('\n') + '\n');
}

function range(values: readonly number[], digits: number): string {
  return `${median([...values]).toFixed(digits)} [${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}]`;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
