import { createSocket } from 'node:dgram';
import { connect, isIP } from 'node:net';
import { IdnodeError } from '../../core/errors/catalogue.js';
import { formatHostPort, type HostPort } from './address.js';
import { ENVELOPE_SIZE, MAX_MESSAGE_LENGTH } from '../codec/constants.js';
import { isTruncated, requestIdOf } from './envelope-fields.js';
import { MessageFramer } from './message-framer.js';

/** What one UDP question got: the answer, an answer marked truncated, or nothing usable in time. */
export type UdpOutcome = { readonly kind: 'answer'; readonly packet: Buffer } | { readonly kind: 'truncated' } | { readonly kind: 'no-answer'; readonly why: string };


/**
 * Sends one request datagram (envelope included) and waits up to `timeoutMs` for the datagram answering its
 * request id; datagrams for other ids are ignored. Never rejects: a refused port (ICMP) or a timeout is
 * 'no-answer', for the caller to try TCP.
 */
export function exchangeUdp(address: HostPort, request: Buffer, timeoutMs: number): Promise<UdpOutcome> {
  const id = requestIdOf(request);
  const socket = createSocket(isIP(address.host) === 6 ? 'udp6' : 'udp4');
  return new Promise<UdpOutcome>((resolve) => {
    const finish = (outcome: UdpOutcome) => {
      clearTimeout(timer);
      socket.close();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'no-answer', why: `no UDP answer within ${timeoutMs} ms` }), timeoutMs);
    socket.on('error', (error) => finish({ kind: 'no-answer', why: `UDP: ${error.message}` }));
    socket.on('message', (packet) => {
      if (packet.length < ENVELOPE_SIZE || requestIdOf(packet) !== id) return;
      finish(isTruncated(packet) ? { kind: 'truncated' } : { kind: 'answer', packet });
    });
    // Connected, so that an ICMP "port unreachable" comes back as an error instead of a silent timeout.
    socket.connect(address.port, address.host, () => socket.send(request));
  });
}

/**
 * Sends one request message over a new TCP connection and resolves with the whole answer message
 * (envelope included) carrying its request id. Rejects with NODE_UNREACHABLE when the connection fails,
 * closes early or nothing answers within `timeoutMs`, and when the stream is not Handle messages.
 */
export function exchangeTcp(address: HostPort, request: Buffer, timeoutMs: number): Promise<Buffer> {
  const id = requestIdOf(request);
  const where = formatHostPort(address);
  return new Promise<Buffer>((resolve, reject) => {
    const socket = connect({ host: address.host, port: address.port });
    const framer = new MessageFramer(ENVELOPE_SIZE + MAX_MESSAGE_LENGTH);
    const fail = (why: string, cause?: unknown) => {
      socket.destroy();
      reject(new IdnodeError('NODE_UNREACHABLE', `cannot resolve over TCP at ${where}: ${why}`, cause === undefined ? {} : { cause }));
    };
    socket.setTimeout(timeoutMs, () => fail(`no TCP answer within ${timeoutMs} ms`));
    socket.on('error', (error) => fail(error.message, error));
    socket.on('close', () => fail('the node closed the connection before answering'));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      try {
        framer.push(chunk, (message) => {
          if (requestIdOf(message) !== id) return;
          socket.removeAllListeners('close');
          socket.setTimeout(0);
          socket.end();
          resolve(message);
        });
      } catch (error) {
        fail((error as Error).message);
      }
    });
  });
}
