import type { CounterDelta, CounterDimension, CounterKind, CounterQuery, CounterRow, CounterSum } from '../../core/store/store.js';
import { aggregateCounters } from '../counter-deltas.js';
import { groupedDimensions } from '../counter-sums.js';
import { compareUtf8 } from '../../core/store/utf8-order.js';

interface Counter {
  readonly prefix: string;
  readonly protocol: string;
  readonly kind: CounterKind;
  count: number;
}

/**
 * The counter table of the in-memory store, by day and then by the rest of the key, so a day range reads only
 * its days. Synchronous: each call is atomic. Every row handed out is a fresh object (the counts held here
 * keep changing); orders are by UTF-8 bytes, as the SQL stores' collations give.
 */
export class MemoryCounters {
  readonly #byDay = new Map<string, Map<string, Counter>>();

  /** See CounterStore.addCounters. */
  add(deltas: readonly CounterDelta[]): void {
    for (const delta of aggregateCounters(deltas)) {
      let day = this.#byDay.get(delta.day);
      if (day === undefined) this.#byDay.set(delta.day, (day = new Map()));
      // The unit separator cannot occur in a validated prefix, protocol or kind.
      const key = `${delta.prefix}\u001f${delta.protocol}\u001f${delta.kind}`;
      const counter = day.get(key);
      if (counter === undefined) day.set(key, { prefix: delta.prefix, protocol: delta.protocol, kind: delta.kind, count: delta.count });
      else counter.count += delta.count;
    }
  }

  /** See CounterStore.listCounters. */
  list(fromDay: string, toDay: string): CounterRow[] {
    const rows: CounterRow[] = [];
    for (const [day, counters] of this.#byDay) {
      if (day < fromDay || day > toDay) continue;
      for (const { prefix, protocol, kind, count } of counters.values()) rows.push({ day, prefix, protocol, kind, count });
    }
    return rows.sort((a, b) => compareBy(a, b, ALL_DIMENSIONS));
  }

  /** See CounterStore.sumCounters. Throws Error for a dimension that is not a counter column, as the SQL stores do. */
  sum(query: CounterQuery): CounterSum[] {
    const { dimensions } = groupedDimensions(query);
    const sums = new Map<string, { -readonly [K in keyof CounterSum]: CounterSum[K] }>();
    for (const [day, counters] of this.#byDay) {
      if (day < query.fromDay || day > query.toDay) continue;
      for (const counter of counters.values()) {
        if (query.prefix !== undefined && counter.prefix !== query.prefix) continue;
        const row = { day, prefix: counter.prefix, protocol: counter.protocol };
        let key: string = counter.kind;
        for (const dimension of dimensions) key += `\u001f${row[dimension]}`;
        const sum = sums.get(key);
        if (sum !== undefined) {
          sum.count += counter.count;
          continue;
        }
        const fresh: { -readonly [K in keyof CounterSum]: CounterSum[K] } = { kind: counter.kind, count: counter.count };
        for (const dimension of dimensions) fresh[dimension] = row[dimension];
        sums.set(key, fresh);
      }
    }
    return [...sums.values()].sort((a, b) => compareBy(a, b, dimensions));
  }
}

const ALL_DIMENSIONS: readonly CounterDimension[] = ['day', 'prefix', 'protocol'];

/** By the given dimensions in output order, then by kind, each by UTF-8 bytes. */
function compareBy(a: CounterSum, b: CounterSum, dimensions: readonly CounterDimension[]): number {
  for (const dimension of dimensions) {
    const order = compareUtf8(a[dimension]!, b[dimension]!);
    if (order !== 0) return order;
  }
  return compareUtf8(a.kind, b.kind);
}
