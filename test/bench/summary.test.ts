import t from 'tap';
import { evaluateGoal, evaluateGoals, type Goal } from '../../bench/lib/goals.js';
import { formatMs, formatPercent, formatRate, markdownTable } from '../../bench/lib/format.js';
import { headroomLine } from '../../bench/lib/headroom.js';
import { ISSUE_GOALS } from '../../bench/lib/issue-goals.js';
import { generatorSaturated, summariseRuns, type MeasuredRun } from '../../bench/lib/summarise-runs.js';
import { scenarioResult } from '../../bench/lib/scenario-result.js';
import type { BenchResults, Measured, PolicyYearResult } from '../../bench/lib/result.js';
import { renderSummary } from '../../bench/lib/summary.js';

function run(ops: number, wallSec: number, p99Ms: number, generatorCpuShare = 0.5, generatorWaitShare = 0): MeasuredRun {
  return {
    run: {
      ops,
      responses: ops,
      sent: ops,
      wallSec,
      latency: { count: ops, p50Ms: p99Ms / 4, p99Ms, p999Ms: p99Ms * 2, maxMs: p99Ms * 3 },
      generatorCpuShare,
      generatorWaitShare,
      unexpected: 0,
      statuses: { 200: ops },
    },
    cpuMicros: ops * 50,
    waitMicros: wallSec * 1e5,
  };
}

t.test('runs fold into median, min, max, total CPU per op', async (t) => {
  const measured = summariseRuns('idnode', [run(10_000, 1, 4), run(30_000, 2, 2), run(12_000, 1, 3)], 150);
  t.equal(measured.throughput, 12_000);
  t.equal(measured.min, 10_000);
  t.equal(measured.max, 15_000);
  t.equal(measured.p99Ms, 3);
  t.equal(measured.cpuMicrosPerOp, 50);
  t.equal(measured.rssMb, 150);
  t.ok(Math.abs(measured.waitShare - 0.1) < 1e-9);
  t.equal(measured.generatorSaturated, false);
  t.ok(summariseRuns('x', [run(1, 1, 1, 0.7, 0.25)], undefined).generatorSaturated, 'busy = running + waiting for its core');
  t.ok(Number.isNaN(summariseRuns('x', [run(0, 1, 1)], undefined).cpuMicrosPerOp));
  t.ok(generatorSaturated({ generatorCpuShare: 0.95, generatorWaitShare: 0 }));
});

function measured(name: string, throughput: number, extra: Partial<Measured> = {}): Measured {
  return {
    name,
    throughput,
    min: throughput * 0.9,
    max: throughput * 1.1,
    runs: [throughput],
    p50Ms: 0.5,
    p99Ms: 2,
    p999Ms: 6,
    cpuMicrosPerOp: 1e6 / throughput,
    rssMb: 120,
    cpuShare: 1,
    waitShare: 0,
    generatorSaturated: false,
    generatorBusyShare: 0.5,
    unexpected: 0,
    ...extra,
  };
}

t.test('scenario results: ratio, floors, contention and errors are noted', async (t) => {
  const plain = scenarioResult({ name: 'rest-zipf-warm', title: 'warm' }, measured('idnode', 9000), measured('bare', 10_000));
  t.equal(plain.ratio, 0.9);
  t.equal(plain.ratioOf, 'throughput');
  t.ok(Math.abs(plain.cpuRatio - 0.9) < 1e-9, 'reference CPU/op ÷ ours');
  t.same(plain.notes, []);
  const noisy = scenarioResult(
    { name: 'x', title: 'x', ratioOf: 'p99', notes: ['given'] },
    measured('idnode', 9000, { generatorSaturated: true, generatorBusyShare: 0.97, waitShare: 0.3, unexpected: 2, p99Ms: 3 }),
    measured('bare', 10_000, { p99Ms: 1.5 }),
  );
  t.equal(noisy.ratio, 2);
  t.equal(noisy.notes[0], 'given');
  t.match(noisy.notes.join('\n'), /busy 97% .*driving ours: that throughput is a floor/);
  t.match(noisy.notes.join('\n'), /idnode waited for it 30%/);
  t.match(noisy.notes.join('\n'), /unexpected responses or errors: ours 2, reference 0/);
});

t.test('goals: met, missed by how much, not measured', async (t) => {
  const atLeast: Goal = { goal: 'g', target: 85, unit: '%', direction: 'at-least', measure: () => 80, whyMissed: 'because' };
  t.same(evaluateGoal(atLeast, 90), { goal: 'g', measured: 90, target: 85, unit: '%', met: true });
  t.match(evaluateGoal(atLeast, 68), { met: false, gap: '20.0% short', note: 'because' });
  t.match(evaluateGoal({ ...atLeast, direction: 'at-most', target: 5 }, 7.5), { met: false, gap: '50.0% over' });
  t.match(evaluateGoal(atLeast, undefined), { met: undefined, note: 'not measured in this run' });
  t.match(evaluateGoal(atLeast, Number.NaN), { met: undefined });
});

const POLICY_YEAR: PolicyYearResult = {
  registered: 10_000_000,
  seedSeconds: 200,
  seedRate: 50_000,
  replayed: 3_000_000,
  sent: 3_000_000,
  replaySeconds: 150,
  complete: true,
  projectedSeconds: 150,
  replayRate: 20_000,
  generatorSaturated: false,
  p99Ms: 3,
  importRssMb: 300,
  rssMb: 1200,
  cacheEntries: 1_000_000,
  metered: { 'resolution.cache-hit (rest)': 2_000_000, 'resolution.store-read (rest)': 1_000_000, 'registration (bench-seed)': 10_000_000 },
  meteredResolutions: 3_000_000,
  meteredRegistrations: 10_000_000,
  countsMatch: true,
  report: 'REPORT TEXT\n',
  reportIsMarkdown: false,
  missing: ['the report command'],
};

function results(): BenchResults {
  const warm = scenarioResult({ name: 'rest-zipf-warm', title: 'warm' }, measured('idnode', 8000), measured('bare', 10_000, { generatorSaturated: true }));
  const half = scenarioResult({ name: 'rest-zipf-half-rate', title: 'half', ratioOf: 'p99', notes: ['fixed rate'] }, measured('idnode', 4000, { p99Ms: 7 }), measured('bare', 4000));
  const scenarios = [warm, half];
  return {
    mode: 'quick',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationSec: 80,
    machine: { cores: 2, cpuModel: 'Xeon', node: 'v20', platform: 'linux x64', cpuStealPercent: 0.5, pinned: true, serverCpu: 0, generatorCpu: 1 },
    headroom: { resolutions: headroomLine(34.72, '3,000,000 resolutions/day', 'rest-zipf-warm', 8000, 125), registrations: headroomLine(0.3171, '10,000,000 registrations/year', 'rest-register-single', 400, 2500) },
    scenarios,
    goals: evaluateGoals(ISSUE_GOALS, { scenarios, policyYear: POLICY_YEAR }),
    notRun: [{ name: 'grpc-resolve', reason: 'no src/grpc' }],
    policyYear: POLICY_YEAR,
  };
}

t.test('the Markdown summary', async (t) => {
  const text = renderSummary(results());
  t.match(text, /^## idnode bench \(quick\) — 2025-01-01/);
  t.match(text, /2 cores \(Xeon\), Node v20, CPU steal 0\.50% over the run, server on CPU 0, load generator on CPU 1/);
  t.match(text, /\| rest-zipf-warm \| 8,000 \| 7,200–8,800 \| 0\.50 \/ 2\.00 \/ 6\.00 \| 125\.0 \| 120 \| bare \| ≥ 10,000 \| 0\.50 \/ 2\.00 \| 100\.0 \| 80% \|/);
  t.match(text, /\| rest-zipf-half-rate \| .* \| p99 ×3\.50 \| 100% \|/);
  t.match(text, /≥ marks a floor/);
  t.match(text, /- \*\*rest-zipf-half-rate\*\*: fixed rate/);
  t.match(text, /\| 3,000,000 resolutions\/day \| 34\.7\/s \| rest-zipf-warm \| 8,000 \| 125\.0 \| 0\.43% \| ×230 \|/);
  t.match(text, /\| 10,000,000 registrations\/year \| 0\.317\/s \|/);
  t.match(text, /warm-cache REST resolution ≥ 85% of bare node:http \| 80\.0 % \| 85\.0 % \| MISSED \(5\.9% short\)/);
  t.match(text, /p99 ≤ 5 ms at half of max throughput \| 7\.0 ms \| 5\.0 ms \| MISSED \(40\.0% over\)/);
  t.match(text, /3,000,000-resolution day replayed in under 3 minutes \| 150 s \| 180 s \| met/);
  t.match(text, /bulk NDJSON import .* \| not measured/);
  t.match(text, /Why missed, and what would close the gap:\n- warm-cache/);
  t.match(text, /Metered resolutions 3,000,000 vs sent 3,000,000; metered registrations 10,000,000 vs 10,000,000 registered: equal, to the unit/);
  t.notMatch(text, /would take/);
  const cut = renderSummary({ ...results(), policyYear: { ...POLICY_YEAR, sent: 1_000_000, complete: false, projectedSeconds: 450, countsMatch: false } });
  t.match(cut, /Replayed 1,000,000 of 3,000,000 Zipf-distributed resolutions in 150\.0 s .*; all 3,000,000 would take 450 s at that rate/);
  t.match(cut, /registered: DIFFERENT\./);
  const markdown = renderSummary({ ...results(), policyYear: { ...POLICY_YEAR, report: '## Report\n| a |\n', reportIsMarkdown: true } });
  t.match(markdown, /#### Eligibility report \(`idnode report`\) for the replayed data\n\n## Report\n\| a \|\n/);
  t.notMatch(markdown, /```\n## Report/);
  t.match(text, /- Missing: the report command\./);
  t.match(text, /```\nREPORT TEXT\n```/);
  t.match(text, /### Not benchmarked\n- grpc-resolve: no src\/grpc/);
});

t.test('the summary without headroom, goals missed, floors or a policy year', async (t) => {
  const bare = { ...results(), headroom: { resolutions: undefined, registrations: undefined }, notRun: [], machine: { ...results().machine, pinned: false } };
  delete (bare as { policyYear?: unknown }).policyYear;
  const text = renderSummary({ ...bare, scenarios: [], goals: [] });
  t.match(text, /NOT pinned/);
  t.match(text, /Not computed/);
  t.notMatch(text, /Policy-year replay/);
  t.notMatch(text, /Not benchmarked/);
});

t.test('number formatting', async (t) => {
  t.equal(formatRate(12345.6), '12,346');
  t.equal(formatRate(34.72), '34.7');
  t.equal(formatRate(0.3171), '0.317');
  t.equal(formatRate(undefined), '—');
  t.equal(formatMs(123.4), '123');
  t.equal(formatMs(12.34), '12.3');
  t.equal(formatMs(1.234), '1.23');
  t.equal(formatMs(Number.NaN), '—');
  t.equal(formatPercent(0.1234), '12.3%');
  t.equal(formatPercent(undefined), '—');
  t.equal(markdownTable(['a', 'b'], [['1|2', '3']]), '| a | b |\n| --- | --- |\n| 1\\|2 | 3 |');
});
