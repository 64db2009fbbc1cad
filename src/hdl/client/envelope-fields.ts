/**
 * The fields of the 20-byte message envelope (RFC 3652 §2.2.1) that moving messages needs, whatever they
 * carry: the request id that pairs an answer with its question, the message length that frames a TCP
 * stream, and the truncated flag of a UDP answer that did not fit.
 */
export const ENVELOPE_BYTES = 20;
export const REQUEST_ID_OFFSET = 8;
export const MESSAGE_LENGTH_OFFSET = 16;
const MESSAGE_FLAG_OFFSET = 2;
/** MessageFlag bit TC: the message was truncated (a UDP answer too large for one datagram). */
const FLAG_TRUNCATED = 0x2000;

export function requestIdOf(packet: Buffer, offset = 0): number {
  return packet.readUInt32BE(offset + REQUEST_ID_OFFSET);
}

export function messageLengthOf(packet: Buffer, offset = 0): number {
  return packet.readUInt32BE(offset + MESSAGE_LENGTH_OFFSET);
}

/** True when the envelope says truncated, or the datagram holds less than the message length it announces. */
export function isTruncated(packet: Buffer): boolean {
  return (packet.readUInt16BE(MESSAGE_FLAG_OFFSET) & FLAG_TRUNCATED) !== 0 || packet.length < ENVELOPE_BYTES + messageLengthOf(packet);
}
