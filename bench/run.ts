/**
 * The benchmark suite (issue 5): `npm run bench` (full) and `npm run bench:quick`. See bench/README.md.
 *
 *   --quick               short runs over a smaller population (≤ 90 s); no policy-year replay
 *   --only a,b            run only these scenarios (the half-rate one needs rest-zipf-warm)
 *   --policy-year-scale F run the policy-year replay with F × the real counts (also in --quick)
 *   --no-policy-year      skip the policy-year replay in the full bench
 *   --profile             run each idnode server with --cpu-prof (bench/results/profiles/<scenario>.cpuprofile)
 *   --keep                keep the scratch directory (data, server logs) and print where it is
 *   --no-build            use dist/ as it is (normally rebuilt when any file of src/ is newer)
 *
 * Writes bench/results/latest.json and latest.md, prints the Markdown summary. Every process it starts is
 * stopped at the end, also on failure or Ctrl-C.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IdnodeError } from '../src/core/errors/catalogue.js';
import { searchEntriesOf } from '../src/core/search/search-keys.js';
import { openStore } from '../src/store/open-store.js';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { ensureBuilt } from './lib/build.js';
import { evaluateGoals } from './lib/goals.js';
import { headroomLine, REGISTRATION_THRESHOLD_PER_SEC, RESOLUTION_THRESHOLD_PER_SEC } from './lib/headroom.js';
import { ISSUE_GOALS } from './lib/issue-goals.js';
import { pinGenerator } from './lib/pinning.js';
import { readCpuTimes, stealPercent } from './lib/proc.js';
import { stopAllChildren } from './lib/processes.js';
import { compileReference } from './lib/reference-build.js';
import type { BenchResults, PolicyYearResult, ScenarioResult } from './lib/result.js';
import { FULL, QUICK, type BenchContext, type Scenario, type SeededData } from './lib/scenario.js';
import { createBenchEnterprise, seedIdentifiers } from './lib/seed.js';
import { startBareHttp, type BenchEnv } from './lib/servers.js';
import { renderSummary } from './lib/summary.js';
import { seededHandle } from './lib/workload.js';
import { SCENARIOS } from './scenarios/index.js';
import { runPolicyYear } from './scenarios/policy-year.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'bench/results');

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'policy-year-scale': { type: 'string' },
    'no-policy-year': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});

const log = (message: string) => process.stderr.write(`${message}\n`);

/** The issue's bound on the full bench, and the part of it kept for stopping the node and reporting. */
const FULL_BUDGET_MS = 15 * 60_000;
const STOP_RESERVE_MS = 45_000;

async function main(): Promise<void> {
  const started = Date.now();
  const mode = flags.quick ? 'quick' : 'full';
  const settings = flags.quick ? QUICK : FULL;
  const only = flags.only?.split(',').map((name) => name.trim());
  const scale = flags['policy-year-scale'] === undefined ? (mode === 'full' && !flags['no-policy-year'] && !only ? 1 : undefined) : Number(flags['policy-year-scale']);
  if (scale !== undefined && !(scale > 0 && scale <= 1)) {
    throw new IdnodeError('CONFIG_INVALID', `--policy-year-scale must be a number greater than 0 and at most 1, got "${flags['policy-year-scale']}"`);
  }
  const stealBefore = readCpuTimes();
  const pinning = pinGenerator();
  log(`idnode bench (${mode}): ${pinning.enabled ? `server on CPU ${pinning.serverCpu}, generator on CPU ${pinning.generatorCpu}` : 'unpinned'}`);
  if (!flags['no-build'] && ensureBuilt(root)) log('built dist/ (npm run build)');

  const workDir = mkdtempSync(join(tmpdir(), 'idnode-bench-'));
  const profileDir = flags.profile ? join(resultsDir, 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const env: BenchEnv = { root, workDir, pinning, profileDir };
  try {
    const references = new Map(
      ['bare-http-server', 'raw-sqlite-insert', 'bare-grpc-server', 'bare-hdl-server'].map((name) => [name, compileReference(root, join(root, 'bench/references', `${name}.ts`), join(resultsDir, '.references'))]),
    );
    const seeded = await seed(join(workDir, 'data'), settings.population);
    log(`reference: loading ${seeded.count.toLocaleString('en-US')} answers into the bare node:http server's Map`);
    const bareHttp = await startBareHttp(env, { script: references.get('bare-http-server')!, answersFrom: seeded.sqliteFile, writesTo: join(workDir, 'bare-writes.sqlite') });

    const results: ScenarioResult[] = [];
    const notRun: { name: string; reason: string }[] = [];
    const context: BenchContext = { ...env, mode, settings, seeded, bareHttp, references, results, log };
    for (const scenario of SCENARIOS) {
      if (only && !only.includes(scenario.name)) continue;
      if (scenario.fullOnly && mode === 'quick') continue;
      await runScenario(scenario, context, results, notRun);
    }
    await bareHttp.stop();

    let policyYear: PolicyYearResult | undefined;
    if (scale !== undefined) {
      log(`policy-year replay (scale ${scale})`);
      try {
        // The full bench keeps to its 15 minutes: the replay gets what is left (REPLAY_MIN_SEC at least).
        const deadlineMs = mode === 'full' ? started + FULL_BUDGET_MS - STOP_RESERVE_MS : Date.now() + 600_000;
        policyYear = await runPolicyYear(context, scale, deadlineMs);
      } catch (error) {
        notRun.push({ name: 'policy-year', reason: `failed: ${(error as Error).message}` });
      }
    } else {
      notRun.push({ name: 'policy-year', reason: mode === 'quick' ? 'full bench only (npm run bench)' : 'skipped by a flag' });
    }

    const headroom = {
      resolutions: headroomFor(results, ['rest-uniform', 'rest-zipf-warm'], RESOLUTION_THRESHOLD_PER_SEC, '3,000,000 resolutions/day'),
      registrations: headroomFor(results, ['rest-register-single'], REGISTRATION_THRESHOLD_PER_SEC, '10,000,000 registrations/year'),
    };
    const summaryInput = { scenarios: results, ...(policyYear ? { policyYear } : {}) };
    const bench: BenchResults = {
      mode,
      startedAt: new Date(started).toISOString(),
      durationSec: (Date.now() - started) / 1000,
      machine: {
        cores: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpuStealPercent: stealPercent(stealBefore, readCpuTimes()),
        pinned: pinning.enabled,
        ...(pinning.enabled ? { serverCpu: pinning.serverCpu, generatorCpu: pinning.generatorCpu } : {}),
      },
      headroom,
      scenarios: results,
      goals: evaluateGoals(ISSUE_GOALS, summaryInput),
      notRun,
      ...(policyYear ? { policyYear } : {}),
    };
    const summary = renderSummary(bench);
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(bench, null, 2) + '\n');
    writeFileSync(join(resultsDir, 'latest.md'), summary);
    process.stdout.write(summary);
    log(`wrote bench/results/latest.json and latest.md (${bench.durationSec.toFixed(0)} s)`);
  } finally {
    await stopAllChildren();
    if (flags.keep) log(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

/** A scenario's outcome as a list of results (one per reference it was measured against). */
function resultsOf(outcome: ScenarioResult | readonly ScenarioResult[]): readonly ScenarioResult[] {
  return 'name' in outcome ? [outcome] : outcome;
}

async function runScenario(scenario: Scenario, context: BenchContext, results: ScenarioResult[], notRun: { name: string; reason: string }[]): Promise<void> {
  const reason = await scenario.unavailable(context);
  if (reason !== undefined) {
    notRun.push({ name: scenario.name, reason });
    log(`${scenario.name}: not run (${reason})`);
    return;
  }
  const started = Date.now();
  log(`${scenario.name}: ${scenario.title}`);
  try {
    const outcome = await scenario.run(context);
    for (const result of resultsOf(outcome)) {
      results.push(result);
      log(`  ${Math.round(result.throughput)} ops/s vs ${Math.round(result.reference.throughput)} (${result.reference.name}) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  } catch (error) {
    notRun.push({ name: scenario.name, reason: `failed: ${(error as Error).message.split('\n')[0]}` });
    log(`  FAILED: ${(error as Error).stack ?? String(error)}`);
  }
}

/** Seeds the population into a fresh SQLite data directory and allocates the bench enterprise. */
async function seed(dataDir: string, count: number): Promise<SeededData> {
  const store = await openStore({ store: 'sqlite', dataDir, sqliteSynchronous: 'normal' });
  try {
    const credential = await createBenchEnterprise(store, join(dataDir, 'node-key.pem'));
    const seconds = await seedIdentifiers(store, count, credential.id);
    log(`seeded ${count.toLocaleString('en-US')} identifiers in ${seconds.toFixed(1)} s (${Math.round(count / seconds).toLocaleString('en-US')}/s, through the SQLite store)`);
    const sample = await store.getHandle(seededHandle(0));
    const answer = await store.getStoredAnswer(seededHandle(0));
    const fullRow = { publicJson: answer!.publicJson, searchEntries: searchEntriesOf(sample!.handle, sample!.values).map((entry) => [entry.type, entry.key] as const) };
    return { dataDir, sqliteFile: (store as SqliteStore).file, count, credential, valuesJson: JSON.stringify(sample!.values), fullRow };
  } finally {
    await store.close();
  }
}

function headroomFor(results: readonly ScenarioResult[], names: readonly string[], thresholdPerSec: number, basis: string) {
  const scenario = names.map((name) => results.find((result) => result.name === name)).find((result) => result !== undefined);
  return scenario === undefined ? undefined : headroomLine(thresholdPerSec, basis, scenario.name, scenario.throughput, scenario.cpuMicrosPerOp);
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${signal}: stopping every server the bench started`);
    void stopAllChildren().finally(() => process.exit(130));
  });
}

main().catch(async (error: unknown) => {
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await stopAllChildren();
  process.exitCode = 1;
});
