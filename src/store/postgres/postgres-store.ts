import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { IdnodeError } from '../../core/errors/catalogue.js';
import type {
  CounterDelta,
  CounterQuery,
  CounterRow,
  CounterSum,
  HandleRecord,
  HandleWrite,
  HomedPrefix,
  LedgerRow,
  LoginDigest,
  PrincipalRecord,
  PrincipalRole,
  TemplateRecord,
  TokenRecord,
  SearchHit,
  SearchScan,
  Store,
  StoredAnswer,
  StoredSecret,
  WriteContext,
  WriteOutcome,
} from '../../core/store/store.js';
import { aggregateCounters } from '../counter-deltas.js';
import { groupedDimensions, sumCountersSql, toCounterSum } from '../counter-sums.js';
import type { Migration } from '../migration.js';
import { storeClosed, storeFailure } from '../store-error.js';
import { principalFromRow, recordFromRow, storedAnswerFromRow, templateFromRow, tokenFromRow, type HandleRow, type PrincipalRow, type TemplateRow, type TokenRow } from '../store-rows.js';
import { planWrites, type HandleChange } from '../write-plan.js';
import { searchEntryChanges, type SearchEntry } from '../../core/search/search-keys.js';
import { isRetryable, isUnavailable } from './postgres-failure.js';
import { migratePostgres, POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { ChangeListener, changeChannel, changePayloads } from './postgres-notify.js';
import { counterColumns, postgresStatements, quoteIdentifier, recordColumns, searchEntryColumns, type PostgresStatements } from './postgres-sql.js';
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

const MAX_ATTEMPTS = 5;

/**
 * The shared store for replicas. applyWrites locks the named rows (SELECT ... FOR UPDATE, in handle order),
 * plans in memory with the same code as SQLite, then writes with one statement per kind of change, so a
 * batch of 2,000 costs a handful of round trips. A deadlock or serialisation failure rolls the call back
 * and runs it again (up to 5 attempts): nothing is committed twice.
 *
 * One caveat no database client can remove: if the connection drops while COMMIT is in flight, the call
 * rejects with STORE_UNAVAILABLE although the commit may have happened.
 */
class PostgresStoreImpl implements PostgresStore {
  readonly kind = 'postgres' as const;
  readonly instanceId = randomBytes(8).toString('hex');
  readonly #pool: pg.Pool;
  readonly #sql: PostgresStatements;
  readonly #channel: string;
  readonly #listeners = new Set<(handle: string | undefined) => void>();
  #listener: ChangeListener | undefined;
  #closing: Promise<void> | undefined;

  constructor(
    pool: pg.Pool,
    readonly schema: string,
    readonly schemaVersion: number,
    private readonly where: string,
    private readonly skipSearchIndexOnCreate: boolean,
  ) {
    this.#pool = pool;
    this.#sql = postgresStatements(schema);
    this.#channel = changeChannel(schema);
  }

  get listenBackendPid(): number | undefined {
    return this.#listener?.backendPid;
  }

  attachListener(listener: ChangeListener): void {
    this.#listener = listener;
  }

  /** Calls every onForeignChange listener; one that throws does not keep the others from hearing. */
  notifyListeners(handle: string | undefined): void {
    for (const listener of this.#listeners) {
      try {
        listener(handle);
      } catch (error) {
        process.emitWarning(`an onForeignChange listener threw for handle "${handle}": ${describe(error)}`, 'IdnodeStoreWarning');
      }
    }
  }

  async getHandle(handle: string): Promise<HandleRecord | undefined> {
    const { rows } = await this.#query<HandleRow>(`reading handle "${handle}"`, this.#sql.getHandle, [handle]);
    const row = rows[0];
    return row === undefined ? undefined : recordFromRow(handle, row);
  }

  async getStoredAnswer(handle: string): Promise<StoredAnswer | undefined> {
    const { rows } = await this.#query<HandleRow>(`reading handle "${handle}"`, this.#sql.getStoredAnswer, [handle]);
    const row = rows[0];
    return row === undefined ? undefined : storedAnswerFromRow(handle, row);
  }

  async applyWrites(writes: readonly HandleWrite[], context: WriteContext): Promise<WriteOutcome[]> {
    if (writes.length === 0) {
      this.#assertOpen();
      return [];
    }
    return this.#transaction(`applying ${writes.length} handle write(s)`, async (client) => {
      const loaded = new Map<string, HandleRecord | undefined>();
      for (const write of writes) loaded.set(write.handle, undefined);
      await this.#lock(client, [...loaded.keys()], loaded);

      // A handle absent at our lock may be created by another replica before our insert, which then finds it
      // (ON CONFLICT DO NOTHING, after waiting for that transaction). The plan of a handle depends only on
      // that handle, so we lock the newcomers, plan again and insert the rest; rows we inserted stay valid.
      const inserted = new Set<string>();
      for (let round = 1; ; round++) {
        const plan = planWrites(writes, loaded, context);
        const inserts = [...plan.changes]
          .filter(([handle, { before, after }]) => before === undefined && after !== undefined && !inserted.has(handle))
          .map(([, { after }]) => after!)
          .sort((a, b) => (a.handle < b.handle ? -1 : 1)); // one insertion order for every writer: no deadlock
        if (inserts.length > 0) {
          const result = await client.query<{ handle: string }>({ ...this.#sql.insertHandles, values: recordColumns(inserts) });
          for (const row of result.rows) inserted.add(row.handle);
          const raced = inserts.filter((record) => !inserted.has(record.handle)).map((record) => record.handle);
          if (raced.length > 0) {
            if (round === MAX_ATTEMPTS) throw new IdnodeError('STORE_UNAVAILABLE', `handles ${raced.join(', ')} kept changing under concurrent writers`);
            await this.#lock(client, raced, loaded);
            continue;
          }
        }
        const updates: HandleRecord[] = [];
        const deletes: string[] = [];
        for (const [handle, { before, after }] of plan.changes) {
          if (after === undefined) deletes.push(handle);
          else if (before !== undefined) updates.push(after);
        }
        if (updates.length > 0) await client.query({ ...this.#sql.updateHandles, values: recordColumns(updates) });
        if (deletes.length > 0) await client.query({ ...this.#sql.deleteHandles, values: [deletes] });
        await this.#changeSearchIndex(client, plan.changes);
        if (plan.counters.length > 0) await client.query({ ...this.#sql.addCounters, values: counterColumns(plan.counters) });
        // Delivered to listeners only if and when the transaction commits.
        if (plan.changes.size > 0) await client.query({ ...this.#sql.notify, values: [this.#channel, changePayloads(this.instanceId, plan.changes.keys())] });
        return plan.outcomes;
      }
    });
  }

  /** Removes and adds the index entries of the changed handles (one statement each), inside the write's transaction. */
  async #changeSearchIndex(client: pg.PoolClient, changes: ReadonlyMap<string, HandleChange>): Promise<void> {
    const removed: SearchEntry[] = [];
    const added: SearchEntry[] = [];
    for (const [handle, { before, after }] of changes) {
      const change = searchEntryChanges(handle, before?.values, after?.values);
      removed.push(...change.removed);
      if (!this.skipSearchIndexOnCreate || before !== undefined) added.push(...change.added);
    }
    if (removed.length > 0) await client.query({ ...this.#sql.removeSearchEntries, values: searchEntryColumns(removed) });
    if (added.length > 0) await client.query({ ...this.#sql.addSearchEntries, values: searchEntryColumns(added) });
  }

  async scanSearchIndex(scan: SearchScan): Promise<SearchHit[]> {
    const after = scan.after ?? { key: scan.from, handle: '' };
    const what = `scanning the search index for ${scan.type}`;
    const { rows } =
      scan.to === undefined
        ? await this.#query<SearchHit>(what, this.#sql.scanSearchUnbounded, [scan.type, after.key, after.handle, scan.limit])
        : await this.#query<SearchHit>(what, this.#sql.scanSearch, [scan.type, after.key, after.handle, scan.to, scan.limit]);
    return rows;
  }

  /** Locks the rows of `handles` that exist and records their state in `loaded` (absent ones as undefined). */
  async #lock(client: pg.PoolClient, handles: string[], loaded: Map<string, HandleRecord | undefined>): Promise<void> {
    const locked = await client.query<HandleRow>({ ...this.#sql.lockHandles, values: [handles] });
    for (const row of locked.rows) loaded.set(row.handle!, recordFromRow(row.handle!, row));
  }

  async listHandles(prefix: string, offset: number, limit: number): Promise<{ total: number; handles: string[] }> {
    const { rows } = await this.#query<{ total: string; handles: string[] }>(`listing handles under prefix "${prefix}"`, this.#sql.listHandles, [prefix, limit, offset]);
    return { total: Number(rows[0]!.total), handles: rows[0]!.handles };
  }

  async listHomedPrefixes(): Promise<HomedPrefix[]> {
    const { rows } = await this.#query<{ prefix: string; source: 'config' | 'api'; created_at_ms: string }>('listing homed prefixes', this.#sql.listHomed, []);
    return rows.map((row) => ({ prefix: row.prefix, source: row.source, createdAtMs: Number(row.created_at_ms) }));
  }

  async addHomedPrefix(prefix: HomedPrefix): Promise<boolean> {
    const result = await this.#query(`homing prefix "${prefix.prefix}"`, this.#sql.addHomed, [prefix.prefix, prefix.source, prefix.createdAtMs]);
    return result.rowCount === 1;
  }

  async removeHomedPrefix(prefix: string): Promise<boolean> {
    return (await this.#query(`unhoming prefix "${prefix}"`, this.#sql.removeHomed, [prefix])).rowCount === 1;
  }

  async insertPrincipal(principal: PrincipalRecord): Promise<boolean> {
    const { id, role, prefix, name, secret, createdAtMs, revokedAtMs } = principal;
    const values = [id, role, prefix ?? null, name, secret.hash, secret.salt, createdAtMs, revokedAtMs ?? null];
    return (await this.#query(`inserting principal "${id}"`, this.#sql.insertPrincipal, values)).rowCount === 1;
  }

  async getPrincipal(id: string): Promise<PrincipalRecord | undefined> {
    const { rows } = await this.#query<PrincipalRow>(`reading principal "${id}"`, this.#sql.getPrincipal, [id]);
    return rows[0] === undefined ? undefined : principalFromRow(rows[0]);
  }

  async listPrincipals(role?: PrincipalRole): Promise<PrincipalRecord[]> {
    const { rows } =
      role === undefined
        ? await this.#query<PrincipalRow>('listing principals', this.#sql.listPrincipals, [])
        : await this.#query<PrincipalRow>(`listing ${role} principals`, this.#sql.listPrincipalsByRole, [role]);
    return rows.map(principalFromRow);
  }

  async updatePrincipalSecret(id: string, secret: StoredSecret): Promise<boolean> {
    return (await this.#query(`updating the secret of principal "${id}"`, this.#sql.updateSecret, [secret.hash, secret.salt, id])).rowCount === 1;
  }

  async revokePrincipal(id: string, revokedAtMs: number): Promise<boolean> {
    return (await this.#query(`revoking principal "${id}"`, this.#sql.revokePrincipal, [revokedAtMs, id])).rowCount === 1;
  }

  async reinstatePrincipal(id: string, secret: StoredSecret): Promise<boolean> {
    return (await this.#query(`reinstating principal "${id}"`, this.#sql.reinstatePrincipal, [secret.hash, secret.salt, id])).rowCount === 1;
  }

  async insertTemplate(t: TemplateRecord): Promise<boolean> {
    const values = [t.prefix, t.version, t.definition, t.createdAtMs, t.updatedAtMs];
    return (await this.#query(`inserting template ${t.prefix} ${t.version}`, this.#sql.insertTemplate, values)).rowCount === 1;
  }

  async replaceTemplate(t: TemplateRecord): Promise<boolean> {
    return (await this.#query(`replacing template ${t.prefix} ${t.version}`, this.#sql.replaceTemplate, [t.definition, t.updatedAtMs, t.prefix, t.version])).rowCount === 1;
  }

  async getTemplate(prefix: string, version: string): Promise<TemplateRecord | undefined> {
    const { rows } = await this.#query<TemplateRow>(`reading template ${prefix} ${version}`, this.#sql.getTemplate, [prefix, version]);
    return rows[0] === undefined ? undefined : templateFromRow(rows[0]);
  }

  async listTemplates(prefix: string): Promise<TemplateRecord[]> {
    const { rows } = await this.#query<TemplateRow>(`listing the templates of ${prefix}`, this.#sql.listTemplates, [prefix]);
    return rows.map(templateFromRow);
  }

  async deleteTemplate(prefix: string, version: string): Promise<boolean> {
    return (await this.#query(`deleting template ${prefix} ${version}`, this.#sql.deleteTemplate, [prefix, version])).rowCount === 1;
  }

  async insertToken(token: TokenRecord, nowMs: number): Promise<void> {
    const values = [token.hash, token.principalId, token.stamp, token.issuedAtMs, token.expiresAtMs, nowMs];
    await this.#query(`keeping a login token of "${token.principalId}"`, this.#sql.insertToken, values);
  }

  async getToken(hash: Buffer): Promise<TokenRecord | undefined> {
    const { rows } = await this.#query<TokenRow>('reading a login token', this.#sql.getToken, [hash]);
    return rows[0] === undefined ? undefined : tokenFromRow(rows[0]);
  }

  async setLoginDigest(principalId: string, digest: LoginDigest): Promise<void> {
    await this.#query(`setting the login digest of "${principalId}"`, this.#sql.setLoginDigest, [principalId, digest.stamp, digest.digest]);
  }

  async getLoginDigest(principalId: string): Promise<LoginDigest | undefined> {
    const { rows } = await this.#query<LoginDigest>(`reading the login digest of "${principalId}"`, this.#sql.getLoginDigest, [principalId]);
    return rows[0];
  }

  async addCounters(deltas: readonly CounterDelta[]): Promise<void> {
    const merged = aggregateCounters(deltas);
    if (merged.length === 0) {
      this.#assertOpen();
      return;
    }
    await this.#query(`adding ${merged.length} counter delta(s)`, this.#sql.addCounters, counterColumns(merged));
  }

  async listCounters(fromDay: string, toDay: string): Promise<CounterRow[]> {
    const { rows } = await this.#query<{ day: string; prefix: string; protocol: string; kind: CounterRow['kind']; count: string }>(
      `listing counters from ${fromDay} to ${toDay}`,
      this.#sql.listCounters,
      [fromDay, toDay],
    );
    return rows.map((row) => ({ day: row.day, prefix: row.prefix, protocol: row.protocol, kind: row.kind, count: Number(row.count) }));
  }

  async sumCounters(query: CounterQuery): Promise<CounterSum[]> {
    const { dimensions, key } = groupedDimensions(query);
    const statement = { name: `idnode_sum_counters_${key}`, text: sumCountersSql(`${quoteIdentifier(this.schema)}.counters`, dimensions, ['$1', '$2', '$3::text', '$3::text']) };
    const { rows } = await this.#query<Record<string, unknown>>(`summing counters from ${query.fromDay} to ${query.toDay}`, statement, [query.fromDay, query.toDay, query.prefix ?? null]);
    return rows.map((row) => toCounterSum(row, dimensions));
  }

  async listLedgerEntries(): Promise<LedgerRow[]> {
    const { rows } = await this.#query<{ seq: string; day: string; entry: string }>('listing the ledger', this.#sql.listLedger, []);
    return rows.map((row) => ({ seq: Number(row.seq), day: row.day, entry: row.entry }));
  }

  async appendLedgerEntry(entry: LedgerRow): Promise<boolean> {
    const result = await this.#query(`appending the ledger entry of ${entry.day}`, this.#sql.appendLedger, [entry.seq, entry.day, entry.entry]);
    return result.rowCount === 1;
  }

  async getMeta(key: string): Promise<string | undefined> {
    const { rows } = await this.#query<{ value: string }>(`reading setting "${key}"`, this.#sql.getMeta, [key]);
    return rows[0]?.value;
  }

  async initMeta(key: string, value: string): Promise<string> {
    // Two statements, each with a fresh snapshot: after a concurrent insert wins, the SELECT sees its value.
    await this.#query(`initialising setting "${key}"`, this.#sql.initMeta, [key, value]);
    return (await this.getMeta(key))!;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.#query(`setting "${key}"`, this.#sql.setMeta, [key, value]);
  }

  async deleteMeta(key: string): Promise<boolean> {
    const result = await this.#query(`deleting setting "${key}"`, this.#sql.deleteMeta, [key]);
    return result.rowCount === 1;
  }

  onForeignChange(listener: (handle: string | undefined) => void): () => void {
    const subscription = (handle: string | undefined) => listener(handle);
    this.#listeners.add(subscription);
    return () => {
      this.#listeners.delete(subscription);
    };
  }

  async ping(): Promise<void> {
    await this.#query('ping', { name: 'idnode_ping', text: 'SELECT 1' }, []);
  }

  /** Idempotent: stops listening and closes the pool. Every later call rejects with STORE_UNAVAILABLE. */
  async close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#listeners.clear();
      await this.#listener?.close();
      await this.#pool.end();
    })();
    return this.#closing;
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw storeClosed(this.#description());
  }

  /** One statement on any pooled connection (autocommit); deadlocks are retried. */
  async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(what: string, statement: { name: string; text: string }, values: unknown[]): Promise<pg.QueryResult<R>> {
    this.#assertOpen();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#pool.query<R>({ ...statement, values });
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
        throw this.#failure(error, what);
      }
    }
  }

  async #transaction<T>(what: string, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.#assertOpen();
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.#pool.connect();
      } catch (error) {
        throw this.#failure(error, what);
      }
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await body(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          // The connection is unusable: the pool must discard it instead of lending it again.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
        throw this.#failure(error, what);
      } finally {
        client.release(broken);
      }
    }
  }

  #failure(error: unknown, what: string): IdnodeError {
    return storeFailure(error, `${what} in ${this.#description()}`, isUnavailable);
  }

  #description(): string {
    return `the PostgreSQL store (schema "${this.schema}", ${this.where})`;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
