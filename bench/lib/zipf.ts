import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { RandomSource } from './random.js';

/**
 * Zipf-distributed ranks 1..n (rank k drawn with probability proportional to 1/k^exponent), by
 * rejection-inversion (Hörmann and Derflinger 1996, as in Apache Commons RNG): O(1) time and memory per
 * draw, so a 10,000,000-identifier population needs no table. Throws for n < 1 or exponent <= 0.
 */
export function zipfSampler(n: number, exponent: number, random: RandomSource): () => number {
  if (!Number.isInteger(n) || n < 1) throw new IdnodeError('CONFIG_INVALID', `zipf population must be a positive integer, got ${n}`);
  if (!(exponent > 0)) throw new IdnodeError('CONFIG_INVALID', `zipf exponent must be greater than 0, got ${exponent}`);
  const h = (x: number): number => Math.exp(-exponent * Math.log(x));
  const hIntegral = (x: number): number => {
    const logX = Math.log(x);
    return helper2((1 - exponent) * logX) * logX;
  };
  const hIntegralInverse = (x: number): number => {
    let t = x * (1 - exponent);
    if (t < -1) t = -1; // numerical safety near the upper end
    return Math.exp(helper1(t) * x);
  };
  const hIntegralX1 = hIntegral(1.5) - 1;
  const hIntegralN = hIntegral(n + 0.5);
  const s = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
  return () => {
    for (;;) {
      const u = hIntegralN + random() * (hIntegralX1 - hIntegralN);
      const x = hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > n) k = n;
      if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) return k;
    }
  };
}

/** log1p(x)/x, continuous at 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** expm1(x)/x, continuous at 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}

/**
 * A bijection of [0, n) that spreads consecutive ranks over the whole population, so the hot set is not
 * one contiguous run of the B-tree (real hot identifiers are scattered). `i * m mod n` with m coprime to n.
 */
export function scatter(n: number): (i: number) => number {
  let multiplier = 40503;
  while (gcd(multiplier, n) !== 1) multiplier += 2;
  const m = multiplier % n;
  // i < n <= 2^31 and m < n keep i * m below 2^62; split to stay exact in doubles.
  return (i) => (((i * (m >>> 16)) % n) * 65536 + i * (m & 0xffff)) % n;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
