import type Database from 'better-sqlite3';
import { IdnodeError } from '../../core/errors/catalogue.js';
import { publicAnswerJson } from '../../core/resolver/public-answer.js';
import { checkMigrationOrder, type Migration } from '../migration.js';
import { recordFromRow } from '../store-rows.js';
import { buildSearchIndexSql } from '../search-index-sql.js';

/**
 * The SQLite schema, as an ordered list of migrations. One row per handle with its values as the JSON array
 * of HandleValue objects, so a resolution is one point read and one JSON.parse. STRICT tables make SQLite
 * refuse a value of the wrong type instead of silently storing it.
 *
 * Handles, prefixes and ids are TEXT under SQLite's default BINARY collation, which compares the UTF-8 bytes:
 * ORDER BY handle is byte order, and equality is byte equality (docs/design.md §1: two identifiers are the same iff
 * their normalised forms are byte-equal).
 */
export interface SqliteMigration extends Migration {
  /** Run after `sql`, in the same transaction: a data change SQL alone cannot make (it calls the project's code). */
  readonly backfill?: (db: Database.Database) => void;
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE handles (
        handle TEXT PRIMARY KEY,
        prefix TEXT NOT NULL,
        values_json TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX handles_by_prefix ON handles (prefix, handle);

      CREATE TABLE homed_prefixes (
        prefix TEXT PRIMARY KEY,
        source TEXT NOT NULL CHECK (source IN ('config', 'api')),
        created_at_ms INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE principals (
        id TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('operator', 'enterprise', 'auditor')),
        prefix TEXT,
        name TEXT NOT NULL,
        secret_hash BLOB NOT NULL,
        secret_salt BLOB NOT NULL,
        created_at_ms INTEGER NOT NULL,
        revoked_at_ms INTEGER
      ) STRICT;
      CREATE INDEX principals_by_role ON principals (role, id);

      CREATE TABLE counters (
        day TEXT NOT NULL,
        prefix TEXT NOT NULL,
        protocol TEXT NOT NULL,
        kind TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (day, prefix, protocol, kind)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    // The ledger of sealed days (docs/design.md §2, Evidence). Append-only: the triggers refuse any change to a
    // sealed entry, so only a deliberate schema edit could rewrite one (and the hash chain shows it).
    version: 2,
    sql: `
      CREATE TABLE ledger (
        seq INTEGER PRIMARY KEY,
        day TEXT NOT NULL UNIQUE,
        entry TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
      CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    `,
  },
  {
    // A handle is "<prefix>/<suffix>" and a prefix holds no "/", so the handles under exactly a prefix are the
    // primary key's range ["<prefix>/", "<prefix>0") ("0" follows "/" in byte order): listing reads that
    // range, and the separate (prefix, handle) index only cost every insert a third B-tree write.
    version: 3,
    sql: `DROP INDEX handles_by_prefix;`,
  },
  {
    // Metadata templates (one row per prefix and version, the validated definition as JSON text) and login
    // tokens (SHA-256 of the token only) with the digests that verify hashed logins.
    version: 4,
    sql: `
      CREATE TABLE templates (
        prefix TEXT NOT NULL,
        version TEXT NOT NULL,
        definition TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL,
        PRIMARY KEY (prefix, version)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE tokens (
        hash BLOB PRIMARY KEY,
        principal_id TEXT NOT NULL,
        stamp BLOB NOT NULL,
        issued_at_ms INTEGER NOT NULL,
        expires_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX tokens_by_expiry ON tokens (expires_at_ms);

      CREATE TABLE login_digests (
        principal_id TEXT PRIMARY KEY,
        stamp BLOB NOT NULL,
        digest BLOB NOT NULL
      ) STRICT;
    `,
  },
  {
    // The reverse-lookup index (src/core/search/search-keys.ts): one WITHOUT ROWID B-tree keyed (type, key,
    // handle), so an entry costs one B-tree insert and a search is a range scan of it; no reversed-key index
    // (measured: it was most of the write cost; a leading "*" is bounded by another condition instead). The
    // handles already stored get their entries here.
    version: 5,
    sql: `
      CREATE TABLE search_index (
        type TEXT NOT NULL,
        key TEXT NOT NULL,
        handle TEXT NOT NULL,
        PRIMARY KEY (type, key, handle)
      ) STRICT, WITHOUT ROWID;
      ${buildSearchIndexSql({ field: (path) => `v.value ->> '$.${path}'`, values: 'json_each(h.values_json) AS v', insert: 'INSERT OR IGNORE', onConflict: '' })}
    `,
  },
  {
    // The body of each handle's anonymous, unfiltered REST answer (publicAnswerJson), kept beside its values and
    // written in the same statement as they are, so a resolution that misses the cache sends these bytes
    // without parsing or encoding anything. The handles already stored get theirs here, computed by the same
    // function the writes use (registered for this statement only).
    version: 6,
    sql: `ALTER TABLE handles ADD COLUMN public_json TEXT;`,
    backfill: (db) => {
      db.function('idnode_public_json', { deterministic: true }, (handle: unknown, valuesJson: unknown) =>
        publicAnswerJson(handle as string, recordFromRow(handle as string, { prefix: '', values_json: valuesJson as string, created_at_ms: 0, updated_at_ms: 0 }).values),
      );
      db.exec('UPDATE handles SET public_json = idnode_public_json(handle, values_json)');
    },
  },
];

/**
 * Brings the database at `file` up to the last version of `migrations`, all pending versions in one
 * IMMEDIATE transaction: two processes opening the same file at once serialise on the write lock, and the
 * second finds nothing left to do. Reopening an up-to-date database changes nothing.
 * Throws IdnodeError CONFIG_INVALID when the database was migrated by a newer idnode (a version this code
 * does not know): running old code on a newer schema could corrupt it. Returns the version now in force.
 */
export function migrateSqlite(db: Database.Database, file: string, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): number {
  checkMigrationOrder(migrations, 'SQLite');
  const known = migrations.length;
  const migrate = db.transaction((): number => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT');
    const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null };
    const current = row.version ?? 0;
    if (current > known) {
      throw new IdnodeError(
        'CONFIG_INVALID',
        `the SQLite database ${file} has schema version ${current}, but this idnode knows versions up to ${known}; it was written by a newer idnode: run that version, or point the data directory elsewhere`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
    for (const migration of migrations.slice(current)) {
      db.exec(migration.sql);
      migration.backfill?.(db);
      record.run(migration.version, new Date().toISOString());
    }
    return known;
  });
  return migrate.immediate();
}

/**
 * For a connection to a file that another process migrates (a worker of `serve --workers N`: the primary did,
 * before forking it): the version in force, which must be the last of `migrations`. Changes nothing. Throws
 * IdnodeError CONFIG_INVALID otherwise (older: not migrated; newer: written by a newer idnode).
 */
export function checkSqliteSchema(db: Database.Database, file: string, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): number {
  const known = migrations.length;
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  const row = table === undefined ? undefined : (db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null });
  const current = row?.version ?? 0;
  if (current !== known) {
    throw new IdnodeError('CONFIG_INVALID', `the SQLite database ${file} has schema version ${current}, but this idnode expects version ${known}, which the process that opened its writer should have migrated it to`);
  }
  return known;
}
