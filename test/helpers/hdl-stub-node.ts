import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { ANONYMOUS } from '../../src/core/auth/principal.js';
import { isIdnodeError } from '../../src/core/errors/catalogue.js';
import type { IdNode } from '../../src/core/node.js';
import { ENVELOPE_SIZE, MAX_UDP_PACKET_SIZE, OpCode, ResponseCode } from '../../src/hdl/codec/constants.js';
import { decodeMessage, encodeMessage } from '../../src/hdl/codec/message.js';
import { encodeErrorBody } from '../../src/hdl/codec/error-body.js';
import { decodeResolutionRequest, encodeResolutionResponse } from '../../src/hdl/codec/resolution.js';
import { toWireHandleValue } from '../../src/hdl/codec/value-conversion.js';
import { MessageFramer } from '../../src/hdl/client/message-framer.js';

export interface HdlStubOptions {
  /** 'silent': the UDP socket is bound but never answers (the client must fall back to TCP). */
  readonly udp?: 'answer' | 'silent';
  /** Truncate UDP answers larger than this (envelope included); default HANDLE.NET's 512. */
  readonly udpLimit?: number;
}

export interface HdlStubNode {
  readonly host: string;
  readonly port: number;
  /** Requests seen per transport. */
  readonly seen: { udp: number; tcp: number };
  close(): Promise<void>;
}

/**
 * A minimal Handle-protocol front end for client tests, built from the codec over a real node's resolver
 * (anonymous, with filters): UDP and TCP on one port; an answer too large for a datagram goes back as a
 * header with the envelope's truncated flag, and an error as its Handle response code with the message.
 */
export async function startHdlStub(node: IdNode, options: HdlStubOptions = {}): Promise<HdlStubNode> {
  const seen = { udp: 0, tcp: 0 };
  const answer = async (request: Buffer): Promise<Buffer> => {
    const message = decodeMessage(request);
    const reply = (responseCode: number, body: Buffer, truncated = false) =>
      encodeMessage({
        envelope: { ...message.envelope, truncated },
        header: { ...message.header, responseCode, opFlags: 0 },
        body,
      });
    if (message.header.opCode !== OpCode.RESOLUTION) return reply(ResponseCode.OPERATION_NOT_SUPPORTED, encodeErrorBody('only resolution'));
    try {
      const query = decodeResolutionRequest(message.body);
      const resolution = await node.resolver.resolve({ ...query, principal: ANONYMOUS, protocol: 'rest' });
      if (resolution.status === 'not-found') return reply(ResponseCode.HANDLE_NOT_FOUND, encodeErrorBody(`${resolution.handle} does not exist`));
      if (resolution.status === 'no-values') return reply(ResponseCode.VALUES_NOT_FOUND, encodeErrorBody('no value matches'));
      return reply(ResponseCode.SUCCESS, encodeResolutionResponse({ handle: resolution.handle, values: resolution.values.map(toWireHandleValue) }));
    } catch (error) {
      if (!isIdnodeError(error)) throw error;
      return reply(error.handleCode, encodeErrorBody(error.message));
    }
  };
  const tcp = createServer();
  const sockets = new Set<Socket>();
  tcp.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const framer = new MessageFramer(1 << 20);
    socket.on('data', (chunk) =>
      framer.push(chunk, (request) => {
        seen.tcp++;
        void answer(Buffer.from(request)).then((bytes) => socket.write(bytes));
      }),
    );
  });
  tcp.listen(0, '127.0.0.1');
  await once(tcp, 'listening');
  const port = (tcp.address() as AddressInfo).port;
  const udp = createSocket('udp4');
  const limit = options.udpLimit ?? MAX_UDP_PACKET_SIZE;
  udp.on('message', (request, from) => {
    seen.udp++;
    if (options.udp === 'silent') return;
    void answer(request).then((bytes) => {
      const fits = bytes.length <= limit;
      // Truncated: the envelope and header only, flagged, so the client asks again over TCP.
      const sent = fits ? bytes : truncatedCopy(bytes);
      udp.send(sent, from.port, from.address);
    });
  });
  udp.bind(port, '127.0.0.1');
  await once(udp, 'listening');
  return {
    host: '127.0.0.1',
    port,
    seen,
    close: async () => {
      udp.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => tcp.close(resolve));
    },
  };
}

function truncatedCopy(bytes: Buffer): Buffer {
  const head = Buffer.from(bytes.subarray(0, ENVELOPE_SIZE + 24));
  head[2] = head[2]! | 0x20;
  head.writeUInt32BE(24, 16);
  head.writeUInt32BE(0, ENVELOPE_SIZE + 20);
  return head;
}
