import { assertOperator } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { describeClock } from '../clock/set-clock.js';
import type { IdNode } from '../node.js';

/**
 * What the operator's console shows of the running node, in one read: the store, the clock, the resolution
 * cache, the metering flush, the homed prefixes, the connection with the top-level node, and today's metered
 * totals (registrations are counted when they commit, resolutions when metering flushes: the console derives
 * live rates from two of these a few seconds apart). The same figures /metrics exposes, as JSON.
 */
export interface NodeStatus {
  readonly store: string;
  readonly clock: ReturnType<typeof describeClock>;
  readonly now: string;
  readonly cache: { readonly hits: number; readonly misses: number; readonly hitRatio: number; readonly entries: number; readonly bytes: number };
  readonly metering: { readonly flushLagSeconds: number; readonly pending: number; readonly flushes: number; readonly failedFlushes: number };
  readonly homedPrefixes: readonly { readonly prefix: string; readonly source: string }[];
  readonly today: { readonly day: string; readonly registrations: number; readonly resolutions: number; readonly refusedWrites: number };
  readonly topLevel?: ReturnType<NonNullable<IdNode['connection']>['status']>;
}

/** The node's status, for the operator only (AUTHENTICATION_REQUIRED, PERMISSION_DENIED otherwise). */
export async function nodeStatus(node: IdNode, principal: Principal): Promise<NodeStatus> {
  assertOperator(principal, 'reading the node status');
  const now = node.clock.now();
  const day = node.meteringDay.dayOf(now);
  const [totals] = await Promise.all([node.meteringReports.totals(principal, { from: day, to: day }), node.store.ping()]);
  const cache = node.cache.stats();
  const lookups = cache.hits + cache.misses;
  const metering = node.metering.stats();
  return {
    store: node.store.kind,
    clock: describeClock(node.clock),
    now: new Date(now).toISOString(),
    cache: { hits: cache.hits, misses: cache.misses, hitRatio: lookups === 0 ? 0 : cache.hits / lookups, entries: cache.entries, bytes: cache.bytes },
    metering: { flushLagSeconds: metering.flushLagMs / 1000, pending: metering.pending, flushes: metering.flushes, failedFlushes: metering.failedFlushes },
    homedPrefixes: node.homing.list().map((homed) => ({ prefix: homed.prefix, source: homed.source })),
    today: { day, registrations: totals.totals.registrations, resolutions: totals.totals.resolutions, refusedWrites: totals.totals.refusedWrites },
    ...(node.connection === undefined ? {} : { topLevel: node.connection.status() }),
  };
}
