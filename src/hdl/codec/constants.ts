/**
 * Numbers of the Handle binary protocol (RFC 3652, as HANDLE.NET's reference implementation uses them: where
 * the two differ, the implementation wins, since that is what clients speak).
 */

/** Bytes of the message envelope and of the message header. */
export const ENVELOPE_SIZE = 20;
export const HEADER_SIZE = 24;

/** The protocol version this codec speaks and answers with (HANDLE.NET's compatibility version). */
export const PROTOCOL_MAJOR_VERSION = 2;
export const PROTOCOL_MINOR_VERSION = 10;

/** HANDLE.NET's largest message (bytes after the envelope): a decoder refuses an envelope announcing more. */
export const MAX_MESSAGE_LENGTH = 262_144;
/** HANDLE.NET's UDP packet size (envelope included): its clients read datagrams into a buffer this large. */
export const MAX_UDP_PACKET_SIZE = 512;

export const OpCode = {
  RESOLUTION: 1,
  GET_SITE_INFO: 2,
} as const;

export const ResponseCode = {
  /** Every request carries 0. */
  RESERVED: 0,
  SUCCESS: 1,
  ERROR: 2,
  SERVER_TOO_BUSY: 3,
  PROTOCOL_ERROR: 4,
  OPERATION_NOT_SUPPORTED: 5,
  HANDLE_NOT_FOUND: 100,
  INVALID_HANDLE: 102,
  VALUES_NOT_FOUND: 200,
  SERVER_NOT_RESPONSIBLE: 301,
} as const;

/** Header opFlag bits (unsigned 32-bit). */
export const OpFlag = {
  AUTHORITATIVE: 0x8000_0000,
  CERTIFY: 0x4000_0000,
  ENCRYPT: 0x2000_0000,
  RECURSIVE: 0x1000_0000,
  CACHE_CERTIFY: 0x0800_0000,
  CONTINUOUS: 0x0400_0000,
  KEEP_ALIVE: 0x0200_0000,
  PUBLIC_ONLY: 0x0100_0000,
  REQUEST_DIGEST: 0x0080_0000,
  OVERWRITE: 0x0040_0000,
  MINT: 0x0020_0000,
  DO_NOT_REFER: 0x0010_0000,
} as const;

/** Envelope flag bits, in the envelope's third byte. */
export const EnvelopeFlag = {
  COMPRESSED: 0x80,
  ENCRYPTED: 0x40,
  TRUNCATED: 0x20,
} as const;

/** A value's permissions byte. */
export const PermissionBit = {
  ADMIN_READ: 0x08,
  ADMIN_WRITE: 0x04,
  PUBLIC_READ: 0x02,
  PUBLIC_WRITE: 0x01,
} as const;

/** A value's ttlType: the ttl is seconds from now (relative) or a POSIX time (absolute). */
export const TtlType = {
  RELATIVE: 0,
  ABSOLUTE: 1,
} as const;

/** Hash codes of a request digest (the byte before the digest); 0 is the old length-prefixed MD5 form. */
export const DigestHash = {
  MD5_OLD_FORMAT: 0,
  MD5: 1,
  SHA1: 2,
  SHA256: 3,
} as const;
