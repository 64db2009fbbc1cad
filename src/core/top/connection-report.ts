import type { LedgerEntry } from '../ledger/ledger-entry.js';
import type { RefusalKind } from './top-store.js';

/** What the top-level node holds of one node: the answer to connect and to GET /api/v1/top/state. */
export interface ConnectionState {
  readonly nodeId: string;
  /** The key registered on the first connection; absent before it. */
  readonly keyId?: string;
  readonly firstConnectedAt?: string;
  /** The prefixes homed by this node, in byte order. */
  readonly prefixes: readonly string[];
  /** The last day accepted (absent when none is). The node reports from the day after it. */
  readonly lastSeq?: number;
  readonly lastDay?: string;
  readonly lastReportAt?: string;
}

/** One calendar year of a node's accepted reports, summed from the sealed totals. */
export interface YearTotals {
  readonly year: number;
  /** Days of the year reported and verified. */
  readonly days: number;
  readonly registrations: number;
  /** The award policy's counted resolution kinds, summed. */
  readonly countedResolutions: number;
  readonly totals: Readonly<Record<string, number>>;
}

/** One node in the connection report (GET /api/v1/nodes). */
export interface NodeConnection {
  readonly id: string;
  readonly name: string;
  readonly accountPrefixes: readonly string[];
  readonly revokedAt?: string;
  readonly keyId?: string;
  readonly firstConnectedAt?: string;
  readonly prefixes: readonly { readonly prefix: string; readonly homedAt: string }[];
  readonly reports: {
    /** Every accepted day was verified on intake (signature, hash, chain, no gap, no day twice). */
    readonly daysVerified: number;
    readonly firstDay?: string;
    readonly lastDay?: string;
    readonly lastSeq?: number;
    readonly lastHash?: string;
    readonly lastReportAt?: string;
    /** Days sealed on a set clock: not production figures. */
    readonly simulatedDays: number;
  };
  readonly years: readonly YearTotals[];
  readonly refusals: readonly { readonly at: string; readonly kind: RefusalKind; readonly reason: string; readonly day?: string; readonly seq?: number }[];
  /** Days the node signed in two different versions: the version held and the other one. */
  readonly conflicts: readonly { readonly day: string; readonly seq: number; readonly held: LedgerEntry; readonly other: LedgerEntry }[];
}
