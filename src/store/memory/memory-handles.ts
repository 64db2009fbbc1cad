import { publicAnswerJson } from '../../core/resolver/public-answer.js';
import type { CounterDelta, CreateWrite, HandleRecord, HandleWrite, StoredAnswer, WriteContext, WriteOutcome, WriteStatus } from '../../core/store/store.js';
import { countersFor, createdValues, isDistinctCreates, planWrites } from '../write-plan.js';
import { RecordFreezer } from './frozen-records.js';
import { MemorySearchIndex } from './memory-search-index.js';
import { compareUtf8 } from '../../core/store/utf8-order.js';

/** The outcome of applying writes: what the caller gets, and the counter deltas still to be added with them. */
export interface AppliedWrites {
  readonly outcomes: WriteOutcome[];
  readonly counters: CounterDelta[];
}

/** The handles of one prefix, for listing: `sorted` is dropped whenever the set changes and rebuilt on the next listing. */
interface PrefixHandles {
  readonly handles: Set<string>;
  sorted: string[] | undefined;
}

/**
 * The handle table of the in-memory store: frozen records by handle (see RecordFreezer), and the handles under
 * each prefix. Synchronous, so every call is its own snapshot and transaction. Writes follow the shared write
 * plan (write-plan.ts) as the SQL stores do, so the three cannot disagree on an outcome.
 */
export class MemoryHandles {
  readonly #records = new Map<string, HandleRecord>();
  readonly #byPrefix = new Map<string, PrefixHandles>();
  /** Kept by #put and #delete, the only changes of #records. */
  readonly search = new MemorySearchIndex();

  /** Each frozen record's public answer, made on its first read: a write replaces the record, so it never goes stale. */
  readonly #answers = new WeakMap<HandleRecord, StoredAnswer>();

  get(handle: string): HandleRecord | undefined {
    return this.#records.get(handle);
  }

  /** See HandleStore.getStoredAnswer. */
  storedAnswer(handle: string): StoredAnswer | undefined {
    const record = this.#records.get(handle);
    if (record === undefined) return undefined;
    let answer = this.#answers.get(record);
    if (answer === undefined) {
      answer = { publicJson: publicAnswerJson(record.handle, record.values), record: () => record };
      this.#answers.set(record, answer);
    }
    return answer;
  }

  /**
   * Applies the writes whole or not at all: every record is built (and every value copied) before the first
   * change, so a value that cannot be stored throws Error with the table untouched. The counters returned must
   * be added by the caller before it yields, to commit with the writes.
   */
  apply(writes: readonly HandleWrite[], context: WriteContext): AppliedWrites {
    if (isDistinctCreates(writes)) return this.#createAll(writes, context);
    const loaded = new Map<string, HandleRecord | undefined>();
    for (const write of writes) loaded.set(write.handle, this.#records.get(write.handle));
    const plan = planWrites(writes, loaded, context);
    const freezer = new RecordFreezer();
    const stored: [string, HandleRecord | undefined][] = [];
    for (const [handle, { after }] of plan.changes) {
      stored.push([handle, after === undefined ? undefined : freezer.record(handle, after.prefix, after.values, after.createdAtMs, after.updatedAtMs)]);
    }
    for (const [handle, record] of stored) {
      if (record === undefined) this.#delete(handle);
      else this.#put(record);
    }
    return { outcomes: plan.outcomes, counters: plan.counters };
  }

  /** The bulk paths' common case (see isDistinctCreates): insert where absent, without planning. */
  #createAll(writes: readonly CreateWrite[], context: WriteContext): AppliedWrites {
    const freezer = new RecordFreezer();
    const outcomes: WriteOutcome[] = new Array(writes.length);
    const statuses: WriteStatus[] = new Array(writes.length);
    const prefixes: string[] = new Array(writes.length);
    const created: HandleRecord[] = [];
    for (let k = 0; k < writes.length; k++) {
      const write = writes[k]!;
      const existing = this.#records.get(write.handle);
      prefixes[k] = write.prefix;
      if (existing === undefined) {
        created.push(freezer.record(write.handle, write.prefix, createdValues(write), context.nowMs, context.nowMs));
        outcomes[k] = { handle: write.handle, status: (statuses[k] = 'created') };
      } else {
        outcomes[k] = { handle: write.handle, status: (statuses[k] = 'exists'), existing };
      }
    }
    for (const record of created) this.#put(record);
    return { outcomes, counters: countersFor(prefixes, statuses, context) };
  }

  /** See HandleStore.listHandles. */
  list(prefix: string, offset: number, limit: number): { total: number; handles: string[] } {
    const under = this.#byPrefix.get(prefix);
    if (under === undefined) return { total: 0, handles: [] };
    under.sorted ??= [...under.handles].sort(compareUtf8);
    return { total: under.sorted.length, handles: under.sorted.slice(offset, offset + limit) };
  }

  #put(record: HandleRecord): void {
    const before = this.#records.get(record.handle);
    const isNew = before === undefined;
    this.#records.set(record.handle, record);
    this.search.change(record.handle, before?.values, record.values);
    const prefix = prefixOf(record.handle);
    if (!isNew || prefix === undefined) return;
    let under = this.#byPrefix.get(prefix);
    if (under === undefined) this.#byPrefix.set(prefix, (under = { handles: new Set(), sorted: undefined }));
    under.handles.add(record.handle);
    under.sorted = undefined;
  }

  #delete(handle: string): void {
    const prefix = prefixOf(handle);
    const before = this.#records.get(handle);
    if (!this.#records.delete(handle)) return;
    this.search.change(handle, before!.values, undefined);
    if (prefix === undefined) return;
    const under = this.#byPrefix.get(prefix)!;
    under.handles.delete(handle);
    under.sorted = undefined;
    if (under.handles.size === 0) this.#byPrefix.delete(prefix);
  }
}

/**
 * The prefix a handle is listed under: the text before its first "/", as the SQL stores' key ranges select
 * (a prefix holds no "/"). `undefined` for a handle without one, which no listing shows.
 */
function prefixOf(handle: string): string | undefined {
  const slash = handle.indexOf('/');
  return slash < 0 ? undefined : handle.slice(0, slash);
}
