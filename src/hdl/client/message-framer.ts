import { ENVELOPE_SIZE } from '../codec/constants.js';
import { messageLengthOf } from './envelope-fields.js';

/**
 * Cuts a TCP byte stream into Handle messages (envelope + MessageLength bytes, RFC 3652 §2.2.1), however the
 * stream was split into chunks. A message inside one chunk is a view of it, not a copy. Throws when a message
 * announces more than `maxMessageBytes` (the stream is not Handle messages, or is hostile).
 */
export class MessageFramer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxMessageBytes: number) {}

  /** Adds a chunk and calls `onMessage` with every message it completes, in order. */
  push(chunk: Buffer, onMessage: (message: Buffer) => void): void {
    let data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (data.length >= ENVELOPE_SIZE) {
      const total = ENVELOPE_SIZE + messageLengthOf(data);
      if (total > this.maxMessageBytes) throw new RangeError(`a message announces ${total} bytes, more than ${this.maxMessageBytes}`);
      if (data.length < total) break;
      onMessage(data.subarray(0, total));
      data = data.subarray(total);
    }
    // A partial message is copied out, so the chunk it came in is not kept alive by a small tail.
    this.pending = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data);
  }

  /** Bytes of a message begun but not complete. */
  get buffered(): number {
    return this.pending.length;
  }
}
