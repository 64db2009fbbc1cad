/**
 * The overload bench (issue 17, docs/overload.md): what an idnode node does beyond its capacity, and what
 * /metrics costs.
 *
 *   npm run bench:overload [-- --max-in-flight 64 --seconds 5 --connections 1000 --skip-metrics
 *                              --only reference,oneAccept,shedding --workers N]
 *
 * Against `idnode serve` from dist/ (memory store, REST only, server pinned to CPU 0, the generators to CPU 1
 * with taskset), resolving the prefix handle 0.NA/88.999 (a cache hit after the first):
 * 1. with h2load (HTTP/1.1; bench/lib/h2load.ts), once with queue-delay shedding off (the reference), once
 *    with shedding but one accept per loop turn (accepts-per-turn 1), and once with serve's defaults: capacity in a closed loop of 32 connections, then 2× and 5× the reference's
 *    capacity offered on a schedule over `connections` connections, and 5× over 100 connections pipelined 64
 *    deep (SCHEDULED): requests sent, admitted (200) throughput and p50/p99/max, shed (503) count, h2load's own
 *    CPU, /healthz's p50/p99/max on a fresh connection (a probe every 100 ms) on the API port and on
 *    health-port side by side, the API listener's accept-queue peak and ListenOverflows. Without h2load, the
 *    node:http open-loop generator below (it saturates its own core first);
 * 2. /metrics (unless --skip-metrics): one scrape's latency with the cache off (metrics-cache-ms 0) and on
 *    (1000 ms), and the resolution p99 at half capacity while 20 scrapers loop on /metrics, cache on and off.
 * The load average is printed beside each phase (the machine is shared). Writes bench/results/overload.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { ensureBuilt } from './lib/build.js';
import { hasH2load, runH2load, type H2loadPhase } from './lib/h2load.js';
import { pinGenerator } from './lib/pinning.js';
import { startIdnode, type RunningServer } from './lib/servers.js';
import { LatencyRecorder, type LatencySummary } from './lib/stats.js';

const root = new URL('..', import.meta.url).pathname;
const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const MAX_IN_FLIGHT = argument('max-in-flight', 64);
const SECONDS = argument('seconds', 5);
/** Connections the scheduled (2×, 5×) phases spread their load over. */
const CONNECTIONS = argument('connections', 1000);
/** `serve --workers N`: with N > 1 the node may use both cores (the generator's too), and says so. */
const WORKERS = argument('workers', 1);
const PATH = '/api/handles/0.NA/88.999';

interface Phase {
  readonly offeredPerSec?: number;
  readonly wallSec: number;
  readonly okPerSec: number;
  readonly ok: LatencySummary;
  readonly shed: number;
  readonly shedLatency: LatencySummary;
  readonly other: number;
  readonly generatorCpu: number;
  readonly healthMaxMs?: number;
}

function get(agent: Agent, url: URL, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Closed loop (`connections` > 0) or open loop at `ratePerSec`, for SECONDS; per-status latency. */
async function load(url: URL, options: { connections?: number; ratePerSec?: number; path?: string; probeHealth?: boolean }): Promise<Phase> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4096 });
  const ok = new LatencyRecorder();
  const shed = new LatencyRecorder();
  let other = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const until = started + SECONDS * 1000;
  const one = async (due: number) => {
    const status = await get(agent, url, options.path ?? PATH);
    const ms = performance.now() - due;
    if (status === 200) ok.record(ms);
    else if (status === 503) shed.record(ms);
    else other++;
  };
  let healthMaxMs: number | undefined;
  const probes: Promise<void>[] = [];
  if (options.probeHealth) {
    const probeAgent = new Agent({ keepAlive: false });
    healthMaxMs = 0;
    const probe = async () => {
      while (performance.now() < until) {
        const at = performance.now();
        await get(probeAgent, url, '/healthz');
        healthMaxMs = Math.max(healthMaxMs!, performance.now() - at);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    probes.push(probe());
  }
  if (options.connections !== undefined) {
    await Promise.all(
      Array.from({ length: options.connections }, async () => {
        while (performance.now() < until) await one(performance.now());
      }),
    );
  } else {
    const rate = options.ratePerSec!;
    const pending: Promise<void>[] = [];
    let sent = 0;
    while (performance.now() < until) {
      const due = started + (sent * 1000) / rate;
      const now = performance.now();
      if (due > now) await new Promise((resolve) => setTimeout(resolve, Math.min(due - now, 5)));
      while (started + (sent * 1000) / rate <= performance.now() && performance.now() < until) pending.push(one(started + (sent++ * 1000) / rate));
    }
    await Promise.all(pending);
  }
  await Promise.all(probes);
  const wallSec = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  return {
    ...(options.ratePerSec === undefined ? {} : { offeredPerSec: options.ratePerSec }),
    wallSec,
    okPerSec: ok.count / wallSec,
    ok: ok.summary(),
    shed: shed.count,
    shedLatency: shed.summary(),
    other,
    generatorCpu: (used.user + used.system) / 1e6 / wallSec,
    ...(healthMaxMs === undefined ? {} : { healthMaxMs }),
  };
}

/** Mean and p99 of `count` sequential /metrics scrapes. */
async function scrapeCost(url: URL, count: number): Promise<LatencySummary & { meanMs: number }> {
  const agent = new Agent({ keepAlive: true });
  const recorder = new LatencyRecorder();
  let total = 0;
  for (let i = 0; i < count; i++) {
    const at = performance.now();
    await get(agent, url, '/metrics');
    const ms = performance.now() - at;
    total += ms;
    recorder.record(ms);
  }
  agent.destroy();
  return { ...recorder.summary(), meanMs: total / count };
}

/** Resolution at `ratePerSec` while 20 scrapers loop on /metrics. */
async function resolutionUnderScraping(url: URL, ratePerSec: number): Promise<Phase & { scrapesPerSec: number }> {
  const agent = new Agent({ keepAlive: true });
  let scrapes = 0;
  const until = performance.now() + SECONDS * 1000;
  const scrapers = Array.from({ length: 20 }, async () => {
    while (performance.now() < until) {
      await get(agent, url, '/metrics');
      scrapes++;
    }
  });
  const phase = await load(url, { ratePerSec });
  await Promise.all(scrapers);
  agent.destroy();
  return { ...phase, scrapesPerSec: scrapes / phase.wallSec };
}

async function withServer<T>(workDir: string, name: string, settings: Record<string, string>, run: (url: URL, server: RunningServer) => Promise<T>): Promise<T> {
  const pinning = pinGenerator();
  const dataDir = join(workDir, name);
  mkdirSync(dataDir);
  // Workers need a shared store (the memory store is one process's): SQLite, in the run's directory.
  const store = WORKERS > 1 ? { IDNODE_STORE: 'sqlite' } : { IDNODE_STORE: 'memory' };
  const server: RunningServer = await startIdnode(
    { root, workDir, pinning, profileDir: undefined },
    { name, dataDir, workers: WORKERS, ...(WORKERS > 1 ? { cores: 'both' as const } : {}), settings: { ...store, ...settings } },
  );
  try {
    const url = new URL(server.url);
    await get(new Agent(), url, PATH);
    return await run(url, server);
  } finally {
    await server.stop();
  }
}

const fmt = (phase: Phase) =>
  `admitted ${phase.okPerSec.toFixed(0)}/s p50 ${phase.ok.p50Ms.toFixed(1)} ms p99 ${phase.ok.p99Ms.toFixed(1)} ms max ${phase.ok.maxMs.toFixed(1)} ms; ` +
  `shed ${phase.shed} (p99 ${Number.isNaN(phase.shedLatency.p99Ms) ? '-' : phase.shedLatency.p99Ms.toFixed(1)} ms); other ${phase.other}; generator CPU ${(phase.generatorCpu * 100).toFixed(0)}%` +
  (phase.healthMaxMs === undefined ? '' : `; /healthz slowest ${phase.healthMaxMs.toFixed(1)} ms`);

/**
 * /healthz on a fresh connection (as a kubelet probes) every 100 ms while `during` runs, on the API's port and
 * on the health listener's (health-port) side by side: every latency of each. Meanwhile the API listener's
 * accept queue (Recv-Q of its listening socket, from `ss`) is sampled every 200 ms: its peak is the number of
 * connections the kernel held that the node had not accepted yet (libuv accepts one per loop turn).
 */
async function probingHealth<T>(url: URL, healthUrl: URL, during: Promise<T>): Promise<{ result: T; health: LatencySummary; healthPort: LatencySummary; acceptQueueMax: number }> {
  let done = false;
  const probe = async (target: URL) => {
    const recorder = new LatencyRecorder();
    const agent = new Agent({ keepAlive: false });
    while (!done) {
      const at = performance.now();
      await get(agent, target, '/healthz');
      recorder.record(performance.now() - at);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return recorder.summary();
  };
  let acceptQueueMax = 0;
  const sampling = (async () => {
    while (!done) {
      acceptQueueMax = Math.max(acceptQueueMax, acceptQueue(Number(url.port)));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const probes = Promise.all([probe(url), probe(healthUrl)]);
  const result = await during.finally(() => (done = true));
  const [health, healthPort] = await probes;
  await sampling;
  return { result, health, healthPort, acceptQueueMax };
}

/** Connections waiting in the accept queue of the listener on `port` (ss's Recv-Q of a listening socket); 0 without ss. */
function acceptQueue(port: number): number {
  try {
    const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
    return Number(line.split(/\s+/)[1] ?? 0);
  } catch {
    return 0;
  }
}

/** SYNs the kernel dropped because an accept queue was full, machine-wide (TcpExt ListenOverflows). */
function listenOverflows(): number {
  const [names, values] = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((line) => line.startsWith('TcpExt:'));
  const at = names?.split(' ').indexOf('ListenOverflows') ?? -1;
  return at < 0 ? 0 : Number(values?.split(' ')[at]);
}

const ms = (value: number) => (Number.isNaN(value) ? '-' : value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(1)} ms`);
const trio = (summary: LatencySummary) => `${ms(summary.p50Ms)} / ${ms(summary.p99Ms)} / ${ms(summary.maxMs)}`;

const fmtH2 = (phase: H2loadPhase, probes?: { health: LatencySummary; healthPort: LatencySummary; acceptQueueMax: number }) =>
  `sent ${phase.sentPerSec.toFixed(0)}/s; admitted ${phase.okPerSec.toFixed(0)}/s p50/p99/max ${trio(phase.ok)}; ` +
  `shed ${phase.shed} (p99 ${ms(phase.shedLatency.p99Ms)}); other ${phase.other}; generator CPU ${(phase.generatorCpu * 100).toFixed(0)}%` +
  (probes === undefined
    ? ''
    : `; /healthz on a new connection, p50/p99/max: API port ${trio(probes.health)}, health port ${trio(probes.healthPort)} (${probes.healthPort.count} probes each); accept queue peak ${probes.acceptQueueMax}`);

/**
 * The scheduled phases: 2× and 5× over CONNECTIONS connections, one request outstanding on each (the queue in
 * front of the node is at most the connections); then 5× over 100 connections pipelined 64 deep, so that the
 * queue can grow past the connection count (up to 6,400 requests) as an open loop's would.
 */
const SCHEDULED = [
  { key: 'x2', factor: 2, connections: CONNECTIONS, pipeline: 1 },
  { key: 'x5', factor: 5, connections: CONNECTIONS, pipeline: 1 },
  { key: 'x5Pipelined', factor: 5, connections: 100, pipeline: 64 },
] as const;

/**
 * The settings compared: a reference with queue-delay shedding off; shedding with libuv's one accept per loop
 * turn (accepts-per-turn 1, the node before listener copies); serve's defaults (`--only` picks some).
 */
const ALL_CONFIGS = {
  reference: { IDNODE_QUEUE_DELAY_TARGET_MS: '60000', IDNODE_QUEUE_DELAY_INTERVAL_MS: '60000', IDNODE_MAX_EVENT_LOOP_DELAY_MS: '60000' },
  oneAccept: { IDNODE_ACCEPTS_PER_TURN: '1' },
  shedding: {},
} as const;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : Object.keys(ALL_CONFIGS);
const CONFIGS = Object.fromEntries(Object.entries(ALL_CONFIGS).filter(([name]) => only.includes(name)));

/**
 * Capacity, 2× and 5× with h2load (HTTP/1.1, pinned to the generator core): capacity in a closed loop of 32
 * connections; then 2× and 5× that rate offered on a schedule over CONNECTIONS connections, /healthz probed
 * meanwhile. Once with queue-delay shedding off (the reference), then with serve's shedding defaults, the
 * offered rates taken from the reference's capacity so both see the same load (a node that sheds measures a
 * lower closed-loop capacity whenever the machine starves it: it sheds then, rightly).
 */
async function h2loadPhases(workDir: string, results: Record<string, unknown>): Promise<void> {
  const pinning = pinGenerator();
  let capacityPerSec: number | undefined;
  for (const [name, settings] of Object.entries(CONFIGS)) {
    await withServer(workDir, `h2-${name}`, { IDNODE_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT), IDNODE_HEALTH_PORT: '0', ...settings }, async (url, server) => {
      const target = `${url.origin}${PATH}`;
      const capacity = await runH2load({ url: target, connections: 32, seconds: SECONDS, workDir, name: `${name}-capacity`, pinning });
      capacityPerSec ??= capacity.okPerSec;
      console.log(`[${name}] capacity (h2load closed loop, 32 connections): ${fmtH2(capacity)}  [load ${loadavg()[0]!.toFixed(2)}]`);
      const phases: Record<string, unknown> = { capacity };
      for (const { key, factor, connections, pipeline } of SCHEDULED) {
        const ratePerSec = Math.round(capacityPerSec * factor);
        const overflowsBefore = listenOverflows();
        const { result, ...probes } = await probingHealth(url, new URL(server.health!), runH2load({ url: target, connections, pipeline, seconds: SECONDS, workDir, name: `${name}-${key}`, pinning, ratePerSec }));
        const overflows = listenOverflows() - overflowsBefore;
        const shape = `${connections} connections${pipeline > 1 ? `, pipelined ${pipeline} deep` : ''}`;
        console.log(`[${name}] ${factor}× capacity offered (${ratePerSec}/s over ${shape}): ${fmtH2(result, probes)}; ListenOverflows +${overflows} (machine-wide)  [load ${loadavg()[0]!.toFixed(2)}]`);
        phases[key] = { offeredPerSec: ratePerSec, connections, pipeline, ...result, ...probes, listenOverflows: overflows, loadAverage: loadavg()[0] };
      }
      results[name] = phases;
    });
  }
}

async function main(): Promise<void> {
  ensureBuilt(root);
  const workDir = mkdtempSync(join(tmpdir(), 'idnode-overload-'));
  try {
    const results: Record<string, unknown> = { maxInFlight: MAX_IN_FLIGHT, seconds: SECONDS, workers: WORKERS, pinned: pinGenerator().enabled, loadAverageAtStart: loadavg() };
    if (WORKERS > 1) console.log(`serve --workers ${WORKERS} on SQLite, on both cores: the generator competes with the workers for CPU`);
    if (hasH2load()) {
      await h2loadPhases(workDir, results);
    } else {
      console.log('h2load not found (apt install nghttp2-client): the node:http generator instead, which saturates its own core first');
      await withServer(workDir, 'overload', { IDNODE_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT) }, async (url) => {
        const capacity = await load(url, { connections: 32 });
        console.log(`capacity (closed loop, 32 connections): ${fmt(capacity)}`);
        results.capacity = capacity;
        for (const factor of [2, 5]) {
          const phase = await load(url, { ratePerSec: Math.round(capacity.okPerSec * factor), probeHealth: true });
          console.log(`${factor}× capacity offered (${Math.round(capacity.okPerSec * factor)}/s): ${fmt(phase)}`);
          results[`x${factor}`] = phase;
        }
      });
    }
    if (!process.argv.includes('--skip-metrics')) {
      for (const [label, cacheMs] of [['metricsCacheOff', '0'], ['metricsCacheOn', '1000']] as const) {
        await withServer(workDir, label, { IDNODE_METRICS_CACHE_MS: cacheMs, IDNODE_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT) }, async (url) => {
          const cost = await scrapeCost(url, 200);
          const base = await load(url, { connections: 32 });
          const scraped = await resolutionUnderScraping(url, Math.round(base.okPerSec / 2));
          console.log(`/metrics with metrics-cache-ms ${cacheMs}: one scrape mean ${cost.meanMs.toFixed(2)} ms p99 ${cost.p99Ms.toFixed(2)} ms; ` +
            `resolution at half capacity (${Math.round(base.okPerSec / 2)}/s) with 20 scrapers (${scraped.scrapesPerSec.toFixed(0)} scrapes/s): ${fmt(scraped)}`);
          results[label] = { scrape: cost, capacity: base, underScraping: scraped };
        });
      }
    }
    results.loadAverageAtEnd = loadavg();
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/overload.json'), JSON.stringify(results, null, 2) + '\n');
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
