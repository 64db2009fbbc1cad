import type { Store } from '../../core/store/store.js';
import type { ToPrimary, ToWorker } from './worker-messages.js';

/** The worker's end of the IPC channel to serve's primary process. */
export interface PrimaryChannel {
  /** false once the primary is gone (then there is nobody to tell). */
  readonly connected: boolean;
  send(message: ToPrimary): void;
}

/**
 * Cache invalidation between the workers of one node on one SQLite file (serve --workers): the ChangeFeed that
 * PostgreSQL replicas get from LISTEN/NOTIFY, carried over the primary's IPC channel instead.
 *
 * Every worker's writes go to the primary's one writer (ForwardedWriter → WriteRelay), which, once a write has
 * committed, names the handles it changed to every other worker (Invalidate) and answers the writing worker
 * only when all of them confirmed (Invalidated): a write is acknowledged after no worker can serve it stale
 * any more, so the invalidation delay is part of the write's latency, not a window after it. `wrap(store)`
 * returns the store whose onForeignChange hears those handles, which IdNode turns into cache invalidations.
 *
 * Why strict: a worker handles one message at a time, so a cache fill (read and insert, one macrotask)
 * either ends before the Invalidate is handled (and is dropped by it) or starts after, when the committed
 * row is what SQLite's next read transaction sees.
 */
export class PeerChangeFeed {
  readonly #listeners = new Set<(handle: string | undefined) => void>();

  constructor(private readonly channel: PrimaryChannel) {}

  wrap(store: Store): Store {
    const subscribe = (listener: (handle: string | undefined) => void) => this.#subscribe(store, listener);
    return new Proxy(store, {
      get(target, property) {
        if (property === 'onForeignChange') return subscribe;
        // Bound to the store itself: its methods use private fields, which a proxy does not have.
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** A message from the primary: Invalidate and InvalidateAll are this feed's; anything else is ignored. */
  receive(message: ToWorker): void {
    if (message.type === 'idnode:invalidate-all') return this.#notify(undefined);
    if (message.type !== 'idnode:invalidate') return;
    for (const handle of message.handles) this.#notify(handle);
    this.channel.send({ type: 'idnode:invalidated', id: message.id });
  }

  #subscribe(store: Store, listener: (handle: string | undefined) => void): () => void {
    const own = (handle: string | undefined) => listener(handle);
    this.#listeners.add(own);
    const stopStore = store.onForeignChange(listener);
    return () => {
      this.#listeners.delete(own);
      stopStore();
    };
  }

  #notify(handle: string | undefined): void {
    for (const listener of this.#listeners) {
      try {
        listener(handle);
      } catch (error) {
        process.emitWarning(`an onForeignChange listener threw for handle "${handle}": ${error instanceof Error ? error.message : String(error)}`, 'IdnodeStoreWarning');
      }
    }
  }
}
