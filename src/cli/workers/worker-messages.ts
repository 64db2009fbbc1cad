import type { Config } from '../../config/config.js';
import type { MetricsSnapshot, WorkerSnapshot } from '../../metrics/aggregate-workers.js';
import type { WriterReply, WriterRequest } from '../../store/sqlite/sqlite-writer-messages.js';

/**
 * The IPC messages between serve's primary process and its workers (serve --workers). Every type starts with
 * `idnode:` so that a message of anything else sharing the channel (node:cluster's own) is never taken for one.
 */

/** Worker → primary: its message handler is in place; the primary answers with WorkerStart. */
export interface WorkerHello {
  readonly type: 'idnode:hello';
}

/** Primary → worker: what to run. `lead`: the one worker that runs the node-wide singletons (see serve-worker.ts). */
export interface WorkerStart {
  readonly type: 'idnode:start';
  readonly config: Config;
  readonly index: number;
  readonly lead: boolean;
}

/** Worker → primary: every front end listens; `addresses` as the ready file has them. */
export interface WorkerListening {
  readonly type: 'idnode:listening';
  readonly addresses: Readonly<Record<string, string>>;
}

/** Primary → worker: stop as a single process does on SIGTERM (drain). */
export interface WorkerStop {
  readonly type: 'idnode:stop';
}

/** Primary → every other worker: a write committed that changed these handles; drop them from the cache, then answer Invalidated with `id`. */
export interface Invalidate {
  readonly type: 'idnode:invalidate';
  readonly id: number;
  readonly handles: readonly string[];
}

/**
 * Primary → every worker: the writer thread ended with writes unanswered, which may have committed (their
 * handles were never named): drop the whole cache. Nothing waits for a confirmation: none was acknowledged.
 */
export interface InvalidateAll {
  readonly type: 'idnode:invalidate-all';
}

/** Worker → primary: the handles of Invalidate `id` are dropped. */
export interface Invalidated {
  readonly type: 'idnode:invalidated';
  readonly id: number;
}

/** Worker → primary: a scrape reached this worker; answer MetricsGathered `seq` with every serving worker's figures. */
export interface MetricsRequest {
  readonly type: 'idnode:metrics-request';
  readonly seq: number;
}

/** Primary → every serving worker: answer MetricsReply `id` with your figures. */
export interface MetricsCollect {
  readonly type: 'idnode:metrics-collect';
  readonly id: number;
}

/** Worker → primary: this worker's figures for MetricsCollect `id`. */
export interface MetricsReply {
  readonly type: 'idnode:metrics-reply';
  readonly id: number;
  readonly metrics: MetricsSnapshot;
}

/** Primary → the worker of MetricsRequest `seq`: the figures of those that answered in time, of `asked` asked. */
export interface MetricsGathered {
  readonly type: 'idnode:metrics-gathered';
  readonly seq: number;
  readonly snapshots: readonly WorkerSnapshot[];
  readonly asked: number;
  /** The primary's own figures (on SQLite: its writer thread's restarts). */
  readonly primary?: MetricsSnapshot;
}

/** Worker → primary (SQLite): write calls for the node's one writer (ForwardedWriter → WriteRelay), in the order made. */
export interface WritesRequested {
  readonly type: 'idnode:writes';
  readonly requests: readonly WriterRequest[];
}

/** Primary → the worker that asked: the outcomes of its write calls, each sent once committed (or failed). */
export interface WritesAnswered {
  readonly type: 'idnode:written';
  readonly replies: readonly WriterReply[];
}

export type ToPrimary = WorkerHello | WorkerListening | Invalidated | MetricsRequest | MetricsReply | WritesRequested;
export type ToWorker = WorkerStart | WorkerStop | Invalidate | InvalidateAll | MetricsCollect | MetricsGathered | WritesAnswered;

/** True for a message of this protocol (anything else on the channel is node:cluster's or unknown). */
export function isIdnodeMessage(message: unknown): message is { readonly type: string } {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string' && (message as { type: string }).type.startsWith('idnode:');
}
