import type { HandleRecord, PrincipalRecord, PrincipalRole } from '../core/store/store.js';
import type { HandleValue, ValueReference } from '../core/values/handle-value.js';

/**
 * Table rows as both backends read them. Millisecond columns arrive as numbers from SQLite and as strings
 * from PostgreSQL (BIGINT), so both are accepted and turned into numbers here, once.
 */
export interface HandleRow {
  /** Present when the query selects it (a multi-row read); a point read knows its handle. */
  handle?: string;
  prefix: string;
  values_json: string;
  created_at_ms: number | string;
  updated_at_ms: number | string;
}

export interface PrincipalRow {
  id: string;
  role: PrincipalRole;
  prefix: string | null;
  name: string;
  secret_hash: Buffer;
  secret_salt: Buffer;
  created_at_ms: number | string;
  revoked_at_ms: number | string | null;
}

/** Shared by every parsed value without references, instead of an empty array each. */
const NO_REFERENCES: readonly ValueReference[] = Object.freeze([]);

/**
 * values_json is the JSON array of validated HandleValues the store wrote: parsed, never re-validated. Empty
 * `references` arrays are replaced by one shared frozen array: records live in the resolution cache, and a
 * million cached identifiers of three values each held about 75 MB of empty arrays.
 */
export function recordFromRow(handle: string, row: HandleRow): HandleRecord {
  const values = JSON.parse(row.values_json) as { references: readonly ValueReference[] }[];
  for (const value of values) if (value.references.length === 0) value.references = NO_REFERENCES;
  return {
    handle,
    prefix: row.prefix,
    values: values as unknown as HandleValue[],
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  };
}

export function principalFromRow(row: PrincipalRow): PrincipalRecord {
  return {
    id: row.id,
    role: row.role,
    prefix: row.prefix ?? undefined,
    name: row.name,
    secret: { hash: row.secret_hash, salt: row.secret_salt },
    createdAtMs: Number(row.created_at_ms),
    revokedAtMs: row.revoked_at_ms === null ? undefined : Number(row.revoked_at_ms),
  };
}
