/**
 * `npm run bench:start`: what an `idnode` process costs to start, the price every child of the test suite
 * and every operator restart pays. Two commands, each run plainly and with tap's coverage loader in
 * NODE_OPTIONS (`--import=…/@tapjs/processinfo/dist/esm/import.mjs`, which every child of the suite gets):
 *
 *   serve          `idnode serve` on a new SQLite data directory (--workers 1, REST on a free port, gRPC and the
 *                  Handle protocol off, as most test children): wall time from exec until its ready file
 *                  exists, and the CPU (utime + stime of every thread, /proc/<pid>/stat) it used until then;
 *   operator-help  `idnode operator --help`: wall time and CPU of the whole run (/usr/bin/time).
 *
 * Runs interleave the cases (one of each, --runs times) so that a change in the machine's load hits all of
 * them alike; the medians are printed and written to bench/results/start-cost.json with the load average.
 * Flags: --runs N (7); --cli FILE, repeatable (the compiled entry, default dist/cli/main.js: give another
 * build's, e.g. one compiled from an earlier commit, and this one's to compare them in the same runs);
 * --no-build (do not build dist/ first).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdnodeError } from '../src/core/errors/catalogue.js';
import { ensureBuilt } from './lib/build.js';
import { processCpuMicros } from './lib/proc.js';
import { stopChild } from './lib/processes.js';
import { median } from './lib/stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PROCESSINFO_LOADER = `--import=${new URL('../node_modules/@tapjs/processinfo/dist/esm/import.mjs', import.meta.url).href}`;
const READY_TIMEOUT_MS = 60_000;

const { values: flags } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, cli: { type: 'string', multiple: true }, 'no-build': { type: 'boolean', default: false } },
});
const runs = Number(flags.runs);
const clis = (flags.cli ?? [join(ROOT, 'dist/cli/main.js')]).map((file) => resolve(file));
if (!(Number.isInteger(runs) && runs > 0)) throw new IdnodeError('CONFIG_INVALID', `--runs must be a positive integer, got "${flags.runs}"`);
if (flags.cli === undefined && !flags['no-build']) ensureBuilt(ROOT);
for (const cli of clis) if (!existsSync(cli)) throw new IdnodeError('CONFIG_INVALID', `no ${cli}: build it first (npm run build)`);

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

interface Case {
  readonly cli: string;
  readonly name: string;
  readonly loader: boolean;
  run(scratch: string): Promise<Sample>;
}

/** The environment of a test child: no IDNODE_* of ours, one worker, coverage loader or none. */
function envFor(loader: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('IDNODE_') && name !== 'NODE_OPTIONS') env[name] = value;
  return { ...env, IDNODE_WORKERS: '1', ...(loader ? { NODE_OPTIONS: PROCESSINFO_LOADER } : {}) };
}

async function serveOnce(cli: string, scratch: string, loader: boolean): Promise<Sample> {
  const dataDir = join(scratch, 'data');
  const readyFile = join(scratch, 'ready.json');
  const args = ['--enable-source-maps', cli, 'serve', '--data-dir', dataDir, '--ready-file', readyFile, '--http-port', '0', '--grpc-port', 'off', '--hdl-port', 'off', '--log-level', 'warn'];
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: scratch, env: envFor(loader), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const deadline = started + READY_TIMEOUT_MS;
    while (!existsSync(readyFile)) {
      if (child.exitCode !== null || child.signalCode !== null) throw new IdnodeError('INTERNAL_ERROR', `serve exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr}`);
      if (performance.now() > deadline) throw new IdnodeError('INTERNAL_ERROR', `serve not ready after ${READY_TIMEOUT_MS} ms:\n${stderr}`);
      await sleep(2);
    }
    const wallMs = performance.now() - started;
    return { wallMs, cpuMs: processCpuMicros(child.pid!) / 1000 };
  } finally {
    await stopChild(child, 10_000);
  }
}

function commandOnce(cli: string, scratch: string, loader: boolean, command: readonly string[]): Sample {
  // /usr/bin/time waits for the command and reports its own rusage of it: the whole run, exit included.
  const report = join(scratch, 'time.txt');
  execFileSync('/usr/bin/time', ['-o', report, '-f', '%e %U %S', process.execPath, '--enable-source-maps', cli, ...command], { cwd: scratch, env: envFor(loader), stdio: 'ignore' });
  const [wall, user, system] = readFileSync(report, 'utf8').trim().split(/\s+/).map(Number);
  return { wallMs: wall! * 1000, cpuMs: (user! + system!) * 1000 };
}

const cases: Case[] = [false, true].flatMap((loader) =>
  clis.flatMap((cli): Case[] => [
    { cli, name: 'serve', loader, run: (scratch) => serveOnce(cli, scratch, loader) },
    { cli, name: 'operator --help', loader, run: async (scratch) => commandOnce(cli, scratch, loader, ['operator', '--help']) },
  ]),
);

const samples = new Map<Case, Sample[]>(cases.map((each) => [each, []]));
const loadBefore = loadavg()[0]!;
for (let round = 0; round < runs; round++) {
  for (const each of cases) {
    const scratch = mkdtempSync(join(tmpdir(), 'idnode-start-cost-'));
    try {
      samples.get(each)!.push(await each.run(scratch));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}
const loadAfter = loadavg()[0]!;

const results = cases.map((each) => {
  const list = samples.get(each)!;
  return {
    cli: each.cli,
    command: each.name,
    processinfoLoader: each.loader,
    runs: list.length,
    medianCpuMs: Math.round(median(list.map((sample) => sample.cpuMs))),
    medianWallMs: Math.round(median(list.map((sample) => sample.wallMs))),
    cpuMs: list.map((sample) => Math.round(sample.cpuMs)),
    wallMs: list.map((sample) => Math.round(sample.wallMs)),
  };
});

const lines = [
  `idnode start cost, median of ${runs} runs; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`,
  '| build | command | coverage loader | CPU (ms) | wall to ready/exit (ms) |',
  '|---|---|---|---:|---:|',
  ...results.map((result) => `| ${result.cli} | ${result.command} | ${result.processinfoLoader ? 'yes' : 'no'} | ${result.medianCpuMs} | ${result.medianWallMs} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/start-cost.json'), `${JSON.stringify({ runs, loadAverage: { before: loadBefore, after: loadAfter }, results }, null, 2)}\n`);
