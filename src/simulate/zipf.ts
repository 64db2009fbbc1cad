/**
 * A rank in 1..n drawn from a Zipf-like distribution of exponent `s` (P(rank k) ∝ k^-s), from one uniform
 * number `u` in [0, 1). By inverting the continuous density's CDF (a bounded Pareto) in O(1), so that a
 * catalogue of millions of identifiers needs no table: rank 1 is the most popular. The continuous
 * approximation puts slightly less weight on rank 1 than the discrete law; the workload only needs a heavy
 * head and a long tail, repeatably. `s` = 0 is uniform.
 */
export function zipfRank(u: number, n: number, s: number): number {
  if (n <= 1) return 1;
  let x: number;
  if (Math.abs(s - 1) < 1e-9) {
    x = Math.pow(n + 1, u);
  } else {
    const a = 1 - s;
    const top = Math.pow(n + 1, a);
    x = Math.pow(1 + u * (top - 1), 1 / a);
  }
  return Math.min(n, Math.max(1, Math.floor(x)));
}
