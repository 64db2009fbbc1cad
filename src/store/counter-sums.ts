import type { CounterDimension, CounterQuery, CounterSum } from '../core/store/store.js';

/** The grouped columns in their one output order, whatever order `groupBy` names them in. */
const DIMENSIONS: readonly CounterDimension[] = ['day', 'prefix', 'protocol'];

/**
 * The dimensions of `query` in output order, and a key naming that combination (for caching one prepared
 * statement per combination). Throws Error for a dimension that is not a counter column (a programming error:
 * the names go into SQL text).
 */
export function groupedDimensions(query: CounterQuery): { dimensions: CounterDimension[]; key: string } {
  for (const dimension of query.groupBy) {
    if (!DIMENSIONS.includes(dimension)) throw new Error(`sumCounters cannot group by "${String(dimension)}"`);
  }
  const dimensions = DIMENSIONS.filter((dimension) => query.groupBy.includes(dimension));
  return { dimensions, key: dimensions.join('_') || 'kind' };
}

/**
 * The SELECT of sumCounters for `dimensions` over `table`, with the placeholders `params` gives for fromDay,
 * toDay and the prefix (bound twice: a NULL prefix means every prefix). Both backends order these columns by
 * bytes (SQLite's BINARY collation, PostgreSQL's COLLATE "C" columns).
 */
export function sumCountersSql(table: string, dimensions: readonly CounterDimension[], params: readonly [string, string, string, string]): string {
  const columns = [...dimensions, 'kind'].join(', ');
  const [from, to, prefixA, prefixB] = params;
  return `SELECT ${columns}, sum(count) AS count FROM ${table}
    WHERE day >= ${from} AND day <= ${to} AND (${prefixA} IS NULL OR prefix = ${prefixB})
    GROUP BY ${columns} ORDER BY ${columns}`;
}

/** A row of that SELECT as a CounterSum (the count may arrive as a string or bigint from the driver). */
export function toCounterSum(row: Record<string, unknown>, dimensions: readonly CounterDimension[]): CounterSum {
  const sum: { -readonly [K in keyof CounterSum]: CounterSum[K] } = { kind: row['kind'] as CounterSum['kind'], count: Number(row['count']) };
  for (const dimension of dimensions) sum[dimension] = row[dimension] as string;
  return sum;
}
