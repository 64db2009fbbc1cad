import type { Store } from '../../core/store/store.js';
import type { Migration } from '../migration.js';
import { openSqliteFile, sqliteDescription } from './sqlite-open.js';
import { SqliteStoreImpl } from './sqlite-store-impl.js';
import { SqliteWriter, type SqliteWriterOptions } from './sqlite-writer.js';
import type { WriteChannel } from './write-channel.js';

export interface SqliteStoreOptions {
  /** The database file; its parent directory is created if missing. */
  readonly file: string;
  /**
   * 'full' (default): every commit fsyncs the write-ahead log, so an acknowledged write survives an OS crash
   * or power loss, not only a crash of this process. 'normal': the log is fsynced at checkpoints only, so
   * a process crash loses nothing but a power loss may lose the last commits; faster for bulk loads whose
   * source can be replayed.
   */
  readonly synchronous?: 'full' | 'normal';
  /**
   * How long a write waits for another process's write lock before failing with STORE_UNAVAILABLE
   * (default 5000). The CLI may write principals while a server runs on the same file. The wait blocks this
   * process's event loop (better-sqlite3 is synchronous), so keep it short.
   */
  readonly busyTimeoutMs?: number;
  /**
   * For the bench only (bench/lib/search-write-cost.ts): creates of new handles skip the reverse-lookup index,
   * so one run can measure what the index costs the registration path. Searches then miss those handles;
   * never set in a node.
   */
  readonly skipSearchIndexOnCreate?: boolean;
  /** The writer thread's restarts and their log, when the store starts its own (not with `writer`). */
  readonly writerThread?: SqliteWriterOptions;
  /** For tests of the migration mechanism only. */
  readonly migrations?: readonly Migration[];
  /**
   * Where the writes go instead of a writer thread of the store's own: a worker of `serve --workers N` passes
   * the primary's (ForwardedWriter). Its owner migrated the file; this store only checks the schema version.
   */
  readonly writer?: WriteChannel;
}

export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  readonly file: string;
  /** The settings in force, read back from SQLite after opening (for the start-up log and diagnostics). */
  readonly settings: SqliteSettings;
  /** Where its writes go: 'thread', its own writer thread; 'forwarded', another process's (WriteChannel). */
  readonly writer: WriteChannel['kind'];
  /** Its writer thread's restarts after it ended unasked (0 when its writes are forwarded). */
  readonly writerRestarts: number;
}

export interface SqliteSettings {
  readonly journalMode: string;
  readonly synchronous: 'full' | 'normal';
  readonly busyTimeoutMs: number;
  readonly schemaVersion: number;
}

/**
 * Opens (creating if needed) and migrates the SQLite store, with its own writer thread; or, given `writer`,
 * opens it for reading and checks its schema, its writes going to that channel. Synchronous: better-sqlite3
 * is. Throws IdnodeError CONFIG_INVALID when the file cannot be opened as a database, cannot use WAL, or holds
 * another schema (see openSqliteFile).
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const { db, connection, schemaVersion } = openSqliteFile(options, options.writer === undefined);
  try {
    const settings: SqliteSettings = {
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      // PRAGMA synchronous reads back 2 for FULL, 1 for NORMAL.
      synchronous: db.pragma('synchronous', { simple: true }) === 2 ? 'full' : 'normal',
      busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
      schemaVersion,
    };
    // Opened once the schema is in place: the writer prepares its statements against it.
    const writer = options.writer ?? new SqliteWriter(connection, sqliteDescription(options.file), options.writerThread);
    return new SqliteStoreImpl(db, writer, options.file, settings, options.skipSearchIndexOnCreate === true);
  } catch (error) {
    db.close();
    throw error;
  }
}
