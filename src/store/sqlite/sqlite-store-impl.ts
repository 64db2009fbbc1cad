import type Database from 'better-sqlite3';
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
  SearchHit,
  SearchScan,
  StoredAnswer,
  StoredSecret,
  TemplateRecord,
  TokenRecord,
  WriteChunk,
  WriteContext,
  WriteOutcome,
} from '../../core/store/store.js';
import { groupedDimensions, sumCountersSql, toCounterSum } from '../counter-sums.js';
import { storeClosed, storeFailure } from '../store-error.js';
import { principalFromRow, recordFromRow, storedAnswerFromRow, templateFromRow, tokenFromRow, valuesJsonOf } from '../store-rows.js';
import { publicAnswerJson } from '../../core/resolver/public-answer.js';
import { createdValues, isDistinctWholeWrites, type WholeWrite } from '../write-plan.js';
import { sqliteDescription } from './sqlite-open.js';
import { isUnavailable, NO_UPPER_BOUND, prefixRange, readStatements } from './sqlite-statements.js';
import { searchEntriesOf } from '../../core/search/search-keys.js';
import type { SqliteWrites } from './sqlite-writes.js';
import type { WriteCallOptions, WriteChannel } from './write-channel.js';
import { WritesPacker } from './packed-writes.js';
import type { SqliteSettings, SqliteStore } from './sqlite-store.js';

/** A write chunk's packing (startWriteChunk), as its writes are added. */
interface PackedAhead {
  readonly packer: WritesPacker;
  /** False once a write could not be packed ahead (one that is not a create or replace, or cannot be encoded). */
  usable: boolean;
}

/**
 * The embedded store. Reads run on this thread's connection (WAL: never blocked by the writer); every write
 * runs on the writer thread (SqliteWriter, or the primary's through ForwardedWriter), one transaction at a time. Only this process writes handles (the
 * CLI writes principals, prefixes and meta only), so the only foreign changes to report are writes whose outcome
 * is unknown (onForeignChange).
 */
export class SqliteStoreImpl implements SqliteStore {
  readonly kind = 'sqlite' as const;
  /** Every write goes to one writer thread (this process's, or the primary's through ForwardedWriter) in call order. */
  readonly commitsInCallOrder = true;
  readonly writer: WriteChannel['kind'];
  readonly #db: Database.Database;
  readonly #sql: ReturnType<typeof readStatements>;
  readonly #writer: WriteChannel;
  /** One prepared sumCounters statement per combination of grouped dimensions, prepared on first use. */
  readonly #sums = new Map<string, Database.Statement<[string, string, string | null, string | null], Record<string, unknown>>>();
  readonly #listHandles: (prefix: string, offset: number, limit: number) => { total: number; handles: string[] };
  #closed = false;
  /** Chunks packed as their writes were added (startWriteChunk), by their writes array, until applyWrites spends them. */
  readonly #ahead = new WeakMap<readonly HandleWrite[], PackedAhead>();

  constructor(
    db: Database.Database,
    writer: WriteChannel,
    readonly file: string,
    readonly settings: SqliteSettings,
    private readonly skipSearchIndexOnCreate: boolean,
  ) {
    this.#db = db;
    this.#writer = writer;
    this.writer = writer.kind;
    const sql = readStatements(db);
    this.#sql = sql;
    // One read transaction, so the page and the total describe the same snapshot.
    const listHandles = db.transaction((prefix: string, offset: number, limit: number) => {
      const [from, to] = prefixRange(prefix);
      return { total: sql.countHandles.get(from, to) ?? 0, handles: sql.pageHandles.all(from, to, limit, offset) };
    });
    this.#listHandles = (prefix, offset, limit) => listHandles.deferred(prefix, offset, limit);
  }

  get writerRestarts(): number {
    return this.#writer.restarts;
  }

  // The resolution hot path: one prepared point read and one JSON.parse.
  async getHandle(handle: string): Promise<HandleRecord | undefined> {
    return this.#run(`reading handle "${handle}"`, () => {
      const row = this.#sql.getHandle.get(handle);
      return row === undefined ? undefined : recordFromRow(handle, row);
    });
  }

  async getStoredAnswer(handle: string): Promise<StoredAnswer | undefined> {
    return this.readStoredAnswerNow(handle);
  }

  // The resolution path's miss: one prepared point read; the values are parsed only if someone asks.
  readStoredAnswerNow(handle: string): StoredAnswer | undefined {
    // Not #run: its message would be built on every call, and this one runs on every miss.
    if (this.#closed) throw storeClosed(this.#description());
    try {
      const row = this.#sql.getStoredAnswer.get(handle);
      return row === undefined ? undefined : storedAnswerFromRow(handle, row);
    } catch (error) {
      throw storeFailure(error, `reading handle "${handle}" in ${this.#description()}`, isUnavailable);
    }
  }

  /**
   * Each write is packed as it is added, so its JSON is built and copied into the chunk's off-heap buffer at
   * once and dies young. (Keeping the encoded strings for the hand-over instead kept them alive across young
   * collections: measured, the import's main thread cost 30-50% more.)
   */
  startWriteChunk(expected: number): WriteChunk {
    const writes: HandleWrite[] = [];
    const ahead: PackedAhead = { packer: new WritesPacker(expected), usable: true };
    this.#ahead.set(writes, ahead);
    return {
      writes,
      add: (write) => {
        writes.push(write);
        if (!ahead.usable) return;
        if (write.op !== 'create' && write.op !== 'replace') {
          ahead.usable = false;
          return;
        }
        try {
          this.#pack(ahead.packer, write);
        } catch {
          // applyWrites encodes the writes again and fails the call as the contract says.
          ahead.usable = false;
        }
      },
    };
  }

  async applyWrites(writes: readonly HandleWrite[], context: WriteContext): Promise<WriteOutcome[]> {
    if (writes.length === 0) return this.#run('applying no handle writes', () => []);
    const what = `applying ${writes.length} handle write(s)`;
    // Bench only: skipping the index on create must leave an updated row's entries alone, so replaces plan.
    if (isDistinctWholeWrites(writes) && !(this.skipSearchIndexOnCreate && writes.some((write) => write.op === 'replace'))) {
      return this.#writeWhole(writes, context, what);
    }
    return this.#write('applyWrites', [writes, context], what);
  }

  /**
   * Distinct creates and replaces (every bulk chunk, every plain PUT) are encoded here, on the caller's thread,
   * into the rows they would write, packed into one buffer (WritesPacker) that is transferred to the writer,
   * which inserts where absent and reads only the rows that conflict. A value that cannot be encoded fails the
   * call as a store failure, before anything is sent.
   */
  async #writeWhole(writes: readonly WholeWrite[], context: WriteContext, what: string): Promise<WriteOutcome[]> {
    const ahead = this.#ahead.get(writes);
    this.#ahead.delete(writes);
    const packed =
      ahead?.usable === true && ahead.packer.written === writes.length
        ? ahead.packer.finish()
        : this.#run(what, () => {
            const packer = new WritesPacker(writes.length);
            for (const write of writes) this.#pack(packer, write);
            return packer.finish();
          });
    // More than one write is a bulk chunk (a PUT is one): sent at once, since its caller prepares the next chunk
    // in this turn; a PUT waits for the turn's end, to share a message and a commit with concurrent ones.
    const results = await this.#write('writePacked', [packed, context], what, { transfer: [packed.bytes.buffer as ArrayBuffer], now: writes.length > 1 });
    const outcomes: WriteOutcome[] = new Array(results.length);
    for (let k = 0; k < results.length; k++) {
      const result = results[k]!;
      const handle = writes[k]!.handle;
      outcomes[k] =
        result === null
          ? { handle, status: 'created' }
          : result === 'updated'
            ? { handle, status: 'updated' }
            : { handle, status: 'exists', existing: recordFromRow(handle, result) };
    }
    return outcomes;
  }

  async listHandles(prefix: string, offset: number, limit: number): Promise<{ total: number; handles: string[] }> {
    return this.#run(`listing handles under prefix "${prefix}"`, () => this.#listHandles(prefix, offset, limit));
  }

  async scanSearchIndex(scan: SearchScan): Promise<SearchHit[]> {
    return this.#run(`scanning the search index for ${scan.type}`, () => {
      const after = scan.after ?? { key: scan.from, handle: '' };
      return this.#sql.scanSearch.all(scan.type, after.key, after.handle, scan.to ?? NO_UPPER_BOUND, scan.limit);
    });
  }

  async listHomedPrefixes(): Promise<HomedPrefix[]> {
    return this.#run('listing homed prefixes', () =>
      this.#sql.listHomed.all().map((row) => ({ prefix: row.prefix, source: row.source, createdAtMs: row.created_at_ms })),
    );
  }

  async addHomedPrefix(prefix: HomedPrefix): Promise<boolean> {
    return this.#write('addHomedPrefix', [prefix], `homing prefix "${prefix.prefix}"`);
  }

  async removeHomedPrefix(prefix: string): Promise<boolean> {
    return this.#write('removeHomedPrefix', [prefix], `unhoming prefix "${prefix}"`);
  }

  async insertPrincipal(principal: PrincipalRecord): Promise<boolean> {
    return this.#write('insertPrincipal', [principal], `inserting principal "${principal.id}"`);
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
    return this.#write('updatePrincipalSecret', [id, secret], `updating the secret of principal "${id}"`);
  }

  async revokePrincipal(id: string, revokedAtMs: number): Promise<boolean> {
    return this.#write('revokePrincipal', [id, revokedAtMs], `revoking principal "${id}"`);
  }

  async reinstatePrincipal(id: string, secret: StoredSecret): Promise<boolean> {
    return this.#write('reinstatePrincipal', [id, secret], `reinstating principal "${id}"`);
  }

  async addCounters(deltas: readonly CounterDelta[]): Promise<void> {
    if (deltas.length === 0) return this.#run('adding no counter deltas', () => undefined);
    return this.#write('addCounters', [deltas], `adding ${deltas.length} counter delta(s)`);
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
    return this.#write('appendLedgerEntry', [entry], `appending the ledger entry of ${entry.day}`);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.#run(`reading setting "${key}"`, () => this.#sql.getMeta.get(key));
  }

  async initMeta(key: string, value: string): Promise<string> {
    return this.#write('initMeta', [key, value], `initialising setting "${key}"`);
  }

  async insertTemplate(template: TemplateRecord): Promise<boolean> {
    return this.#write('insertTemplate', [template], `inserting template ${template.prefix} ${template.version}`);
  }

  async replaceTemplate(template: TemplateRecord): Promise<boolean> {
    return this.#write('replaceTemplate', [template], `replacing template ${template.prefix} ${template.version}`);
  }

  async getTemplate(prefix: string, version: string): Promise<TemplateRecord | undefined> {
    return this.#run(`reading template ${prefix} ${version}`, () => {
      const row = this.#sql.getTemplate.get(prefix, version);
      return row === undefined ? undefined : templateFromRow(row);
    });
  }

  async listTemplates(prefix: string): Promise<TemplateRecord[]> {
    return this.#run(`listing the templates of ${prefix}`, () => this.#sql.listTemplates.all(prefix).map(templateFromRow));
  }

  async deleteTemplate(prefix: string, version: string): Promise<boolean> {
    return this.#write('deleteTemplate', [prefix, version], `deleting template ${prefix} ${version}`);
  }

  async insertToken(token: TokenRecord, nowMs: number): Promise<void> {
    return this.#write('insertToken', [token, nowMs], `keeping a login token of "${token.principalId}"`);
  }

  async getToken(hash: Buffer): Promise<TokenRecord | undefined> {
    return this.#run('reading a login token', () => {
      const row = this.#sql.getToken.get(hash);
      return row === undefined ? undefined : tokenFromRow(row);
    });
  }

  async setLoginDigest(principalId: string, digest: LoginDigest): Promise<void> {
    return this.#write('setLoginDigest', [principalId, digest], `setting the login digest of "${principalId}"`);
  }

  async getLoginDigest(principalId: string): Promise<LoginDigest | undefined> {
    return this.#run(`reading the login digest of "${principalId}"`, () => this.#sql.getLoginDigest.get(principalId));
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.#write('setMeta', [key, value], `setting "${key}"`);
  }

  async deleteMeta(key: string): Promise<boolean> {
    return this.#write('deleteMeta', [key], `deleting setting "${key}"`);
  }

  /**
   * Only this process writes its handles, but a write whose writer ended before answering (SqliteWriter's thread,
   * a worker's primary) may have committed unacknowledged, and its handles were not invalidated: then anything
   * may have changed (undefined).
   */
  onForeignChange(listener: (handle: string | undefined) => void): () => void {
    return this.#writer.onUnknownOutcomes(() => listener(undefined));
  }

  async ping(): Promise<void> {
    return this.#run('ping', () => {
      this.#sql.ping.get();
    });
  }

  /** Idempotent. Writes already sent complete first; every later call on the store rejects with STORE_UNAVAILABLE. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#writer.close();
    } finally {
      this.#db.close();
    }
  }

  #write<K extends keyof SqliteWrites>(op: K, args: Parameters<SqliteWrites[K]>, what: string, options?: WriteCallOptions): Promise<ReturnType<SqliteWrites[K]>> {
    if (this.#closed) return Promise.reject(storeClosed(this.#description()));
    return this.#writer.call(op, args, what, options);
  }

  /** Encodes a create or replace into the rows it writes (the values' JSON, the kept public answer, the search entries) and packs them. */
  #pack(packer: WritesPacker, write: WholeWrite): void {
    const values = createdValues(write);
    const valuesJson = valuesJsonOf(values);
    const publicJson = publicAnswerJson(write.handle, values);
    const entries = this.skipSearchIndexOnCreate ? [] : searchEntriesOf(write.handle, values);
    // Everything that can throw is done: the packer never holds half a write.
    packer.write(write.handle, write.prefix, valuesJson, publicJson, write.op === 'replace');
    for (const entry of entries) packer.entry(entry.type, entry.key);
  }

  #run<T>(what: string, body: () => T): T {
    if (this.#closed) throw storeClosed(this.#description());
    try {
      return body();
    } catch (error) {
      throw storeFailure(error, `${what} in ${this.#description()}`, isUnavailable);
    }
  }

  #description(): string {
    return sqliteDescription(this.file);
  }
}
