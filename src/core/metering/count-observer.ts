import type { CounterKind } from '../store/store.js';

/**
 * Told of every count as metering makes it (for /metrics): resolutions and refused writes when Metering adds
 * them (under the prefix they are metered under, OTHER_PREFIX included), registrations, updates and deletes
 * when Registry has committed them (the store counts those in the write's own transaction). Called on the
 * hot path: it must be cheap and must not throw.
 */
export type CountObserver = (kind: CounterKind, prefix: string, protocol: string, count: number) => void;
