import { ByteReader } from './byte-reader.js';
import { ENVELOPE_SIZE, EnvelopeFlag, MAX_MESSAGE_LENGTH, PROTOCOL_MAJOR_VERSION, PROTOCOL_MINOR_VERSION } from './constants.js';
import { ProtocolError } from './protocol-error.js';

/**
 * The 20-byte message envelope (RFC 3652 §2.2.1) as HANDLE.NET lays it out: major and minor version; a flag
 * byte with CP (compressed), EC (encrypted), TC (truncated) in its top bits and, in its two lowest bits, the
 * major version the sender suggests; the suggested minor version; session id; request id; sequence number
 * (HANDLE.NET's message id); the length of the message that follows (header, body and credential section).
 */
export interface Envelope {
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly compressed: boolean;
  readonly encrypted: boolean;
  readonly truncated: boolean;
  /** 0 to 3; 0: none suggested (the version itself). */
  readonly suggestedMajorVersion: number;
  readonly suggestedMinorVersion: number;
  readonly sessionId: number;
  readonly requestId: number;
  readonly sequenceNumber: number;
  /** Bytes after the envelope. */
  readonly messageLength: number;
}

/** Writes `envelope` into target[offset, offset + 20). */
export function writeEnvelope(envelope: Envelope, target: Buffer, offset = 0): void {
  target[offset] = envelope.majorVersion & 0xff;
  target[offset + 1] = envelope.minorVersion & 0xff;
  target[offset + 2] =
    (envelope.compressed ? EnvelopeFlag.COMPRESSED : 0) |
    (envelope.encrypted ? EnvelopeFlag.ENCRYPTED : 0) |
    (envelope.truncated ? EnvelopeFlag.TRUNCATED : 0) |
    (envelope.suggestedMajorVersion & 0x03);
  target[offset + 3] = envelope.suggestedMinorVersion & 0xff;
  target.writeUInt32BE(envelope.sessionId >>> 0, offset + 4);
  target.writeUInt32BE(envelope.requestId >>> 0, offset + 8);
  target.writeUInt32BE(envelope.sequenceNumber >>> 0, offset + 12);
  target.writeUInt32BE(envelope.messageLength >>> 0, offset + 16);
}

export function encodeEnvelope(envelope: Envelope): Buffer {
  const bytes = Buffer.alloc(ENVELOPE_SIZE);
  writeEnvelope(envelope, bytes);
  return bytes;
}

/**
 * Decodes the envelope at the start of `bytes`. Throws ProtocolError when fewer than 20 bytes are present or
 * the announced message length exceeds `maxMessageLength` (default HANDLE.NET's 262,144). It does not check
 * that the message itself is present (see decodeMessage; a TCP reader waits for it).
 */
export function decodeEnvelope(bytes: Buffer, maxMessageLength = MAX_MESSAGE_LENGTH): Envelope {
  const reader = new ByteReader(bytes, 0, Math.min(bytes.length, ENVELOPE_SIZE));
  const majorVersion = reader.u8('envelope major version');
  const minorVersion = reader.u8('envelope minor version');
  const flags = reader.u8('envelope flags');
  const suggestedMinorVersion = reader.u8('envelope suggested minor version');
  const sessionId = reader.u32('envelope session id');
  const requestId = reader.u32('envelope request id');
  const sequenceNumber = reader.u32('envelope sequence number');
  const messageLength = reader.u32('envelope message length');
  if (messageLength > maxMessageLength) throw new ProtocolError(`envelope message length ${messageLength} is over the limit of ${maxMessageLength} bytes`, 16);
  return {
    majorVersion,
    minorVersion,
    compressed: (flags & EnvelopeFlag.COMPRESSED) !== 0,
    encrypted: (flags & EnvelopeFlag.ENCRYPTED) !== 0,
    truncated: (flags & EnvelopeFlag.TRUNCATED) !== 0,
    suggestedMajorVersion: flags & 0x03,
    suggestedMinorVersion,
    sessionId,
    requestId,
    sequenceNumber,
    messageLength,
  };
}

/**
 * The envelope of a single-packet, uncompressed, unencrypted message of this protocol version (what idnode
 * sends, as a client and as a server): only the fields that differ from message to message are given.
 */
export function plainEnvelope(fields: Pick<Envelope, 'requestId' | 'sessionId' | 'truncated' | 'suggestedMajorVersion' | 'suggestedMinorVersion'>): Omit<Envelope, 'messageLength'> {
  return { majorVersion: PROTOCOL_MAJOR_VERSION, minorVersion: PROTOCOL_MINOR_VERSION, compressed: false, encrypted: false, sequenceNumber: 0, ...fields };
}
