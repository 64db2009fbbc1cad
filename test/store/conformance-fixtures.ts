import type { Test } from 'tap';
import type { HandleWrite, PrincipalRecord, Store, WriteContext } from '../../src/core/store/store.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';

/** The data and helpers the conformance suite's parts share (conformance.ts, conformance-details.ts). */

/** Opens a fresh, empty store; `cleanup` removes whatever it left behind (run after the store is closed). */
export type OpenStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/** Runs `body` as a subtest on a fresh store from the backend under test, closed and cleaned up afterwards. */
export type WithStore = (title: string, body: (t: Test, store: Store) => Promise<void>) => Promise<unknown>;

export const PREFIX = '88.999.1';
export const NOW = 1_700_000_000_123;
export const CONTEXT: WriteContext = { nowMs: NOW, day: '2024-05-01', protocol: 'rest' };

export function at(nowMs: number, over: Partial<WriteContext> = {}): WriteContext {
  return { ...CONTEXT, nowMs, ...over };
}

export function handle(suffix: string, prefix = PREFIX): string {
  return `${prefix}/${suffix}`;
}

export function value(index: number, text: string, type = 'URL'): HandleValue {
  return { index, type, data: { format: 'string', value: text }, ttl: 86400, timestamp: '2024-05-01T00:00:00Z', permissions: '1110', references: [] };
}

export function create(h: string, values: readonly HandleValue[], prefix = PREFIX): HandleWrite {
  return { op: 'create', handle: h, prefix, values };
}

export function principal(id: string, over: Partial<PrincipalRecord> = {}): PrincipalRecord {
  return {
    id,
    role: 'enterprise',
    prefix: PREFIX,
    name: `Enterprise ${id}`,
    secret: { hash: Buffer.from(`hash:${id}`), salt: Buffer.from([0, 1, 2, 255]) },
    createdAtMs: NOW,
    revokedAtMs: undefined,
    ...over,
  };
}

export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
