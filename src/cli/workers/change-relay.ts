import { PeerRounds } from './peer-rounds.js';
import type { ToWorker } from './worker-messages.js';

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
 * The primary's half of PeerChangeFeed: names the handles a worker's committed write changed (WriteRelay) to every
 * other worker that has joined, and lets the write be answered once each of them confirmed (Invalidated), left
 * (ended), or missed the timeout. A worker joins when its message handler is in place (WorkerHello): one that has not joined has
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

  /**
   * Worker `writerId`'s write committed, changing `handles`: every other worker that joined is told to drop them,
   * and `heard` runs once each confirmed, left or timed out (at once when there is no other worker). Not run if
   * the writer ends first: nobody is left to answer.
   */
  changed(writerId: number, handles: readonly string[], heard: () => void): void {
    const others = this.#rounds.peers().filter((peer) => peer.id !== writerId);
    if (others.length === 0) return heard();
    const id = this.#rounds.start(
      writerId,
      others.map((peer) => peer.id),
      heard,
      (late) => this.options.onLate(late, handles.length),
    );
    for (const peer of others) peer.send({ type: 'idnode:invalidate', id, handles });
  }

  /**
   * Writes whose outcome is unknown (the writer thread ended before answering them) may have changed anything:
   * every worker that joined, the writing ones included, drops its whole cache (InvalidateAll).
   */
  everything(): void {
    for (const peer of this.#rounds.peers()) peer.send({ type: 'idnode:invalidate-all' });
  }

  invalidated(peerId: number, id: number): void {
    this.#rounds.reply(peerId, id, undefined);
  }
}
