import { validateValues } from './validate-values.js';
import type { HandleValue } from './handle-value.js';

/** HANDLE.NET's value timestamp on the wire: ISO-8601 UTC without milliseconds. */
const WIRE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Values another node answered (HANDLE.NET REST values), checked as strictly as a write here (validateValues:
 * the same limits, the same codes, so nothing malformed reaches the cache or an encoder), but keeping each
 * value's own timestamp when it has a well-formed one (it says when the serving node wrote it). No values
 * is none. Throws what validateValues throws.
 */
export function remoteValues(input: readonly unknown[], options: { readonly nowMs: number; readonly maxValues: number; readonly maxDataBytes: number }): HandleValue[] {
  if (input.length === 0) return [];
  const values = validateValues(input, options);
  const stamps = new Map<number, string>();
  // Every entry is an object: validateValues refused anything else.
  for (const raw of input) {
    const { index, timestamp } = raw as { index?: unknown; timestamp?: unknown };
    if (typeof timestamp === 'string' && WIRE_TIMESTAMP.test(timestamp)) stamps.set(Number(index), timestamp);
  }
  return values.map((value) => {
    const stamp = stamps.get(value.index);
    return stamp === undefined ? value : { ...value, timestamp: stamp };
  });
}
