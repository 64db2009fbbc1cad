import type { Config } from '../../config/config.js';

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

/** Worker → primary: these handles changed in a committed write; answer ChangesHeard once every other worker dropped them. */
export interface ChangesMade {
  readonly type: 'idnode:changes';
  readonly seq: number;
  readonly handles: readonly string[];
}

/** Primary → writing worker: every other worker has dropped the handles of its ChangesMade `seq`. */
export interface ChangesHeard {
  readonly type: 'idnode:changes-heard';
  readonly seq: number;
}

/** Primary → every other worker: drop these handles from the cache, then answer Invalidated with `id`. */
export interface Invalidate {
  readonly type: 'idnode:invalidate';
  readonly id: number;
  readonly handles: readonly string[];
}

/** Worker → primary: the handles of Invalidate `id` are dropped. */
export interface Invalidated {
  readonly type: 'idnode:invalidated';
  readonly id: number;
}

export type ToPrimary = WorkerHello | WorkerListening | ChangesMade | Invalidated;
export type ToWorker = WorkerStart | WorkerStop | ChangesHeard | Invalidate;

/** True for a message of this protocol (anything else on the channel is node:cluster's or unknown). */
export function isIdnodeMessage(message: unknown): message is { readonly type: string } {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string' && (message as { type: string }).type.startsWith('idnode:');
}
