import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Admission } from '../../frontend/admission.js';
import type { WarmAnswerer } from '../warm-path.js';
import { LaneConnection, type LaneOwner } from './lane-connection.js';
import type { LaneHead } from './request-head.js';

export interface FastLaneOptions {
  /** The warm resolution, shared with the node:http warm path. */
  readonly answer: WarmAnswerer;
  /** Whether a resolution of this identifier is in the cache: such a request is not shed (Admission.tryAdmit). */
  readonly isWarm: (handle: string) => boolean;
  readonly admission: Admission;
  /** The 503 body of a shed request (raw-gate's busyBody). */
  readonly busyBody: string;
  readonly maxPathLength: number;
  /** A connection with no request for this long after its last answer is closed (keep-alive-timeout-ms). */
  readonly keepAliveMs: number;
  /** A connection with no request at all for this long is closed (idle-timeout-ms). */
  readonly idleMs: number;
  /** A head not whole after this long goes to node:http, whose own headers timeout then runs (headers-timeout-ms). */
  readonly headersMs: number;
}

export interface FastLane {
  /**
   * Stops the lane for a shutdown: idle connections are closed now, one waiting on an answer once the answer
   * (marked Connection: close) is written. Connections accepted afterwards go straight to node:http.
   */
  close(): void;
}

/**
 * The fast lane (docs/architecture.md, "The fast lane"): the REST listener's connections are read here first,
 * and a request the lane recognises — an anonymous `GET /api/handles/{handle}` with nothing else to it
 * (request-head.ts) — is answered straight on the socket with the warm path's answer, without node:http's
 * parser, IncomingMessage, ServerResponse and header handling, which cost more CPU than the resolution itself.
 * At the first request it does not recognise, the connection is handed to node:http with its unread bytes put
 * back, for the rest of its life: node:http and fastify then serve it exactly as if the lane did not exist.
 * Answers keep their order: a request behind one waiting on the store is not read until that one is written.
 * A head cut by the end of a read waits for the rest, up to headers-timeout-ms.
 *
 * Installed on a plain-HTTP server before it listens: node:http's own 'connection' listener is taken off the
 * server and called at hand-over. Admission is the same as node:http's path (raw-gate): a request beyond the
 * limits is answered 503 with the same body, unless the cache answers it.
 */
export function installFastLane(server: HttpServer, options: FastLaneOptions): FastLane {
  const handOverTo = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const lane = new Lane(server, handOverTo, options);
  server.on('connection', (socket: Socket) => lane.take(socket));
  return lane;
}

const WRITTEN_BY_LANE = Symbol('idnode.writtenByLane');
type LaneSocket = Socket & { [WRITTEN_BY_LANE]?: number };

/**
 * The bytes the lane wrote on `socket` before it handed it to node:http (whole answers only); 0 for a socket
 * the lane never answered on. node:http's clientError handling compares it with what is written since.
 */
export function writtenByLane(socket: Socket): number {
  return (socket as LaneSocket)[WRITTEN_BY_LANE] ?? 0;
}

class Lane implements FastLane, LaneOwner {
  readonly open = new Set<LaneConnection>();
  /** A coarse clock, in sweep periods: a request stamps its connection with it instead of re-arming a timer. */
  tick = 0;
  closing = false;
  readonly head: LaneHead = { target: '', requestId: undefined, end: 0 };
  private readonly period: number;
  private readonly sweeper: NodeJS.Timeout;
  private date = '';
  private dateExpires = 0;
  readonly keepAliveHeader: string;

  constructor(
    private readonly server: HttpServer,
    private readonly handOverTo: readonly ((socket: Socket) => void)[],
    readonly options: FastLaneOptions,
  ) {
    this.period = Math.max(10, Math.min(1000, options.keepAliveMs, options.idleMs, options.headersMs));
    this.keepAliveHeader = `connection: keep-alive\r\nkeep-alive: timeout=${Math.max(1, Math.floor(options.keepAliveMs / 1000))}\r\n`;
    this.sweeper = setInterval(() => this.sweep(), this.period).unref();
  }

  take(socket: Socket): void {
    if (this.closing) this.handOver(socket);
    else this.open.add(new LaneConnection(socket, this));
  }

  /** Gives `socket` to node:http, as if it had just been accepted, with `unread` to be read first. */
  handOver(socket: Socket, unread?: Buffer): void {
    (socket as LaneSocket)[WRITTEN_BY_LANE] = socket.bytesWritten;
    socket.pause();
    if (unread !== undefined && unread.length > 0) socket.unshift(unread);
    for (const listener of this.handOverTo) listener.call(this.server, socket);
    // node:http reads once it has set up its listeners (as servers that sniff a connection's first bytes do).
    process.nextTick(() => socket.resume());
  }

  /** The Date header's value, rendered once a second. */
  dateValue(): string {
    const now = Date.now();
    if (now >= this.dateExpires) {
      this.date = new Date(now).toUTCString();
      this.dateExpires = now - (now % 1000) + 1000;
    }
    return this.date;
  }

  close(): void {
    this.closing = true;
    clearInterval(this.sweeper);
    for (const connection of this.open) connection.closeWhenIdle();
  }

  private sweep(): void {
    this.tick++;
    const keepAliveTicks = Math.ceil(this.options.keepAliveMs / this.period);
    const idleTicks = Math.ceil(this.options.idleMs / this.period);
    const headersTicks = Math.ceil(this.options.headersMs / this.period);
    for (const connection of this.open) connection.expireAfter(this.tick, keepAliveTicks, idleTicks, headersTicks);
  }
}
