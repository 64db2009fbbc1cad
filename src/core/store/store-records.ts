import type { HandleValue } from '../values/handle-value.js';

/**
 * The records, rows, writes and outcomes that cross the Store contract (store.ts, which re-exports them): what
 * a store is given and what it gives back, apart from the roles that move them.
 */

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
