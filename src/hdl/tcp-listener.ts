import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { decodeEnvelope, ENVELOPE_SIZE } from './codec/index.js';
import type { RequestHandler } from './request-handler.js';

export interface TcpOptions {
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  /** The largest request (bytes after the envelope); a larger one is answered with a protocol error and the connection closed. */
  readonly maxRequestBytes: number;
  /** A connection with no request in progress for this long is closed. */
  readonly idleTimeoutMs: number;
  /** Connections open at once; more are refused by the operating system's backlog and then closed. */
  readonly maxConnections: number;
}

/**
 * The TCP side: messages delimited by their envelope's length, several per connection, answered one at a
 * time in order. A connection's memory is bounded: reading pauses while a request is being answered or
 * its answer waits for the client to read it, and no more than one request (≤ maxRequestBytes) plus one
 * read chunk is ever buffered.
 */
export class TcpListener {
  private readonly server: Server;
  /** Open connections, and whether each is answering a request now. */
  private readonly connections = new Map<Socket, { busy: boolean }>();
  private closing = false;

  constructor(
    handler: RequestHandler,
    private readonly options: TcpOptions,
  ) {
    this.server = createServer({ pauseOnConnect: false }, (socket) => this.serve(socket, handler));
    this.server.maxConnections = options.maxConnections;
  }

  /** Binds host:port; rejects with the server's error (EADDRINUSE, …). */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      // Backlog as REST's (rest-front-end.ts): connections the node would hold wait in the queue, not in SYN retransmission.
      this.server.listen({ host, port, backlog: this.options.maxConnections }, () => {
        this.server.off('error', reject);
        this.server.on('error', (error) => this.options.logger.error({ err: error }, 'hdl: TCP server error'));
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  private serve(socket: Socket, handler: RequestHandler): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const state = { busy: false };
    this.connections.set(socket, state);
    socket.setNoDelay(true);
    socket.setTimeout(this.options.idleTimeoutMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    const limit = this.options.maxRequestBytes;
    let pending: Buffer = Buffer.alloc(0);
    let ended = false;
    /** Half-closes after the last answer and reads on (discarding) until the client closes its side. */
    const finish = (last?: Buffer) => {
      ended = true;
      pending = Buffer.alloc(0);
      if (last === undefined) socket.end();
      else socket.end(last);
      socket.resume();
    };

    const next = async (): Promise<void> => {
      state.busy = true;
      socket.pause();
      while (!socket.destroyed && pending.length >= ENVELOPE_SIZE) {
        const envelope = decodeEnvelope(pending, Number.MAX_SAFE_INTEGER);
        if (envelope.messageLength > limit) {
          // Answered (the envelope is readable), then closed: what follows cannot be skipped safely.
          finish(await handler.answer(pending.subarray(0, ENVELOPE_SIZE), 'tcp'));
          return;
        }
        const size = ENVELOPE_SIZE + envelope.messageLength;
        if (pending.length < size) break;
        const frame = pending.subarray(0, size);
        pending = pending.subarray(size);
        const answer = await handler.answer(frame, 'tcp');
        if (socket.destroyed) return;
        if (answer !== undefined && !socket.write(answer)) await new Promise((resolve) => socket.once('drain', resolve));
      }
      state.busy = false;
      if (this.closing) finish();
      else socket.resume();
    };

    socket.on('data', (chunk: Buffer) => {
      if (ended) return;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!state.busy) void next();
    });
  }

  /** Stops accepting; idle connections close at once, busy ones after answering what they have read. */
  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // A busy connection ends itself once its answer is written (see next()).
    for (const [socket, state] of this.connections) if (!state.busy) socket.destroy();
    await closed;
  }
}
