import { IdnodeError } from '../../core/errors/catalogue.js';
import type { WriterReply, WriterRequest } from './sqlite-writer-messages.js';
import type { SqliteWrites } from './sqlite-writes.js';
import type { WriteCallOptions, WriteChannel } from './write-channel.js';
import { WriteCalls } from './write-calls.js';

/**
 * A worker's WriteChannel in `serve --workers N` on SQLite: its store's writes go to the node's one writer, in
 * the primary process (WriteRelay), instead of to a thread of its own, so the workers do not contend for
 * SQLite's write lock and the writes of all of them are group-committed together. Same contract as
 * SqliteWriter (WriteCalls: one message per turn, a call resolves after its COMMIT, failures raised as the
 * same catalogue errors); `send` carries a batch to the primary, `receive` takes its replies. Buffers are
 * not transferred between processes: the channel copies them.
 *
 * When the primary is gone (`disconnected`), every outstanding call and every later one fails with
 * STORE_UNAVAILABLE: whether an outstanding write committed is not known, and it was never acknowledged.
 */
export class ForwardedWriter implements WriteChannel {
  readonly kind = 'forwarded' as const;
  readonly restarts = 0;
  readonly #calls: WriteCalls;

  constructor(send: (batch: readonly WriterRequest[]) => void, description: string) {
    this.#calls = new WriteCalls({ post: (batch) => send(batch), busy: () => {} }, description);
  }

  /** `options.transfer` is ignored: the process channel copies every buffer. */
  call<K extends keyof SqliteWrites>(op: K, args: Parameters<SqliteWrites[K]>, what: string, options?: WriteCallOptions): Promise<ReturnType<SqliteWrites[K]>> {
    return this.#calls.call(op, args, what, options);
  }

  /**
   * The primary gone with calls outstanding. (When the primary's writer thread ends, the primary tells every
   * worker itself: ChangeRelay.everything.)
   */
  onUnknownOutcomes(listener: () => void): () => void {
    return this.#calls.onUnknownOutcomes(listener);
  }

  /** The primary's replies to this worker's calls. */
  receive(replies: readonly WriterReply[]): void {
    this.#calls.settle(replies);
  }

  /** The primary's end of the channel closed. */
  disconnected(): void {
    this.#calls.fail(new IdnodeError('STORE_UNAVAILABLE', 'the primary process, which holds the SQLite writer, is gone'));
  }

  /** Waits for the calls already made; the writer itself is the primary's to close. */
  close(): Promise<void> {
    return this.#calls.close();
  }
}
