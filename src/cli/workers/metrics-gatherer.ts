import type { MetricsSnapshot, WorkerSnapshot } from '../../metrics/aggregate-workers.js';
import { PeerRounds } from './peer-rounds.js';
import type { MetricsReply, ToWorker } from './worker-messages.js';

/** How long a /metrics scrape waits for a worker's figures (docs/architecture.md, "Workers"). */
export const METRICS_GATHER_TIMEOUT_MS = 1000;

/** A serving worker as the gatherer sees it: `index` labels its per-process metrics. */
export interface GathererPeer {
  readonly id: number;
  readonly index: number;
  send(message: ToWorker): void;
}

export interface MetricsGathererOptions {
  /** How long a scrape waits for a worker's figures; one that has not answered by then is left out. */
  readonly timeoutMs: number;
  /** Told which workers were left out of a scrape. */
  readonly onLate: (workerIndexes: readonly number[]) => void;
  /** The primary's own figures, read when a scrape's answer is sent (on SQLite: its writer thread's restarts). */
  readonly primary?: () => MetricsSnapshot;
}

/**
 * The primary's half of a node-wide /metrics scrape (serve --workers): a worker that a scrape reached asks
 * (MetricsRequest); every serving worker, the asking one included, is asked for its figures (MetricsCollect),
 * and the asking worker gets those that answered (MetricsGathered) once all did, left, or the timeout passed.
 * A worker serves once it listens (join) until it ends (leave).
 */
export class MetricsGatherer {
  readonly #rounds: PeerRounds<GathererPeer, WorkerSnapshot>;

  constructor(private readonly options: MetricsGathererOptions) {
    this.#rounds = new PeerRounds(options.timeoutMs);
  }

  join(peer: GathererPeer): void {
    this.#rounds.join(peer);
  }

  /** The worker ended: it is not waited for, and what it asked for is dropped. */
  leave(peerId: number): void {
    this.#rounds.leave(peerId);
  }

  request(requester: GathererPeer, seq: number): void {
    const peers = this.#rounds.peers();
    const id = this.#rounds.start(
      requester.id,
      peers.map((peer) => peer.id),
      (replies) => {
        const snapshots = replies.map(({ reply }) => reply).sort((a, b) => a.worker - b.worker);
        const primary = this.options.primary?.();
        requester.send({ type: 'idnode:metrics-gathered', seq, snapshots, asked: peers.length, ...(primary === undefined ? {} : { primary }) });
      },
      (late) => this.options.onLate(late.map((peerId) => this.#rounds.peer(peerId)?.index ?? -1)),
    );
    for (const peer of peers) peer.send({ type: 'idnode:metrics-collect', id });
  }

  reply(peerId: number, message: MetricsReply): void {
    const peer = this.#rounds.peer(peerId);
    if (peer !== undefined) this.#rounds.reply(peerId, message.id, { worker: peer.index, metrics: message.metrics });
  }
}
