import type { ClockDescription } from '../core/clock/set-clock.js';
import type { NodeConnection } from '../core/top/connection-report.js';
import { escapeHtml } from '../reports/render-html.js';

/** The connection report as a self-contained HTML page (no script, no external resource). */
export function renderNodesHtml(report: { generatedAt: string; clock: ClockDescription; nodes: readonly NodeConnection[] }): string {
  const rows = report.nodes.map((node) => {
    const years = node.years.map((year) => `${year.year}: ${year.registrations} registrations, ${year.countedResolutions} counted resolutions (${year.days} days)`).join('<br>');
    const refusals = node.refusals.map((refusal) => `<li data-kind="${escapeHtml(refusal.kind)}">${escapeHtml(refusal.at)} <b>${escapeHtml(refusal.kind)}</b>: ${escapeHtml(refusal.reason)}</li>`).join('');
    const conflicts = node.conflicts
      .map((conflict) => `<li class="flag">day ${escapeHtml(conflict.day)} signed twice: held ${escapeHtml(conflict.held.hash)}, other ${escapeHtml(conflict.other.hash)}</li>`)
      .join('');
    return `<tr data-node="${escapeHtml(node.id)}">
      <td>${escapeHtml(node.id)}<br><small>${escapeHtml(node.name)}</small>${node.revokedAt === undefined ? '' : '<br><b>revoked</b>'}</td>
      <td>${escapeHtml(node.firstConnectedAt ?? 'never')}</td>
      <td>${node.prefixes.map((prefix) => escapeHtml(prefix.prefix)).join('<br>')}</td>
      <td class="num">${node.reports.daysVerified}${node.reports.firstDay === undefined ? '' : `<br><small>${escapeHtml(node.reports.firstDay)} – ${escapeHtml(node.reports.lastDay!)}</small>`}</td>
      <td>${escapeHtml(node.reports.lastReportAt ?? '—')}</td>
      <td>${years || '—'}</td>
      <td>${refusals || conflicts ? `<ul>${conflicts}${refusals}</ul>` : 'none'}</td>
    </tr>`;
  });
  const simulated = report.clock.mode === 'simulated' ? `<p class="flag">SIMULATED clock (from ${escapeHtml(report.clock.start ?? '')}, ${report.clock.rate ?? 1}× real time): not production figures.</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Top-level node: connected nodes</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4em;vertical-align:top}.num{text-align:right}.flag{color:#a00;font-weight:bold}</style>
</head><body>
<h1>National top-level node (simulated): connected nodes</h1>
${simulated}<p>Generated ${escapeHtml(report.generatedAt)}. Every day listed was verified on intake: signature by the node's registered key, hash, chain, no gap, no day twice.</p>
<table><thead><tr><th>Node</th><th>First connected</th><th>Prefixes homed</th><th>Days reported and verified</th><th>Last report</th><th>Yearly totals (as reported)</th><th>Refusals</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</body></html>
`;
}
