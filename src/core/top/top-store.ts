import type { StoredSecret } from '../store/store.js';

/**
 * The top-level node's storage contract (a store role of its own: a top-level node holds no identifiers,
 * counters or ledger of its own). The memory store (tests) and the SQLite store (`idnode top`, a file in its
 * data directory) implement it and pass test/top/top-store-conformance.ts. Every method is async and atomic,
 * and a thrown error means the store failed (nothing of that call committed), as for Store.
 */
export interface TopStore {
  /** false when an account with that id exists (nothing changed). */
  insertNode(node: TopNodeRecord): Promise<boolean>;
  /** `undefined`: no such account (revoked ones are returned). */
  getNode(id: string): Promise<TopNodeRecord | undefined>;
  /** Ordered by createdAtMs, then id. */
  listNodes(): Promise<TopNodeRecord[]>;
  /** false when there is no such account or it was already revoked. */
  revokeNode(id: string, revokedAtMs: number): Promise<boolean>;
  /**
   * Registers the account's signing key on its first connection: sets key and firstConnectedAtMs only if no
   * key is registered. Returns the account as it stands afterwards (with the key registered earlier, if one
   * was); `undefined` when there is no such account.
   */
  registerNodeKey(id: string, key: { publicKeyPem: string; keyId: string }, atMs: number): Promise<TopNodeRecord | undefined>;

  /**
   * Homes `record.prefix` for `record.nodeId`: inserts it when no node holds it; when the same node holds it,
   * replaces its site and updatedAtMs (createdAtMs kept). Returns the record as it stands afterwards: one held
   * by another node is returned unchanged (the caller refuses the claim).
   */
  claimPrefix(record: TopPrefixRecord): Promise<TopPrefixRecord>;
  getPrefix(prefix: string): Promise<TopPrefixRecord | undefined>;
  /** Ordered by prefix (byte order). */
  listPrefixes(): Promise<TopPrefixRecord[]>;

  /** Appends an accepted daily report; false (nothing changed) when the node has one with that seq or day. */
  appendReport(report: TopReportRecord): Promise<boolean>;
  /** The node's accepted reports, in seq order. */
  listReports(nodeId: string): Promise<TopReportRecord[]>;
  /** Keeps a refused report with its reason. */
  addRefusal(refusal: TopRefusalRecord): Promise<void>;
  /** The node's refusals, oldest first. */
  listRefusals(nodeId: string): Promise<TopRefusalRecord[]>;

  /** Idempotent; later calls reject with STORE_UNAVAILABLE. */
  close(): Promise<void>;
}

/** A secondary node's account at the top-level node. */
export interface TopNodeRecord {
  /** `node-<n>`, the username of the node's Basic credentials. */
  readonly id: string;
  readonly name: string;
  /** The prefixes the account may home (normalised): its node prefixes, and enterprise prefixes below them. */
  readonly prefixes: readonly string[];
  readonly secret: StoredSecret;
  readonly createdAtMs: number;
  readonly revokedAtMs: number | undefined;
  /** Set on the first connection (registerNodeKey), never changed afterwards. */
  readonly publicKeyPem: string | undefined;
  readonly keyId: string | undefined;
  readonly firstConnectedAtMs: number | undefined;
}

/** A prefix homed at the top-level node: what its prefix handle 0.NA/<prefix> is derived from. */
export interface TopPrefixRecord {
  readonly prefix: string;
  readonly nodeId: string;
  /** The serving node's HS_SITE data (RFC 3651 site info), base64, as the node sent it. */
  readonly siteBase64: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** An accepted (verified) sealed day. `entry` is the signed ledger entry's JSON text, kept byte for byte. */
export interface TopReportRecord {
  readonly nodeId: string;
  readonly seq: number;
  readonly day: string;
  readonly entry: string;
  readonly receivedAtMs: number;
}

/** Why a report was refused (see checkReport). */
export type RefusalKind = 'malformed' | 'forged' | 'tampered' | 'replayed' | 'conflict' | 'gap' | 'chain' | 'no-key';

export interface TopRefusalRecord {
  readonly nodeId: string;
  readonly atMs: number;
  readonly kind: RefusalKind;
  readonly reason: string;
  /** The day and seq the report claimed, when it named them. */
  readonly day: string | undefined;
  readonly seq: number | undefined;
  /** The refused report as received (JSON text, cut at 64 KiB). */
  readonly entry: string;
}
