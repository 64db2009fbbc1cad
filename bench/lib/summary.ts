import { formatFixed, formatMs, formatPercent, formatRate, markdownTable } from './format.js';
import type { BenchResults, HeadroomLine, Measured, ScenarioResult } from './result.js';

const FLOOR = '≥';

/**
 * The Markdown summary printed at the end of a bench run (and kept beside latest.json). A throughput the
 * generator could not push further is printed as a floor ("≥ 12,345"): the real figure is at least that.
 */
export function renderSummary(results: BenchResults): string {
  const { machine } = results;
  const parts: string[] = [];
  parts.push(`## idnode bench (${results.mode}) — ${results.startedAt}`);
  parts.push(
    `${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, CPU steal ${machine.cpuStealPercent.toFixed(2)}% over the run, ` +
      (machine.pinned ? `server on CPU ${machine.serverCpu}, load generator on CPU ${machine.generatorCpu}` : 'server and generator NOT pinned (shared cores)') +
      `; ${results.durationSec.toFixed(0)} s in all.`,
  );
  parts.push(scenarioTable(results.scenarios));
  const floors = results.scenarios.filter((scenario) => scenario.generatorSaturated || scenario.reference.generatorSaturated);
  if (floors.length > 0) {
    parts.push(`${FLOOR} marks a floor: the load generator was busy (running, or waiting for its core) ≥ 90% of a run, so the server may go faster (${floors.map((s) => s.name).join(', ')}).`);
  }
  parts.push(
    'ours/ref is the headline: throughput ÷ the reference\'s in the same run (for the fixed-rate row, our p99 ÷ its p99). CPU eff. is the reference\'s CPU µs/op ÷ ours, each from its own /proc accounting: it depends less on what else the machine ran.',
  );
  const notes = results.scenarios.flatMap((scenario) => scenario.notes.map((note) => `- **${scenario.name}**: ${note}`));
  if (notes.length > 0) parts.push(['Notes:', ...notes].join('\n'));
  parts.push('### Policy headroom\n' + headroomTable([results.headroom.resolutions, results.headroom.registrations]));
  parts.push('### Goals\n' + goalTable(results));
  if (results.policyYear) parts.push(policyYearSection(results));
  if (results.notRun.length > 0) parts.push(['### Not benchmarked', ...results.notRun.map((item) => `- ${item.name}: ${item.reason}`)].join('\n'));
  return parts.join('\n\n') + '\n';
}

function throughputCell(measured: Measured): string {
  return (measured.generatorSaturated ? `${FLOOR} ` : '') + formatRate(measured.throughput);
}

function scenarioTable(scenarios: readonly ScenarioResult[]): string {
  const rows = scenarios.map((s) => [
    s.name,
    throughputCell(s),
    `${formatRate(s.min)}–${formatRate(s.max)}`,
    `${formatMs(s.p50Ms)} / ${formatMs(s.p99Ms)} / ${formatMs(s.p999Ms)}`,
    formatFixed(s.cpuMicrosPerOp, 1),
    formatFixed(s.rssMb, 0),
    s.reference.name,
    throughputCell(s.reference),
    `${formatMs(s.reference.p50Ms)} / ${formatMs(s.reference.p99Ms)}`,
    formatFixed(s.reference.cpuMicrosPerOp, 1),
    s.ratioOf === 'throughput' ? formatPercent(s.ratio, 0) : `p99 ×${formatFixed(s.ratio, 2)}`,
    formatPercent(s.cpuRatio, 0),
  ]);
  return markdownTable(
    ['Scenario', 'ops/s (median)', 'min–max', 'p50 / p99 / p99.9 ms', 'CPU µs/op', 'RSS MiB', 'Reference', 'ref ops/s', 'ref p50 / p99 ms', 'ref CPU µs/op', 'ours/ref', 'CPU eff. vs ref'],
    rows,
  );
}

function headroomTable(lines: readonly (HeadroomLine | undefined)[]): string {
  const present = lines.filter((line): line is HeadroomLine => line !== undefined);
  if (present.length === 0) return 'Not computed (no resolution or registration scenario ran).';
  return markdownTable(
    ['Threshold', 'as a rate', 'measured on', 'ops/s', 'CPU µs/op', 'share of one core', 'headroom'],
    present.map((line) => [
      line.basis,
      `${formatFixed(line.thresholdPerSec, line.thresholdPerSec < 1 ? 3 : 1)}/s`,
      line.scenario,
      formatRate(line.throughput),
      formatFixed(line.cpuMicrosPerOp, 1),
      formatPercent(line.coreShare, line.coreShare < 0.001 ? 4 : 2),
      `×${formatRate(line.headroomFactor)}`,
    ]),
  );
}

function goalTable(results: BenchResults): string {
  const table = markdownTable(
    ['Goal', 'measured', 'target', 'verdict'],
    results.goals.map((goal) => [
      goal.goal,
      goal.measured === undefined ? '—' : `${formatRate(goal.measured)} ${goal.unit}`,
      `${formatRate(goal.target)} ${goal.unit}`,
      goal.met === undefined ? 'not measured' : goal.met ? 'met' : `MISSED (${goal.gap})`,
    ]),
  );
  const why = results.goals.filter((goal) => goal.met === false).map((goal) => `- ${goal.goal}: ${goal.note}`);
  return why.length > 0 ? `${table}\n\nWhy missed, and what would close the gap:\n${why.join('\n')}` : table;
}

function policyYearSection(results: BenchResults): string {
  const year = results.policyYear!;
  const lines = [
    '### Policy-year replay',
    `- Registered ${year.registered.toLocaleString('en-US')} identifiers in ${year.seedSeconds.toFixed(0)} s (${formatRate(year.seedRate)}/s, one streamed NDJSON import over REST); server peak RSS after the import ${formatFixed(year.importRssMb, 0)} MiB.`,
    `- Replayed ${year.sent.toLocaleString('en-US')}${year.complete ? '' : ` of ${year.replayed.toLocaleString('en-US')}`} Zipf-distributed resolutions in ${year.replaySeconds.toFixed(1)} s (${year.generatorSaturated ? FLOOR + ' ' : ''}${formatRate(year.replayRate)}/s, p99 ${formatMs(year.p99Ms)} ms)${year.complete ? '' : `; all ${year.replayed.toLocaleString('en-US')} would take ${year.projectedSeconds.toFixed(0)} s at that rate`}; server peak RSS ${formatFixed(year.rssMb, 0)} MiB with a ${year.cacheEntries.toLocaleString('en-US')}-entry cache.`,
    `- Metered: ${Object.entries(year.metered).map(([kind, count]) => `${kind} ${count.toLocaleString('en-US')}`).join(', ')}.`,
    `- Metered resolutions ${year.meteredResolutions.toLocaleString('en-US')} vs sent ${year.sent.toLocaleString('en-US')}; metered registrations ${year.meteredRegistrations.toLocaleString('en-US')} vs ${year.registered.toLocaleString('en-US')} registered: ${year.countsMatch ? 'equal, to the unit' : 'DIFFERENT'}.`,
  ];
  if (year.missing.length > 0) lines.push(`- Missing: ${year.missing.join('; ')}.`);
  lines.push('', '#### Eligibility report (`idnode report`) for the replayed data', '');
  if (year.reportIsMarkdown) lines.push(year.report.trimEnd());
  else lines.push('```', year.report.trimEnd(), '```');
  return lines.join('\n');
}
