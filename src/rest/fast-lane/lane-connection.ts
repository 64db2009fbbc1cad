import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Entered, RETRY_AFTER_SECONDS } from '../../frontend/admission.js';
import { requestIdOf } from '../../frontend/request-id.js';
import { JSON_CONTENT_TYPE } from '../framing.js';
import { warmTargetHandle, type WarmSink } from '../warm-path.js';
import type { FastLaneOptions } from './fast-lane.js';
import { HeadRead, readLaneHead, type LaneHead } from './request-head.js';

/** What a connection needs of the lane that holds it (fast-lane.ts). */
export interface LaneOwner {
  /** The connections the lane holds; a connection leaves it when it closes or is handed over. */
  readonly open: Set<LaneConnection>;
  /** The sweep's count (see expireAfter). */
  readonly tick: number;
  /** True once the server is stopping. */
  readonly closing: boolean;
  /** One head reused by every read (a read is synchronous). */
  readonly head: LaneHead;
  readonly options: FastLaneOptions;
  /** The Connection and Keep-Alive header lines of an answer on a connection kept open. */
  readonly keepAliveHeader: string;
  dateValue(): string;
  handOver(socket: Socket, unread?: Buffer): void;
}

/** One connection while the lane holds it: reads its requests, answers them (its own WarmSink), hands it over. */
export class LaneConnection implements WarmSink {
  private waiting = false;
  private draining = false;
  private ending = false;
  private answered = false;
  private lastTick: number;
  /** The start of a head not yet whole, read again with the next chunk. */
  private partial: Buffer | undefined;
  private partialSince = 0;
  private readonly onData = (chunk: Buffer) => {
    const partial = this.partial;
    if (partial === undefined) return this.read(chunk, 0);
    this.partial = undefined;
    this.read(Buffer.concat([partial, chunk]), 0);
  };
  private readonly onEnd = () => this.closeWhenIdle();
  private readonly onError = () => this.socket.destroy();
  private readonly onClose = () => this.lane.open.delete(this);
  private readonly onDrain = () => {
    this.draining = false;
    if (!this.waiting) this.socket.resume();
  };

  constructor(
    private readonly socket: Socket,
    private readonly lane: LaneOwner,
  ) {
    this.lastTick = lane.tick;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Closes the connection now if no answer is owed on it, else once the one owed is written. */
  closeWhenIdle(): void {
    this.ending = true;
    if (!this.waiting) this.socket.end();
  }

  /**
   * The sweep's check, once a period: a head left unfinished for more than `headersTicks` goes to node:http
   * (whose headers timeout then runs); a connection owing no answer and idle for more than `keepAliveTicks`
   * after an answer (`idleTicks` before any) is closed.
   */
  expireAfter(tick: number, keepAliveTicks: number, idleTicks: number, headersTicks: number): void {
    if (this.partial !== undefined) {
      if (tick - this.partialSince > headersTicks) this.handOver(this.partial);
    } else if (!this.waiting && tick - this.lastTick > (this.answered ? keepAliveTicks : idleTicks)) {
      this.socket.destroy();
    }
  }

  deliver(requestId: string, statusCode: number, json: string, challenge: string | undefined): void {
    this.write(statusCode, requestId, challenge, json);
  }

  /**
   * Serves the requests in `bytes` from `at` on, until one has to wait on the store or the connection changes
   * hands. Answers to requests pipelined in one read go out in one write (corked); a lone request's answer is
   * written at once (corking it would only cost the stream's buffering).
   */
  private read(bytes: Buffer, at: number): void {
    const { socket, lane } = this;
    const { options, head } = lane;
    this.lastTick = lane.tick;
    let corked = false;
    try {
      while (at < bytes.length && !this.ending) {
        const read = readLaneHead(bytes, at, head);
        if (read === HeadRead.Partial) {
          this.partial = bytes.subarray(at);
          this.partialSince = lane.tick;
          break;
        }
        const handle = read === HeadRead.Lane ? warmTargetHandle(head.target, options.maxPathLength) : undefined;
        if (handle === undefined) {
          if (corked) socket.uncork();
          corked = false;
          this.handOver(bytes.subarray(at));
          return;
        }
        at = head.end;
        if (!corked && at < bytes.length) {
          socket.cork();
          corked = true;
        }
        const requestId = requestIdOf(head.requestId);
        const entered = options.admission.enter(options.isWarm, handle);
        if (entered === undefined) {
          this.write(503, requestId, undefined, options.busyBody);
          continue;
        }
        const answered = options.answer(handle, requestId, head.target, this);
        if (answered === undefined) {
          if (entered === Entered.Counted) options.admission.leave();
          continue;
        }
        this.readOnceAnswered(answered, entered, bytes, at);
        return;
      }
    } finally {
      if (corked) socket.uncork();
    }
    if (this.ending && !this.waiting) socket.end();
  }

  /**
   * Waits for an answer from the store before reading the requests behind it. A method of its own: the closure
   * made here would otherwise give `read` a context allocated for every request, warm hits included.
   */
  private readOnceAnswered(answered: Promise<void>, entered: Entered, bytes: Buffer, next: number): void {
    const { socket, lane } = this;
    this.waiting = true;
    socket.pause();
    void answered.then(() => {
      if (entered === Entered.Counted) lane.options.admission.leave();
      this.waiting = false;
      if (socket.destroyed || !lane.open.has(this)) return;
      this.read(bytes, next);
      if (!this.waiting && !this.draining && lane.open.has(this)) socket.resume();
    });
  }

  private handOver(unread: Buffer): void {
    const socket = this.socket;
    socket.removeListener('data', this.onData);
    socket.removeListener('end', this.onEnd);
    socket.removeListener('error', this.onError);
    socket.removeListener('close', this.onClose);
    socket.removeListener('drain', this.onDrain);
    this.lane.open.delete(this);
    this.lane.handOver(socket, unread);
  }

  private write(statusCode: number, requestId: string, challenge: string | undefined, body: string): void {
    this.answered = true;
    const lane = this.lane;
    const connection = this.ending || lane.closing ? 'connection: close\r\n' : lane.keepAliveHeader;
    const extra = statusCode === 503 ? RETRY_AFTER_LINE : challenge === undefined ? '' : `www-authenticate: ${challenge}\r\n`;
    const written = this.socket.write(answerBytes(statusCode, requestId, extra, lane.dateValue(), connection, body));
    if (!written && !this.draining) {
      // The client is not reading its answers: read no more requests until it has.
      this.draining = true;
      this.socket.pause();
      this.socket.once('drain', this.onDrain);
    }
  }
}

const RETRY_AFTER_LINE = `retry-after: ${RETRY_AFTER_SECONDS}\r\n`;

/** Each status's line and the headers before the length, rendered once. */
const STATUS_HEADS = new Map<number, string>();

function statusHead(statusCode: number): string {
  let head = STATUS_HEADS.get(statusCode);
  if (head === undefined) {
    head = `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\ncontent-type: ${JSON_CONTENT_TYPE}\r\ncontent-length: `;
    STATUS_HEADS.set(statusCode, head);
  }
  return head;
}

/**
 * One whole HTTP/1.1 answer, as bytes in one buffer (from Node's pool): its parts are written into it where
 * they are, rather than joined into one string that the socket would then copy and encode, which made most
 * of a cached answer's garbage. Every part but the body is ASCII (the request id is checked by requestIdOf).
 */
function answerBytes(statusCode: number, requestId: string, extra: string, date: string, connection: string, body: string): Buffer {
  const head = statusHead(statusCode);
  const bodyBytes = Buffer.byteLength(body);
  const length = String(bodyBytes);
  const size = head.length + length.length + REQUEST_ID_LINE.length + requestId.length + 2 + extra.length + DATE_LINE.length + date.length + 2 + connection.length + 2 + bodyBytes;
  const bytes = Buffer.allocUnsafe(size);
  let at = bytes.write(head, 0, 'latin1');
  at += bytes.write(length, at, 'latin1');
  at += bytes.write(REQUEST_ID_LINE, at, 'latin1');
  at += bytes.write(requestId, at, 'latin1');
  at += bytes.write(CRLF, at, 'latin1');
  at += bytes.write(extra, at, 'latin1');
  at += bytes.write(DATE_LINE, at, 'latin1');
  at += bytes.write(date, at, 'latin1');
  at += bytes.write(CRLF, at, 'latin1');
  at += bytes.write(connection, at, 'latin1');
  at += bytes.write(CRLF, at, 'latin1');
  bytes.write(body, at, 'utf8');
  return bytes;
}

const CRLF = '\r\n';
const REQUEST_ID_LINE = '\r\nx-request-id: ';
const DATE_LINE = 'date: ';
