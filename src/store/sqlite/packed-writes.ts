import type { EncodedWrites } from './sqlite-writes.js';

/**
 * EncodedWrites as one buffer of UTF-8 text and the offsets that cut it, so a bulk chunk crosses to the
 * writer thread by transfer (postMessage moves the buffer without copying it) instead of as eight arrays of
 * strings, which the structured clone flattened, copied and re-created one by one on the V8 heaps of both
 * threads. Per write, in order: its handle, prefix, values JSON and public JSON, then `entryCounts[k]` pairs
 * of entry type and key.
 */
export interface PackedWrites {
  /** Every string's UTF-8, back to back (a view of a buffer the receiver owns after the transfer). */
  readonly bytes: Uint8Array;
  /** Where each string ends in `bytes`, in the order above. */
  readonly ends: Int32Array;
  /** Reverse-lookup entries per write. */
  readonly entryCounts: Int32Array;
  /** Positions (ascending) of the writes that are replaces. */
  readonly replaces: Int32Array;
}

/** Room reserved per write before the first grows the buffer: a bulk row is about 1.1 KB of text. */
const BYTES_PER_WRITE = 2048;

/**
 * Builds a PackedWrites one write at a time (`write`, then its `entry`s), then `finish` once. `expected` writes
 * fit at first; more grow it.
 */
export class WritesPacker {
  #buffer: Buffer;
  #used = 0;
  #ends: Int32Array;
  #strings = 0;
  #entryCounts: Int32Array;
  readonly #replaces: number[] = [];
  #writes = 0;

  constructor(expected: number) {
    // allocUnsafeSlow: a buffer of its own (never a slice of Node's shared pool), so it can be transferred.
    this.#buffer = Buffer.allocUnsafeSlow(Math.max(1, expected) * BYTES_PER_WRITE);
    this.#ends = new Int32Array(expected * 6);
    this.#entryCounts = new Int32Array(expected);
  }

  /** How many writes were packed. */
  get written(): number {
    return this.#writes;
  }

  write(handle: string, prefix: string, valuesJson: string, publicJson: string, replace: boolean): void {
    if (replace) this.#replaces.push(this.#writes);
    if (this.#writes === this.#entryCounts.length) {
      const grown = new Int32Array(this.#entryCounts.length * 2 + 1);
      grown.set(this.#entryCounts);
      this.#entryCounts = grown;
    }
    this.#writes++;
    this.#put(handle);
    this.#put(prefix);
    this.#put(valuesJson);
    this.#put(publicJson);
  }

  /** A reverse-lookup entry of the write added last. */
  entry(type: string, key: string): void {
    this.#entryCounts[this.#writes - 1]!++;
    this.#put(type);
    this.#put(key);
  }

  /** The packed writes; the packer is spent. Transfer `bytes.buffer` to hand them over without a copy. */
  finish(): PackedWrites {
    return { bytes: this.#buffer.subarray(0, this.#used), ends: this.#ends.subarray(0, this.#strings), entryCounts: this.#entryCounts.subarray(0, this.#writes), replaces: Int32Array.from(this.#replaces) };
  }

  #put(text: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8, so this room is always enough and write never truncates.
    const room = text.length * 3;
    if (this.#buffer.length - this.#used < room) {
      const grown = Buffer.allocUnsafeSlow(this.#buffer.length * 2 + room);
      this.#buffer.copy(grown, 0, 0, this.#used);
      this.#buffer = grown;
    }
    if (this.#strings === this.#ends.length) {
      const ends = new Int32Array(this.#ends.length * 2 + 6);
      ends.set(this.#ends);
      this.#ends = ends;
    }
    this.#used += this.#buffer.write(text, this.#used, 'utf8');
    this.#ends[this.#strings++] = this.#used;
  }
}

/**
 * The EncodedWrites a PackedWrites holds (the writer thread's side). Handles and prefixes are decoded into
 * strings; the JSON and the search entries stay UTF-8, as views of the packed buffer (SqlText), which SQLite
 * stores as they are: decoding them here only for better-sqlite3 to encode them again cost the writer 12-15%
 * of its CPU per row (measured in-process, 1,000-row commits). The views keep the buffer alive as long as
 * the EncodedWrites is.
 */
export function unpackWrites(packed: PackedWrites): EncodedWrites {
  const { ends, entryCounts } = packed;
  const buffer = packed.bytes.buffer;
  const base = packed.bytes.byteOffset;
  const bytes = Buffer.from(buffer, base, packed.bytes.byteLength);
  const count = entryCounts.length;
  const handles: string[] = new Array(count);
  const prefixes: string[] = new Array(count);
  const valuesJson: Uint8Array[] = new Array(count);
  const publicJson: Uint8Array[] = new Array(count);
  const entryOwners: number[] = [];
  const entryTypes: Uint8Array[] = [];
  const entryKeys: Uint8Array[] = [];
  let s = 0;
  let start = 0;
  const nextString = (): string => {
    const end = ends[s++]!;
    const text = bytes.toString('utf8', start, end);
    start = end;
    return text;
  };
  const nextBytes = (): Uint8Array => {
    const end = ends[s++]!;
    const view = new Uint8Array(buffer, base + start, end - start);
    start = end;
    return view;
  };
  for (let k = 0; k < count; k++) {
    handles[k] = nextString();
    prefixes[k] = nextString();
    valuesJson[k] = nextBytes();
    publicJson[k] = nextBytes();
    for (let e = entryCounts[k]!; e > 0; e--) {
      entryOwners.push(k);
      entryTypes.push(nextBytes());
      entryKeys.push(nextBytes());
    }
  }
  return { handles, prefixes, valuesJson, publicJson, entryOwners, entryTypes, entryKeys, replaces: Array.from(packed.replaces) };
}

/** The handles of a PackedWrites, in order, decoded alone (the primary of serve --workers names them to the other workers). */
export function packedHandles(packed: PackedWrites): string[] {
  const { ends, entryCounts } = packed;
  const bytes = Buffer.from(packed.bytes.buffer, packed.bytes.byteOffset, packed.bytes.byteLength);
  const handles: string[] = new Array(entryCounts.length);
  let s = 0; // the index of the write's first string (its handle) in `ends`
  for (let k = 0; k < entryCounts.length; k++) {
    handles[k] = bytes.toString('utf8', s === 0 ? 0 : ends[s - 1]!, ends[s]!);
    s += 4 + 2 * entryCounts[k]!;
  }
  return handles;
}
