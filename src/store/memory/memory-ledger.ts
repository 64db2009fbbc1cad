import type { LedgerRow } from '../../core/store/store.js';

/** The ledger of the in-memory store: append-only, one entry per seq and per day, kept in seq order. */
export class MemoryLedger {
  /** Frozen rows, ordered by seq. */
  readonly #rows: LedgerRow[] = [];
  readonly #seqs = new Set<number>();
  readonly #days = new Set<string>();

  /** See LedgerStore.listLedgerEntries. */
  list(): LedgerRow[] {
    return [...this.#rows];
  }

  /** See LedgerStore.appendLedgerEntry. */
  append(entry: LedgerRow): boolean {
    if (this.#seqs.has(entry.seq) || this.#days.has(entry.day)) return false;
    const row = Object.freeze({ seq: entry.seq, day: entry.day, entry: entry.entry });
    // Sealing appends the next seq, so the place is almost always the end.
    let at = this.#rows.length;
    while (at > 0 && this.#rows[at - 1]!.seq > row.seq) at--;
    this.#rows.splice(at, 0, row);
    this.#seqs.add(row.seq);
    this.#days.add(row.day);
    return true;
  }
}
