import { COMPONENT_TYPE } from '../simulate/workload.js';
import type { WireValue } from '../core/values/wire-value.js';

/**
 * What one lookup of an identifier gave: its values, or that it does not exist, or that it could not be
 * asked; where it was answered (the serving node's REST address, when known), how it was asked and how long
 * it took (real ms).
 */
export type LookupAnswer =
  | { readonly outcome: 'found'; readonly values: readonly WireValue[]; readonly node?: string; readonly via: string; readonly latencyMs: number }
  | { readonly outcome: 'missing' | 'error'; readonly message: string; readonly node?: string; readonly via: string; readonly latencyMs: number };

export type TraceLookup = (handle: string) => Promise<LookupAnswer>;

/**
 * One identifier in the tree. found: resolved, its components follow; missing: no such identifier (a
 * dangling reference); error: it could not be resolved (a node down, a refusal); cycle: it is its own
 * ancestor (not followed again); repeat: already traced elsewhere in the tree (a shared component; not
 * followed again); depth-limit / count-limit: not looked up, the trace stopped there.
 */
export interface TraceNode {
  readonly handle: string;
  readonly status: 'found' | 'missing' | 'error' | 'cycle' | 'repeat' | 'depth-limit' | 'count-limit';
  readonly node?: string;
  readonly via?: string;
  readonly latencyMs?: number;
  readonly message?: string;
  readonly components: readonly TraceNode[];
}

export interface TraceLimits {
  /** Levels below the root followed (the root is depth 0). */
  readonly maxDepth: number;
  /** Identifiers looked up in all. */
  readonly maxLookups: number;
}

export const DEFAULT_TRACE_LIMITS: TraceLimits = { maxDepth: 16, maxLookups: 1000 };

export interface TraceResult {
  readonly root: TraceNode;
  readonly lookups: number;
  /** How many tree entries ended in each status. */
  readonly counts: Readonly<Record<TraceNode['status'], number>>;
  /** Distinct serving nodes, in the order first met. */
  readonly nodes: readonly string[];
  readonly totalLatencyMs: number;
  readonly limits: TraceLimits;
}

/** The identifiers an item names as its components: its TRACE.COMPONENT values' string data, in index order. */
export function componentsOf(values: readonly WireValue[]): string[] {
  return values
    .filter((value) => value.type === COMPONENT_TYPE && value.data.format === 'string')
    .sort((a, b) => a.index - b.index)
    .map((value) => value.data.value as string);
}

/**
 * Follows the component references from `handle` depth first, one lookup at a time (the order of the tree is
 * the order of the values), never following an identifier twice: an ancestor met again is a cycle, an
 * identifier met again elsewhere a repeat. Bounded by `limits`, so it ends on any data.
 */
export async function traceHandle(handle: string, lookup: TraceLookup, limits: TraceLimits = DEFAULT_TRACE_LIMITS): Promise<TraceResult> {
  const seen = new Set<string>();
  const nodes: string[] = [];
  const counts: Record<TraceNode['status'], number> = { found: 0, missing: 0, error: 0, cycle: 0, repeat: 0, 'depth-limit': 0, 'count-limit': 0 };
  let lookups = 0;
  let totalLatencyMs = 0;

  const visit = async (current: string, depth: number, path: ReadonlySet<string>): Promise<TraceNode> => {
    const stop = (status: TraceNode['status']): TraceNode => {
      counts[status]++;
      return { handle: current, status, components: [] };
    };
    if (path.has(current)) return stop('cycle');
    if (seen.has(current)) return stop('repeat');
    if (depth > limits.maxDepth) return stop('depth-limit');
    if (lookups >= limits.maxLookups) return stop('count-limit');
    seen.add(current);
    lookups++;
    const answer = await lookup(current);
    totalLatencyMs += answer.latencyMs;
    if (answer.node !== undefined && !nodes.includes(answer.node)) nodes.push(answer.node);
    const where = { ...(answer.node === undefined ? {} : { node: answer.node }), via: answer.via, latencyMs: round(answer.latencyMs) };
    counts[answer.outcome]++;
    if (answer.outcome !== 'found') return { handle: current, status: answer.outcome, ...where, message: answer.message, components: [] };
    const below = new Set(path).add(current);
    const components: TraceNode[] = [];
    for (const component of componentsOf(answer.values)) components.push(await visit(component, depth + 1, below));
    return { handle: current, status: 'found', ...where, components };
  };

  const root = await visit(handle, 0, new Set());
  return { root, lookups, counts, nodes, totalLatencyMs: round(totalLatencyMs), limits };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
