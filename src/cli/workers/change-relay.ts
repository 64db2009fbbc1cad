import type { ChangesMade, ToWorker } from './worker-messages.js';

/** A worker as the relay sees it. */
export interface RelayPeer {
  readonly id: number;
  send(message: ToWorker): void;
}

interface Waiting {
  readonly writer: RelayPeer;
  readonly seq: number;
  readonly peers: Set<number>;
  readonly timer: NodeJS.Timeout;
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
  readonly #peers = new Map<number, RelayPeer>();
  readonly #waiting = new Map<number, Waiting>();
  #nextId = 1;

  constructor(private readonly options: ChangeRelayOptions) {}

  join(peer: RelayPeer): void {
    this.#peers.set(peer.id, peer);
  }

  /** The worker ended: nothing waits for it any more, and what it was waiting for is dropped. */
  leave(peerId: number): void {
    this.#peers.delete(peerId);
    for (const [id, waiting] of this.#waiting) {
      if (waiting.writer.id === peerId) this.#finish(id, false);
      else this.invalidated(peerId, id);
    }
  }

  changes(writer: RelayPeer, message: ChangesMade): void {
    const others = [...this.#peers.values()].filter((peer) => peer.id !== writer.id);
    if (others.length === 0) {
      writer.send({ type: 'idnode:changes-heard', seq: message.seq });
      return;
    }
    const id = this.#nextId++;
    const timer = setTimeout(() => {
      const waiting = this.#waiting.get(id);
      if (waiting === undefined) return;
      this.options.onLate([...waiting.peers], message.handles.length);
      this.#finish(id, true);
    }, this.options.timeoutMs);
    this.#waiting.set(id, { writer, seq: message.seq, peers: new Set(others.map((peer) => peer.id)), timer });
    for (const peer of others) peer.send({ type: 'idnode:invalidate', id, handles: message.handles });
  }

  invalidated(peerId: number, id: number): void {
    const waiting = this.#waiting.get(id);
    if (waiting === undefined) return;
    waiting.peers.delete(peerId);
    if (waiting.peers.size === 0) this.#finish(id, true);
  }

  #finish(id: number, answer: boolean): void {
    const waiting = this.#waiting.get(id);
    if (waiting === undefined) return;
    this.#waiting.delete(id);
    clearTimeout(waiting.timer);
    if (answer) waiting.writer.send({ type: 'idnode:changes-heard', seq: waiting.seq });
  }
}
