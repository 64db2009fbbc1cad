import type { SearchEntry } from '../search/search-keys.js';
import type { CounterDelta, CounterQuery, CounterRow, CounterSum, HandleRecord, HandleWrite, HomedPrefix, LedgerRow, LoginDigest, PrincipalRecord, PrincipalRole, StoredAnswer, StoredSecret, TemplateRecord, TokenRecord, WriteContext, WriteOutcome } from './store-records.js';

export * from './store-records.js';

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

/** Writes gathered for one applyWrites call (HandleStore.startWriteChunk). */
export interface WriteChunk {
  /** Appends `write`. Never throws: a write that cannot be encoded fails in applyWrites, as it would have. */
  add(write: HandleWrite): void;
  /** The writes added, in order: the array to give applyWrites. */
  readonly writes: readonly HandleWrite[];
}

/** A WriteChunk that only gathers, for stores that encode nothing ahead. */
export function plainWriteChunk(): WriteChunk {
  const writes: HandleWrite[] = [];
  return { writes, add: (write) => void writes.push(write) };
}

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
   * Optional: an empty chunk of writes for one applyWrites call, which the store encodes for its own use as
   * they are added (a bulk session's items as they are staged, while the chunk before it commits), so that
   * handing the chunk over costs no encoding then. Give `chunk.writes` itself to applyWrites, which spends the
   * chunk; the outcome is what it would have been for the same writes in a plain array. Without it, gather
   * writes in an array (plainWriteChunk).
   */
  startWriteChunk?(expected: number): WriteChunk;

  /**
   * True when applyWrites calls made one after another, without waiting for each other, commit in the order
   * they were made: one writer takes them in turn (SQLite's writer thread, to which the workers of serve
   * --workers forward theirs in order; memory). A bulk session then hands a chunk over while the one before it
   * is still committing. Absent: concurrent calls may commit in any order (PostgreSQL's pool of connections),
   * so a caller that needs an order waits for each call to settle before making the next.
   */
  readonly commitsInCallOrder?: boolean;

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
   * anything may have changed. A store whose data only this process writes calls it only with `undefined`, after
   * writes whose outcome is unknown (SQLite: its writer ended before answering them); memory never calls it.
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
