/** Writes big-endian fields into a buffer that grows as needed; finish() returns the bytes written. */
export class ByteWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  u8(value: number): this {
    this.ensure(1);
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  i16(value: number): this {
    this.ensure(2);
    this.buffer.writeInt16BE(value, this.length);
    this.length += 2;
    return this;
  }

  u16(value: number): this {
    this.ensure(2);
    this.buffer.writeUInt16BE(value & 0xffff, this.length);
    this.length += 2;
    return this;
  }

  /** Any 32-bit pattern: negative numbers are written as their two's complement. */
  u32(value: number): this {
    this.ensure(4);
    this.buffer.writeUInt32BE(value >>> 0, this.length);
    this.length += 4;
    return this;
  }

  bytes(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  lengthPrefixed(bytes: Uint8Array): this {
    return this.u32(bytes.length).bytes(bytes);
  }

  utf8(text: string): this {
    const size = Buffer.byteLength(text, 'utf8');
    this.u32(size);
    this.ensure(size);
    this.length += this.buffer.write(text, this.length, 'utf8');
    return this;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  /** Overwrites 4 bytes already written at `offset` (a length known only after what follows it). */
  patchU32(offset: number, value: number): this {
    this.buffer.writeUInt32BE(value >>> 0, offset);
    return this;
  }

  /** The bytes written (a view of the writer's buffer: write nothing more afterwards). */
  finish(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private ensure(more: number): void {
    if (this.length + more <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + more));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
