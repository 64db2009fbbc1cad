/**
 * A seeded pseudo-random source (mulberry32) returning numbers in [0, 1): simulated workloads, generated tests
 * and fuzzing are repeatable, so a failure names a seed that reproduces it.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from several integers (FNV-1a over them): one independent stream per (seed, node, day, purpose). */
export function mixSeed(...parts: readonly number[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    for (let shift = 0; shift < 32; shift += 8) hash = Math.imul(hash ^ ((part >>> shift) & 0xff), 0x01000193) >>> 0;
  }
  return hash;
}
