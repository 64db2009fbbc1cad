import { publicAnswerJson } from '../core/resolver/public-answer.js';
import type { HandleRecord, PrincipalRecord, PrincipalRole, StoredAnswer, TemplateRecord, TokenRecord } from '../core/store/store.js';
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
  /**
   * The kept public answer (publicAnswerJson), present when the query selects it; NULL only in a row written
   * by a process older than the column's migration would be, which the migration's backfill leaves none of.
   */
  public_json?: string | null;
}

/** A row read by a store's getStoredAnswer: the kept body at once, the record parsed on first use. */
class RowStoredAnswer implements StoredAnswer {
  readonly publicJson: string;
  #record: HandleRecord | undefined;

  constructor(
    private readonly handle: string,
    private readonly row: HandleRow,
  ) {
    this.publicJson = row.public_json ?? publicAnswerJson(handle, this.record().values);
  }

  record(): HandleRecord {
    return (this.#record ??= recordFromRow(this.handle, this.row));
  }
}

export function storedAnswerFromRow(handle: string, row: HandleRow): StoredAnswer {
  return new RowStoredAnswer(handle, row);
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

/**
 * The values_json a store writes: the JSON array of the values, each with exactly the HandleValue fields in
 * declaration order (what JSON.stringify gives for a validated value, at about a third of its cost, which
 * matters on the bulk import path). Strings that validation does not confine to a fixed alphabet (type,
 * data, handles) are escaped by JSON.stringify; numbers are integers; timestamp, permissions and format are
 * validated text that needs no escaping.
 */
export function valuesJsonOf(values: readonly HandleValue[]): string {
  let json = '[';
  for (let k = 0; k < values.length; k++) {
    if (k > 0) json += ',';
    json += valueJsonOf(values[k]!);
  }
  return json + ']';
}

// The registry shares one HS_ADMIN value among the identifiers it creates within a second: its text is kept.
let lastAdmin: HandleValue | undefined;
let lastAdminJson = '';

function valueJsonOf(value: HandleValue): string {
  if (value === lastAdmin) return lastAdminJson;
  const data = value.data;
  const dataJson =
    data.format === 'admin'
      ? `{"format":"admin","value":{"handle":${JSON.stringify(data.value.handle)},"index":${data.value.index},"permissions":"${data.value.permissions}"}}`
      : `{"format":"${data.format}","value":${JSON.stringify(data.value)}}`;
  const references = value.references.length === 0 ? '[]' : JSON.stringify(value.references);
  const json = `{"index":${value.index},"type":${JSON.stringify(value.type)},"data":${dataJson},"ttl":${value.ttl},"timestamp":"${value.timestamp}","permissions":"${value.permissions}","references":${references}}`;
  if (data.format === 'admin') {
    lastAdmin = value;
    lastAdminJson = json;
  }
  return json;
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

/** A templates row, as both SQL stores return it (PostgreSQL's BIGINT arrives as a string). */
export interface TemplateRow {
  prefix: string;
  version: string;
  definition: string;
  created_at_ms: number | string;
  updated_at_ms: number | string;
}

export function templateFromRow(row: TemplateRow): TemplateRecord {
  return { prefix: row.prefix, version: row.version, definition: row.definition, createdAtMs: Number(row.created_at_ms), updatedAtMs: Number(row.updated_at_ms) };
}

/** A tokens row, as both SQL stores return it. */
export interface TokenRow {
  hash: Buffer;
  principal_id: string;
  stamp: Buffer;
  issued_at_ms: number | string;
  expires_at_ms: number | string;
}

export function tokenFromRow(row: TokenRow): TokenRecord {
  return { hash: row.hash, principalId: row.principal_id, stamp: row.stamp, issuedAtMs: Number(row.issued_at_ms), expiresAtMs: Number(row.expires_at_ms) };
}
