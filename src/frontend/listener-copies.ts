import { spawn } from 'node:child_process';
import { Server, type Socket } from 'node:net';

/**
 * More accepts per event-loop turn on one listening socket, on Node.js 20 (docs/overload.md, "Accepting").
 *
 * libuv accepts one connection per listening descriptor per loop turn. Under overload a turn serves every
 * connection with a request ready and lasts tens of milliseconds, so a burst of new connections waits in the
 * kernel's accept queue for (its place) × (a turn): seconds, before the node can admit or shed a single one
 * of their requests. Several descriptors of the same socket each get their accept per turn; Node 22.12's
 * `reusePort` would give several sockets, Node 20 has neither that nor dup(2).
 *
 * So the descriptors are made the way node:cluster shares a listening socket between processes: the socket
 * goes to a short-lived child over its IPC channel and comes back `copies` times, each an SCM_RIGHTS copy, a
 * new descriptor of the same socket. The raw handle is what travels (a net.Server would be listened on by
 * the child, which could then accept a connection of ours before it exits).
 *
 * The copies are kept idle until activate(): then each becomes a net.Server of its own whose connections are
 * handed to `target` as its own would be ('connection'): the HTTP server parses, times out and closes them
 * alike. deactivate() closes them (a listening descriptor cannot stop accepting otherwise) and fetches a
 * fresh idle set in the background. Idle, they cost nothing; active, every descriptor is woken for each new
 * connection, and among processes sharing a socket (serve --workers) the first woken takes up to `copies` + 1
 * connections a turn, which would unbalance a quiet node's few connections: hence active only under load.
 *
 * The connection cap stays one cap: a copy refuses a connection once `target`'s own and all copies' reach
 * `maxConnections` - 1, and `target.maxConnections` is kept at the cap less the copies' connections, so the
 * total is at most `maxConnections` whichever descriptor accepted. (Node counts a server's connections in
 * `_connections`, and `maxConnections` 0 would mean "no cap": hence the copies stop one short.)
 *
 * Rejects if the child cannot be started or does not send the copies back within 10 s; `target` is left
 * listening as it was. A background refetch that fails is reported to `onError` and leaves no copies.
 */
export async function listenerCopies(target: Server, copies: number, maxConnections: number, onError: (error: Error) => void = () => {}): Promise<ListenerCopies> {
  // A real descriptor, not the stand-in handle a node:cluster worker listens on when the primary accepts.
  const handle = (target as Server & { _handle?: { fd?: unknown } | null })._handle;
  if (copies < 1 || typeof handle?.fd !== 'number' || handle.fd < 0) return NO_COPIES;
  let idle: RawHandle[] = await receiveCopies(handle, copies);
  let servers: Server[] = [];
  let refetch: Promise<void> | undefined;
  let closed = false;
  let open = 0;
  const leadOpen = () => (target as Server & { _connections: number })._connections;
  const setLeadCap = () => {
    target.maxConnections = maxConnections - open;
  };
  const onConnection = (socket: Socket) => {
    if (leadOpen() + open >= maxConnections - 1) {
      socket.destroy();
      target.emit('drop');
      return;
    }
    open++;
    setLeadCap();
    socket.once('close', () => {
      open--;
      setLeadCap();
    });
    target.emit('connection', socket);
  };
  const closeServers = () => Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => {});
  return {
    count: copies,
    get active() {
      return servers.length > 0;
    },
    activate() {
      if (closed || servers.length > 0 || idle.length === 0) return;
      servers = idle.splice(0).map((raw) => {
        // As the target accepts: node:http's server disables Nagle on what it accepts (noDelay), which a
        // plain net.Server does not; a connection accepted by a copy must not answer more slowly.
        const { noDelay, keepAlive, keepAliveInitialDelay } = target as Server & AcceptOptions;
        const server = new Server({ noDelay, keepAlive, keepAliveInitialDelay });
        server.on('error', (error) => target.emit('error', error));
        server.on('connection', onConnection);
        server.listen(raw as Parameters<Server['listen']>[0]);
        return server;
      });
    },
    async deactivate() {
      if (servers.length === 0) return;
      await closeServers();
      refetch ??= receiveCopies(handle, copies)
        .then(
          (fresh) => {
            if (closed) for (const raw of fresh) raw.close();
            else idle = fresh;
          },
          (error: Error) => onError(error),
        )
        .finally(() => (refetch = undefined));
    },
    async close() {
      closed = true;
      await closeServers();
      for (const raw of idle.splice(0)) raw.close();
      await refetch;
    },
  };
}

/** Copies a listener accepts on beside its own descriptor, once active. */
export interface ListenerCopies {
  readonly count: number;
  /** True while the copies accept. */
  readonly active: boolean;
  /** Starts accepting on every copy (nothing if active, closed, or a fresh set is still being fetched). */
  activate(): void;
  /** Stops accepting on the copies (connections already accepted stay the target's) and fetches a fresh idle set. */
  deactivate(): Promise<void>;
  /** Stops accepting on every copy and releases the idle ones. */
  close(): Promise<void>;
}

const NO_COPIES: ListenerCopies = { count: 0, active: false, activate: () => {}, deactivate: async () => {}, close: async () => {} };

/** A TCP handle passed over IPC ('net.Native'): a descriptor of the listening socket, not yet listened on. */
interface RawHandle {
  close(): void;
}

/**
 * Activates `copies` while the node's queueing delay is over its target (`overloaded`), checked every
 * `checkMs`, and deactivates them once it has stayed under for `calmMs`. Returns the stop function. The timer
 * is unref'd: it keeps no process alive.
 */
export function copiesUnderLoad(copies: ListenerCopies, overloaded: () => boolean, checkMs = 20, calmMs = 10_000, now: () => number = () => performance.now()): () => void {
  let calmSince: number | undefined;
  const timer = setInterval(() => {
    if (overloaded()) {
      calmSince = undefined;
      copies.activate();
    } else if (copies.active) {
      calmSince ??= now();
      if (now() - calmSince >= calmMs) {
        calmSince = undefined;
        void copies.deactivate();
      }
    }
  }, checkMs);
  timer.unref();
  return () => clearInterval(timer);
}

// The child: takes the handle, sends it back `copies` times (each send is a new descriptor in the parent),
// closes its own and ends. Plain JavaScript on `node -e`: no file, no loader, nothing of the node's loaded.
// `on`, not `once`: without a 'message' listener Node unreferences the channel, and the child would exit
// with the copies still queued behind the first (each handle waits for the parent's acknowledgement).
const CHILD = `process.on('message', (m, h) => { let sent = 0; const next = () => { if (sent++ === m.copies) { h.close(); process.disconnect(); } else process.send('copy', h, next); }; next(); });`;

const COPY_TIMEOUT_MS = 10_000;

function receiveCopies(handle: unknown, copies: number): Promise<RawHandle[]> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    // The child needs nothing of the parent's start-up (a loader, heap flags).
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env });
    const received: RawHandle[] = [];
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill();
      for (const raw of received.splice(0)) raw.close();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`no listener copies from the helper process within ${COPY_TIMEOUT_MS} ms`)), COPY_TIMEOUT_MS);
    child.on('error', fail);
    child.on('message', (_message, copy) => {
      received.push(copy as RawHandle);
      if (received.length === copies) {
        clearTimeout(timer);
        resolve(received);
      }
    });
    // The channel closes after the last message is read ('exit' may come before the messages).
    child.on('disconnect', () => {
      if (received.length < copies) fail(new Error(`the listener-copy helper process closed its channel after ${received.length} of ${copies} copies`));
    });
    child.send({ copies }, handle as Parameters<typeof child.send>[1]);
  });
}

/** What a net.Server applies to each connection it accepts (set from its constructor's options; not typed by Node). */
interface AcceptOptions {
  readonly noDelay?: boolean;
  readonly keepAlive?: boolean;
  readonly keepAliveInitialDelay?: number;
}
