import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { findH2load, runH2loadGets } from '../lib/h2load-load.js';
import { join } from 'node:path';
import { systemClock } from '../../src/core/clock/clock.js';
import { MeteringDay } from '../../src/core/clock/metering-day.js';
import { openStore } from '../../src/store/open-store.js';
import { REGISTRATIONS_PER_YEAR, RESOLUTIONS_PER_DAY } from '../lib/headroom.js';
import { runHttpLoad, type LoadRun } from '../lib/http-load.js';
import { generatorSaturated } from '../lib/measure.js';
import { pinToServerCore } from '../lib/pinning.js';
import { processPeakRssMb } from '../lib/proc.js';
import type { PolicyYearResult } from '../lib/result.js';
import type { BenchContext } from '../lib/scenario.js';
import { BENCH_TIME_ZONE, createBenchEnterprise } from '../lib/seed.js';
import { startIdnode } from '../lib/servers.js';
import { basicAuth, BENCH_NODE_PREFIX, BENCH_PREFIX, getRequest, seededNdjson, zipfHandles } from '../lib/workload.js';
import { postJson } from '../lib/http-post.js';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { Readable } from 'node:stream';

export const POLICY_YEAR_CACHE_ENTRIES = 1_000_000;
/** The least time the replay gets, whatever the budget says (the goal's own 3 minutes). */
const REPLAY_MIN_SEC = 180;

/**
 * The award year in one sitting: register 10,000,000 identifiers (one streamed NDJSON import over REST, each
 * counted as a registration in its commit), replay one day of 3,000,000 Zipf-distributed resolutions over REST against a
 * node with a 1,000,000-entry cache, stop it gracefully (metering flushes), and compare the metered counts
 * with what the generator sent. `scale` shrinks both counts (for trying the procedure quickly). The replay
 * stops at `deadlineMs` (epoch ms; at least REPLAY_MIN_SEC after it starts) if it has not sent everything:
 * the result then says how many were sent, meters exactly those, and projects the full day's time.
 */
export async function runPolicyYear(context: BenchContext, scale: number, deadlineMs: number): Promise<PolicyYearResult> {
  const registered = Math.round(REGISTRATIONS_PER_YEAR * scale);
  const replayed = Math.round(RESOLUTIONS_PER_DAY * scale);
  const dataDir = join(context.workDir, 'policy-year');
  const missing: string[] = [];

  const setupStore = await openStore({ store: 'sqlite', dataDir });
  let credential;
  try {
    // With the node's own key file: the enterprise's ledger entry is signed by the key the server then loads.
    credential = await createBenchEnterprise(setupStore, join(dataDir, 'node-key.pem'));
  } finally {
    await setupStore.close();
  }

  const cacheEntries = Math.min(POLICY_YEAR_CACHE_ENTRIES, registered);
  const server = await startIdnode(context, {
    name: 'policy-year',
    dataDir,
    // The year's import is one upload of about 2 minutes or more: past the default request-timeout-ms (120 s),
    // which cuts a body still arriving, so raised as the README tells an operator to for such an import.
    settings: { IDNODE_CACHE_MAX_ENTRIES: String(cacheEntries), IDNODE_CACHE_MAX_BYTES: String(2 * 1024 ** 3), IDNODE_REQUEST_TIMEOUT_MS: '3600000' },
    // Both cores for the import (its writer thread commits while the main thread parses); the server core
    // alone for the replay, with the generator on the other.
    cores: 'both',
  });
  let rssMb: number;
  let importRssMb: number;
  let seedSeconds: number;
  let run;
  try {
    // The year's registrations arrive as an enterprise sends them: one streamed NDJSON import, generated as it
    // is sent. The server's peak RSS after it is the import's (docs/design.md §4: flat memory for any number of lines).
    context.log(`  importing ${registered.toLocaleString('en-US')} identifiers over POST /api/v1/import`);
    const headers = { 'content-type': 'application/x-ndjson', authorization: basicAuth(credential.id, credential.secret) };
    const importStarted = performance.now();
    const answer = await postJson(server.url, '/api/v1/import', headers, Readable.from(seededNdjson(0, registered)), 600_000);
    seedSeconds = (performance.now() - importStarted) / 1000;
    const created = (answer.json as { summary?: { created?: number } }).summary?.created;
    if (answer.status !== 200 || created !== registered) {
      throw new IdnodeError('INTERNAL_ERROR', `the policy-year import answered ${answer.status} with ${String(created)} created of ${registered}: ${JSON.stringify(answer.json).slice(0, 500)}`);
    }
    importRssMb = processPeakRssMb(server.pid) ?? Number.NaN;
    context.log(`  imported in ${seedSeconds.toFixed(0)} s (${Math.round(registered / seedSeconds).toLocaleString('en-US')}/s), server peak RSS ${importRssMb.toFixed(0)} MiB`);

    pinToServerCore(server.pid, context.pinning);
    const next = zipfHandles(registered, registered, 9);
    context.log(`  replaying ${replayed.toLocaleString('en-US')} resolutions`);
    const maxSec = Math.max(REPLAY_MIN_SEC, (deadlineMs - Date.now()) / 1000);
    run = await replay(context, server.url, replayed, maxSec, next);
    if (run.sent < replayed) {
      missing.push(`the time budget stopped the replay after ${run.wallSec.toFixed(0)} s with ${run.sent.toLocaleString('en-US')} of ${replayed.toLocaleString('en-US')} resolutions sent (the counts above are of those)`);
    }
    rssMb = processPeakRssMb(server.pid) ?? Number.NaN;
  } finally {
    // Graceful: the node flushes its last metering interval before exiting.
    await server.stop();
  }

  const day = new MeteringDay(BENCH_TIME_ZONE).dayOf(systemClock.now());
  const store = await openStore({ store: 'sqlite', dataDir });
  const metered: Record<string, number> = {};
  try {
    for (const row of await store.listCounters(day, day)) {
      if (row.prefix !== BENCH_PREFIX) continue;
      const key = `${row.kind} (${row.protocol})`;
      metered[key] = (metered[key] ?? 0) + row.count;
    }
  } finally {
    await store.close();
  }
  const meteredResolutions = Object.entries(metered)
    .filter(([key]) => key.startsWith('resolution.') && key.endsWith('(rest)'))
    .reduce((sum, [, count]) => sum + count, 0);
  const meteredRegistrations = metered['registration (rest)'] ?? 0;

  const report = eligibilityReport(context, dataDir, missing);
  return {
    registered,
    seedSeconds,
    seedRate: registered / seedSeconds,
    replayed,
    sent: run.sent,
    replaySeconds: run.wallSec,
    complete: run.sent === replayed,
    projectedSeconds: run.sent === replayed ? run.wallSec : replayed / (run.responses / run.wallSec),
    replayRate: run.responses / run.wallSec,
    generatorSaturated: generatorSaturated(run),
    p99Ms: run.latency.p99Ms,
    rssMb,
    importRssMb,
    cacheEntries,
    metered,
    meteredResolutions,
    meteredRegistrations,
    countsMatch: meteredResolutions === run.sent && meteredRegistrations === registered,
    report: report.text,
    reportIsMarkdown: report.markdown,
    missing,
  };
}

/**
 * URLs in the file h2load sends in turn: the whole day drawn afresh (3,000,000 lines, ≈ 150 MB) so that the
 * 1,000,000-entry cache sees as many distinct identifiers as a real day; a larger day would cycle.
 */
const REPLAY_URL_FILE_LINES = 3_000_000;

/**
 * Sends exactly `count` GETs of Zipf-drawn identifiers. h2load (a C generator) where installed, taking a
 * file of the drawn URLs in order, since autocannon from one core saturates near 10,000 requests/s, below
 * the rate the day needs; otherwise autocannon drawing each request afresh.
 */
async function replay(context: BenchContext, url: string, count: number, maxSec: number, next: () => string): Promise<LoadRun> {
  const h2load = findH2load();
  if (h2load === undefined) {
    context.log('  (h2load not installed: autocannon drives the replay, probably as the bottleneck)');
    return runHttpLoad({ url, connections: context.settings.connections, amount: count, maxSec, next: () => getRequest(next()), expected: [200] });
  }
  const urisFile = join(context.workDir, 'policy-year-urls.txt');
  const lines = Math.min(count, REPLAY_URL_FILE_LINES);
  const file = openSync(urisFile, 'w');
  try {
    for (let start = 0; start < lines; start += 100_000) {
      let text = '';
      for (let i = start; i < Math.min(lines, start + 100_000); i++) text += `${url}${getRequest(next()).path}\n`;
      writeSync(file, text);
    }
  } finally {
    closeSync(file);
  }
  context.log(`  h2load (one HTTP/1.1 connection, ${context.settings.connections} requests pipelined) sends ${lines.toLocaleString('en-US')} Zipf-drawn URLs in turn`);
  return runH2loadGets({
    h2load,
    urisFile,
    pipelined: context.settings.connections,
    amount: count,
    maxSec,
    expectedStatus: 200,
    workFiles: join(context.workDir, 'policy-year-h2load'),
    pinning: context.pinning,
  });
}

/** The product's eligibility report for the data directory (Markdown when it offers it), when `idnode report` exists. */
function eligibilityReport(context: BenchContext, dataDir: string, missing: string[]): { text: string; markdown: boolean } {
  const cli = join(context.root, 'dist/cli/main.js');
  const help = execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  if (!/^\s+report\b/m.test(help)) {
    missing.push('the eligibility report command (`idnode report`) does not exist yet, so no verdict is printed; the metered counts above are read from the store (Store.listCounters)');
    return { text: '(no eligibility report: `idnode report` is not implemented yet)', markdown: false };
  }
  const markdown = /--format\b[^\n]*\bmd\b/.test(execFileSync(process.execPath, [cli, 'report', '--help'], { encoding: 'utf8' }));
  try {
    const args = [cli, 'report', '--data-dir', dataDir, '--node-prefix', BENCH_NODE_PREFIX, '--time-zone', BENCH_TIME_ZONE, ...(markdown ? ['--format', 'md'] : [])];
    return { text: execFileSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, IDNODE_LOG_LEVEL: 'warn' } }), markdown };
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    missing.push('`idnode report` failed on the replayed data directory');
    return { text: `idnode report failed: ${failure.stderr || failure.message}`, markdown: false };
  }
}
