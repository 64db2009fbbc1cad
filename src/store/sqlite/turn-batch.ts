/**
 * Collects what is pushed during one turn of the event loop and hands it over together at the turn's end
 * (setImmediate: after the turn's I/O callbacks and their promises), in the order pushed. The writes of
 * concurrent requests whose bodies arrive in one turn then cost one message and one wake-up of the other
 * side instead of one each, and reach the writer together, as one group commit. `transfer`: buffers that move
 * with the batch (postMessage's transfer list).
 *
 * `now` sends at once instead, with whatever this turn pushed before it (order kept): for an item whose sender
 * goes on working in the same turn, such as a bulk chunk handed over while the next chunk is parsed. Waiting for
 * the turn's end would leave the other side idle until that work ended (measured: an import's writer thread
 * started each 2,000-row chunk about 20 ms late, so the parsing and the committing took turns).
 */
export class TurnBatch<T> {
  #items: T[] = [];
  #transfer: ArrayBuffer[] = [];

  constructor(private readonly flush: (items: T[], transfer: ArrayBuffer[]) => void) {}

  push(item: T, transfer: readonly ArrayBuffer[] = [], now = false): void {
    for (const buffer of transfer) this.#transfer.push(buffer);
    const count = this.#items.push(item);
    if (now) this.#flushNow();
    else if (count === 1) setImmediate(this.#flushNow);
  }

  readonly #flushNow = (): void => {
    // Already sent by a push with `now` since this flush was scheduled.
    if (this.#items.length === 0) return;
    const items = this.#items;
    const transfer = this.#transfer;
    this.#items = [];
    this.#transfer = [];
    this.flush(items, transfer);
  };
}
