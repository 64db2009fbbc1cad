import pg from 'pg';
import { IdnodeError } from '../../core/errors/catalogue.js';
import type { Store } from '../../core/store/store.js';
import type { Migration } from '../migration.js';
import { storeFailure } from '../store-error.js';
import { describe, isUnavailable } from './postgres-failure.js';
import { migratePostgres, POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { ChangeListener, changeChannel } from './postgres-notify.js';
import { PostgresStoreImpl } from './postgres-store-impl.js';
import { redactUrl, withDefaultUser } from './postgres-url.js';

export interface PostgresStoreOptions {
  /** A libpq-style URL, e.g. postgres://user:secret@db.example:5432/idnode. */
  readonly url: string;
  /** The schema holding the tables, created on open if missing (default "public"). At most 63 bytes. */
  readonly schema?: string;
  /** Connections in the pool (default 10), plus one dedicated to LISTEN. */
  readonly poolSize?: number;
  /** How long a query waits for a pooled connection before failing with STORE_UNAVAILABLE (default 10000). */
  readonly connectTimeoutMs?: number;
  /**
   * Called when the LISTEN connection came back after a loss: changes other replicas made meanwhile were
   * not reported through onForeignChange, so a cache should drop everything (entries also expire by TTL).
   */
  readonly onListenGap?: () => void;
  /** For the bench only, as SqliteStoreOptions.skipSearchIndexOnCreate: created handles skip the reverse-lookup index. */
  readonly skipSearchIndexOnCreate?: boolean;
  /** For tests of the migration mechanism only. */
  readonly migrations?: readonly Migration[];
}

export interface PostgresStore extends Store {
  readonly kind: 'postgres';
  readonly schema: string;
  /** Random per open store; tags its change notifications so it ignores its own. */
  readonly instanceId: string;
  readonly schemaVersion: number;
  /** The backend pid of the LISTEN session, undefined while it reconnects (diagnostics). */
  readonly listenBackendPid: number | undefined;
}

/**
 * Connects, checks the database encoding, migrates `schema` (see migratePostgres) and starts listening for
 * other replicas' changes. Throws IdnodeError STORE_UNAVAILABLE (with the URL, password redacted) when the
 * database cannot be reached, CONFIG_INVALID when the schema name is unusable, the database is not UTF8,
 * or the schema is newer than this code.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const schema = options.schema ?? 'public';
  const where = `PostgreSQL at ${redactUrl(options.url)}`;
  if (schema.length === 0 || Buffer.byteLength(schema, 'utf8') > 63 || schema.includes('\u0000')) {
    throw new IdnodeError('CONFIG_INVALID', `the PostgreSQL schema name "${schema}" must be 1 to 63 bytes without NUL`);
  }
  const connection: pg.ClientConfig = { connectionString: withDefaultUser(options.url), application_name: 'idnode' };
  const pool = new pg.Pool({
    ...connection,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle pooled connection that dies is dropped by the pool; without a handler the event would crash us.
  pool.on('error', () => {});
  let listener: ChangeListener | undefined;
  try {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw new IdnodeError('STORE_UNAVAILABLE', `cannot connect to ${where}: ${describe(error)}`, { cause: error });
    }
    let schemaVersion: number;
    try {
      const encoding = await client.query<{ server_encoding: string }>('SHOW server_encoding');
      if (encoding.rows[0]?.server_encoding !== 'UTF8') {
        throw new IdnodeError('CONFIG_INVALID', `the database at ${where} has encoding ${encoding.rows[0]?.server_encoding}; idnode needs UTF8 (byte-exact identifiers and byte order)`);
      }
      schemaVersion = await migratePostgres(client, schema, options.migrations ?? POSTGRES_MIGRATIONS);
    } finally {
      client.release();
    }
    const store = new PostgresStoreImpl(pool, schema, schemaVersion, where, options.skipSearchIndexOnCreate === true);
    listener = await ChangeListener.start({
      connection,
      channel: changeChannel(schema),
      instanceId: store.instanceId,
      onChange: (handle) => store.notifyListeners(handle),
      onGap: () => {
        store.notifyListeners(undefined);
        options.onListenGap?.();
      },
    });
    store.attachListener(listener);
    return store;
  } catch (error) {
    await listener?.close();
    await pool.end().catch(() => {});
    if (error instanceof IdnodeError) throw error;
    throw storeFailure(error, `opening the store in ${where}`, isUnavailable);
  }
}

/**
 * True when `schema` holds idnode's migration table (a store was created there), without creating or
 * changing anything. Throws IdnodeError STORE_UNAVAILABLE when the database cannot be reached.
 */
export async function postgresStoreExists(url: string, schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: withDefaultUser(url), application_name: 'idnode' });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ found: boolean }>("SELECT to_regclass(format('%I.schema_migrations', $1::text)) IS NOT NULL AS found", [schema]);
    return rows[0]!.found;
  } catch (error) {
    throw storeFailure(error, `looking for an idnode store in schema "${schema}" of PostgreSQL at ${redactUrl(url)}`, isUnavailable);
  } finally {
    await client.end().catch(() => {});
  }
}

