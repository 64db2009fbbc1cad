import type { Monotonic } from '../clock/monotonic.js';
import type { Store } from './store.js';

/** Told the duration of each store call (seconds) and whether it failed; must be cheap and must not throw. */
export type StoreObserver = (operation: TimedOperation, seconds: number, failed: boolean) => void;

/** The store calls that are timed (a bounded set, so they can label a metric). */
export const TIMED_OPERATIONS = [
  'getHandle',
  'getStoredAnswer',
  'applyWrites',
  'listHandles',
  'scanSearchIndex',
  'getPrincipal',
  'addCounters',
  'listCounters',
  'sumCounters',
  'listLedgerEntries',
  'appendLedgerEntry',
  'ping',
] as const satisfies readonly (keyof Store)[];
export type TimedOperation = (typeof TIMED_OPERATIONS)[number];

/**
 * `store`, with the calls of TIMED_OPERATIONS timed on `monotonic` for `observe`. Everything else (other methods, `kind`,
 * backend-specific fields) reaches the store unchanged; methods are bound to it, since stores keep their state
 * in private fields. The store's contract is unchanged: results and errors pass through as they are.
 */
export function timedStore(store: Store, observe: StoreObserver, monotonic: Monotonic): Store {
  const timed = new Map<PropertyKey, unknown>();
  for (const operation of TIMED_OPERATIONS) {
    const original = store[operation] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (typeof original !== 'function') continue;
    const method = original.bind(store);
    timed.set(operation, async (...args: unknown[]) => {
      const started = monotonic.now();
      let failed = true;
      try {
        const result = await method(...args);
        failed = false;
        return result;
      } finally {
        observe(operation, (monotonic.now() - started) / 1000, failed);
      }
    });
  }
  // The synchronous form of the miss read is the same read: timed under the same operation.
  const readNow = store.readStoredAnswerNow?.bind(store);
  if (readNow !== undefined) {
    timed.set('readStoredAnswerNow', (handle: string) => {
      const started = monotonic.now();
      let failed = true;
      try {
        const result = readNow(handle);
        failed = false;
        return result;
      } finally {
        observe('getStoredAnswer', (monotonic.now() - started) / 1000, failed);
      }
    });
  }
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, key) {
      if (timed.has(key)) return timed.get(key);
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(key);
      if (method === undefined) {
        method = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(key, method);
      }
      return method;
    },
  });
}
