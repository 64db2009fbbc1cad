import { formatNumber } from '../i18n/locale.js';
import { renderTraceText } from '../trace/render-trace.js';
import type { SimulationReport } from './run-simulation.js';

const n = (value: number) => formatNumber(value, 'en');

/** The simulation's report as the terminal shows it (the JSON file holds everything; this is the summary). */
export function renderSimulationText(report: SimulationReport): string {
  const { simulation: sim } = report;
  const lines: string[] = [];
  lines.push(
    `idnode simulate: ${sim.spec.nodes} nodes, ${sim.spec.days} days (${sim.firstDay} to ${sim.lastDay}), ${sim.secondsPerDay} s a day (clock ${n(sim.clockRate)}× real time), seed ${sim.spec.seed}, scale ${sim.scale}`,
    `  workload: ${n(sim.spec.registrationsPerNodePerDay)} registrations and ${n(sim.spec.resolutionsPerNodePerDay)} resolutions per node per day, Zipf ${sim.spec.zipf}, cross-node share ${sim.spec.crossNodeShare}, recursion ${sim.recursive ? 'on' : 'off'}; digest ${sim.workloadDigest.slice(0, 16)}`,
    `  took ${sim.realSeconds} s real time; load average ${sim.loadAverage.join(' ')}`,
  );
  if (sim.overruns.length > 0) lines.push(`  WARNING: ${sim.overruns.length} day(s) outlasted their ${sim.secondsPerDay} s (${sim.overruns.slice(0, 5).join(', ')}): give more --seconds-per-day`);
  if (sim.failures.length > 0) lines.push(`  WARNING: operations failed, first: ${sim.failures[0]}`);
  lines.push('');
  for (const outcome of report.nodes) {
    const e = outcome.eligibility;
    lines.push(`${outcome.node.name}  ${outcome.url}  enterprise ${outcome.node.enterprisePrefix}`);
    lines.push(
      `  sent: ${n(outcome.sent.registrations)} registrations, ${n(outcome.sent.resolutionsAsked)} resolutions asked here (${n(outcome.sent.crossNodeAsked)} of other nodes' identifiers), ${n(outcome.sent.servedForOthers)} of its identifiers asked at other nodes${outcome.sent.failures > 0 ? `, ${n(outcome.sent.failures)} FAILED` : ''}`,
    );
    for (const check of outcome.checks) lines.push(`  ${check.equal ? 'ok  ' : 'DIFF'} ${check.report} report, ${check.figure}: sent ${n(check.sent)}, reported ${n(check.reported)}`);
    for (const award of e.awards as { title: string; verdict: string; projectedVerdict?: string; criteria: { title: string; verdict: string; measured: unknown; threshold?: number }[] }[]) {
      lines.push(`  award "${award.title}": ${award.verdict}${award.projectedVerdict === undefined ? '' : ` (projected: ${award.projectedVerdict})`}`);
      for (const criterion of award.criteria) lines.push(`    ${criterion.verdict.padEnd(8)} ${criterion.title}: ${String(criterion.measured)}${criterion.threshold === undefined ? '' : ` (threshold ${n(criterion.threshold)})`}`);
    }
    const h = outcome.headroom;
    lines.push(
      `  capacity here: ${n(outcome.capacity.resolutionsPerSecond)} resolutions/s, ${n(outcome.capacity.registrationsPerSecond)} registrations/s; peak load ${n(h.peakResolutionsPerSecond)} resolutions/s + ${n(h.peakRegistrationsPerSecond)} registrations/s = ${n(h.utilisation * 100)}% of capacity (headroom ${n(h.headroom)}×)`,
    );
    lines.push(`  one real day of that capacity = ${n(h.thresholdMultiples.dailyAverageResolutions)}× the daily-average resolution threshold, ${n(h.thresholdMultiples.registrationsPerYear)}× the yearly registration threshold`);
    lines.push('');
  }
  lines.push('top-level node: connection report');
  for (const node of report.topLevel.nodes as { id: string; name: string; prefixes: { prefix: string }[]; reports: { daysVerified: number; lastDay?: string; simulatedDays: number }; years: { year: number; registrations: number; countedResolutions: number }[]; refusals: unknown[] }[]) {
    const year = node.years.find((entry) => entry.year === sim.year);
    lines.push(
      `  ${node.id} ${node.name}: prefixes ${node.prefixes.map((prefix) => prefix.prefix).join(', ')}; ${node.reports.daysVerified} days verified (to ${node.reports.lastDay ?? '-'}, ${node.reports.simulatedDays} simulated); ${sim.year}: ${n(year?.registrations ?? 0)} registrations, ${n(year?.countedResolutions ?? 0)} counted resolutions; ${node.refusals.length} refusals`,
    );
  }
  lines.push('');
  for (const verdict of report.verdicts) lines.push(`verdict ${verdict.node}: ${verdict.sentence}`);
  if (report.trace !== undefined) {
    lines.push('', `trace of ${report.trace.handle} through ${report.trace.nodeNames[report.trace.through] ?? report.trace.through}:`);
    lines.push(renderTraceText(report.trace.result, new Map(Object.entries(report.trace.nodeNames))).trimEnd());
  }
  lines.push('', report.figuresMatch ? 'Every figure of every report equals what was sent.' : 'SOME FIGURES DIFFER from what was sent (DIFF above).');
  return `${lines.join('\n')}\n`;
}
