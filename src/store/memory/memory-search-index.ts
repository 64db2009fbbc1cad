import type { SearchHit, SearchScan } from '../../core/store/store.js';
import { searchEntryChanges } from '../../core/search/search-keys.js';
import type { HandleValue } from '../../core/values/handle-value.js';
import { compareUtf8 } from '../../core/store/utf8-order.js';

/** The entries of one type: a set for writes, and its sorted copy, dropped when the set changes and rebuilt by the next scan. */
interface TypeEntries {
  readonly hits: Map<string, SearchHit>;
  sorted: SearchHit[] | undefined;
}

/**
 * The in-memory store's reverse-lookup index (see SearchStore). A write is O(1); the first scan after writes
 * sorts the type's entries again (O(n log n)): fine for the tests, demos and simulations this store is for.
 */
export class MemorySearchIndex {
  readonly #byType = new Map<string, TypeEntries>();

  /** Records a handle's change of values (undefined = absent), as searchEntryChanges derives it. */
  change(handle: string, before: readonly HandleValue[] | undefined, after: readonly HandleValue[] | undefined): void {
    const { removed, added } = searchEntryChanges(handle, before, after);
    for (const entry of removed) {
      const entries = this.#byType.get(entry.type)!;
      entries.hits.delete(idOf(entry.key, handle));
      entries.sorted = undefined;
    }
    for (const entry of added) {
      let entries = this.#byType.get(entry.type);
      if (entries === undefined) this.#byType.set(entry.type, (entries = { hits: new Map(), sorted: undefined }));
      entries.hits.set(idOf(entry.key, handle), Object.freeze({ key: entry.key, handle }));
      entries.sorted = undefined;
    }
  }

  /** See SearchStore.scanSearchIndex. */
  scan(scan: SearchScan): SearchHit[] {
    const entries = this.#byType.get(scan.type);
    if (entries === undefined) return [];
    const sorted = (entries.sorted ??= [...entries.hits.values()].sort(compareHits));
    const after = scan.after ?? { key: scan.from, handle: '' };
    // The first hit after `after`, by binary search.
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareHits(sorted[middle]!, after) <= 0) low = middle + 1;
      else high = middle;
    }
    const hits: SearchHit[] = [];
    for (let k = low; k < sorted.length && hits.length < scan.limit; k++) {
      const hit = sorted[k]!;
      if (scan.to !== undefined && compareUtf8(hit.key, scan.to) >= 0) break;
      hits.push({ key: hit.key, handle: hit.handle });
    }
    return hits;
  }
}

function idOf(key: string, handle: string): string {
  return `${key}\u0000${handle}`;
}

function compareHits(a: SearchHit, b: SearchHit): number {
  return compareUtf8(a.key, b.key) || compareUtf8(a.handle, b.handle);
}
