import { aggregateWorkers } from '../../metrics/aggregate-workers.js';
import type { NodeMetrics } from '../../metrics/node-metrics.js';
import type { PrimaryChannel } from './peer-change-feed.js';
import type { MetricsGathered, ToWorker } from './worker-messages.js';

interface Pending {
  readonly resolve: (gathered: MetricsGathered) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A worker's half of a node-wide /metrics scrape (serve --workers; the primary's is MetricsGatherer):
 * `render` is NodeMetrics' render for a worker: it asks the primary for every serving worker's figures and
 * merges them (aggregateWorkers); `receive` answers the primary's MetricsCollect with this worker's own.
 *
 * When the primary does not answer within `timeoutMs` (it is gone or stuck), the scrape fails (HTTP 500)
 * rather than passing one worker's figures off as the node's.
 */
export class WorkerMetrics {
  readonly #pending = new Map<number, Pending>();
  #metrics: NodeMetrics | undefined;
  #seq = 0;

  constructor(
    private readonly channel: PrimaryChannel,
    private readonly timeoutMs: number,
  ) {}

  /** This worker's metrics, once its node is created: answered to the primary's MetricsCollect from then on. */
  serve(metrics: NodeMetrics): void {
    this.#metrics = metrics;
  }

  async render(): Promise<string> {
    const gathered = await this.#gather();
    return aggregateWorkers(gathered.snapshots, gathered.asked, gathered.primary).metrics();
  }

  /** A message from the primary: MetricsCollect and MetricsGathered are this part's; anything else is ignored. */
  receive(message: ToWorker): void {
    if (message.type === 'idnode:metrics-collect') {
      const id = message.id;
      // Before the node exists (not yet listening, so not asked in practice) there is nothing to count.
      void (this.#metrics?.snapshot() ?? Promise.resolve([])).then(
        (metrics) => this.channel.send({ type: 'idnode:metrics-reply', id, metrics }),
        // A collect() that threw: the primary leaves this worker out when its timeout passes.
        () => {},
      );
    } else if (message.type === 'idnode:metrics-gathered') {
      const pending = this.#pending.get(message.seq);
      this.#pending.delete(message.seq);
      if (pending === undefined) return;
      clearTimeout(pending.timer);
      pending.resolve(message);
    }
  }

  /** The primary is gone: nobody will answer. */
  disconnected(): void {
    for (const [seq, pending] of this.#pending) this.#fail(seq, pending, 'the primary process is gone');
  }

  #gather(): Promise<MetricsGathered> {
    if (!this.channel.connected) return Promise.reject(new Error('cannot gather the workers\' metrics: the primary process is gone'));
    const seq = ++this.#seq;
    return new Promise<MetricsGathered>((resolve, reject) => {
      const timer = setTimeout(() => {
        const pending = this.#pending.get(seq);
        if (pending !== undefined) this.#fail(seq, pending, `the primary process did not answer within ${this.timeoutMs} ms`);
      }, this.timeoutMs);
      this.#pending.set(seq, { resolve, reject, timer });
      this.channel.send({ type: 'idnode:metrics-request', seq });
    });
  }

  #fail(seq: number, pending: Pending, why: string): void {
    this.#pending.delete(seq);
    clearTimeout(pending.timer);
    pending.reject(new Error(`cannot gather the workers' metrics: ${why}`));
  }
}
