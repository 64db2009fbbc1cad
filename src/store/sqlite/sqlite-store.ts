import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
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
  PrincipalRecord,
  PrincipalRole,
  Store,
  StoredSecret,
  WriteContext,
  WriteOutcome,
} from '../../core/store/store.js';
import { aggregateCounters } from '../counter-deltas.js';
import { groupedDimensions, sumCountersSql, toCounterSum } from '../counter-sums.js';
import { storeClosed, storeFailure } from '../store-error.js';
import { principalFromRow, recordFromRow, type HandleRow, type PrincipalRow } from '../store-rows.js';
import { countersFor, createdRecord, isDistinctCreates, planWrites, type CreateWrite } from '../write-plan.js';
import type { Migration } from '../migration.js';
import { migrateSqlite, SQLITE_MIGRATIONS } from './sqlite-migrations.js';

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
  /** For tests of the migration mechanism only. */
  readonly migrations?: readonly Migration[];
}

export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  readonly file: string;
  /** The settings in force, read back from SQLite after opening (for the start-up log and diagnostics). */
  readonly settings: SqliteSettings;
}

export interface SqliteSettings {
  readonly journalMode: string;
  readonly synchronous: 'full' | 'normal';
  readonly busyTimeoutMs: number;
  readonly schemaVersion: number;
}

/**
 * Opens (creating if needed) and migrates the SQLite store. Synchronous: better-sqlite3 is. Throws
 * IdnodeError CONFIG_INVALID when the file cannot be opened as a database, cannot use WAL, or holds a
 * schema newer than this code (see migrateSqlite).
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  let db: Database.Database | undefined;
  try {
    mkdirSync(dirname(options.file), { recursive: true });
    db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
    // WAL: readers never block the writer and one commit is one sequential append; it persists in the file.
    const journal = db.pragma('journal_mode = WAL', { simple: true });
    if (journal !== 'wal') throw new IdnodeError('CONFIG_INVALID', `the SQLite database ${options.file} cannot use WAL journaling (got "${String(journal)}")`);
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    const schemaVersion = migrateSqlite(db, options.file, options.migrations ?? SQLITE_MIGRATIONS);
    const settings: SqliteSettings = {
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      // PRAGMA synchronous reads back 2 for FULL, 1 for NORMAL.
      synchronous: db.pragma('synchronous', { simple: true }) === 2 ? 'full' : 'normal',
      busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
      schemaVersion,
    };
    return new SqliteStoreImpl(db, options.file, settings);
  } catch (error) {
    db?.close();
    if (error instanceof IdnodeError) throw error;
    throw new IdnodeError('CONFIG_INVALID', `cannot open the SQLite database ${options.file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * The handles under exactly `prefix` are those in [from, to) by byte order: every one starts "<prefix>/", and a
 * sub-prefix's handles start "<prefix>." instead (a prefix holds no "/"; "0" is the byte after "/").
 */
function prefixRange(prefix: string): [from: string, to: string] {
  return [`${prefix}/`, `${prefix}0`];
}

/** Busy or locked by another process, or the file vanished: a retry later may work. */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|CANTOPEN)/.test(code);
}

function statements(db: Database.Database) {
  return {
    getHandle: db.prepare<[string], HandleRow>('SELECT prefix, values_json, created_at_ms, updated_at_ms FROM handles WHERE handle = ?'),
    insertHandle: db.prepare<[string, string, string, number, number]>(
      'INSERT INTO handles (handle, prefix, values_json, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?)',
    ),
    insertHandleIfAbsent: db.prepare<[string, string, string, number, number]>(
      'INSERT INTO handles (handle, prefix, values_json, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (handle) DO NOTHING',
    ),
    updateHandle: db.prepare<[string, string, number, number, string]>(
      'UPDATE handles SET prefix = ?, values_json = ?, created_at_ms = ?, updated_at_ms = ? WHERE handle = ?',
    ),
    deleteHandle: db.prepare<[string]>('DELETE FROM handles WHERE handle = ?'),
    // Bounds from prefixRange: the primary key's range of the handles under exactly one prefix.
    countHandles: db.prepare<[string, string], number>('SELECT count(*) FROM handles WHERE handle >= ? AND handle < ?').pluck(),
    pageHandles: db
      .prepare<[string, string, number, number], string>('SELECT handle FROM handles WHERE handle >= ? AND handle < ? ORDER BY handle LIMIT ? OFFSET ?')
      .pluck(),

    listHomed: db.prepare<[], { prefix: string; source: 'config' | 'api'; created_at_ms: number }>(
      'SELECT prefix, source, created_at_ms FROM homed_prefixes ORDER BY prefix',
    ),
    addHomed: db.prepare<[string, string, number]>(
      'INSERT INTO homed_prefixes (prefix, source, created_at_ms) VALUES (?, ?, ?) ON CONFLICT (prefix) DO NOTHING',
    ),
    removeHomed: db.prepare<[string]>('DELETE FROM homed_prefixes WHERE prefix = ?'),

    insertPrincipal: db.prepare<[string, string, string | null, string, Buffer, Buffer, number, number | null]>(
      `INSERT INTO principals (id, role, prefix, name, secret_hash, secret_salt, created_at_ms, revoked_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    getPrincipal: db.prepare<[string], PrincipalRow>('SELECT * FROM principals WHERE id = ?'),
    listPrincipals: db.prepare<[], PrincipalRow>('SELECT * FROM principals ORDER BY id'),
    listPrincipalsByRole: db.prepare<[string], PrincipalRow>('SELECT * FROM principals WHERE role = ? ORDER BY id'),
    updateSecret: db.prepare<[Buffer, Buffer, string]>('UPDATE principals SET secret_hash = ?, secret_salt = ? WHERE id = ?'),
    revokePrincipal: db.prepare<[number, string]>('UPDATE principals SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL'),

    addCounter: db.prepare<[string, string, string, string, number]>(
      `INSERT INTO counters (day, prefix, protocol, kind, count) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (day, prefix, protocol, kind) DO UPDATE SET count = count + excluded.count`,
    ),
    listCounters: db.prepare<[string, string], CounterRow>(
      'SELECT day, prefix, protocol, kind, count FROM counters WHERE day >= ? AND day <= ? ORDER BY day, prefix, protocol, kind',
    ),

    listLedger: db.prepare<[], LedgerRow>('SELECT seq, day, entry FROM ledger ORDER BY seq'),
    appendLedger: db.prepare<[number, string, string]>('INSERT INTO ledger (seq, day, entry) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),

    getMeta: db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck(),
    initMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),

    ping: db.prepare<[], number>('SELECT 1').pluck(),
  };
}

/**
 * The embedded store. Only this process writes handles (the CLI writes principals, prefixes and meta only),
 * so there are no foreign changes to report. Every write runs in a BEGIN IMMEDIATE transaction: it takes
 * the write lock up front, so a writer never fails half-way upgrading a read lock while another process
 * writes (busy_timeout applies to the wait instead).
 */
class SqliteStoreImpl implements SqliteStore {
  readonly kind = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #sql: ReturnType<typeof statements>;
  /** One prepared sumCounters statement per combination of grouped dimensions, prepared on first use. */
  readonly #sums = new Map<string, Database.Statement<[string, string, string | null, string | null], Record<string, unknown>>>();
  readonly #applyWrites: (writes: readonly HandleWrite[], context: WriteContext) => WriteOutcome[];
  readonly #addCounters: (deltas: readonly CounterDelta[]) => void;
  readonly #listHandles: (prefix: string, offset: number, limit: number) => { total: number; handles: string[] };
  #closed = false;

  constructor(
    db: Database.Database,
    readonly file: string,
    readonly settings: SqliteSettings,
  ) {
    this.#db = db;
    const sql = statements(db);
    this.#sql = sql;
    const upsertCounters = (deltas: readonly CounterDelta[]): void => {
      for (const delta of deltas) sql.addCounter.run(delta.day, delta.prefix, delta.protocol, delta.kind, delta.count);
    };
    // Distinct creates (every bulk chunk, every plain PUT) insert where absent and read only the rows that
    // conflict: one B-tree descent per new handle instead of a read and then an insert.
    const createAll = (writes: readonly CreateWrite[], context: WriteContext): WriteOutcome[] => {
      const outcomes: WriteOutcome[] = new Array(writes.length);
      for (let k = 0; k < writes.length; k++) {
        const write = writes[k]!;
        const row = createdRecord(write, context.nowMs);
        if (sql.insertHandleIfAbsent.run(write.handle, row.prefix, JSON.stringify(row.values), row.createdAtMs, row.updatedAtMs).changes === 1) {
          outcomes[k] = { handle: write.handle, status: 'created' };
        } else {
          outcomes[k] = { handle: write.handle, status: 'exists', existing: this.#read(write.handle)! };
        }
      }
      upsertCounters(countersFor(writes, outcomes, context));
      return outcomes;
    };
    const applyWrites = db.transaction((writes: readonly HandleWrite[], context: WriteContext): WriteOutcome[] => {
      if (isDistinctCreates(writes)) return createAll(writes, context);
      const loaded = new Map<string, HandleRecord | undefined>();
      for (const write of writes) {
        if (!loaded.has(write.handle)) loaded.set(write.handle, this.#read(write.handle));
      }
      const plan = planWrites(writes, loaded, context);
      for (const [handle, { before, after }] of plan.changes) {
        if (after === undefined) sql.deleteHandle.run(handle);
        else if (before === undefined) sql.insertHandle.run(handle, after.prefix, JSON.stringify(after.values), after.createdAtMs, after.updatedAtMs);
        else sql.updateHandle.run(after.prefix, JSON.stringify(after.values), after.createdAtMs, after.updatedAtMs, handle);
      }
      upsertCounters(plan.counters);
      return plan.outcomes;
    });
    this.#applyWrites = (writes, context) => applyWrites.immediate(writes, context);
    const addCounters = db.transaction((deltas: readonly CounterDelta[]) => upsertCounters(aggregateCounters(deltas)));
    this.#addCounters = (deltas) => addCounters.immediate(deltas);
    // One read transaction, so the page and the total describe the same snapshot.
    const listHandles = db.transaction((prefix: string, offset: number, limit: number) => {
      const [from, to] = prefixRange(prefix);
      return { total: sql.countHandles.get(from, to) ?? 0, handles: sql.pageHandles.all(from, to, limit, offset) };
    });
    this.#listHandles = (prefix, offset, limit) => listHandles.deferred(prefix, offset, limit);
  }

  // The resolution hot path: one prepared point read and one JSON.parse.
  async getHandle(handle: string): Promise<HandleRecord | undefined> {
    if (this.#closed) throw storeClosed(this.#description());
    try {
      return this.#read(handle);
    } catch (error) {
      throw this.#failure(error, `reading handle "${handle}"`);
    }
  }

  #read(handle: string): HandleRecord | undefined {
    const row = this.#sql.getHandle.get(handle);
    if (row === undefined) return undefined;
    return recordFromRow(handle, row);
  }

  async applyWrites(writes: readonly HandleWrite[], context: WriteContext): Promise<WriteOutcome[]> {
    return this.#run(`applying ${writes.length} handle write(s)`, () => (writes.length === 0 ? [] : this.#applyWrites(writes, context)));
  }

  async listHandles(prefix: string, offset: number, limit: number): Promise<{ total: number; handles: string[] }> {
    return this.#run(`listing handles under prefix "${prefix}"`, () => this.#listHandles(prefix, offset, limit));
  }

  async listHomedPrefixes(): Promise<HomedPrefix[]> {
    return this.#run('listing homed prefixes', () =>
      this.#sql.listHomed.all().map((row) => ({ prefix: row.prefix, source: row.source, createdAtMs: row.created_at_ms })),
    );
  }

  async addHomedPrefix(prefix: HomedPrefix): Promise<boolean> {
    return this.#run(`homing prefix "${prefix.prefix}"`, () => this.#sql.addHomed.run(prefix.prefix, prefix.source, prefix.createdAtMs).changes === 1);
  }

  async removeHomedPrefix(prefix: string): Promise<boolean> {
    return this.#run(`unhoming prefix "${prefix}"`, () => this.#sql.removeHomed.run(prefix).changes === 1);
  }

  async insertPrincipal(principal: PrincipalRecord): Promise<boolean> {
    return this.#run(`inserting principal "${principal.id}"`, () => {
      const { id, role, prefix, name, secret, createdAtMs, revokedAtMs } = principal;
      return this.#sql.insertPrincipal.run(id, role, prefix ?? null, name, secret.hash, secret.salt, createdAtMs, revokedAtMs ?? null).changes === 1;
    });
  }

  async getPrincipal(id: string): Promise<PrincipalRecord | undefined> {
    return this.#run(`reading principal "${id}"`, () => {
      const row = this.#sql.getPrincipal.get(id);
      return row === undefined ? undefined : principalFromRow(row);
    });
  }

  async listPrincipals(role?: PrincipalRole): Promise<PrincipalRecord[]> {
    return this.#run('listing principals', () =>
      (role === undefined ? this.#sql.listPrincipals.all() : this.#sql.listPrincipalsByRole.all(role)).map(principalFromRow),
    );
  }

  async updatePrincipalSecret(id: string, secret: StoredSecret): Promise<boolean> {
    return this.#run(`updating the secret of principal "${id}"`, () => this.#sql.updateSecret.run(secret.hash, secret.salt, id).changes === 1);
  }

  async revokePrincipal(id: string, revokedAtMs: number): Promise<boolean> {
    return this.#run(`revoking principal "${id}"`, () => this.#sql.revokePrincipal.run(revokedAtMs, id).changes === 1);
  }

  async addCounters(deltas: readonly CounterDelta[]): Promise<void> {
    return this.#run(`adding ${deltas.length} counter delta(s)`, () => {
      if (deltas.length > 0) this.#addCounters(deltas);
    });
  }

  async listCounters(fromDay: string, toDay: string): Promise<CounterRow[]> {
    return this.#run(`listing counters from ${fromDay} to ${toDay}`, () => this.#sql.listCounters.all(fromDay, toDay));
  }

  async sumCounters(query: CounterQuery): Promise<CounterSum[]> {
    return this.#run(`summing counters from ${query.fromDay} to ${query.toDay}`, () => {
      const { dimensions, key } = groupedDimensions(query);
      let statement = this.#sums.get(key);
      if (statement === undefined) {
        statement = this.#db.prepare(sumCountersSql('counters', dimensions, ['?', '?', '?', '?']));
        this.#sums.set(key, statement);
      }
      const prefix = query.prefix ?? null;
      return statement.all(query.fromDay, query.toDay, prefix, prefix).map((row) => toCounterSum(row, dimensions));
    });
  }

  async listLedgerEntries(): Promise<LedgerRow[]> {
    return this.#run('listing the ledger', () => this.#sql.listLedger.all());
  }

  async appendLedgerEntry(entry: LedgerRow): Promise<boolean> {
    return this.#run(`appending the ledger entry of ${entry.day}`, () => this.#sql.appendLedger.run(entry.seq, entry.day, entry.entry).changes === 1);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.#run(`reading setting "${key}"`, () => this.#sql.getMeta.get(key));
  }

  async initMeta(key: string, value: string): Promise<string> {
    return this.#run(`initialising setting "${key}"`, () => {
      this.#sql.initMeta.run(key, value);
      return this.#sql.getMeta.get(key) as string;
    });
  }

  /** Never calls `listener`: only this process writes handles to the file. */
  onForeignChange(_listener: (handle: string | undefined) => void): () => void {
    return () => {};
  }

  async ping(): Promise<void> {
    return this.#run('ping', () => {
      this.#sql.ping.get();
    });
  }

  /** Idempotent. Every later call on the store rejects with STORE_UNAVAILABLE. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #run<T>(what: string, body: () => T): T {
    if (this.#closed) throw storeClosed(this.#description());
    try {
      return body();
    } catch (error) {
      throw this.#failure(error, what);
    }
  }

  #failure(error: unknown, what: string): IdnodeError {
    return storeFailure(error, `${what} in ${this.#description()}`, isUnavailable);
  }

  #description(): string {
    return `the SQLite store ${this.file}`;
  }
}
