/**
 * The cache's admission filter (TinyLFU's "doorkeeper"): a Bloom filter of the identifiers missed recently.
 * `admit` answers false the first time it sees an identifier and true from the second time on, so an
 * identifier read once — a uniform scan over more identifiers than the cache holds — never displaces
 * entries that are read again. The filter is cleared after as many first sightings as the cache has
 * entries, so it forgets old sightings and its false-positive rate stays low (≈ 2% with 16 bits and two
 * probes an entry at that fill). A false positive only admits an entry early.
 */
export class Doorkeeper {
  readonly #bits: Uint32Array;
  readonly #mask: number;
  readonly #resetAfter: number;
  #added = 0;

  constructor(expectedEntries: number) {
    // 16 bits an expected entry, a power of two so a hash maps to a bit by masking.
    let size = 1024;
    while (size < expectedEntries * 16 && size < 2 ** 31) size *= 2;
    this.#bits = new Uint32Array(size / 32);
    this.#mask = size - 1;
    this.#resetAfter = Math.max(1, expectedEntries);
  }

  /** true when `key` was seen since the last reset (and is then admitted); otherwise records it and answers false. */
  admit(key: string): boolean {
    // Two 32-bit FNV-1a style hashes of the UTF-16 code units, with different seeds and primes.
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let k = 0; k < key.length; k++) {
      const c = key.charCodeAt(k);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h2 ^= h2 >>> 15;
    const b1 = (h1 ^ (h1 >>> 16)) & this.#mask;
    const b2 = h2 & this.#mask;
    const bits = this.#bits;
    const seen = (bits[b1 >>> 5]! & (1 << (b1 & 31))) !== 0 && (bits[b2 >>> 5]! & (1 << (b2 & 31))) !== 0;
    if (seen) return true;
    if (++this.#added > this.#resetAfter) {
      bits.fill(0);
      this.#added = 1;
    }
    bits[b1 >>> 5] = bits[b1 >>> 5]! | (1 << (b1 & 31));
    bits[b2 >>> 5] = bits[b2 >>> 5]! | (1 << (b2 & 31));
    return false;
  }
}
