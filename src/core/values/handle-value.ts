/**
 * The stored and served shape of one handle value (docs/design.md §1). Every field is present after
 * validation: defaults are filled in once, at write time, so readers never re-derive them.
 */

/** The formats a client may send and be served. */
export type DataFormat = 'string' | 'base64' | 'hex' | 'admin';

export interface AdminData {
  /** The admin identity's handle, normalised (e.g. `0.NA/88.999.1`). */
  readonly handle: string;
  readonly index: number;
  /** Twelve binary digits, HANDLE.NET order (add handle, delete handle, add NA, delete NA, modify value, ...). */
  readonly permissions: string;
}

export type ValueData =
  | { readonly format: 'string' | 'base64' | 'hex'; readonly value: string }
  | { readonly format: 'admin'; readonly value: AdminData }
  /**
   * How every HS_SECKEY value is stored: never the secret, only its salted hash (see src/core/values/secret-keys.ts).
   * Only the server writes this format (no client may send it) and no answer ever carries it (see shownValues).
   */
  | { readonly format: typeof SECRET_HASH_FORMAT; readonly value: string };

export interface ValueReference {
  readonly handle: string;
  readonly index: number;
}

export interface HandleValue {
  readonly index: number;
  readonly type: string;
  readonly data: ValueData;
  /** Seconds; bounds how long any cache may keep the value. */
  readonly ttl: number;
  /** Set by the server at write time: ISO-8601 UTC without milliseconds. */
  readonly timestamp: string;
  /** Four binary digits: adminRead, adminWrite, publicRead, publicWrite. */
  readonly permissions: string;
  readonly references: readonly ValueReference[];
}

export const DEFAULT_TTL_SECONDS = 86400;
export const DEFAULT_PERMISSIONS = '1110';
/** Secret keys are never public: HS_SECKEY defaults to admin read/write only. */
export const SECRET_KEY_PERMISSIONS = '1100';
export const DEFAULT_ADMIN_PERMISSIONS = '011111110011';

export const SECRET_HASH_FORMAT = 'secret-hash';
export const TYPE_HS_ADMIN = 'HS_ADMIN';
/** A secret key: what a handle-held identity authenticates with (docs/design.md §4). */
export const TYPE_SECRET_KEY = 'HS_SECKEY';

export const INDEX_HS_ADMIN = 100;
export const INDEX_IDENTITY_KEY = 300;
export const INDEX_TEMPLATE_REFERENCE = 1001;
export const MAX_INDEX = 2147483647;

/**
 * True for a value no answer may ever carry, to anyone (the operator and the handle's owner included): an
 * HS_SECKEY value, stored as its hash. The one rule every reader relies on: resolution through every front
 * end (see shownValues, applied in answerFor), listings, exports, logs, and an index of values kept for reverse
 * lookup, which must leave these values out entirely (a lookup by secret would be a guessing oracle).
 */
export function isNeverShown(value: HandleValue): boolean {
  return value.type === TYPE_SECRET_KEY || value.data.format === SECRET_HASH_FORMAT;
}

/** `values` without those never shown (isNeverShown): `values` itself when it holds none, as usual. */
export function shownValues(values: readonly HandleValue[]): readonly HandleValue[] {
  return values.some(isNeverShown) ? values.filter((value) => !isNeverShown(value)) : values;
}

/** True when anonymous callers may read the value (the publicRead bit). */
export function isPublic(value: HandleValue): boolean {
  return value.permissions.charCodeAt(2) === 49; // '1'
}

// The last second formatted: a bulk import stamps thousands of values within one second.
let memoSecond = Number.NaN;
let memoText = '';

/** The wire form of an instant: ISO-8601 UTC, no milliseconds. */
export function wireTimestamp(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== memoSecond) {
    memoText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    memoSecond = second;
  }
  return memoText;
}
