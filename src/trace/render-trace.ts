import type { TraceNode, TraceResult } from './trace.js';

/**
 * The trace as a text tree, one identifier a line with its status, serving node (named by `nodeNames` when
 * given) and latency, then a summary line. What `idnode trace` prints and the simulate report shows.
 */
export function renderTraceText(result: TraceResult, nodeNames: ReadonlyMap<string, string> = new Map()): string {
  const lines: string[] = [];
  const describe = (entry: TraceNode): string => {
    const parts = [entry.handle, statusWord(entry.status)];
    if (entry.node !== undefined) parts.push(`at ${nodeNames.get(entry.node) ?? entry.node}`);
    if (entry.latencyMs !== undefined) parts.push(`${entry.latencyMs.toFixed(1)} ms`);
    if (entry.message !== undefined) parts.push(`(${entry.message})`);
    return parts.join('  ');
  };
  const walk = (entry: TraceNode, lead: string, childLead: string): void => {
    lines.push(lead + describe(entry));
    entry.components.forEach((component, i) => {
      const last = i === entry.components.length - 1;
      walk(component, childLead + (last ? '└─ ' : '├─ '), childLead + (last ? '   ' : '│  '));
    });
  };
  walk(result.root, '', '');
  const { counts } = result;
  const problems = (['missing', 'error', 'cycle', 'depth-limit', 'count-limit'] as const).filter((status) => counts[status] > 0).map((status) => `${counts[status]} ${statusWord(status)}`);
  lines.push(
    `${result.lookups} lookups across ${result.nodes.length} node${result.nodes.length === 1 ? '' : 's'}, ${result.totalLatencyMs.toFixed(1)} ms in all; ${problems.length === 0 ? 'complete' : problems.join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}

function statusWord(status: TraceNode['status']): string {
  switch (status) {
    case 'found':
      return 'found';
    case 'missing':
      return 'MISSING';
    case 'error':
      return 'ERROR';
    case 'cycle':
      return 'CYCLE (its own ancestor: not followed)';
    case 'repeat':
      return 'shared (traced above)';
    case 'depth-limit':
      return 'not followed (depth limit)';
    case 'count-limit':
      return 'not followed (lookup limit)';
  }
}
