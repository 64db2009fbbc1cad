import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { ENVELOPE_SIZE, HEADER_SIZE, MAX_MESSAGE_LENGTH } from './constants.js';
import { readCredentialSection, writeCredentialSection, type Credential } from './credential.js';
import { decodeEnvelope, writeEnvelope, type Envelope } from './envelope.js';
import { readHeader, writeHeader, type Header } from './header.js';
import { ProtocolError } from './protocol-error.js';

/**
 * A whole message: envelope, header, body (still encoded: its layout depends on opCode and responseCode,
 * see the body codecs) and credential section. On the wire: envelope (20 bytes), header (24), body
 * (header.bodyLength), credential section (4-byte length, then the credential; absent altogether in some
 * old clients' messages, read as no credential).
 */
export interface Message {
  readonly envelope: Envelope;
  readonly header: Header;
  /** A view into the decoded bytes. */
  readonly body: Buffer;
  readonly credential?: Credential;
}

/** What encodeMessage needs: the lengths (messageLength, bodyLength) are computed. */
export interface MessageParts {
  readonly envelope: Omit<Envelope, 'messageLength'>;
  readonly header: Omit<Header, 'bodyLength'>;
  /** The body, possibly in pieces (e.g. a request digest, then an answer encoded once and kept). */
  readonly body: Uint8Array | readonly Uint8Array[];
  readonly credential?: Credential;
}

/** The bytes of a message; one allocation for a message without credential. */
export function encodeMessage(parts: MessageParts): Buffer {
  const pieces: readonly Uint8Array[] = parts.body instanceof Uint8Array ? [parts.body] : (parts.body as readonly Uint8Array[]);
  let bodyLength = 0;
  for (const piece of pieces) bodyLength += piece.length;
  const credential = parts.credential === undefined ? EMPTY_CREDENTIAL_SECTION : credentialSectionBytes(parts.credential);
  const messageLength = HEADER_SIZE + bodyLength + credential.length;
  const bytes = Buffer.allocUnsafe(ENVELOPE_SIZE + messageLength);
  writeEnvelope({ ...parts.envelope, messageLength }, bytes, 0);
  const header = new ByteWriter(HEADER_SIZE);
  writeHeader(header, { ...parts.header, bodyLength });
  let offset = ENVELOPE_SIZE;
  bytes.set(header.finish(), offset);
  offset += HEADER_SIZE;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.length;
  }
  bytes.set(credential, offset);
  return bytes;
}

const EMPTY_CREDENTIAL_SECTION = Buffer.alloc(4);

function credentialSectionBytes(credential: Credential): Buffer {
  const writer = new ByteWriter(64);
  writeCredentialSection(writer, credential);
  return writer.finish();
}

/**
 * Decodes one whole message (a UDP datagram, or a TCP frame of 20 + messageLength bytes). Throws
 * ProtocolError when the envelope's message length is not exactly the bytes after it or over
 * `maxMessageLength`, the header is short, the body length exceeds what follows, or the credential section
 * is malformed or followed by anything.
 */
export function decodeMessage(bytes: Buffer, maxMessageLength = MAX_MESSAGE_LENGTH): Message {
  const envelope = decodeEnvelope(bytes, maxMessageLength);
  if (envelope.messageLength !== bytes.length - ENVELOPE_SIZE) {
    throw new ProtocolError(`envelope message length ${envelope.messageLength} does not match the ${bytes.length - ENVELOPE_SIZE} bytes after the envelope`, 16);
  }
  return decodeAfterEnvelope(envelope, bytes);
}

function decodeAfterEnvelope(envelope: Envelope, bytes: Buffer): Message {
  const reader = new ByteReader(bytes, ENVELOPE_SIZE);
  const header = readHeader(reader);
  const bodyAt = reader.offset;
  if (header.bodyLength > reader.remaining) {
    throw new ProtocolError(`header bodyLength ${header.bodyLength} is more than the ${reader.remaining} bytes after the header`, bodyAt - 4);
  }
  const body = reader.take(header.bodyLength, 'body');
  const credential = reader.remaining === 0 ? undefined : readCredentialSection(reader);
  return credential === undefined ? { envelope, header, body } : { envelope, header, body, credential };
}
