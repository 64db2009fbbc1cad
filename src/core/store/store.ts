import type { HandleValue } from '../values/handle-value.js';
import type { SearchEntry } from '../search/search-keys.js';

/**
 * The one storage contract. SQLite (embedded), PostgreSQL (replicas) and the in-memory store (tests, demos,
 * simulations; not durable) implement it, and all pass the conformance suite in test/store/conformance.ts.
 * Every method is async so that a networked store fits; every write method is atomic: it commits whole or not
 * at all, and a resolved promise means committed (and, for the durable stores, durable).
 *
 * Stores hold already-validated, normalised data: they never validate identifiers or values, and they
 * never throw catalogue errors for expected outcomes (an existing handle is an outcome, not an error).
 * A thrown error means the store failed (I/O, connection), and nothing of that call was committed; it is an
 * IdnodeError STORE_UNAVAILABLE (unreachable, busy, timed out, closed: a retry later may work) or
 * INTERNAL_ERROR, with the driver's error as `cause`. (One exception no client can remove: a PostgreSQL
 * connection lost while COMMIT is in flight rejects although the commit may have happened.)
 *
 * Records and rows a store returns may be shared and frozen (the in-memory store's are): callers treat them
 * as read-only. What a caller passed in, the arrays a call returns and the bytes of a returned secret stay
 * the caller's: changing them changes nothing stored.
 *
 * The contract is split into roles, one per kind of data, so that a service states which part of the store it
 * touches and a test double implements only that part:
 * - HandleStore: the identifiers (point reads, atomic batches of writes with their registration counters,
 *   listing under a prefix). The resolution and registration paths.
 * - SearchStore: the reverse-lookup index of the handles' searchable values (src/core/search/search-keys.ts),
 *   kept by HandleStore's writes in their own transactions; range scans by type and key.
 * - HomingStore: the prefixes this node serves. A role of its own, not part of HandleStore: homing is node
 *   configuration, changed by operators and loaded into memory at start (HomedPrefixes); no handle call of
 *   the store reads it.
 * - PrincipalStore: credentials of operators, enterprises and auditors.
 * - CounterStore: the metering counters (additive deltas, raw rows, grouped sums).
 * - LedgerStore: the append-only sealed ledger.
 * - MetaStore: small node-wide settings, set once.
 * - TemplateStore: the metadata templates of enterprise prefixes, one record per (prefix, version).
 * - TokenStore: bearer tokens issued by login (kept as hashes) and the login digests that verify hashed logins.
 * - ChangeFeed: word of changes made by other processes sharing the data (for cache invalidation).
 * - StoreLifecycle: which backend it is, readiness, and closing, after which every role's calls reject with
 *   STORE_UNAVAILABLE.
 * The statements above (async, atomic writes, errors) hold for every role.
 */
export interface Store
  extends HandleStore,
    SearchStore,
    HomingStore,
    PrincipalStore,
    CounterStore,
    LedgerStore,
    MetaStore,
    TemplateStore,
    TokenStore,
    ChangeFeed,
    StoreLifecycle {}

/** Which backend a store is: 'memory' keeps everything in this process and loses it on exit. */
export type StoreKind = 'sqlite' | 'postgres' | 'memory';

export interface HandleStore {
  /** `undefined` means no such handle. `handle` is normalised. */
  getHandle(handle: string): Promise<HandleRecord | undefined>;

  /**
   * The resolution path's read: the handle as getHandle gives it, with the body of its anonymous, unfiltered
   * REST answer (publicAnswerJson of its values) as kept beside the values at write time. The record is
   * parsed only when `record()` is called, so a miss served from the kept bytes never parses the values.
   * `undefined` means no such handle.
   */
  getStoredAnswer(handle: string): Promise<StoredAnswer | undefined>;

  /**
   * getStoredAnswer's read, synchronously: present only on stores that read in-process with nothing to wait
   * for (SQLite, whose reads block the loop either way, and memory), so that a miss costs no promise and the
   * resolution answers in the caller's turn. Throws what getStoredAnswer would reject with. Absent: use
   * getStoredAnswer.
   */
  readStoredAnswerNow?(handle: string): StoredAnswer | undefined;

  /**
   * Applies the writes in order, in one transaction, and returns one outcome per write in the same order.
   * Later writes see the effect of earlier ones. Counters for each outcome (see COUNTED_OUTCOMES) are
   * added in the same transaction, so a registration is counted iff it was committed: one per counted
   * outcome, under the write's `prefix`, `context.day` and `context.protocol`. An empty array is a no-op.
   */
  applyWrites(writes: readonly HandleWrite[], context: WriteContext): Promise<WriteOutcome[]>;

  /**
   * Handles under exactly `prefix` (not its sub-prefixes), in UTF-8 byte order of the handle, with the total
   * under the prefix; both from one snapshot. An offset past the end gives no handles and the total.
   */
  listHandles(prefix: string, offset: number, limit: number): Promise<{ total: number; handles: string[] }>;
}

/**
 * The reverse-lookup index: one entry (type, key, handle) per distinct searchable value of every committed
 * handle, exactly as searchEntriesOf derives them. applyWrites keeps it in the same transaction as the handle
 * rows (an entry is added with its value, removed with it or its handle), so a scan never shows an entry of
 * an uncommitted or deleted value; a caller still checks each hit against the handle it reads afterwards,
 * which may have changed since the scan.
 */
export interface SearchStore {
  /**
   * Entries of `scan.type` with from <= key < to (no upper bound when `to` is undefined) and (key, handle)
   * strictly after `scan.after` when it is given, in (key, handle) UTF-8 byte order, at most `scan.limit`
   * (a positive integer). Only `key` and `handle` are returned (the type is the scan's).
   */
  scanSearchIndex(scan: SearchScan): Promise<SearchHit[]>;
}

export interface SearchScan {
  readonly type: string;
  readonly from: string;
  readonly to: string | undefined;
  /** Resume after this entry (a previous scan's last hit); it must not lie before `from`. */
  readonly after?: SearchHit;
  readonly limit: number;
}

export type SearchHit = Omit<SearchEntry, 'type'>;

export interface HomingStore {
  /** Ordered by prefix. */
  listHomedPrefixes(): Promise<HomedPrefix[]>;
  /** false when the prefix was already homed (nothing changed, not even its source). */
  addHomedPrefix(prefix: HomedPrefix): Promise<boolean>;
  /** false when the prefix was not homed. */
  removeHomedPrefix(prefix: string): Promise<boolean>;
}

export interface PrincipalStore {
  /** false when a principal with that id exists (nothing changed). */
  insertPrincipal(principal: PrincipalRecord): Promise<boolean>;
  /** `undefined` means no such principal (revoked ones are returned, with revokedAt set). */
  getPrincipal(id: string): Promise<PrincipalRecord | undefined>;
  /** Ordered by id; revoked ones included. */
  listPrincipals(role?: PrincipalRole): Promise<PrincipalRecord[]>;
  /** false when there is no such principal (a revoked one is updated too). */
  updatePrincipalSecret(id: string, secret: StoredSecret): Promise<boolean>;
  /** false when there is no such principal or it was already revoked. */
  revokePrincipal(id: string, revokedAtMs: number): Promise<boolean>;
  /**
   * Lifts a revocation and sets a new secret in one step (the old secret never works again). false when there
   * is no such principal or it is not revoked (nothing changed).
   */
  reinstatePrincipal(id: string, secret: StoredSecret): Promise<boolean>;
}

export interface CounterStore {
  /**
   * Adds deltas to the counters (additive upsert: concurrent writers never overwrite each other). Deltas
   * with the same key are summed first; a key whose sum is 0 creates no row.
   */
  addCounters(deltas: readonly CounterDelta[]): Promise<void>;
  /** Counter rows whose day lies in [fromDay, toDay] (inclusive, YYYY-MM-DD), ordered by day, prefix, protocol, kind. */
  listCounters(fromDay: string, toDay: string): Promise<CounterRow[]>;

  /**
   * Sums of the counters whose day lies in [fromDay, toDay] (inclusive), grouped by the dimensions named in
   * `groupBy` and always by kind; only `prefix`'s counters when it is given. Rows come ordered by day, prefix,
   * protocol (those grouped), then kind, in byte order; a dimension not grouped is absent from the rows.
   */
  sumCounters(query: CounterQuery): Promise<CounterSum[]>;
}

export interface LedgerStore {
  /** The sealed ledger (docs/design.md §2, Evidence), in seq order 1, 2, 3, ... */
  listLedgerEntries(): Promise<LedgerRow[]>;
  /**
   * Appends one sealed day. Append-only: returns false and changes nothing when an entry with that seq or that
   * day exists (another process sealed first). No method updates or deletes an entry.
   */
  appendLedgerEntry(entry: LedgerRow): Promise<boolean>;
}

export interface MetaStore {
  /** Small node-wide settings (first-run marker, keys). `undefined` means unset. */
  getMeta(key: string): Promise<string | undefined>;
  /** Sets the key only if it is unset; returns the value now stored (the existing one if it was set). */
  initMeta(key: string, value: string): Promise<string>;
  /** Sets the key, replacing any value (node settings an operator changes, such as enterprise quotas). */
  setMeta(key: string, value: string): Promise<void>;
  /** Removes the key; false when it was unset. (Used to move the legacy signing key out of the store.) */
  deleteMeta(key: string): Promise<boolean>;
}

export interface TemplateStore {
  /** false when the prefix already has a template of that version (nothing changed). */
  insertTemplate(template: TemplateRecord): Promise<boolean>;
  /** Replaces the definition and updatedAtMs (createdAtMs is kept); false when there is no such template. */
  replaceTemplate(template: TemplateRecord): Promise<boolean>;
  /** `undefined` means no such template. `prefix` is normalised. */
  getTemplate(prefix: string, version: string): Promise<TemplateRecord | undefined>;
  /** The templates of exactly `prefix`, ordered by version in UTF-8 byte order. */
  listTemplates(prefix: string): Promise<TemplateRecord[]>;
  /** false when there is no such template. */
  deleteTemplate(prefix: string, version: string): Promise<boolean>;
}

export interface TokenStore {
  /**
   * Keeps a token issued at login, and in the same transaction drops every token whose expiresAtMs ≤ nowMs
   * (so the table holds at most a day of logins). The hash is unique: a second token with the same hash is
   * ignored (256 random bits never collide).
   */
  insertToken(token: TokenRecord, nowMs: number): Promise<void>;
  /** `undefined` means no such token (never issued, or dropped once expired). */
  getToken(hash: Buffer): Promise<TokenRecord | undefined>;
  /** Sets (inserting or replacing) the login digest of a principal. */
  setLoginDigest(principalId: string, digest: LoginDigest): Promise<void>;
  /** `undefined` means the principal has none (issued before hashed logins existed). */
  getLoginDigest(principalId: string): Promise<LoginDigest | undefined>;
}

export interface ChangeFeed {
  /**
   * Calls `listener` with a normalised handle whenever another process changed it, so caches can drop it,
   * and with `undefined` when changes may have been missed (e.g. a lost notification connection): then
   * anything may have changed. A store whose data only this process writes (SQLite, memory) never calls it.
   * Returns the unsubscribe function.
   */
  onForeignChange(listener: (handle: string | undefined) => void): () => void;
}

export interface StoreLifecycle {
  readonly kind: StoreKind;
  /** Resolves when the store answers a trivial query; rejects otherwise (readiness). */
  ping(): Promise<void>;
  /** Idempotent. Every later call rejects with STORE_UNAVAILABLE; onForeignChange listeners are dropped. */
  close(): Promise<void>;
}

/**
 * A handle read for resolution (HandleStore.getStoredAnswer). `publicJson` is exactly
 * publicAnswerJson(record().handle, record().values), committed in the same transaction as the values.
 */
export interface StoredAnswer {
  readonly publicJson: string;
  /** The record, parsed on the first call and the same object afterwards. */
  record(): HandleRecord;
}

export interface HandleRecord {
  readonly handle: string;
  readonly prefix: string;
  /** Sorted by index, at least one. */
  readonly values: readonly HandleValue[];
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/**
 * - create: only if absent (outcome created | exists).
 * - replace: create, or replace every value (created | updated).
 * - merge: add or replace the given values, keep the others (created | updated); with overwrite=false any
 *   given index that already exists makes it value-exists and changes nothing. A merge that creates the
 *   handle also writes `addIfCreated` (decided inside the transaction, so a concurrent create cannot race it). On an absent handle it
 *   creates, whatever `overwrite` says.
 * - delete: the whole handle (deleted | not-found).
 * - delete-values: the given indexes (updated | not-found | would-empty); indexes not present are ignored,
 *   and if none of them is present (or `indexes` is empty) the outcome is `unchanged`. Precedence:
 *   not-found, then unchanged, then would-empty (removing every value changes nothing).
 *
 * The store sorts the values it keeps by index for every op. created sets createdAt = updatedAt =
 * context.nowMs; updated keeps createdAt and sets updatedAt; replace and merge report `updated` even when
 * the values end up identical (no comparison is made). The record's prefix is the write's `prefix`.
 */
export type HandleWrite =
  | { readonly op: 'create'; readonly handle: string; readonly prefix: string; readonly values: readonly HandleValue[] }
  | { readonly op: 'replace'; readonly handle: string; readonly prefix: string; readonly values: readonly HandleValue[] }
  | {
      readonly op: 'merge';
      readonly handle: string;
      readonly prefix: string;
      readonly values: readonly HandleValue[];
      readonly overwrite: boolean;
      /** Values added as well when, and only when, the merge creates the handle (the default HS_ADMIN). */
      readonly addIfCreated?: readonly HandleValue[];
    }
  | { readonly op: 'delete'; readonly handle: string; readonly prefix: string }
  | { readonly op: 'delete-values'; readonly handle: string; readonly prefix: string; readonly indexes: readonly number[] };

/** A create, the write every registration and every bulk item is. */
export type CreateWrite = Extract<HandleWrite, { op: 'create' }>;

/** A replace, the write of a plain PUT (overwrite=true without indexes). */
export type ReplaceWrite = Extract<HandleWrite, { op: 'replace' }>;

export type WriteStatus = 'created' | 'updated' | 'unchanged' | 'deleted' | 'not-found' | 'exists' | 'value-exists' | 'would-empty';

export interface WriteOutcome {
  readonly handle: string;
  readonly status: WriteStatus;
  /**
   * For exists and value-exists only: the record as it stands at that point of the call (earlier writes of
   * the same applyWrites included), so the caller can tell an identical retry.
   */
  readonly existing?: HandleRecord;
}

export interface WriteContext {
  /** Write time, epoch ms (createdAt/updatedAt). */
  readonly nowMs: number;
  /** The metering day the write falls in (YYYY-MM-DD in the policy's time zone). */
  readonly day: string;
  /** The front end the write came through (rest, grpc, hdl, cli). */
  readonly protocol: string;
}

/** The counter kind each committed outcome adds one to; outcomes not listed count nothing in the store. */
export const COUNTED_OUTCOMES: Partial<Record<WriteStatus, CounterKind>> = {
  created: 'registration',
  updated: 'update',
  deleted: 'delete',
};

export type CounterKind =
  | 'registration'
  | 'update'
  | 'delete'
  | 'refused'
  | 'resolution.cache-hit'
  | 'resolution.store-read'
  | 'resolution.not-found'
  | 'resolution.referred';

export interface CounterDelta {
  readonly day: string;
  readonly prefix: string;
  readonly protocol: string;
  readonly kind: CounterKind;
  readonly count: number;
}
export type CounterRow = CounterDelta;

/** A counter dimension other than kind (kind is always grouped). */
export type CounterDimension = 'day' | 'prefix' | 'protocol';

export interface CounterQuery {
  readonly fromDay: string;
  readonly toDay: string;
  /** `undefined`: every prefix. */
  readonly prefix?: string;
  readonly groupBy: readonly CounterDimension[];
}

/** A sum of counters; the dimensions not grouped by are absent. */
export interface CounterSum {
  readonly day?: string;
  readonly prefix?: string;
  readonly protocol?: string;
  readonly kind: CounterKind;
  readonly count: number;
}

/** One sealed day of the ledger. `entry` is the signed entry's JSON text, which the store keeps byte for byte. */
export interface LedgerRow {
  readonly seq: number;
  readonly day: string;
  readonly entry: string;
}

export interface HomedPrefix {
  readonly prefix: string;
  /** config: from the node's configuration (re-asserted at each start); api: homed by an operator at run time. */
  readonly source: 'config' | 'api';
  readonly createdAtMs: number;
}

export type PrincipalRole = 'operator' | 'enterprise' | 'auditor';

/** A salted SHA-256 of a 256-bit random secret (see src/core/auth/secrets.ts for why that suffices). */
export interface StoredSecret {
  readonly hash: Buffer;
  readonly salt: Buffer;
}

export interface PrincipalRecord {
  /** `{index}:{handle}`, e.g. `300:0.NA/88.999.1`. */
  readonly id: string;
  readonly role: PrincipalRole;
  /** The enterprise prefix (role enterprise), `undefined` otherwise. */
  readonly prefix: string | undefined;
  readonly name: string;
  readonly secret: StoredSecret;
  readonly createdAtMs: number;
  /** `undefined` while the principal is active. */
  readonly revokedAtMs: number | undefined;
}

/**
 * A metadata template version of an enterprise prefix (docs/design.md §1). `definition` is the validated
 * template's JSON text (src/core/templates/template.ts), which the store keeps byte for byte.
 */
export interface TemplateRecord {
  readonly prefix: string;
  readonly version: string;
  readonly definition: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/**
 * A login token: `hash` is SHA-256 of the token (the token itself is never stored); `stamp` is the salt of the
 * principal's secret when the token was issued, so a new secret (or a revocation) ends the token.
 */
export interface TokenRecord {
  readonly hash: Buffer;
  readonly principalId: string;
  readonly stamp: Buffer;
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
}

/**
 * What verifies a hashed login (SNMS /identity/token/v1): `digest` is SHA-256 of the secret, hex-encoded as
 * UTF-8 bytes of lower-case hex; `stamp` is the salt of the secret it was made from (stale once they differ).
 */
export interface LoginDigest {
  readonly stamp: Buffer;
  readonly digest: Buffer;
}
