import { formatNumber } from '../i18n/locale.js';
import { escapeHtml } from '../reports/render-html.js';
import type { TraceNode } from '../trace/trace.js';
import type { NodeOutcome, SimulationReport } from './run-simulation.js';
import { renderSimulationText } from './render-text.js';

const n = (value: number) => escapeHtml(formatNumber(value, 'en'));
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/**
 * The simulation's report as one self-contained HTML page (inline CSS and SVG, no external asset): per node
 * its daily registrations and resolutions, the figure checks, the headroom, the award verdicts; the
 * top-level node's connection report; and a picture of the traced product's tree.
 */
export function renderSimulationHtml(report: SimulationReport): string {
  const sim = report.simulation;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>idnode simulate: ${sim.spec.nodes} nodes, ${sim.spec.days} days</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}
.ok{color:#2a7d2a}.bad{color:#b00;font-weight:bold}.flag{background:#fff3cd;padding:.4em}pre{background:#f8f8f8;padding:.6em;overflow:auto}
svg text{font:11px system-ui,sans-serif}
</style></head><body>
<h1>idnode simulate</h1>
<p class="flag">Simulated clock: ${sim.spec.days} days (${escapeHtml(sim.firstDay)} to ${escapeHtml(sim.lastDay)}) at ${n(sim.secondsPerDay)} real seconds a day (${n(sim.clockRate)}× real time). Not production figures.</p>
<p>${sim.spec.nodes} nodes; ${n(sim.spec.registrationsPerNodePerDay)} registrations and ${n(sim.spec.resolutionsPerNodePerDay)} resolutions per node per day; Zipf ${sim.spec.zipf}; cross-node share ${sim.spec.crossNodeShare}; seed ${sim.spec.seed}; scale ${sim.scale}; recursion ${sim.recursive ? 'on' : 'off'}.
Workload digest <code>${escapeHtml(sim.workloadDigest)}</code>. Took ${n(sim.realSeconds)} s; load average ${escapeHtml(sim.loadAverage.join(' '))}.</p>
<p class="${report.figuresMatch ? 'ok' : 'bad'}" data-figures-match="${report.figuresMatch}">${report.figuresMatch ? 'Every figure of every report equals what was sent.' : 'Some figures differ from what was sent.'}</p>
<h2>Verdicts</h2><ul>${report.verdicts.map((verdict) => `<li><b>${escapeHtml(verdict.node)}</b>: ${escapeHtml(verdict.sentence)}<br><small>${escapeHtml(verdict.basis)}</small></li>`).join('')}</ul>
<h2>Headroom</h2>${headroomChart(report.nodes)}
${report.nodes.map((outcome, i) => nodeSection(outcome, i)).join('\n')}
<h2>Top-level node: connection report</h2>${connectionTable(report)}
${report.trace === undefined ? '' : `<h2>Traceability: ${escapeHtml(report.trace.handle)}</h2><p>Traced through ${escapeHtml(report.trace.nodeNames[report.trace.through] ?? report.trace.through)}.</p>${traceSvg(report.trace.result.root, report.trace.nodeNames)}`}
<h2>Text report</h2><pre>${escapeHtml(renderSimulationText(report))}</pre>
</body></html>
`;
}

function nodeSection(outcome: NodeOutcome, i: number): string {
  const checks = outcome.checks
    .map((check) => `<tr><td class="l">${escapeHtml(check.report)}</td><td class="l">${escapeHtml(check.figure)}</td><td>${n(check.sent)}</td><td>${n(check.reported)}</td><td class="${check.equal ? 'ok' : 'bad'}">${check.equal ? 'equal' : 'DIFFERS'}</td></tr>`)
    .join('');
  const awards = (outcome.eligibility.awards as { title: string; verdict: string; criteria: { title: string; verdict: string; measured: unknown; threshold?: number }[] }[])
    .flatMap((award) => award.criteria.map((criterion) => `<tr><td class="l">${escapeHtml(award.title)}</td><td class="l">${escapeHtml(criterion.title)}</td><td>${escapeHtml(String(criterion.measured))}</td><td>${criterion.threshold === undefined ? '' : n(criterion.threshold)}</td><td class="l">${escapeHtml(criterion.verdict)}</td></tr>`))
    .join('');
  return `<h2 style="color:${COLOURS[i % COLOURS.length]}">${escapeHtml(outcome.node.name)}</h2>
<p>${escapeHtml(outcome.url)}; enterprise ${escapeHtml(outcome.node.enterprisePrefix)}. Capacity on this machine: ${n(outcome.capacity.resolutionsPerSecond)} resolutions/s, ${n(outcome.capacity.registrationsPerSecond)} registrations/s <small>(${escapeHtml(outcome.capacity.method)})</small></p>
${dailyChart(outcome, COLOURS[i % COLOURS.length]!)}
<table><tr><th class="l">report</th><th class="l">figure</th><th>sent</th><th>reported</th><th></th></tr>${checks}</table>
<h3>Eligibility report</h3><table><tr><th class="l">award</th><th class="l">criterion</th><th>measured</th><th>threshold</th><th class="l">verdict</th></tr>${awards}</table>`;
}

/** Bars per day: registrations (light) and resolutions (dark) on one scale. */
function dailyChart(outcome: NodeOutcome, colour: string): string {
  const days = outcome.daily;
  if (days.length === 0) return '<p>No metered days.</p>';
  const width = 900;
  const height = 160;
  const max = Math.max(1, ...days.map((day) => Math.max(day.registrations, day.resolutions)));
  const slot = (width - 60) / days.length;
  const bar = Math.max(1, slot / 2 - 1);
  const bars = days
    .map((day, k) => {
      const x = 50 + k * slot;
      const hr = (day.registrations / max) * (height - 30);
      const hq = (day.resolutions / max) * (height - 30);
      return `<rect x="${x.toFixed(1)}" y="${(height - 20 - hr).toFixed(1)}" width="${bar.toFixed(1)}" height="${hr.toFixed(1)}" fill="${colour}" opacity="0.4"><title>${day.day}: ${day.registrations} registrations</title></rect><rect x="${(x + bar).toFixed(1)}" y="${(height - 20 - hq).toFixed(1)}" width="${bar.toFixed(1)}" height="${hq.toFixed(1)}" fill="${colour}"><title>${day.day}: ${day.resolutions} resolutions</title></rect>`;
    })
    .join('');
  return `<svg width="${width}" height="${height}" role="img" aria-label="daily registrations and resolutions"><text x="0" y="12">${n(max)}</text><text x="0" y="${height - 22}">0</text><line x1="48" y1="${height - 20}" x2="${width}" y2="${height - 20}" stroke="#999"/>${bars}<text x="50" y="${height - 5}">${escapeHtml(days[0]!.day)}</text><text x="${width - 80}" y="${height - 5}">${escapeHtml(days.at(-1)!.day)}</text><text x="300" y="12">light: registrations, dark: resolutions (per day, node's own metering)</text></svg>`;
}

/** One horizontal bar per node: the peak load as a share of its measured capacity. */
function headroomChart(nodes: readonly NodeOutcome[]): string {
  const width = 700;
  const rowHeight = 26;
  const rows = nodes
    .map((outcome, i) => {
      const share = Math.min(1, outcome.headroom.utilisation);
      return `<text x="0" y="${i * rowHeight + 17}">${escapeHtml(outcome.node.name)}</text><rect x="200" y="${i * rowHeight + 4}" width="400" height="16" fill="#eee"/><rect x="200" y="${i * rowHeight + 4}" width="${(share * 400).toFixed(1)}" height="16" fill="${COLOURS[i % COLOURS.length]}"/><text x="610" y="${i * rowHeight + 17}">${n(outcome.headroom.utilisation * 100)}% (headroom ${n(outcome.headroom.headroom)}×)</text>`;
    })
    .join('');
  return `<svg width="${width + 100}" height="${nodes.length * rowHeight + 8}" role="img" aria-label="load as a share of capacity">${rows}</svg><p><small>Peak day's load over the real seconds of a day, as a fraction of the capacity measured on this machine (registrations and resolutions added).</small></p>`;
}

function connectionTable(report: SimulationReport): string {
  const rows = (report.topLevel.nodes as { id: string; name: string; prefixes: { prefix: string }[]; reports: { daysVerified: number; lastDay?: string; simulatedDays: number }; years: { year: number; registrations: number; countedResolutions: number }[]; refusals: unknown[] }[])
    .map((node) => {
      const year = node.years.find((entry) => entry.year === report.simulation.year);
      return `<tr><td class="l">${escapeHtml(node.id)}</td><td class="l">${escapeHtml(node.name)}</td><td class="l">${escapeHtml(node.prefixes.map((prefix) => prefix.prefix).join(', '))}</td><td>${n(node.reports.daysVerified)}</td><td>${escapeHtml(node.reports.lastDay ?? '')}</td><td>${n(year?.registrations ?? 0)}</td><td>${n(year?.countedResolutions ?? 0)}</td><td>${n(node.refusals.length)}</td></tr>`;
    })
    .join('');
  return `<table><tr><th class="l">node</th><th class="l">name</th><th class="l">prefixes homed</th><th>days verified</th><th>last day</th><th>registrations ${report.simulation.year}</th><th>counted resolutions</th><th>refusals</th></tr>${rows}</table>`;
}

/** The trace tree drawn left to right: a box per identifier, coloured by its serving node, with its latency. */
function traceSvg(root: TraceNode, nodeNames: Readonly<Record<string, string>>): string {
  const placed: { entry: TraceNode; depth: number; row: number; parent?: { depth: number; row: number } }[] = [];
  let rows = 0;
  const place = (entry: TraceNode, depth: number, parent?: { depth: number; row: number }): void => {
    const spot = { depth, row: rows++ };
    placed.push({ entry, ...spot, ...(parent === undefined ? {} : { parent }) });
    for (const component of entry.components) place(component, depth + 1, spot);
  };
  place(root, 0);
  const nodeColours = new Map(Object.keys(nodeNames).map((url, i) => [url, COLOURS[i % COLOURS.length]!]));
  const boxWidth = 250;
  const columnWidth = 290;
  const rowHeight = 34;
  const depths = Math.max(...placed.map((spot) => spot.depth)) + 1;
  const shapes = placed
    .map(({ entry, depth, row, parent }) => {
      const x = 5 + depth * columnWidth;
      const y = 5 + row * rowHeight;
      const colour = entry.node === undefined ? '#999' : (nodeColours.get(entry.node) ?? '#999');
      const line = parent === undefined ? '' : `<path d="M${5 + parent.depth * columnWidth + boxWidth} ${5 + parent.row * rowHeight + 13} H${x - 15} V${y + 13} H${x}" fill="none" stroke="#888"/>`;
      const note = entry.status === 'found' ? `${nodeNames[entry.node ?? ''] ?? entry.node ?? ''} · ${entry.latencyMs?.toFixed(1) ?? '?'} ms` : entry.status.toUpperCase();
      const dash = entry.status === 'found' ? '' : ' stroke-dasharray="4 2"';
      return `${line}<rect x="${x}" y="${y}" width="${boxWidth}" height="28" rx="4" fill="white" stroke="${entry.status === 'found' ? colour : '#b00'}" stroke-width="2"${dash}/><text x="${x + 6}" y="${y + 12}">${escapeHtml(entry.handle)}</text><text x="${x + 6}" y="${y + 24}" fill="${entry.status === 'found' ? colour : '#b00'}">${escapeHtml(note)}</text>`;
    })
    .join('');
  return `<svg width="${depths * columnWidth + 10}" height="${rows * rowHeight + 10}" role="img" aria-label="traced tree" data-trace-boxes="${placed.length}">${shapes}</svg>`;
}
