import { LRUCache } from 'lru-cache';
import type { Monotonic } from '../clock/monotonic.js';
import { PUBLIC_JSON_KEY, publicJsonHasValues, publicValuesOf } from '../resolver/public-answer.js';
import type { HandleRecord, StoredAnswer } from '../store/store.js';
import type { HandleValue } from '../values/handle-value.js';
import { Doorkeeper } from './doorkeeper.js';

export interface CacheOptions {
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** Upper bound on any entry's life, whatever its values' TTLs. */
  readonly maxTtlSeconds: number;
  /** Life of a not-found answer. 0 disables negative caching. */
  readonly notFoundTtlSeconds: number;
  /** Measures entries' lives (see Monotonic: it never reads 0). */
  readonly monotonic: Monotonic;
  /**
   * 'second-sight' (the node's choice): `offer` keeps an answer only for an identifier missed before since the
   * doorkeeper's last reset, so a scan of identifiers read once does not evict the hot ones. 'always': every
   * offered answer is kept (the default, for tests that want every miss cached).
   */
  readonly admission?: 'always' | 'second-sight';
}

/**
 * One resolution answer as kept in the cache. `record` undefined means "not found". `publicValues` is what an
 * anonymous caller sees, computed once (the record's own array when every value is public, as usual); no
 * value never shown (isNeverShown: secret keys) is among them. Readers serve `publicValues`, or
 * shownValues(record.values) to a privileged caller, never `record.values` as they are.
 * `encodings` lets a front end keep its encoded form of the anonymous, unfiltered answer next to the data
 * (the warm path then skips serialisation); the key names the front end's encoding and the entry is dropped
 * with the record, so an encoding is never staler than its data. A plain object, not a Map: a million
 * cached answers each carrying a Map cost about 150 MB more.
 */
export interface CachedAnswer {
  readonly record: HandleRecord | undefined;
  readonly publicValues: readonly HandleValue[];
  readonly encodings: Record<string, unknown>;
  /**
   * Set only on an answer read with its kept public body (answerFromStore): whether the anonymous, unfiltered
   * view has values, known without parsing the record, so the resolver can serve that view lazily.
   */
  readonly publicStatus?: 'found' | 'no-values';
  /**
   * True for an answer another node gave (recursive resolution): metered as `resolution.referred` whether it
   * came from that node or, later, from this cache. Absent on this node's own answers.
   */
  readonly referred?: true;
}

const NO_VALUES: readonly HandleValue[] = Object.freeze([]);

/** Whether the answer names an existing identifier, without parsing a record read with its kept body. */
export function isFound(answer: CachedAnswer): boolean {
  return answer.publicStatus !== undefined || answer.record !== undefined;
}

/** The answer for a record fresh from the store (`undefined`: not found). */
export function answerFor(record: HandleRecord | undefined): CachedAnswer {
  if (record === undefined) return { record, publicValues: NO_VALUES, encodings: {} };
  return { record, publicValues: publicValuesOf(record.values), encodings: {} };
}

/**
 * An answer read with the public body the store kept (HandleStore.getStoredAnswer): the REST encoding is
 * seeded with those bytes, and the record and its public values are parsed only when something reads them
 * (a privileged or filtered caller, another front end, the cache's TTL and size when admitted). A miss from
 * an anonymous REST caller therefore costs the point read and the write of the stored bytes.
 */
class StoredCachedAnswer implements CachedAnswer {
  readonly encodings: Record<string, unknown>;
  readonly publicStatus: 'found' | 'no-values';
  #publicValues: readonly HandleValue[] | undefined;

  constructor(private readonly stored: StoredAnswer) {
    this.encodings = { [PUBLIC_JSON_KEY]: stored.publicJson };
    this.publicStatus = publicJsonHasValues(stored.publicJson) ? 'found' : 'no-values';
  }

  get record(): HandleRecord {
    return this.stored.record();
  }

  get publicValues(): readonly HandleValue[] {
    return (this.#publicValues ??= publicValuesOf(this.stored.record().values));
  }
}

/** The answer for a store read with its kept public body (`undefined`: not found). */
export function answerFromStore(stored: StoredAnswer | undefined): CachedAnswer {
  return stored === undefined ? answerFor(undefined) : new StoredCachedAnswer(stored);
}

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

const ENTRY_OVERHEAD_BYTES = 200;
const VALUE_OVERHEAD_BYTES = 120;

/**
 * The resolution cache: bounded by entries and bytes, each entry living at most its smallest value TTL
 * (capped), not-found answers briefly. Writes invalidate synchronously; `generation` guards against a read
 * that started before a write re-inserting the old record after the write's invalidation.
 */
export class ResolutionCache {
  private readonly lru: LRUCache<string, CachedAnswer>;
  private readonly doorkeeper: Doorkeeper | undefined;
  private invalidations = 0;
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly options: CacheOptions) {
    this.lru = new LRUCache<string, CachedAnswer>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: estimateBytes,
      perf: options.monotonic,
      // Read at every check: by default lru-cache reuses one reading for 1 ms through a timer of its own, and
      // a virtual clock's advance made within that millisecond would go unseen.
      ttlResolution: 0,
    });
    this.doorkeeper = options.admission === 'second-sight' ? new Doorkeeper(options.maxEntries) : undefined;
  }

  /** `undefined` is a miss; an answer with `record` undefined is a cached not-found. */
  get(handle: string): CachedAnswer | undefined {
    const answer = this.lru.get(handle);
    if (answer === undefined) this.missCount++;
    else this.hitCount++;
    return answer;
  }

  /**
   * Whether `handle` would be answered from the cache now (a live entry, found or not-found), without
   * counting a hit or a miss or touching its recency: admission asks before deciding to shed.
   */
  has(handle: string): boolean {
    return this.lru.has(handle);
  }

  /** Read before fetching from the store, passed back to `remember`. */
  generation(): number {
    return this.invalidations;
  }

  /**
   * Caches `answer` unless an invalidation happened since `generation` was read, or its TTL (the smallest
   * value TTL, capped; the not-found TTL for a not-found answer) is 0.
   */
  put(handle: string, answer: CachedAnswer, generation: number): void {
    const record = answer.record;
    let ttlSeconds = record ? this.options.maxTtlSeconds : this.options.notFoundTtlSeconds;
    if (record) for (const value of record.values) if (value.ttl < ttlSeconds) ttlSeconds = value.ttl;
    if (ttlSeconds > 0 && generation === this.invalidations) this.lru.set(handle, answer, { ttl: ttlSeconds * 1000 });
  }

  /**
   * What the resolution pipeline calls on a miss: `put`, once the admission policy lets the identifier in
   * (with 'second-sight', on its second miss since the doorkeeper's last reset). Returns whether it was offered to `put`.
   * An answer another node gave (`referred`) is kept on first sight: the doorkeeper saves the LRU from scans of
   * cheap local reads, while asking that node again costs a network round trip and the other node's capacity.
   */
  offer(handle: string, answer: CachedAnswer, generation: number): boolean {
    if (answer.referred !== true && this.doorkeeper !== undefined && !this.doorkeeper.admit(handle)) return false;
    this.put(handle, answer, generation);
    return true;
  }

  invalidate(handle: string): void {
    this.invalidations++;
    this.lru.delete(handle);
  }

  clear(): void {
    this.invalidations++;
    this.lru.clear();
  }

  stats(): CacheStats {
    return { hits: this.hitCount, misses: this.missCount, entries: this.lru.size, bytes: this.lru.calculatedSize };
  }
}

function estimateBytes(answer: CachedAnswer): number {
  let bytes = ENTRY_OVERHEAD_BYTES;
  if (answer.record) {
    bytes += answer.record.handle.length * 2;
    for (const value of answer.record.values) {
      const data = value.data.format === 'admin' ? value.data.value.handle : value.data.value;
      bytes += VALUE_OVERHEAD_BYTES + (value.type.length + data.length) * 2;
    }
  }
  return bytes;
}
