import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { IdnodeError } from '../../core/errors/catalogue.js';
import { checkSqliteSchema, migrateSqlite, SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { openConnection, type ConnectionOptions } from './sqlite-statements.js';
import type { SqliteStoreOptions } from './sqlite-store.js';
import { SqliteWriter } from './sqlite-writer.js';

export interface OpenedFile {
  readonly db: Database.Database;
  /** How the writer thread opens its own connection to the same file. */
  readonly connection: ConnectionOptions;
  readonly schemaVersion: number;
}

/**
 * Opens the store's file on this thread (its directory and the file created if missing), then migrates it
 * (`migrate`), or only checks that its schema is this code's (a worker of `serve --workers N`, whose primary
 * migrated it). Throws IdnodeError CONFIG_INVALID when the file cannot be opened as a database, cannot use
 * WAL, or holds another schema than migrating allows (see migrateSqlite, checkSqliteSchema).
 */
export function openSqliteFile(options: SqliteStoreOptions, migrate: boolean): OpenedFile {
  let db: Database.Database | undefined;
  try {
    // The data directory is the owner's only (0700): it holds the database and, by default, the signing key.
    // An existing directory keeps its mode (the operator chose it).
    mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
    const created = !existsSync(options.file);
    const connection = { file: options.file, synchronous: options.synchronous ?? 'full', busyTimeoutMs: options.busyTimeoutMs ?? 5000 };
    db = openConnection(connection);
    // A new database file is the owner's only; SQLite gives its WAL and shared-memory files the same mode.
    if (created) chmodSync(options.file, 0o600);
    const migrations = options.migrations ?? SQLITE_MIGRATIONS;
    const schemaVersion = migrate ? migrateSqlite(db, options.file, migrations) : checkSqliteSchema(db, options.file, migrations);
    return { db, connection, schemaVersion };
  } catch (error) {
    db?.close();
    if (error instanceof IdnodeError) throw error;
    throw new IdnodeError('CONFIG_INVALID', `cannot open the SQLite database ${options.file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * The write side alone, for the primary of `serve --workers N`: migrates the file (once, before any worker
 * opens it), then starts the node's one writer thread, which the workers' writes are relayed to (WriteRelay).
 */
export function openSqliteWriter(options: SqliteStoreOptions): SqliteWriter {
  const { db, connection } = openSqliteFile(options, true);
  db.close();
  return new SqliteWriter(connection, sqliteDescription(options.file), options.writerThread);
}

/** How messages name the store at `file`. */
export function sqliteDescription(file: string): string {
  return `the SQLite store ${file}`;
}
