import { deserialize, serialize } from 'node:v8';
import { ChangeRelay } from '../../src/cli/workers/change-relay.js';
import { PeerChangeFeed } from '../../src/cli/workers/peer-change-feed.js';
import { WriteRelay, type WriterPeer } from '../../src/cli/workers/write-relay.js';
import type { ToWorker } from '../../src/cli/workers/worker-messages.js';
import { ForwardedWriter } from '../../src/store/sqlite/forwarded-writer.js';
import { openSqliteWriter } from '../../src/store/sqlite/sqlite-open.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { SqliteWriter, SqliteWriterOptions } from '../../src/store/sqlite/sqlite-writer.js';

/**
 * What crosses node:cluster's IPC channel with serialization 'advanced': Node's child-process serializer is V8's
 * DefaultSerializer (typed arrays as host objects, views into the received message), as v8.serialize is.
 */
export function overIpc<T>(message: T): T {
  return deserialize(serialize(message)) as T;
}

/** A primary as serve --workers runs it on SQLite: the file migrated, the one writer thread, the relays. */
export interface Primary {
  readonly writer: SqliteWriter;
  readonly relay: WriteRelay;
  readonly changes: ChangeRelay;
}

export function openPrimary(file: string, busyTimeoutMs?: number, writerThread?: SqliteWriterOptions): Primary {
  const writer = openSqliteWriter({ file, ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }), ...(writerThread === undefined ? {} : { writerThread }) });
  const changes = new ChangeRelay({ timeoutMs: 10_000, onLate: () => {} });
  writer.onUnknownOutcomes(() => changes.everything());
  return { writer, relay: new WriteRelay(writer, changes), changes };
}

/**
 * A worker's end: its ForwardedWriter and PeerChangeFeed, wired to the primary's relays through overIpc, each
 * message a macrotask later. `invalidated`: the handles other workers' writes made it drop, in order.
 */
export interface Worker {
  readonly writer: ForwardedWriter;
  readonly feed: PeerChangeFeed;
  readonly invalidated: string[];
  /** How many times the primary told it to drop its whole cache (InvalidateAll). */
  clearedAll: number;
  /** Messages this worker sent that were held back (while `hold` is set), in order. */
  held: unknown[];
  /** Set to hold this worker's messages instead of delivering them (a primary that no longer reads). */
  hold: boolean;
}

let nextPeerId = 1;

export function connectWorker(primary: Primary, file: string): Worker {
  const peer: WriterPeer = {
    id: nextPeerId++,
    send: (message: ToWorker) => {
      const delivered = overIpc(message);
      setImmediate(() => {
        if (delivered.type === 'idnode:written') worker.writer.receive(delivered.replies);
        else if (delivered.type === 'idnode:invalidate') {
          worker.invalidated.push(...delivered.handles);
          worker.feed.receive(delivered);
        } else if (delivered.type === 'idnode:invalidate-all') {
          worker.clearedAll++;
          worker.feed.receive(delivered);
        }
      });
    },
  };
  primary.changes.join(peer);
  const worker: Worker = {
    invalidated: [],
    clearedAll: 0,
    feed: new PeerChangeFeed({
      connected: true,
      send: (message) => {
        const delivered = overIpc(message);
        if (delivered.type === 'idnode:invalidated') setImmediate(() => primary.changes.invalidated(peer.id, delivered.id));
      },
    }),
    held: [],
    hold: false,
    writer: new ForwardedWriter((requests) => {
      const message = overIpc({ type: 'idnode:writes' as const, requests });
      if (worker.hold) worker.held.push(message);
      else setImmediate(() => primary.relay.requests(peer, message));
    }, `the SQLite store ${file}`),
  };
  return worker;
}

/** A worker's store: reads on its own connection, writes forwarded to the primary. */
export function openWorkerStore(primary: Primary, file: string): { store: SqliteStore; worker: Worker } {
  const worker = connectWorker(primary, file);
  return { store: openSqliteStore({ file, writer: worker.writer }), worker };
}
