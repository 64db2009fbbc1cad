import { PeerRounds } from './peer-rounds.js';
import type { ChangesMade, ToWorker } from './worker-messages.js';

/** A worker as the relay sees it. */
export interface RelayPeer {
  readonly id: number;
  send(message: ToWorker): void;
}

export interface ChangeRelayOptions {
  /** How long a write waits for a worker that does not confirm (a stalled event loop) before it is acknowledged anyway. */
  readonly timeoutMs: number;
  /** Told which workers did not confirm in time. */
  readonly onLate: (workerIds: readonly number[], handles: number) => void;
}

/**
 * The primary's half of PeerChangeFeed: hands a worker's ChangesMade to every other worker that has joined and
 * answers the writer (ChangesHeard) once each of them confirmed (Invalidated), left (ended), or missed the
 * timeout. A worker joins when its message handler is in place (WorkerHello): one that has not joined has
 * an empty cache, and whatever it reads later is read after the commit.
 */
export class ChangeRelay {
  readonly #rounds: PeerRounds<RelayPeer, undefined>;

  constructor(private readonly options: ChangeRelayOptions) {
    this.#rounds = new PeerRounds(options.timeoutMs);
  }

  join(peer: RelayPeer): void {
    this.#rounds.join(peer);
  }

  /** The worker ended: nothing waits for it any more, and what it was waiting for is dropped. */
  leave(peerId: number): void {
    this.#rounds.leave(peerId);
  }

  changes(writer: RelayPeer, message: ChangesMade): void {
    const others = this.#rounds.peers().filter((peer) => peer.id !== writer.id);
    if (others.length === 0) {
      writer.send({ type: 'idnode:changes-heard', seq: message.seq });
      return;
    }
    const id = this.#rounds.start(
      writer.id,
      others.map((peer) => peer.id),
      () => writer.send({ type: 'idnode:changes-heard', seq: message.seq }),
      (late) => this.options.onLate(late, message.handles.length),
    );
    for (const peer of others) peer.send({ type: 'idnode:invalidate', id, handles: message.handles });
  }

  invalidated(peerId: number, id: number): void {
    this.#rounds.reply(peerId, id, undefined);
  }
}
