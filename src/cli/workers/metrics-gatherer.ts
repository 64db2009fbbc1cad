import type { WorkerSnapshot } from '../../metrics/aggregate-workers.js';
import type { MetricsReply, ToWorker } from './worker-messages.js';

/** How long a /metrics scrape waits for a worker's figures (docs/architecture.md, "Workers"). */
export const METRICS_GATHER_TIMEOUT_MS = 1000;

/** A serving worker as the gatherer sees it: `index` labels its per-process metrics. */
export interface GathererPeer {
  readonly id: number;
  readonly index: number;
  send(message: ToWorker): void;
}

interface Gathering {
  readonly requester: GathererPeer;
  readonly seq: number;
  readonly asked: number;
  readonly waiting: Set<number>;
  readonly snapshots: WorkerSnapshot[];
  readonly timer: NodeJS.Timeout;
}

export interface MetricsGathererOptions {
  /** How long a scrape waits for a worker's figures; one that has not answered by then is left out. */
  readonly timeoutMs: number;
  /** Told which workers were left out of a scrape. */
  readonly onLate: (workerIndexes: readonly number[]) => void;
}

/**
 * The primary's half of a node-wide /metrics scrape (serve --workers): a worker that a scrape reached asks
 * (MetricsRequest); every serving worker, the asking one included, is asked for its figures (MetricsCollect),
 * and the asking worker gets those that answered (MetricsGathered) once all did, left, or the timeout passed.
 * A worker serves once it listens (join) until it ends (leave).
 */
export class MetricsGatherer {
  readonly #peers = new Map<number, GathererPeer>();
  readonly #gatherings = new Map<number, Gathering>();
  #nextId = 1;

  constructor(private readonly options: MetricsGathererOptions) {}

  join(peer: GathererPeer): void {
    this.#peers.set(peer.id, peer);
  }

  /** The worker ended: it is not waited for, and what it asked for is dropped. */
  leave(peerId: number): void {
    this.#peers.delete(peerId);
    for (const [id, gathering] of this.#gatherings) {
      if (gathering.requester.id === peerId) this.#finish(id, false);
      else if (gathering.waiting.delete(peerId) && gathering.waiting.size === 0) this.#finish(id, true);
    }
  }

  request(requester: GathererPeer, seq: number): void {
    const peers = [...this.#peers.values()];
    const id = this.#nextId++;
    const timer = setTimeout(() => {
      const gathering = this.#gatherings.get(id);
      if (gathering === undefined) return;
      this.options.onLate([...gathering.waiting].map((peerId) => this.#peers.get(peerId)?.index ?? -1));
      this.#finish(id, true);
    }, this.options.timeoutMs);
    this.#gatherings.set(id, { requester, seq, asked: peers.length, waiting: new Set(peers.map((peer) => peer.id)), snapshots: [], timer });
    if (peers.length === 0) this.#finish(id, true);
    for (const peer of peers) peer.send({ type: 'idnode:metrics-collect', id });
  }

  reply(peerId: number, message: MetricsReply): void {
    const gathering = this.#gatherings.get(message.id);
    const peer = this.#peers.get(peerId);
    if (gathering === undefined || peer === undefined || !gathering.waiting.delete(peerId)) return;
    gathering.snapshots.push({ worker: peer.index, metrics: message.metrics });
    if (gathering.waiting.size === 0) this.#finish(message.id, true);
  }

  #finish(id: number, answer: boolean): void {
    const gathering = this.#gatherings.get(id);
    if (gathering === undefined) return;
    this.#gatherings.delete(id);
    clearTimeout(gathering.timer);
    if (!answer) return;
    const snapshots = [...gathering.snapshots].sort((a, b) => a.worker - b.worker);
    gathering.requester.send({ type: 'idnode:metrics-gathered', seq: gathering.seq, snapshots, asked: gathering.asked });
  }
}
