/**
 * A simulated policy year of three nodes at the Zibo thresholds (npm run bench:simulate-year).
 *
 * The thresholds are > 10,000,000 registrations in a year and a daily average > 3,000,000 resolutions, per
 * node. Three nodes at that load are 30 million registrations and 3.3 billion resolutions: far beyond what a
 * shared 2-core machine answers in a session. So the year runs at a SCALE of the thresholds (default 0.00001:
 * every day of 365 carries that fraction of a threshold day on each node) through `idnode simulate` on the
 * compiled CLI, and the report extrapolates the year's figures by 1/scale — clearly labelled as such. What is
 * measured and not extrapolated: that every figure in every report equals what was sent, the real time the
 * year took, and each node's capacity on this machine (hence the headroom against the full thresholds).
 *
 *   npm run bench:simulate-year [-- --scale 0.00001 --days 365 --seconds-per-day 1.2 --seed 1]
 *
 * Writes bench/results/simulate-year.json (the bench's figures and the simulation's whole report) and
 * bench/results/simulate-year/ (simulation.json, simulation.html).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './lib/build.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

const scale = flag('scale', '0.00001');
const days = flag('days', '365');
const secondsPerDay = flag('seconds-per-day', '1.2');
const seed = flag('seed', '1');
const out = join(ROOT, 'bench/results/simulate-year');

// --no-build: run the sources through tsx (each process transpiles as it loads; no 25 s+ build first).
const fromSource = process.argv.includes('--no-build');
if (!fromSource) ensureBuilt(ROOT);
mkdirSync(out, { recursive: true });
const loadBefore = loadavg();
const began = Date.now();
const entry = fromSource ? ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')] : [join(ROOT, 'dist/cli/main.js')];
const args = [...entry, 'simulate', '--nodes', '3', '--days', days, '--seconds-per-day', secondsPerDay, '--scale', scale, '--seed', seed, '--cross-node-share', '0.2', '--capacity-seconds', '3', '--startup-seconds', flag('startup-seconds', '60'), '--out', out];
console.log(`node ${args.join(' ')}`);
const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
const stop = () => child.kill('SIGINT');
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
const code = await new Promise<number | null>((resolve) => child.once('close', (exit) => resolve(exit)));
const seconds = (Date.now() - began) / 1000;
const loadAfter = loadavg();
if (code !== 0) {
  console.error(`idnode simulate exited with ${code}`);
  process.exit(1);
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the simulation's own report, read back
const report: any = JSON.parse(readFileSync(join(out, 'simulation.json'), 'utf8'));
const nodes = report.nodes.map((node: any) => {
  const verdict = report.verdicts.find((entry: any) => entry.node === node.node.name);
  return {
    node: node.node.name,
    measured: node.runTotals,
    // The simulation's own estimate: measured × (threshold load ÷ load sent), the rates sent being whole operations a day.
    extrapolatedToFullScale: { label: verdict.basis, registrationsPerYear: verdict.registrationsPerYear.estimated, dailyAverageResolutions: verdict.dailyAverageResolutions.estimated },
    capacity: node.capacity,
    headroomAgainstThresholds: node.headroom.thresholdMultiples,
    verdict: verdict.sentence,
  };
});
const summary = {
  bench: 'simulate-year',
  date: new Date().toISOString(),
  scale: Number(scale),
  days: Number(days),
  secondsPerDay: Number(secondsPerDay),
  realSeconds: Math.round(seconds),
  loadAverageBefore: loadBefore.map((value) => Math.round(value * 100) / 100),
  loadAverageAfter: loadAfter.map((value) => Math.round(value * 100) / 100),
  figuresMatch: report.figuresMatch,
  overruns: report.simulation.overruns.length,
  nodes,
};
writeFileSync(join(ROOT, 'bench/results/simulate-year.json'), `${JSON.stringify({ ...summary, report }, null, 2)}\n`);
console.log(`\nsimulated policy year: 3 nodes, ${days} days at scale ${scale} of the Zibo thresholds, ${secondsPerDay} s a day: ${Math.round(seconds)} s real time`);
console.log(`load average before ${summary.loadAverageBefore.join(' ')}, after ${summary.loadAverageAfter.join(' ')}; every figure equal to what was sent: ${report.figuresMatch}; days overrun: ${summary.overruns}`);
for (const node of nodes) {
  console.log(
    `  ${node.node}: measured ${node.measured.registrations} registrations, ${node.measured.countedResolutions} counted resolutions; EXTRAPOLATED to the thresholds' load: ${node.extrapolatedToFullScale.registrationsPerYear.toLocaleString('en')} registrations/year, daily average ${node.extrapolatedToFullScale.dailyAverageResolutions.toLocaleString('en')}; capacity ${node.capacity.resolutionsPerSecond} resolutions/s = ${node.headroomAgainstThresholds.dailyAverageResolutions}× the daily threshold, ${node.capacity.registrationsPerSecond} registrations/s = ${node.headroomAgainstThresholds.registrationsPerYear}× the yearly one`,
  );
}
