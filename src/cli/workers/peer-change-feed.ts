import type { HandleWrite, Store, WriteContext, WriteOutcome } from '../../core/store/store.js';
import { TurnBatch } from '../../store/sqlite/turn-batch.js';
import type { ToPrimary, ToWorker } from './worker-messages.js';

/** A committed write's changed handles, and how to acknowledge it once the other workers dropped them. */
interface Announced {
  readonly handles: readonly string[];
  readonly resolve: () => void;
}

/** The worker's end of the IPC channel to serve's primary process. */
export interface PrimaryChannel {
  /** false once the primary is gone (then there is nobody to tell). */
  readonly connected: boolean;
  send(message: ToPrimary): void;
}

/** The outcomes after which another worker's cached answer would be stale. */
const CHANGING: ReadonlySet<WriteOutcome['status']> = new Set(['created', 'updated', 'deleted']);

/**
 * Cache invalidation between the workers of one node on one SQLite file (serve --workers): the ChangeFeed that
 * PostgreSQL replicas get from LISTEN/NOTIFY, carried over the primary's IPC channel instead.
 *
 * `wrap(store)` returns the store with two differences. applyWrites, once the transaction committed, names
 * the handles it changed to the primary and resolves only when the primary answers that every other worker
 * has dropped them (ChangesHeard), so a write is acknowledged after no worker can serve it stale any more: the
 * invalidation delay is part of the write's latency, not a window after it. onForeignChange hears the
 * handles other workers changed (Invalidate), which IdNode turns into cache invalidations.
 *
 * Why strict: a worker handles one message at a time, so a cache fill (read and insert, one macrotask)
 * either ends before the Invalidate is handled (and is dropped by it) or starts after, when the committed
 * row is what SQLite's next read transaction sees.
 */
export class PeerChangeFeed {
  readonly #listeners = new Set<(handle: string | undefined) => void>();
  /** Per ChangesMade sent, the writes waiting for its answer. */
  readonly #pending = new Map<number, (() => void)[]>();
  /**
   * The writes that committed in one turn (the replies of one group commit arrive together) are announced in
   * one ChangesMade, and all resolve on its answer: one round trip for them, not one each.
   */
  readonly #outbox = new TurnBatch<Announced>((announced) => this.#announce(announced));
  #seq = 0;

  constructor(private readonly channel: PrimaryChannel) {}

  wrap(store: Store): Store {
    const apply = (writes: readonly HandleWrite[], context: WriteContext) => this.#apply(store, writes, context);
    const subscribe = (listener: (handle: string | undefined) => void) => this.#subscribe(store, listener);
    return new Proxy(store, {
      get(target, property) {
        if (property === 'applyWrites') return apply;
        if (property === 'onForeignChange') return subscribe;
        // Bound to the store itself: its methods use private fields, which a proxy does not have.
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** A message from the primary: Invalidate and ChangesHeard are this feed's; anything else is ignored. */
  receive(message: ToWorker): void {
    if (message.type === 'idnode:invalidate') {
      for (const handle of message.handles) this.#notify(handle);
      this.channel.send({ type: 'idnode:invalidated', id: message.id });
    } else if (message.type === 'idnode:changes-heard') {
      const heard = this.#pending.get(message.seq);
      this.#pending.delete(message.seq);
      for (const resolve of heard ?? []) resolve();
    }
  }

  /** The primary is gone: no other worker is left to wait for. */
  disconnected(): void {
    for (const heard of this.#pending.values()) for (const resolve of heard) resolve();
    this.#pending.clear();
  }

  async #apply(store: Store, writes: readonly HandleWrite[], context: WriteContext): Promise<WriteOutcome[]> {
    const outcomes = await store.applyWrites(writes, context);
    const handles = outcomes.filter((outcome) => CHANGING.has(outcome.status)).map((outcome) => outcome.handle);
    if (handles.length === 0 || !this.channel.connected) return outcomes;
    await new Promise<void>((resolve) => this.#outbox.push({ handles, resolve }));
    return outcomes;
  }

  #announce(announced: readonly Announced[]): void {
    // The primary went away during the turn: nobody is left to wait for.
    if (!this.channel.connected) {
      for (const { resolve } of announced) resolve();
      return;
    }
    const seq = ++this.#seq;
    this.#pending.set(seq, announced.map(({ resolve }) => resolve));
    this.channel.send({ type: 'idnode:changes', seq, handles: announced.length === 1 ? announced[0]!.handles : announced.flatMap(({ handles }) => handles) });
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

  #notify(handle: string): void {
    for (const listener of this.#listeners) {
      try {
        listener(handle);
      } catch (error) {
        process.emitWarning(`an onForeignChange listener threw for handle "${handle}": ${error instanceof Error ? error.message : String(error)}`, 'IdnodeStoreWarning');
      }
    }
  }
}
