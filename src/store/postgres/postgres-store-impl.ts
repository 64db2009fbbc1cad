import { randomBytes } from 'node:crypto';
import type pg from 'pg';
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
  StoredAnswer,
  StoredSecret,
  WriteContext,
  WriteOutcome,
} from '../../core/store/store.js';
import type { IdnodeError } from '../../core/errors/catalogue.js';
import { aggregateCounters } from '../counter-deltas.js';
import { groupedDimensions, sumCountersSql, toCounterSum } from '../counter-sums.js';
import { storeClosed, storeFailure } from '../store-error.js';
import { principalFromRow, recordFromRow, storedAnswerFromRow, templateFromRow, tokenFromRow, type HandleRow, type PrincipalRow, type TemplateRow, type TokenRow } from '../store-rows.js';
import { describe, isUnavailable } from './postgres-failure.js';
import { writeHandles, type HandleWriteTarget } from './postgres-handle-writes.js';
import { changeChannel, type ChangeListener } from './postgres-notify.js';
import { queryRetrying, transactionRetrying } from './postgres-retry.js';
import { counterColumns, postgresStatements, quoteIdentifier, type PostgresStatements } from './postgres-sql.js';
import type { PostgresStore } from './postgres-store.js';

/**
 * The shared store for replicas. applyWrites locks the named rows (SELECT ... FOR UPDATE, in handle order),
 * plans in memory with the same code as SQLite, then writes with one statement per kind of change, so a
 * batch of 2,000 costs a handful of round trips. A deadlock or serialisation failure rolls the call back
 * and runs it again (up to 5 attempts): nothing is committed twice.
 *
 * One caveat no database client can remove: if the connection drops while COMMIT is in flight, the call
 * rejects with STORE_UNAVAILABLE although the commit may have happened.
 */
export class PostgresStoreImpl implements PostgresStore {
  readonly kind = 'postgres' as const;
  readonly instanceId = randomBytes(8).toString('hex');
  readonly #pool: pg.Pool;
  readonly #sql: PostgresStatements;
  readonly #writeTarget: HandleWriteTarget;
  readonly #listeners = new Set<(handle: string | undefined) => void>();
  #listener: ChangeListener | undefined;
  #closing: Promise<void> | undefined;

  constructor(
    pool: pg.Pool,
    readonly schema: string,
    readonly schemaVersion: number,
    private readonly where: string,
    skipSearchIndexOnCreate: boolean,
  ) {
    this.#pool = pool;
    this.#sql = postgresStatements(schema);
    this.#writeTarget = { sql: this.#sql, channel: changeChannel(schema), instanceId: this.instanceId, skipSearchIndexOnCreate };
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
    return this.#transaction(`applying ${writes.length} handle write(s)`, (client) => writeHandles(client, this.#writeTarget, writes, context));
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

  /** One statement on any pooled connection (autocommit); deadlocks are retried (queryRetrying). */
  async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(what: string, statement: { name: string; text: string }, values: unknown[]): Promise<pg.QueryResult<R>> {
    this.#assertOpen();
    return queryRetrying<R>(this.#pool, statement, values, (error) => this.#failure(error, what));
  }

  /** `body` in a transaction, run again on a deadlock (transactionRetrying). */
  async #transaction<T>(what: string, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.#assertOpen();
    return transactionRetrying(this.#pool, body, (error) => this.#failure(error, what));
  }

  #failure(error: unknown, what: string): IdnodeError {
    return storeFailure(error, `${what} in ${this.#description()}`, isUnavailable);
  }

  #description(): string {
    return `the PostgreSQL store (schema "${this.schema}", ${this.where})`;
  }
}
