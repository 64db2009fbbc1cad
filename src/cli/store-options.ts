import type { Config } from '../config/config.js';
import type { OpenStoreConfig } from '../store/open-store.js';

/** The argument of openStore for this configuration (loadConfig guarantees databaseUrl for postgres). */
export function storeOptions(config: Config): OpenStoreConfig {
  if (config.store === 'postgres') {
    return { store: 'postgres', databaseUrl: config.databaseUrl!, ...(config.databaseSchema === undefined ? {} : { databaseSchema: config.databaseSchema }) };
  }
  if (config.store === 'memory') return { store: 'memory' };
  return { store: 'sqlite', dataDir: config.dataDir, sqliteSynchronous: config.sqliteSynchronous };
}
