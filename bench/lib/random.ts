/**
 * A small seeded PRNG (mulberry32): load generators must be reproducible from a seed, and Math.random
 * cannot be seeded. 32 bits of state is plenty for choosing request keys; it is not for cryptography.
 */
export type RandomSource = () => number;

/** Returns a function giving doubles in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
