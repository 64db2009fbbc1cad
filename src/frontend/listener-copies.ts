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
 * new descriptor of the same socket. Each copy is a net.Server of its own whose connections are handed to
 * `target` as its own would be ('connection'): the HTTP server parses, times out and closes them alike.
 * The raw handle is what travels (a net.Server would be listened on by the child, which could then accept
 * a connection of ours before it exits).
 *
 * The connection cap stays one cap: a copy refuses a connection once `target`'s own and all copies' reach
 * `maxConnections` - 1, and `target.maxConnections` is kept at the cap less the copies' connections, so the
 * total is at most `maxConnections` whichever descriptor accepted. (Node counts a server's connections in
 * `_connections`, and `maxConnections` 0 would mean "no cap": hence the copies stop one short.)
 *
 * Throws (rejects) if the child cannot be started or does not send the copies back within 10 s; `target`
 * is left listening as it was.
 */
export async function listenOnCopies(target: Server, copies: number, maxConnections: number): Promise<ListenerCopies> {
  // A real descriptor, not the stand-in handle a node:cluster worker listens on when the primary accepts.
  const handle = (target as Server & { _handle?: { fd?: unknown } | null })._handle;
  if (copies < 1 || typeof handle?.fd !== 'number' || handle.fd < 0) return { count: 0, close: async () => {} };
  const servers = await receiveCopies(handle, copies);
  let open = 0;
  const leadOpen = () => (target as Server & { _connections: number })._connections;
  const setLeadCap = () => {
    target.maxConnections = maxConnections - open;
  };
  setLeadCap();
  for (const server of servers) {
    server.on('error', (error) => target.emit('error', error));
    server.on('connection', (socket: Socket) => {
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
    });
  }
  return {
    count: servers.length,
    close: () => Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => {}),
  };
}

/** The copies a listener accepts on beside its own descriptor. */
export interface ListenerCopies {
  readonly count: number;
  /** Stops accepting on every copy; connections already accepted are the target server's to close. */
  close(): Promise<void>;
}

// The child: takes the handle, sends it back `copies` times (each send is a new descriptor in the parent),
// closes its own and ends. Plain JavaScript on `node -e`: no file, no loader, nothing of the node's loaded.
// `on`, not `once`: without a 'message' listener Node unreferences the channel, and the child would exit
// with the copies still queued behind the first (each handle waits for the parent's acknowledgement).
const CHILD = `process.on('message', (m, h) => { let sent = 0; const next = () => { if (sent++ === m.copies) { h.close(); process.disconnect(); } else process.send('copy', h, next); }; next(); });`;

const COPY_TIMEOUT_MS = 10_000;

function receiveCopies(handle: unknown, copies: number): Promise<Server[]> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    // The child needs nothing of the parent's start-up (a loader, heap flags).
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env });
    const servers: Server[] = [];
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill();
      for (const server of servers) server.close();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`no listener copies from the helper process within ${COPY_TIMEOUT_MS} ms`)), COPY_TIMEOUT_MS);
    child.on('error', fail);
    child.on('message', (_message, copy) => {
      const server = new Server();
      server.listen(copy as Parameters<Server['listen']>[0]);
      servers.push(server);
      if (servers.length === copies) {
        clearTimeout(timer);
        resolve(servers);
      }
    });
    // The channel closes after the last message is read ('exit' may come before the messages).
    child.on('disconnect', () => {
      if (servers.length < copies) fail(new Error(`the listener-copy helper process closed its channel after ${servers.length} of ${copies} copies`));
    });
    child.send({ copies }, handle as Parameters<typeof child.send>[1]);
  });
}
