/**
 * Items a streamed import takes between two turns of the event loop. An item is parsed, validated and encoded
 * for the store as it is read (10-20 µs), and the items of one socket read (hundreds) would otherwise run as
 * one stretch: resolutions on the same process would wait for it. Measured (bench/import-threads.ts --probe, a
 * GET every 2 ms during 200,000-line imports): median 1.5-3.2 ms, p99 12-20 ms with a turn per 512 items;
 * 0.6-0.9 and 7-10 ms with one per 64, at the same import rate.
 */
export const ITEMS_PER_TURN = 64;

/** Paces one streamed import (REST NDJSON, gRPC BulkRegister): a turn of the event loop every ITEMS_PER_TURN items. */
export class BulkPacer {
  #sinceTurn = 0;

  /**
   * Counts one item taken. undefined: go on at once; a promise: await it before the next item (it resolves in
   * the check phase of the event loop's next turn, after that turn's I/O).
   */
  taken(): Promise<void> | undefined {
    if (++this.#sinceTurn < ITEMS_PER_TURN) return undefined;
    this.#sinceTurn = 0;
    return new Promise((resolve) => setImmediate(resolve));
  }
}
