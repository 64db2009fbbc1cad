import type { WriteOutcome } from '../../core/store/store.js';
import { packedHandles, type PackedWrites } from '../../store/sqlite/packed-writes.js';
import type { WriterCall, WriterOutcome, WriterReply } from '../../store/sqlite/sqlite-writer-messages.js';
import type { SqliteWriter } from '../../store/sqlite/sqlite-writer.js';
import { TurnBatch } from '../../store/sqlite/turn-batch.js';
import type { ChangeRelay } from './change-relay.js';
import type { ToWorker, WritesRequested } from './worker-messages.js';

/** A worker as the relay sees it. */
export interface WriterPeer {
  readonly id: number;
  send(message: ToWorker): void;
}

/** A committed (or failed) call's reply, and the handles it changed, which the other workers must drop first. */
interface Answered {
  readonly reply: WriterReply;
  readonly changed: readonly string[];
}

/** The outcomes after which another worker's cached answer would be stale. */
const CHANGING: ReadonlySet<WriteOutcome['status']> = new Set(['created', 'updated', 'deleted']);

/**
 * The primary's half of ForwardedWriter (serve --workers N on SQLite): hands every worker's write calls to the
 * node's one SqliteWriter, in the order each worker made them, and answers each to the worker that asked once
 * committed. The calls of several workers that arrive in one turn reach the writer thread as one batch, so
 * they are group-committed together.
 *
 * Invalidation is strict (docs/architecture.md, "Workers"): the handles a call created, updated or deleted are
 * named to every other worker (ChangeRelay), and the call is answered only once they all dropped them from their
 * caches. The outcomes of one turn (one group commit's) are answered to each worker in one message, after one
 * such round for all their handles.
 *
 * A worker that ended still has its calls run (they commit, unacknowledged: nobody is left to tell).
 */
export class WriteRelay {
  readonly #outboxes = new Map<number, TurnBatch<Answered>>();

  constructor(
    private readonly writer: SqliteWriter,
    private readonly changes: ChangeRelay,
  ) {}

  requests(peer: WriterPeer, message: WritesRequested): void {
    const outbox = this.#outbox(peer);
    for (const { id, ...rest } of message.requests) {
      const call = rest as WriterCall;
      const [own, transfer] = ownBuffers(call);
      // Decoded before the buffers move to the thread.
      const handles = call.op === 'writePacked' ? packedHandles(call.args[0]) : call.op === 'writeEncoded' ? call.args[0].handles : undefined;
      this.writer.forward(own, transfer, (outcome) => outbox.push({ reply: { ...outcome, id }, changed: changedBy(call, handles, outcome) }));
    }
  }

  /** The worker ended: its outbox goes. */
  leave(peerId: number): void {
    this.#outboxes.delete(peerId);
  }

  #outbox(peer: WriterPeer): TurnBatch<Answered> {
    let outbox = this.#outboxes.get(peer.id);
    if (outbox === undefined) {
      outbox = new TurnBatch((answered) => {
        const send = () => peer.send({ type: 'idnode:written', replies: answered.map(({ reply }) => reply) });
        const changed = answered.flatMap(({ changed }) => changed);
        if (changed.length === 0) send();
        else this.changes.changed(peer.id, changed, send);
      });
      this.#outboxes.set(peer.id, outbox);
    }
    return outbox;
  }
}

/**
 * The handles a committed call changed: applyWrites' changing outcomes, writePacked's (and writeEncoded's)
 * creates and updates. No other call a store makes writes handles.
 */
function changedBy(call: WriterCall, packed: readonly string[] | undefined, outcome: WriterOutcome): readonly string[] {
  if (!outcome.ok) return [];
  if (call.op === 'applyWrites') return (outcome.value as WriteOutcome[]).filter((one) => CHANGING.has(one.status)).map((one) => one.handle);
  if (packed === undefined) return [];
  // Per write: null (created), 'updated', or the row that was there (exists: nothing changed).
  const results = outcome.value as readonly unknown[];
  return packed.filter((_, k) => results[k] === null || results[k] === 'updated');
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
