import type { SqliteWrites } from './sqlite-writes.js';

/** How one call travels to the writer. */
export interface WriteCallOptions {
  /** Buffers that may move to the writer (unusable here afterwards) instead of being copied. */
  readonly transfer?: readonly ArrayBuffer[];
  /**
   * Sent at once, not with the rest of this turn's calls at its end (TurnBatch): a bulk chunk, whose caller
   * goes on preparing the next chunk in the same turn while this one commits.
   */
  readonly now?: boolean;
}

/**
 * Where a SQLite store's writes go: its own writer thread (SqliteWriter), or, in a worker of
 * `serve --workers N`, the one writer thread of the node, in the primary process (ForwardedWriter). The store
 * does not care which: each call resolves once its transaction has committed, never before, and fails with the
 * catalogue's STORE_UNAVAILABLE or INTERNAL_ERROR naming `what`.
 */
export interface WriteChannel {
  /** 'thread': this process's own writer thread; 'forwarded': another process's writer (docs/architecture.md, "Workers"). */
  readonly kind: 'thread' | 'forwarded';
  /**
   * Runs one of SqliteWrites' operations. `what` names it in a failure's message.
   */
  call<K extends keyof SqliteWrites>(op: K, args: Parameters<SqliteWrites[K]>, what: string, options?: WriteCallOptions): Promise<ReturnType<SqliteWrites[K]>>;
  /** Threads started after one ended unasked ('thread'; a worker's 'forwarded' writer is the primary's, which counts its own: 0). */
  readonly restarts: number;
  /**
   * Calls `listener` when calls failed because the writer ended without answering them (its thread, or the
   * primary process, gone): each may have committed unacknowledged. Returns the unsubscribe function.
   */
  onUnknownOutcomes(listener: () => void): () => void;
  /** Lets the calls already made finish, then refuses any later one. Idempotent. */
  close(): Promise<void>;
}
