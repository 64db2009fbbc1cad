import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';

/**
 * The 24-byte message header (RFC 3652 §2.2.2): opCode, responseCode (0 in every request), opFlag bits
 * (OpFlag), the site info serial number the sender holds (-1: none), recursion count, one reserved byte
 * (written 0, ignored on reading), expiration (POSIX seconds), and the length of the body that follows.
 */
export interface Header {
  readonly opCode: number;
  readonly responseCode: number;
  /** Unsigned 32-bit. */
  readonly opFlags: number;
  /** Signed 16-bit. */
  readonly siteInfoSerial: number;
  readonly recursionCount: number;
  readonly expiration: number;
  readonly bodyLength: number;
}

export function writeHeader(writer: ByteWriter, header: Header): void {
  writer
    .u32(header.opCode)
    .u32(header.responseCode)
    .u32(header.opFlags)
    .i16(header.siteInfoSerial)
    .u8(header.recursionCount)
    .u8(0)
    .u32(header.expiration)
    .u32(header.bodyLength);
}

/** Reads the header; the body length is not checked here (decodeMessage checks it against what follows). */
export function readHeader(reader: ByteReader): Header {
  const opCode = reader.u32('header opCode');
  const responseCode = reader.u32('header responseCode');
  const opFlags = reader.u32('header opFlags');
  const siteInfoSerial = reader.i16('header siteInfoSerialNumber');
  const recursionCount = reader.u8('header recursionCount');
  reader.u8('header reserved byte');
  const expiration = reader.u32('header expiration');
  const bodyLength = reader.u32('header bodyLength');
  return { opCode, responseCode, opFlags, siteInfoSerial, recursionCount, expiration, bodyLength };
}
