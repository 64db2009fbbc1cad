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
  Store,
  StoredAnswer,
  StoredSecret,
  TemplateRecord,
  TokenRecord,
  WriteContext,
  WriteOutcome,
} from '../../core/store/store.js';
import { storeClosed, storeFailure } from '../store-error.js';
import { MemoryCounters } from './memory-counters.js';
import { MemoryHandles } from './memory-handles.js';
import { MemoryLedger } from './memory-ledger.js';
import { MemoryPrincipals } from './memory-principals.js';
import { MemoryTemplatesTokens } from './memory-templates-tokens.js';
import { compareUtf8 } from '../../core/store/utf8-order.js';

export interface MemoryStoreOptions {
  /** Names the store in error messages, e.g. the simulated node it belongs to. */
  readonly name?: string;
}

export interface MemoryStore extends Store {
  readonly kind: 'memory';
}

/**
 * A store that keeps everything in this process and loses it when the process ends or the store is closed:
 * for unit tests, demos and simulations of many nodes in one process, never for data that must last. It has
 * the SQLite store's semantics (the conformance suite holds for both): every call is atomic, orders are by
 * UTF-8 bytes, counters are additive, the ledger is append-only, and it never reports foreign changes (only
 * this process can write it). Each call completes synchronously, before the promise it returns settles.
 */
export function openMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStoreImpl(options.name === undefined ? 'the in-memory store' : `the in-memory store "${options.name}"`);
}

/** The data of an open store; dropped on close, so a closed store holds no memory. */
interface Tables {
  readonly handles: MemoryHandles;
  readonly homed: Map<string, HomedPrefix>;
  readonly principals: MemoryPrincipals;
  readonly counters: MemoryCounters;
  readonly ledger: MemoryLedger;
  readonly meta: Map<string, string>;
  readonly templatesTokens: MemoryTemplatesTokens;
}

class MemoryStoreImpl implements MemoryStore {
  readonly kind = 'memory' as const;
  /** applyWrites takes effect before it first yields, so calls commit in the order they are made. */
  readonly commitsInCallOrder = true;
  readonly #description: string;
  #tables: Tables | undefined = {
    handles: new MemoryHandles(),
    homed: new Map(),
    principals: new MemoryPrincipals(),
    counters: new MemoryCounters(),
    ledger: new MemoryLedger(),
    meta: new Map(),
    templatesTokens: new MemoryTemplatesTokens(),
  };

  constructor(description: string) {
    this.#description = description;
  }

  async getHandle(handle: string): Promise<HandleRecord | undefined> {
    return this.#open().handles.get(handle);
  }

  async getStoredAnswer(handle: string): Promise<StoredAnswer | undefined> {
    return this.readStoredAnswerNow(handle);
  }

  readStoredAnswerNow(handle: string): StoredAnswer | undefined {
    return this.#open().handles.storedAnswer(handle);
  }

  async applyWrites(writes: readonly HandleWrite[], context: WriteContext): Promise<WriteOutcome[]> {
    const tables = this.#open();
    if (writes.length === 0) return [];
    let applied;
    try {
      applied = tables.handles.apply(writes, context);
    } catch (error) {
      throw storeFailure(error, `applying ${writes.length} handle write(s) in ${this.#description}`, () => false);
    }
    // Before yielding, so the writes and their counters commit together.
    tables.counters.add(applied.counters);
    return applied.outcomes;
  }

  async listHandles(prefix: string, offset: number, limit: number): Promise<{ total: number; handles: string[] }> {
    return this.#open().handles.list(prefix, offset, limit);
  }

  async scanSearchIndex(scan: SearchScan): Promise<SearchHit[]> {
    return this.#open().handles.search.scan(scan);
  }

  async listHomedPrefixes(): Promise<HomedPrefix[]> {
    return [...this.#open().homed.values()].sort((a, b) => compareUtf8(a.prefix, b.prefix));
  }

  async addHomedPrefix(prefix: HomedPrefix): Promise<boolean> {
    const { homed } = this.#open();
    if (homed.has(prefix.prefix)) return false;
    homed.set(prefix.prefix, Object.freeze({ prefix: prefix.prefix, source: prefix.source, createdAtMs: prefix.createdAtMs }));
    return true;
  }

  async removeHomedPrefix(prefix: string): Promise<boolean> {
    return this.#open().homed.delete(prefix);
  }

  async insertPrincipal(principal: PrincipalRecord): Promise<boolean> {
    return this.#open().principals.insert(principal);
  }

  async getPrincipal(id: string): Promise<PrincipalRecord | undefined> {
    return this.#open().principals.get(id);
  }

  async listPrincipals(role?: PrincipalRole): Promise<PrincipalRecord[]> {
    return this.#open().principals.list(role);
  }

  async updatePrincipalSecret(id: string, secret: StoredSecret): Promise<boolean> {
    return this.#open().principals.updateSecret(id, secret);
  }

  async revokePrincipal(id: string, revokedAtMs: number): Promise<boolean> {
    return this.#open().principals.revoke(id, revokedAtMs);
  }

  async reinstatePrincipal(id: string, secret: StoredSecret): Promise<boolean> {
    return this.#open().principals.reinstate(id, secret);
  }

  async addCounters(deltas: readonly CounterDelta[]): Promise<void> {
    this.#open().counters.add(deltas);
  }

  async listCounters(fromDay: string, toDay: string): Promise<CounterRow[]> {
    return this.#open().counters.list(fromDay, toDay);
  }

  async sumCounters(query: CounterQuery): Promise<CounterSum[]> {
    const { counters } = this.#open();
    try {
      return counters.sum(query);
    } catch (error) {
      throw storeFailure(error, `summing counters from ${query.fromDay} to ${query.toDay} in ${this.#description}`, () => false);
    }
  }

  async listLedgerEntries(): Promise<LedgerRow[]> {
    return this.#open().ledger.list();
  }

  async appendLedgerEntry(entry: LedgerRow): Promise<boolean> {
    return this.#open().ledger.append(entry);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.#open().meta.get(key);
  }

  async initMeta(key: string, value: string): Promise<string> {
    const { meta } = this.#open();
    const existing = meta.get(key);
    if (existing !== undefined) return existing;
    meta.set(key, value);
    return value;
  }

  async insertTemplate(template: TemplateRecord): Promise<boolean> {
    return this.#open().templatesTokens.insertTemplate(template);
  }

  async replaceTemplate(template: TemplateRecord): Promise<boolean> {
    return this.#open().templatesTokens.replaceTemplate(template);
  }

  async getTemplate(prefix: string, version: string): Promise<TemplateRecord | undefined> {
    return this.#open().templatesTokens.getTemplate(prefix, version);
  }

  async listTemplates(prefix: string): Promise<TemplateRecord[]> {
    return this.#open().templatesTokens.listTemplates(prefix);
  }

  async deleteTemplate(prefix: string, version: string): Promise<boolean> {
    return this.#open().templatesTokens.deleteTemplate(prefix, version);
  }

  async insertToken(token: TokenRecord, nowMs: number): Promise<void> {
    this.#open().templatesTokens.insertToken(token, nowMs);
  }

  async getToken(hash: Buffer): Promise<TokenRecord | undefined> {
    return this.#open().templatesTokens.getToken(hash);
  }

  async setLoginDigest(principalId: string, digest: LoginDigest): Promise<void> {
    this.#open().templatesTokens.setLoginDigest(principalId, digest);
  }

  async getLoginDigest(principalId: string): Promise<LoginDigest | undefined> {
    return this.#open().templatesTokens.getLoginDigest(principalId);
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.#open().meta.set(key, value);
  }

  async deleteMeta(key: string): Promise<boolean> {
    return this.#open().meta.delete(key);
  }

  /** Never calls `listener`: only this process can write the store. */
  onForeignChange(_listener: (handle: string | undefined) => void): () => void {
    return () => {};
  }

  async ping(): Promise<void> {
    this.#open();
  }

  /** Idempotent. Drops every table; every later call rejects with STORE_UNAVAILABLE. */
  async close(): Promise<void> {
    this.#tables = undefined;
  }

  /** The tables; throws STORE_UNAVAILABLE once the store is closed (a rejection, from the async methods). */
  #open(): Tables {
    if (this.#tables === undefined) throw storeClosed(this.#description);
    return this.#tables;
  }
}
