/**
 * Collects what is pushed during one turn of the event loop and hands it over together at the turn's end
 * (setImmediate: after the turn's I/O callbacks and their promises), in the order pushed. The writes of
 * concurrent requests whose bodies arrive in one turn then cost one message and one wake-up of the other
 * side instead of one each, and reach the writer together, as one group commit. `transfer`: buffers that move
 * with the batch (postMessage's transfer list).
 */
export class TurnBatch<T> {
  #items: T[] = [];
  #transfer: ArrayBuffer[] = [];

  constructor(private readonly flush: (items: T[], transfer: ArrayBuffer[]) => void) {}

  push(item: T, transfer: readonly ArrayBuffer[] = []): void {
    for (const buffer of transfer) this.#transfer.push(buffer);
    if (this.#items.push(item) === 1) setImmediate(this.#flushNow);
  }

  readonly #flushNow = (): void => {
    const items = this.#items;
    const transfer = this.#transfer;
    this.#items = [];
    this.#transfer = [];
    this.flush(items, transfer);
  };
}
