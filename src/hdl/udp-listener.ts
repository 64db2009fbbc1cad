import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { RequestHandler } from './request-handler.js';

export interface UdpOptions {
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  /** Datagrams being answered at once; more are dropped (counted) until some are answered. */
  readonly maxInFlight: number;
}

/**
 * The UDP side: one datagram in, at most one out, to the sender. Memory is bounded by maxInFlight (each
 * datagram is at most 64 KiB and is answered or dropped); nothing is kept per sender.
 */
export class UdpListener {
  private socket: Socket | undefined;
  private inFlight = 0;
  private idle: (() => void) | undefined;

  constructor(
    private readonly handler: RequestHandler,
    private readonly options: UdpOptions,
  ) {}

  /** Binds host:port; rejects with the socket's error (EADDRINUSE, …). */
  bind(host: string, port: number): Promise<number> {
    const socket = createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4' });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        socket.on('error', (error) => this.options.logger.error({ err: error }, 'hdl: UDP socket error'));
        socket.on('message', (datagram, peer) => this.receive(socket, datagram, peer.address, peer.port));
        resolve(socket.address().port);
      });
    });
  }

  private receive(socket: Socket, datagram: Buffer, address: string, port: number): void {
    if (this.inFlight >= this.options.maxInFlight) {
      this.options.metrics.hdlMessages.record('udp', 'dropped');
      return;
    }
    this.inFlight++;
    void this.handler.answer(datagram, 'udp').then((answer) => {
      if (answer !== undefined) {
        socket.send(answer, port, address, (error) => {
          if (error) this.options.logger.debug({ err: error }, 'hdl: a UDP answer could not be sent');
        });
      }
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    });
  }

  /** Stops receiving, lets the datagrams being answered send their answers, closes. */
  async close(): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return;
    this.socket = undefined;
    socket.removeAllListeners('message');
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve(); // never bound
      }
    });
  }
}
