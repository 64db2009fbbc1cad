import { publicAnswerJson } from '../../core/resolver/public-answer.js';
import type { CounterDelta, HandleRecord } from '../../core/store/store.js';
import { valuesJsonOf } from '../store-rows.js';
import type { SearchEntry } from '../../core/search/search-keys.js';
import { textArray } from './postgres-arrays.js';

/** A PostgreSQL identifier in double quotes, with embedded quotes doubled: safe for any schema name. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The statements of the PostgreSQL store, with every table qualified by the schema (no reliance on
 * search_path). Each has a fixed name, so pg prepares it once per pooled connection and then only binds.
 * Batches go through unnest() of array parameters: one round trip per statement whatever the batch size.
 */
export function postgresStatements(schema: string) {
  const s = quoteIdentifier(schema);
  // Statement names are per connection and each pool serves one schema, so fixed names cannot collide.
  const statement = (name: string, text: string) => ({ name: `idnode_${name}`, text });
  return {
    getHandle: statement('get_handle', `SELECT prefix, values_json, created_at_ms, updated_at_ms FROM ${s}.handles WHERE handle = $1`),
    getStoredAnswer: statement('get_stored_answer', `SELECT prefix, values_json, created_at_ms, updated_at_ms, public_json FROM ${s}.handles WHERE handle = $1`),
    // ORDER BY makes every transaction lock rows in the same order, so two batches cannot deadlock on them.
    lockHandles: statement(
      'lock_handles',
      `SELECT handle, prefix, values_json, created_at_ms, updated_at_ms FROM ${s}.handles WHERE handle = ANY($1::text[]) ORDER BY handle FOR UPDATE`,
    ),
    insertHandles: statement(
      'insert_handles',
      `INSERT INTO ${s}.handles (handle, prefix, values_json, created_at_ms, updated_at_ms, public_json)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[], $6::text[])
       ON CONFLICT (handle) DO NOTHING RETURNING handle`,
    ),
    updateHandles: statement(
      'update_handles',
      `UPDATE ${s}.handles AS h
       SET prefix = u.prefix, values_json = u.values_json, created_at_ms = u.created_at_ms, updated_at_ms = u.updated_at_ms, public_json = u.public_json
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[], $6::text[]) AS u (handle, prefix, values_json, created_at_ms, updated_at_ms, public_json)
       WHERE h.handle = u.handle`,
    ),
    deleteHandles: statement('delete_handles', `DELETE FROM ${s}.handles WHERE handle = ANY($1::text[])`),
    // One statement, so the page and the total come from one snapshot.
    listHandles: statement(
      'list_handles',
      `SELECT (SELECT count(*) FROM ${s}.handles WHERE prefix = $1) AS total,
              ARRAY(SELECT handle FROM ${s}.handles WHERE prefix = $1 ORDER BY handle LIMIT $2 OFFSET $3) AS handles`,
    ),

    // Entries as parallel arrays (type, key, handle), sorted by key so concurrent writers lock in one order.
    addSearchEntries: statement(
      'add_search_entries',
      `INSERT INTO ${s}.search_index (type, key, handle) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
    ),
    removeSearchEntries: statement(
      'remove_search_entries',
      `DELETE FROM ${s}.search_index AS i USING unnest($1::text[], $2::text[], $3::text[]) AS d (type, key, handle)
       WHERE i.type = d.type AND i.key = d.key AND i.handle = d.handle`,
    ),
    // Two statements rather than an optional bound: a generic plan would not use "$4 IS NULL OR key < $4" as
    // an index bound, and an unbounded scan would read the rest of the type.
    scanSearch: statement(
      'scan_search',
      `SELECT key, handle FROM ${s}.search_index WHERE type = $1 AND (key, handle) > ($2, $3) AND key < $4 ORDER BY key, handle LIMIT $5`,
    ),
    scanSearchUnbounded: statement(
      'scan_search_unbounded',
      `SELECT key, handle FROM ${s}.search_index WHERE type = $1 AND (key, handle) > ($2, $3) ORDER BY key, handle LIMIT $4`,
    ),

    listHomed: statement('list_homed', `SELECT prefix, source, created_at_ms FROM ${s}.homed_prefixes ORDER BY prefix`),
    addHomed: statement(
      'add_homed',
      `INSERT INTO ${s}.homed_prefixes (prefix, source, created_at_ms) VALUES ($1, $2, $3) ON CONFLICT (prefix) DO NOTHING`,
    ),
    removeHomed: statement('remove_homed', `DELETE FROM ${s}.homed_prefixes WHERE prefix = $1`),

    insertPrincipal: statement(
      'insert_principal',
      `INSERT INTO ${s}.principals (id, role, prefix, name, secret_hash, secret_salt, created_at_ms, revoked_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
    ),
    getPrincipal: statement('get_principal', `SELECT * FROM ${s}.principals WHERE id = $1`),
    listPrincipals: statement('list_principals', `SELECT * FROM ${s}.principals ORDER BY id`),
    listPrincipalsByRole: statement('list_principals_by_role', `SELECT * FROM ${s}.principals WHERE role = $1 ORDER BY id`),
    updateSecret: statement('update_secret', `UPDATE ${s}.principals SET secret_hash = $1, secret_salt = $2 WHERE id = $3`),
    revokePrincipal: statement('revoke_principal', `UPDATE ${s}.principals SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL`),
    reinstatePrincipal: statement(
      'reinstate_principal',
      `UPDATE ${s}.principals SET secret_hash = $1, secret_salt = $2, revoked_at_ms = NULL WHERE id = $3 AND revoked_at_ms IS NOT NULL`,
    ),

    // Rows arrive sorted by key (aggregateCounters), so concurrent upserts lock counter rows in one order.
    addCounters: statement(
      'add_counters',
      `INSERT INTO ${s}.counters AS c (day, prefix, protocol, kind, count)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[])
       ON CONFLICT (day, prefix, protocol, kind) DO UPDATE SET count = c.count + excluded.count`,
    ),
    listCounters: statement(
      'list_counters',
      `SELECT day, prefix, protocol, kind, count FROM ${s}.counters WHERE day >= $1 AND day <= $2 ORDER BY day, prefix, protocol, kind`,
    ),

    listLedger: statement('list_ledger', `SELECT seq, day, entry FROM ${s}.ledger ORDER BY seq`),
    appendLedger: statement('append_ledger', `INSERT INTO ${s}.ledger (seq, day, entry) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`),

    getMeta: statement('get_meta', `SELECT value FROM ${s}.meta WHERE key = $1`),
    initMeta: statement('init_meta', `INSERT INTO ${s}.meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`),
    deleteMeta: statement('delete_meta', `DELETE FROM ${s}.meta WHERE key = $1`),
    setMeta: statement('set_meta', `INSERT INTO ${s}.meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),

    insertTemplate: statement(
      'insert_template',
      `INSERT INTO ${s}.templates (prefix, version, definition, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    ),
    replaceTemplate: statement('replace_template', `UPDATE ${s}.templates SET definition = $1, updated_at_ms = $2 WHERE prefix = $3 AND version = $4`),
    getTemplate: statement('get_template', `SELECT * FROM ${s}.templates WHERE prefix = $1 AND version = $2`),
    listTemplates: statement('list_templates', `SELECT * FROM ${s}.templates WHERE prefix = $1 ORDER BY version`),
    deleteTemplate: statement('delete_template', `DELETE FROM ${s}.templates WHERE prefix = $1 AND version = $2`),
    // One statement: the expired tokens go in the same transaction as the new one is kept.
    insertToken: statement(
      'insert_token',
      `WITH dropped AS (DELETE FROM ${s}.tokens WHERE expires_at_ms <= $6)
       INSERT INTO ${s}.tokens (hash, principal_id, stamp, issued_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    ),
    getToken: statement('get_token', `SELECT * FROM ${s}.tokens WHERE hash = $1`),
    setLoginDigest: statement(
      'set_login_digest',
      `INSERT INTO ${s}.login_digests (principal_id, stamp, digest) VALUES ($1, $2, $3)
       ON CONFLICT (principal_id) DO UPDATE SET stamp = excluded.stamp, digest = excluded.digest`,
    ),
    getLoginDigest: statement('get_login_digest', `SELECT stamp, digest FROM ${s}.login_digests WHERE principal_id = $1`),

    notify: statement('notify', 'SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload'),
  };
}

export type PostgresStatements = ReturnType<typeof postgresStatements>;

/** The column arrays of HandleRecords, in the order of the insert and update statements. */
export function recordColumns(records: readonly HandleRecord[]): unknown[] {
  return [
    textArray(records.map((r) => r.handle)),
    textArray(records.map((r) => r.prefix)),
    textArray(records.map((r) => valuesJsonOf(r.values))),
    records.map((r) => r.createdAtMs),
    records.map((r) => r.updatedAtMs),
    textArray(records.map((r) => publicAnswerJson(r.handle, r.values))),
  ];
}

/** The column arrays of index entries, sorted by (type, key, handle) in byte order, for the entry statements. */
export function searchEntryColumns(entries: readonly SearchEntry[]): unknown[] {
  const sorted = [...entries].sort((a, b) => byteOrder(a.type, b.type) || byteOrder(a.key, b.key) || byteOrder(a.handle, b.handle));
  return [textArray(sorted.map((e) => e.type)), textArray(sorted.map((e) => e.key)), textArray(sorted.map((e) => e.handle))];
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function counterColumns(deltas: readonly CounterDelta[]): unknown[] {
  return [textArray(deltas.map((d) => d.day)), textArray(deltas.map((d) => d.prefix)), textArray(deltas.map((d) => d.protocol)), textArray(deltas.map((d) => d.kind)), deltas.map((d) => d.count)];
}
