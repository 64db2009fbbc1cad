import { answerFor } from '../../../src/core/cache/resolution-cache.js';
import type { ResolutionKind } from '../../../src/core/metering/metering.js';
import type { AnswerSource, Lookup, ResolveContext } from '../../../src/core/resolver/pipeline.js';
import type { HandleRecord } from '../../../src/core/store/store.js';
import type { HandleValue } from '../../../src/core/values/handle-value.js';

/** Small in-process stand-ins for the resolver's unit tests. */

export const CONTEXT: ResolveContext = { handle: '88.999/ITEM-1', prefix: '88.999', protocol: 'rest', hops: 0 };

export function value(index: number, type = 'URL', permissions = '1110', data = `https://example.org/${index}`): HandleValue {
  return { index, type, data: { format: 'string', value: data }, ttl: 86400, timestamp: '2024-01-01T00:00:00Z', permissions, references: [] };
}

export function record(handle: string, values: readonly HandleValue[]): HandleRecord {
  return { handle, prefix: handle.slice(0, handle.indexOf('/')), values, createdAtMs: 1, updatedAtMs: 1 };
}

/** A lookup as a source would answer it (`values` undefined: not found). */
export function lookupOf(source: AnswerSource, values?: readonly HandleValue[], handle = CONTEXT.handle): Lookup {
  return { answer: answerFor(values === undefined ? undefined : record(handle, values)), source };
}

/** Records what the metering stage counts. */
export function countingMetering(): { counted: [string, string, ResolutionKind][]; countResolution(prefix: string, protocol: string, kind: ResolutionKind): void } {
  const counted: [string, string, ResolutionKind][] = [];
  return { counted, countResolution: (prefix, protocol, kind) => void counted.push([prefix, protocol, kind]) };
}

/** A monotonic ms source for ResolutionCache, advanced by hand (never 0: see CacheOptions.perf). */
/** Monotonic time a test moves by hand (starts above 0: lru-cache takes a start of 0 for "never expires"). */
export function manualMonotonic(): { now(): number; advance(ms: number): void } {
  let ms = 1000;
  return { now: () => ms, advance: (by) => void (ms += by) };
}

export const CACHE_OPTIONS = { maxEntries: 100, maxBytes: 1024 * 1024, maxTtlSeconds: 3600, notFoundTtlSeconds: 5 };
