import type { Config } from '../config/config.js';
import type { OpenStoreConfig } from '../store/open-store.js';
import type { SqliteWriterOptions } from '../store/sqlite/sqlite-writer.js';
import type { WriteChannel } from '../store/sqlite/write-channel.js';

/**
 * The argument of openStore for this configuration (loadConfig guarantees databaseUrl for postgres). `writer`:
 * where a SQLite store's writes go instead of a thread of its own (a worker of serve --workers: the primary's);
 * `writerThread`: that thread's restarts and their log otherwise (serve: sqliteWriterLog).
 */
export function storeOptions(config: Config, writer?: WriteChannel, writerThread?: SqliteWriterOptions): OpenStoreConfig {
  if (config.store === 'postgres') {
    return { store: 'postgres', databaseUrl: config.databaseUrl!, ...(config.databaseSchema === undefined ? {} : { databaseSchema: config.databaseSchema }) };
  }
  if (config.store === 'memory') return { store: 'memory' };
  return { store: 'sqlite', dataDir: config.dataDir, sqliteSynchronous: config.sqliteSynchronous, ...(writer === undefined ? {} : { writer }), ...(writerThread === undefined ? {} : { writerThread }) };
}
