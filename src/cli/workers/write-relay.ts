import type { PackedWrites } from '../../store/sqlite/packed-writes.js';
import type { WriterCall, WriterReply, WriterRequest } from '../../store/sqlite/sqlite-writer-messages.js';
import type { SqliteWriter } from '../../store/sqlite/sqlite-writer.js';
import { TurnBatch } from '../../store/sqlite/turn-batch.js';
import type { ToWorker, WritesRequested } from './worker-messages.js';

/** A worker as the relay sees it. */
export interface WriterPeer {
  readonly id: number;
  send(message: ToWorker): void;
}

/**
 * The primary's half of ForwardedWriter (serve --workers N on SQLite): hands every worker's write calls to the
 * node's one SqliteWriter, in the order each worker made them, and sends each outcome back to the worker that
 * asked, once committed, the outcomes of one turn as one message. The calls of several workers that arrive in
 * one turn reach the writer thread as one batch, so they are group-committed together.
 *
 * A worker that ended still has its calls run (they commit, unacknowledged: nobody is left to tell); its
 * replies are dropped by the send (the channel is closed).
 */
export class WriteRelay {
  readonly #outboxes = new Map<number, TurnBatch<WriterReply>>();

  constructor(private readonly writer: SqliteWriter) {}

  requests(peer: WriterPeer, message: WritesRequested): void {
    const outbox = this.#outbox(peer);
    for (const { id, ...call } of message.requests) {
      const [own, transfer] = ownBuffers(call as WriterCall);
      this.writer.forward(own, transfer, (outcome) => outbox.push({ ...outcome, id }));
    }
  }

  /** The worker ended: its outbox goes (late outcomes for it are not sent anywhere). */
  leave(peerId: number): void {
    this.#outboxes.delete(peerId);
  }

  #outbox(peer: WriterPeer): TurnBatch<WriterReply> {
    let outbox = this.#outboxes.get(peer.id);
    if (outbox === undefined) {
      outbox = new TurnBatch((replies) => peer.send({ type: 'idnode:written', replies }));
      this.#outboxes.set(peer.id, outbox);
    }
    return outbox;
  }
}

/**
 * A packed write (every PUT, every bulk chunk) arrives from the IPC channel as views into the whole message's
 * buffer: posted on as they are, each would copy that buffer to the thread. Its four arrays get buffers of
 * their own (copies: a Buffer's slice would be a view), which move to the thread instead.
 */
function ownBuffers(call: WriterCall): [WriterCall, ArrayBuffer[]] {
  if (call.op !== 'writePacked') return [call, []];
  const [packed, context] = call.args;
  const own: PackedWrites = { bytes: new Uint8Array(packed.bytes), ends: packed.ends.slice(), entryCounts: packed.entryCounts.slice(), replaces: packed.replaces.slice() };
  return [{ op: 'writePacked', args: [own, context] }, [own.bytes.buffer, own.ends.buffer, own.entryCounts.buffer, own.replaces.buffer] as ArrayBuffer[]];
}
