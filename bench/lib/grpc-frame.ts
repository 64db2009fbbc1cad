import type { ServiceDefinition } from '@grpc/grpc-js';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { idnodePackageDefinition } from '../../src/grpc/proto-definition.js';

/**
 * gRPC messages as bytes on the wire, for generators that are not gRPC clients (h2load sends one fixed
 * request body): each message is a 5-byte prefix (flag 0 = not compressed, then the length as uint32
 * big-endian) and the protobuf encoding, here from the project's own proto (the same definition the
 * server and the grpc-js clients use).
 */

/** The HTTP/2 path of idnode.v1.Resolver/Resolve. */
export const RESOLVE_PATH = '/idnode.v1.Resolver/Resolve';

export interface ResolveResponseMessage {
  readonly handle: string;
  readonly values: readonly unknown[];
  readonly responseCode: number;
}

function resolveMethod() {
  return (idnodePackageDefinition()['idnode.v1.Resolver'] as ServiceDefinition)['Resolve']!;
}

/** One length-prefixed, uncompressed gRPC message. */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** Splits a response body into its messages. Throws when it is not a whole number of uncompressed messages. */
export function grpcMessages(body: Buffer): Buffer[] {
  const messages: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    if (body.length - at < 5) throw new IdnodeError('INTERNAL_ERROR', `a gRPC body ends inside a message prefix (${body.length - at} of 5 bytes)`);
    if (body[at] !== 0) throw new IdnodeError('INTERNAL_ERROR', `a gRPC message is flagged compressed (${body[at]}); the bench asks for none`);
    const length = body.readUInt32BE(at + 1);
    if (at + 5 + length > body.length) throw new IdnodeError('INTERNAL_ERROR', `a gRPC message of ${length} bytes is cut at ${body.length - at - 5}`);
    messages.push(body.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return messages;
}

/** The request body of Resolve(handle), every value asked for. */
export function resolveRequestFrame(handle: string): Buffer {
  return grpcFrame(resolveMethod().requestSerialize({ handle }));
}

export function decodeResolveResponse(message: Buffer): ResolveResponseMessage {
  return resolveMethod().responseDeserialize(message) as ResolveResponseMessage;
}
