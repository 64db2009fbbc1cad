import { ENVELOPE_SIZE, EnvelopeFlag } from '../codec/constants.js';

/**
 * Envelope fields (RFC 3652 §2.2.1, laid out in src/hdl/codec/envelope.ts) read in place, without decoding the
 * whole envelope, where every message passes: the request id that pairs an answer with its question (also
 * rewritten in place by the load generator), the message length that frames a TCP stream, the truncated flag.
 */
export const REQUEST_ID_OFFSET = 8;
const MESSAGE_LENGTH_OFFSET = 16;
const FLAGS_OFFSET = 2;

export function requestIdOf(packet: Buffer): number {
  return packet.readUInt32BE(REQUEST_ID_OFFSET);
}

export function messageLengthOf(packet: Buffer): number {
  return packet.readUInt32BE(MESSAGE_LENGTH_OFFSET);
}

/** True when the envelope says truncated (TC), or the datagram holds less than the message it announces. */
export function isTruncated(packet: Buffer): boolean {
  return (packet[FLAGS_OFFSET]! & EnvelopeFlag.TRUNCATED) !== 0 || packet.length < ENVELOPE_SIZE + messageLengthOf(packet);
}
