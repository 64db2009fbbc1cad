import type { CounterDelta } from '../core/store/store.js';

/**
 * Merges deltas that share a key (day, prefix, protocol, kind), drops those that sum to zero, and sorts
 * them by key. Both stores upsert the result: PostgreSQL cannot touch one row twice in one
 * `INSERT ... ON CONFLICT` statement, and a fixed key order makes concurrent upserts lock rows in the same
 * order (no deadlocks between writers adding to the same counters).
 */
export function aggregateCounters(deltas: readonly CounterDelta[]): CounterDelta[] {
  if (deltas.length === 0) return [];
  const byKey = new Map<string, { delta: CounterDelta; count: number }>();
  for (const delta of deltas) {
    const key = counterKey(delta);
    const entry = byKey.get(key);
    if (entry === undefined) byKey.set(key, { delta, count: delta.count });
    else entry.count += delta.count;
  }
  const merged: CounterDelta[] = [];
  for (const { delta, count } of byKey.values()) {
    if (count !== 0) merged.push({ day: delta.day, prefix: delta.prefix, protocol: delta.protocol, kind: delta.kind, count });
  }
  return merged.sort(compareCounterKeys);
}

/** Orders by day, prefix, protocol, kind, each in UTF-16 code-unit order (equal to byte order for these ASCII keys). */
export function compareCounterKeys(a: CounterDelta, b: CounterDelta): number {
  return compare(a.day, b.day) || compare(a.prefix, b.prefix) || compare(a.protocol, b.protocol) || compare(a.kind, b.kind);
}

function counterKey(delta: CounterDelta): string {
  // The unit separator cannot occur in a validated prefix, protocol, day or kind.
  return `${delta.day}\u001f${delta.prefix}\u001f${delta.protocol}\u001f${delta.kind}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
