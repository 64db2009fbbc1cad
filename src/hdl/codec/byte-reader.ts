import { IdnodeError } from '../../core/errors/catalogue.js';
import { ProtocolError } from './protocol-error.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads big-endian fields from bytes[start, end), checking every read against the bytes actually present
 * before touching them: a read past `end` throws ProtocolError naming the field, never reads out of bounds.
 * Lengths and counts read from the bytes are checked against what is left before anything is allocated
 * from them. Byte fields are views into `bytes` (no copy): they live as long as the caller keeps `bytes`.
 */
export class ByteReader {
  private position: number;

  constructor(
    private readonly bytes: Buffer,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.position = start;
  }

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.position++]!;
  }

  i16(field: string): number {
    this.need(2, field);
    const value = this.bytes.readInt16BE(this.position);
    this.position += 2;
    return value;
  }

  u16(field: string): number {
    this.need(2, field);
    const value = this.bytes.readUInt16BE(this.position);
    this.position += 2;
    return value;
  }

  u32(field: string): number {
    this.need(4, field);
    const value = this.bytes.readUInt32BE(this.position);
    this.position += 4;
    return value;
  }

  i32(field: string): number {
    this.need(4, field);
    const value = this.bytes.readInt32BE(this.position);
    this.position += 4;
    return value;
  }

  /** `length` bytes as a view. */
  take(length: number, field: string): Buffer {
    this.need(length, field);
    const view = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return view;
  }

  /** A 4-byte length, then that many bytes (a view). */
  lengthPrefixed(field: string): Buffer {
    const at = this.position;
    const length = this.u32(`${field} length`);
    if (length > this.remaining) throw new ProtocolError(`${field}: length ${length} at offset ${at} is more than the ${this.remaining} bytes left`, at);
    return this.take(length, field);
  }

  /** A length-prefixed UTF-8 string; bytes that are not UTF-8 are a protocol error. */
  utf8(field: string): string {
    const at = this.position;
    const bytes = this.lengthPrefixed(field);
    try {
      return UTF8.decode(bytes);
    } catch {
      throw new ProtocolError(`${field} at offset ${at} is not valid UTF-8`, at);
    }
  }

  /** A length-prefixed handle; bytes that are not UTF-8 are an invalid handle (IDENTIFIER_NOT_UTF8, response code 102). */
  handle(field: string): string {
    const bytes = this.lengthPrefixed(field);
    try {
      return UTF8.decode(bytes);
    } catch {
      throw new IdnodeError('IDENTIFIER_NOT_UTF8', `the ${field} is not valid UTF-8`);
    }
  }

  /**
   * A 4-byte element count, refused when `count` elements of at least `minimumSize` bytes each cannot fit in
   * the bytes left: a hostile count never makes the caller allocate or loop beyond the message's own size.
   */
  count(field: string, minimumSize: number): number {
    const at = this.position;
    const count = this.u32(`${field} count`);
    if (count * minimumSize > this.remaining) {
      throw new ProtocolError(`${field}: count ${count} at offset ${at} cannot fit in the ${this.remaining} bytes left`, at);
    }
    return count;
  }

  /** Throws unless every byte was read. */
  expectEnd(what: string): void {
    if (this.position !== this.end) throw new ProtocolError(`${what}: ${this.end - this.position} unexpected bytes after offset ${this.position}`, this.position);
  }

  private need(length: number, field: string): void {
    if (length > this.end - this.position) {
      throw new ProtocolError(`${field}: needs ${length} bytes at offset ${this.position}, ${this.end - this.position} left`, this.position);
    }
  }
}
