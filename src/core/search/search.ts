import { canReadPrivate } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { IdnodeError } from '../errors/catalogue.js';
import type { HandleRecord, HandleStore, SearchHit, SearchStore } from '../store/store.js';
import { compareUtf8 } from '../store/utf8-order.js';
import { isNeverShown, isPublic, type HandleValue } from '../values/handle-value.js';
import { KEY_MAX_CHARS, searchKeyOf } from './search-keys.js';
import { keyRange, matchesPattern, type SearchCondition } from './search-pattern.js';

/** Most handles one page may hold. */
export const MAX_SEARCH_LIMIT = 1000;
export const DEFAULT_SEARCH_LIMIT = 100;
/**
 * Most index entries one call reads. A call that reaches it answers the handles found so far with a cursor
 * (or, paged by number, SEARCH_TOO_BROAD): a search's cost is bounded whatever the pattern and the data.
 */
export const SCAN_BUDGET = 20_000;
/** Paging by number (hrls) reads every earlier page again: page × limit + limit may be at most this. */
export const MAX_PAGED_RESULTS = 10_000;
/** Entries read from the index per store call. */
const SCAN_BATCH = 500;
/** Entries counted per bounded condition to choose the one to read (the fewest wins). */
const ESTIMATE_SCAN = 64;

export interface SearchQuery {
  readonly conditions: readonly SearchCondition[];
  /** 1..MAX_SEARCH_LIMIT. */
  readonly limit: number;
  /** Resume where a previous page of the same query ended (SearchPage.cursor). */
  readonly cursor?: string;
  /**
   * Paged by number (hrls): skip this many results first (page × limit), and the page must be whole, since
   * no cursor can resume it: a search that reads SCAN_BUDGET entries first is refused (SEARCH_TOO_BROAD).
   * Not with a cursor.
   */
  readonly skip?: number;
}

export interface SearchPage {
  /** In the order of the driving condition's values (then handles), each once. */
  readonly handles: string[];
  /** Present when more results may follow: pass it back as SearchQuery.cursor for the next page. */
  readonly cursor?: string;
  /** Index entries read (for /metrics). */
  readonly scanned: number;
  /** Handle records read (for /metrics). */
  readonly recordsRead: number;
}

/** Where a page ended: the condition read and the last entry consumed. */
interface Position {
  readonly driver: number;
  readonly after: SearchHit;
}

/**
 * Reverse lookup (docs/design.md §4): the handles having, for every condition, a value of its type matching its
 * pattern that the caller may read (public values for everyone; every value but secret keys for whoever
 * canReadPrivate under the handle's prefix). Answered from the store's index (SearchStore), never by reading
 * every record:
 * - one condition drives: its index range (the pattern's text before the first "*"; the whole type for "*"
 *   alone) is read in order; of the bounded conditions, the one whose range holds the fewest entries (counted
 *   up to ESTIMATE_SCAN);
 * - each entry's key is checked against that pattern when it is the whole value (shorter than KEY_MAX_CHARS),
 *   then the handle's record is read and every condition checked on the values the caller may read, so an
 *   entry of a value since changed, deleted or private to the caller finds nothing;
 * - a handle with several matching values of the driving type is answered at the first of them only (the
 *   smallest key), so paging through the entries answers every handle exactly once.
 * Pages are cursors over the driving range, stable under concurrent writes: a handle written meanwhile is
 * answered or not depending on where its value falls, and never twice.
 */
export class Search {
  readonly #store: HandleStore & SearchStore;
  #scanned = 0;
  #recordsRead = 0;

  constructor(store: HandleStore & SearchStore) {
    this.#store = store;
  }

  /** Totals since start: index entries read and records read by every search (for /metrics). */
  get totals(): { readonly scanned: number; readonly recordsRead: number } {
    return { scanned: this.#scanned, recordsRead: this.#recordsRead };
  }

  /**
   * One page. Throws IdnodeError SEARCH_LIMIT_INVALID (limit outside 1..MAX_SEARCH_LIMIT, skip beyond
   * MAX_PAGED_RESULTS), SEARCH_CURSOR_INVALID (a cursor not issued for this query), SEARCH_TOO_BROAD (a search
   * paged by number that read SCAN_BUDGET entries before completing its page), or the store's errors.
   */
  async search(principal: Principal, query: SearchQuery): Promise<SearchPage> {
    const { conditions, limit } = query;
    const skip = query.skip ?? 0;
    const numbered = query.skip !== undefined;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
      throw new IdnodeError('SEARCH_LIMIT_INVALID', `limit must be an integer from 1 to ${MAX_SEARCH_LIMIT}, got ${limit}`);
    }
    if (skip + limit > MAX_PAGED_RESULTS) {
      throw new IdnodeError('SEARCH_LIMIT_INVALID', `page × limit + limit may be at most ${MAX_PAGED_RESULTS} (got ${skip + limit}); page further with GET /api/v1/search and its cursor`);
    }
    const start: { driver: number; after?: SearchHit } =
      query.cursor === undefined ? { driver: await this.#chooseDriver(conditions) } : decodeCursor(query.cursor, conditions);
    const driving = conditions[start.driver]!;
    const { from, to } = keyRange(driving);
    const handles: string[] = [];
    let toSkip = skip;
    let after: SearchHit | undefined = start.after;
    let scanned = 0;
    let recordsRead = 0;
    let cursor: string | undefined;
    try {
      scan: for (;;) {
        const batch = Math.min(SCAN_BATCH, SCAN_BUDGET - scanned);
        const hits = await this.#store.scanSearchIndex({ type: driving.type, from, to, limit: batch, ...(after === undefined ? {} : { after }) });
        for (const hit of hits) {
          scanned++;
          after = hit;
          if (hit.key.length < KEY_MAX_CHARS && !matchesPattern(driving, hit.key)) continue;
          recordsRead++;
          const record = await this.#store.getHandle(hit.handle);
          if (record === undefined || !answersAt(record, principal, conditions, driving, hit.key)) continue;
          if (toSkip > 0) {
            toSkip--;
            continue;
          }
          handles.push(hit.handle);
          if (handles.length === limit) {
            cursor = encodeCursor({ driver: start.driver, after: hit });
            break scan;
          }
        }
        if (hits.length < batch && scanned < SCAN_BUDGET) break; // the range is read to its end
        if (scanned >= SCAN_BUDGET) {
          if (numbered) {
            throw new IdnodeError(
              'SEARCH_TOO_BROAD',
              `the search read ${SCAN_BUDGET} index entries without completing page ${skip / limit}; make the patterns more specific (a longer text before the first "*"), or page with GET /api/v1/search and its cursor`,
            );
          }
          cursor = encodeCursor({ driver: start.driver, after: after! });
          break;
        }
      }
    } finally {
      this.#scanned += scanned;
      this.#recordsRead += recordsRead;
    }
    return cursor === undefined ? { handles, scanned, recordsRead } : { handles, cursor, scanned, recordsRead };
  }

  /** The bounded condition (SearchCondition.bounded) whose range holds the fewest entries (counted up to ESTIMATE_SCAN); the first on a tie. */
  async #chooseDriver(conditions: readonly SearchCondition[]): Promise<number> {
    let best = -1;
    let fewest = Infinity;
    for (let k = 0; k < conditions.length; k++) {
      const condition = conditions[k]!;
      if (!condition.bounded) continue;
      const { from, to } = keyRange(condition);
      const count = (await this.#store.scanSearchIndex({ type: condition.type, from, to, limit: ESTIMATE_SCAN })).length;
      if (count < fewest) {
        best = k;
        fewest = count;
      }
    }
    return best;
  }
}

/** May `principal` see `value` of a handle under `prefix`? Secret keys never; private values with canReadPrivate. */
function readable(value: HandleValue, principal: Principal, prefix: string): boolean {
  return !isNeverShown(value) && (isPublic(value) || canReadPrivate(principal, prefix));
}

/**
 * True when the record satisfies every condition with values the caller may read, and `key` is the smallest key
 * among its readable values matching the driving condition (so the handle is answered at one entry only).
 */
function answersAt(record: HandleRecord, principal: Principal, conditions: readonly SearchCondition[], driving: SearchCondition, key: string): boolean {
  const visible = record.values.filter((value) => readable(value, principal, record.prefix));
  let smallest: string | undefined;
  for (const value of visible) {
    if (value.type !== driving.type || value.data.format !== 'string' || !matchesPattern(driving, value.data.value)) continue;
    const valueKey = searchKeyOf(value);
    if (valueKey !== undefined && (smallest === undefined || compareUtf8(valueKey, smallest) < 0)) smallest = valueKey;
  }
  if (smallest !== key) return false;
  return conditions.every(
    (condition) =>
      condition === driving ||
      visible.some((value) => value.type === condition.type && value.data.format === 'string' && matchesPattern(condition, value.data.value)),
  );
}

/**
 * A cursor is opaque to clients: base64url of the JSON [driver, key, handle]. Decoding checks it against the
 * query (driver a bounded condition of it, key inside its range), so a cursor of another query is refused rather
 * than silently answering something else.
 */
function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.driver, position.after.key, position.after.handle])).toString('base64url');
}

function decodeCursor(cursor: string, conditions: readonly SearchCondition[]): Position {
  const refuse = (why: string) => new IdnodeError('SEARCH_CURSOR_INVALID', `the cursor ${JSON.stringify(cursor.slice(0, 64))} ${why}; start again without one`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse('is not one this node issued');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !Number.isInteger(parsed[0]) || typeof parsed[1] !== 'string' || typeof parsed[2] !== 'string') {
    throw refuse('is not one this node issued');
  }
  const [driver, key, handle] = parsed as [number, string, string];
  const condition = conditions[driver];
  if (condition === undefined || !condition.bounded) throw refuse('belongs to another query');
  const { from, to } = keyRange(condition);
  if (compareUtf8(key, from) < 0 || (to !== undefined && compareUtf8(key, to) >= 0)) throw refuse('belongs to another query');
  return { driver, after: { key, handle } };
}
