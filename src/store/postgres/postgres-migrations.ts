import type pg from 'pg';
import { IdnodeError } from '../../core/errors/catalogue.js';
import { checkMigrationOrder, type Migration } from '../migration.js';
import { publicAnswerJson } from '../../core/resolver/public-answer.js';
import { recordFromRow } from '../store-rows.js';
import { quoteIdentifier } from './postgres-sql.js';
import { buildSearchIndexSql } from '../search-index-sql.js';

/**
 * The PostgreSQL schema: the same tables as SQLite's (src/store/sqlite/sqlite-migrations.ts).
 * - Every key column is TEXT COLLATE "C": comparison and ORDER BY are by UTF-8 bytes (the database must be
 *   UTF8, checked at open), so listHandles has the same byte order as SQLite and equality is byte equality.
 * - values_json is TEXT, not JSONB: JSONB would reorder keys and rewrite numbers and whitespace, while TEXT
 *   gives back exactly the bytes written and the read path is one JSON.parse either way.
 * - Times are BIGINT epoch milliseconds, secrets BYTEA.
 * - counters is updated in place many times a second: fillfactor 70 leaves room for HOT updates.
 */
export interface PostgresMigration extends Migration {
  /** Run after `sql`, in the same transaction (search_path set): a data change SQL alone cannot make. */
  readonly backfill?: (client: pg.ClientBase) => Promise<void>;
}

/** Rows the public_json backfill reads and writes a statement. */
const BACKFILL_CHUNK = 1000;

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE handles (
        handle TEXT COLLATE "C" PRIMARY KEY,
        prefix TEXT COLLATE "C" NOT NULL,
        values_json TEXT NOT NULL,
        created_at_ms BIGINT NOT NULL,
        updated_at_ms BIGINT NOT NULL
      );
      CREATE INDEX handles_by_prefix ON handles (prefix, handle);

      CREATE TABLE homed_prefixes (
        prefix TEXT COLLATE "C" PRIMARY KEY,
        source TEXT NOT NULL CHECK (source IN ('config', 'api')),
        created_at_ms BIGINT NOT NULL
      );

      CREATE TABLE principals (
        id TEXT COLLATE "C" PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('operator', 'enterprise', 'auditor')),
        prefix TEXT COLLATE "C",
        name TEXT NOT NULL,
        secret_hash BYTEA NOT NULL,
        secret_salt BYTEA NOT NULL,
        created_at_ms BIGINT NOT NULL,
        revoked_at_ms BIGINT
      );
      CREATE INDEX principals_by_role ON principals (role, id);

      CREATE TABLE counters (
        day TEXT COLLATE "C" NOT NULL,
        prefix TEXT COLLATE "C" NOT NULL,
        protocol TEXT COLLATE "C" NOT NULL,
        kind TEXT COLLATE "C" NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (day, prefix, protocol, kind)
      ) WITH (fillfactor = 70);

      CREATE TABLE meta (
        key TEXT COLLATE "C" PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    // The ledger of sealed days, as in SQLite's version 2: append-only, enforced by a trigger.
    version: 2,
    sql: `
      CREATE TABLE ledger (
        seq BIGINT PRIMARY KEY,
        day TEXT COLLATE "C" NOT NULL UNIQUE,
        entry TEXT NOT NULL
      );
      CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the ledger is append-only'; END
      $$;
      CREATE TRIGGER ledger_no_change BEFORE UPDATE OR DELETE ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
      CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
    `,
  },
  {
    // Metadata templates, login tokens and login digests, as in SQLite's version 4.
    version: 3,
    sql: `
      CREATE TABLE templates (
        prefix TEXT COLLATE "C" NOT NULL,
        version TEXT COLLATE "C" NOT NULL,
        definition TEXT NOT NULL,
        created_at_ms BIGINT NOT NULL,
        updated_at_ms BIGINT NOT NULL,
        PRIMARY KEY (prefix, version)
      );

      CREATE TABLE tokens (
        hash BYTEA PRIMARY KEY,
        principal_id TEXT COLLATE "C" NOT NULL,
        stamp BYTEA NOT NULL,
        issued_at_ms BIGINT NOT NULL,
        expires_at_ms BIGINT NOT NULL
      );
      CREATE INDEX tokens_by_expiry ON tokens (expires_at_ms);

      CREATE TABLE login_digests (
        principal_id TEXT COLLATE "C" PRIMARY KEY,
        stamp BYTEA NOT NULL,
        digest BYTEA NOT NULL
      );
    `,
  },
  {
    // The reverse-lookup index, as in SQLite's version 5: one B-tree (the primary key) per entry, filled here
    // for the handles already stored.
    version: 4,
    sql: `
      CREATE TABLE search_index (
        type TEXT COLLATE "C" NOT NULL,
        key TEXT COLLATE "C" NOT NULL,
        handle TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (type, key, handle)
      );
      ${buildSearchIndexSql({
        field: (path) => `jsonb_extract_path_text(v, ${path.split('.').map((step) => `'${step}'`).join(', ')})`,
        values: 'jsonb_array_elements(h.values_json::jsonb) AS v',
        insert: 'INSERT',
        onConflict: 'ON CONFLICT DO NOTHING',
      })}
    `,
  },
  {
    // As SQLite's version 6: each handle's anonymous REST answer (publicAnswerJson), kept beside its values and
    // written by the same statements, so a miss sends it as it is. Existing handles are filled here, in
    // handle order, a chunk a statement, by the same function the writes use.
    version: 5,
    sql: `ALTER TABLE handles ADD COLUMN public_json TEXT;`,
    backfill: async (client) => {
      let after = '';
      for (;;) {
        const { rows } = await client.query<{ handle: string; values_json: string }>(
          'SELECT handle, values_json FROM handles WHERE handle > $1 ORDER BY handle LIMIT $2',
          [after, BACKFILL_CHUNK],
        );
        if (rows.length === 0) return;
        const bodies = rows.map((row) => publicAnswerJson(row.handle, recordFromRow(row.handle, { ...row, prefix: '', created_at_ms: 0, updated_at_ms: 0 }).values));
        await client.query('UPDATE handles AS h SET public_json = u.body FROM unnest($1::text[], $2::text[]) AS u (handle, body) WHERE h.handle = u.handle', [
          rows.map((row) => row.handle),
          bodies,
        ]);
        after = rows[rows.length - 1]!.handle;
      }
    },
  },
];

/**
 * Brings `schema` (created if missing) up to the last version of `migrations`, in one transaction holding
 * a transaction-scoped advisory lock keyed by the schema: replicas starting together queue on the lock, and
 * each later one finds nothing left to do. Throws IdnodeError CONFIG_INVALID when the schema was migrated by
 * a newer idnode. Returns the version now in force. `client` must not be in a transaction.
 */
export async function migratePostgres(client: pg.ClientBase, schema: string, migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS): Promise<number> {
  checkMigrationOrder(migrations, 'PostgreSQL');
  const known = migrations.length;
  const quoted = quoteIdentifier(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`idnode.migrate:${schema}`]);
    // Checked before creating: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the database even
    // when the schema exists, and a production role may lack it.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quoted}`);
    await client.query(`SET LOCAL search_path TO ${quoted}`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    const current = rows[0]?.version ?? 0;
    if (current > known) {
      throw new IdnodeError(
        'CONFIG_INVALID',
        `the PostgreSQL schema "${schema}" has schema version ${current}, but this idnode knows versions up to ${known}; it was written by a newer idnode: run that version, or use another schema`,
      );
    }
    for (const migration of migrations.slice(current)) {
      await client.query(migration.sql);
      await migration.backfill?.(client);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
    }
    await client.query('COMMIT');
    return known;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
