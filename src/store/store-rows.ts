import type { HandleRecord, PrincipalRecord, PrincipalRole } from '../core/store/store.js';
import type { HandleValue } from '../core/values/handle-value.js';

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

/** values_json is the JSON array of validated HandleValues the store wrote: parsed, never re-validated. */
export function recordFromRow(handle: string, row: HandleRow): HandleRecord {
  return {
    handle,
    prefix: row.prefix,
    values: JSON.parse(row.values_json) as HandleValue[],
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
