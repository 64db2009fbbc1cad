import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import {
  decodeEnvelope,
  decodeErrorBody,
  decodeMessage,
  decodeResolutionResponse,
  encodeMessage,
  encodeResolutionRequest,
  encodeSiteInfoRequest,
  ENVELOPE_SIZE,
  fromWireHandleValue,
  OpCode,
  OpFlag,
  splitResponseBody,
  type Credential,
  type Message,
  type RequestDigest,
} from '../../src/hdl/codec/index.js';

/** A test-side Handle protocol client over real sockets, built on the codec. */

export interface RequestOptions {
  readonly requestId?: number;
  readonly opFlags?: number;
  readonly credential?: Credential;
}

export function request(opCode: number, body: Buffer, options: RequestOptions = {}): Buffer {
  return encodeMessage({
    envelope: { majorVersion: 2, minorVersion: 10, compressed: false, encrypted: false, truncated: false, suggestedMajorVersion: 2, suggestedMinorVersion: 10, sessionId: 0, requestId: options.requestId ?? 1, sequenceNumber: 0 },
    header: { opCode, responseCode: 0, opFlags: options.opFlags ?? OpFlag.PUBLIC_ONLY, siteInfoSerial: -1, recursionCount: 0, expiration: 0 },
    body,
    ...(options.credential === undefined ? {} : { credential: options.credential }),
  });
}

export function resolutionRequest(handle: string, filters: { indexes?: number[]; types?: string[] } = {}, options: RequestOptions = {}): Buffer {
  return request(OpCode.RESOLUTION, encodeResolutionRequest({ handle, indexes: filters.indexes ?? [], types: filters.types ?? [] }), options);
}

export function siteInfoRequest(options: RequestOptions = {}): Buffer {
  return request(OpCode.GET_SITE_INFO, encodeSiteInfoRequest(), options);
}

export interface Answer {
  readonly message: Message;
  readonly responseCode: number;
  readonly truncated: boolean;
  readonly requestId: number;
  readonly digest?: RequestDigest;
  /** Set for responseCode 1 to a resolution. */
  readonly handle?: string;
  readonly values?: HandleValue[];
  /** Set for error responses. */
  readonly error?: string;
  /** The body after any digest. */
  readonly rest: Buffer;
}

export function readAnswer(bytes: Buffer): Answer {
  const message = decodeMessage(bytes);
  const { digest, rest } = splitResponseBody(message.header, message.body);
  const common = { message, responseCode: message.header.responseCode, truncated: message.envelope.truncated, requestId: message.envelope.requestId, rest, ...(digest === undefined ? {} : { digest }) };
  if (message.header.responseCode !== 1) return { ...common, error: decodeErrorBody(rest) };
  if (message.header.opCode !== OpCode.RESOLUTION) return common;
  const resolution = decodeResolutionResponse(rest);
  return { ...common, handle: resolution.handle, values: resolution.values.map(fromWireHandleValue) };
}

/** One datagram to host:port, the first datagram back (rejects after timeoutMs). */
export function udpExchange(port: number, datagram: Buffer, timeoutMs = 5000): Promise<Buffer> {
  const socket = createSocket('udp4');
  return new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no UDP answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once('message', (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.send(datagram, port, '127.0.0.1', (error) => {
      if (error) reject(error);
    });
  }).finally(() => socket.close());
}

/** A TCP connection that reads answers as envelope-delimited frames, in order. */
export class TcpConnection {
  private pending = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private readonly waiting: ((frame: Buffer | undefined) => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= ENVELOPE_SIZE) {
        const size = ENVELOPE_SIZE + decodeEnvelope(this.pending, Number.MAX_SAFE_INTEGER).messageLength;
        if (this.pending.length < size) break;
        const frame = this.pending.subarray(0, size);
        this.pending = this.pending.subarray(size);
        const waiter = this.waiting.shift();
        if (waiter) waiter(frame);
        else this.frames.push(frame);
      }
    });
    socket.on('close', () => {
      this.closed = true;
      for (const waiter of this.waiting.splice(0)) waiter(undefined);
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<TcpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new TcpConnection(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next answer; undefined when the server closed the connection first. */
  next(timeoutMs = 5000): Promise<Buffer | undefined> {
    const frame = this.frames.shift();
    if (frame) return Promise.resolve(frame);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no TCP answer within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push((answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
  }

  async exchange(bytes: Buffer): Promise<Buffer> {
    this.send(bytes);
    const answer = await this.next();
    if (answer === undefined) throw new Error('the server closed the connection');
    return answer;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** One request over a fresh TCP connection. */
export async function tcpExchange(port: number, bytes: Buffer): Promise<Buffer> {
  const connection = await TcpConnection.open(port);
  try {
    return await connection.exchange(bytes);
  } finally {
    connection.close();
  }
}
