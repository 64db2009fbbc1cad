import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../core/store/store.js';
import { redactUrl } from './postgres/postgres-url.js';
import type { SqliteStoreOptions } from './sqlite/sqlite-store.js';
import type { SqliteWriterOptions } from './sqlite/sqlite-writer.js';
import type { WriteChannel } from './sqlite/write-channel.js';

export type OpenStoreConfig =
  | { readonly store: 'sqlite'; readonly dataDir: string; readonly sqliteSynchronous?: 'full' | 'normal'; readonly writer?: WriteChannel; readonly writerThread?: SqliteWriterOptions }
  | { readonly store: 'postgres'; readonly databaseUrl: string; readonly databaseSchema?: string }
  | { readonly store: 'memory' };

/** The SQLite database file inside a data directory. */
export const SQLITE_FILE_NAME = 'idnode.sqlite';

/**
 * Opens the configured store, migrated and ready: SQLite at `<dataDir>/idnode.sqlite` (the directory is
 * created if missing), PostgreSQL in `databaseSchema` (default "public"), or a new, empty in-memory store that
 * keeps nothing beyond the process (tests, demos, simulations). Throws IdnodeError CONFIG_INVALID or
 * STORE_UNAVAILABLE as openSqliteStore and openPostgresStore describe. Each store's module (and its driver:
 * better-sqlite3, pg) is loaded when that store is opened, so a process loads only the one it uses.
 */
export async function openStore(config: OpenStoreConfig): Promise<Store> {
  if (config.store === 'memory') return (await import('./memory/memory-store.js')).openMemoryStore();
  if (config.store === 'postgres') {
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore(config.databaseSchema === undefined ? { url: config.databaseUrl } : { url: config.databaseUrl, schema: config.databaseSchema });
  }
  const { openSqliteStore } = await import('./sqlite/sqlite-store.js');
  return openSqliteStore(sqliteStoreOptions(config));
}

/** openSqliteStore's options for a data directory (`writer`, `writerThread`: see SqliteStoreOptions). */
export function sqliteStoreOptions(config: Extract<OpenStoreConfig, { store: 'sqlite' }>): SqliteStoreOptions {
  const file = join(config.dataDir, SQLITE_FILE_NAME);
  return { file, ...(config.sqliteSynchronous === undefined ? {} : { synchronous: config.sqliteSynchronous }), ...(config.writer === undefined ? {} : { writer: config.writer }), ...(config.writerThread === undefined ? {} : { writerThread: config.writerThread }) };
}

/** The store a configuration names, for messages and the admin commands' "using …" line (no password). */
export function describeStoreLocation(config: OpenStoreConfig): string {
  if (config.store === 'memory') return 'a new in-memory store';
  if (config.store === 'postgres') return `the PostgreSQL store in schema "${config.databaseSchema ?? 'public'}" at ${redactUrl(config.databaseUrl)}`;
  return `the SQLite store ${join(config.dataDir, SQLITE_FILE_NAME)}`;
}

/**
 * True when the configured store was created already (by a serve or an admin command with --create): SQLite
 * when `<dataDir>/idnode.sqlite` exists, PostgreSQL when the schema holds idnode's migration table. Creates
 * nothing. A memory store never exists beforehand. Throws IdnodeError STORE_UNAVAILABLE when PostgreSQL
 * cannot be reached.
 */
export async function storeExists(config: OpenStoreConfig): Promise<boolean> {
  if (config.store === 'memory') return false;
  if (config.store === 'postgres') return (await import('./postgres/postgres-store.js')).postgresStoreExists(config.databaseUrl, config.databaseSchema ?? 'public');
  return existsSync(join(config.dataDir, SQLITE_FILE_NAME));
}
