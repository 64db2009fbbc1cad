import { IdnodeError } from '../../src/core/errors/catalogue.js';

/**
 * Nearest-rank percentile (p in [0, 100]) of `sorted` (ascending): the smallest sample with at least p% of
 * the samples at or below it. Nearest-rank never invents a value between samples, so a p99.9 is a latency
 * that some request really had. NaN for an empty input.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new IdnodeError('CONFIG_INVALID', `percentile must be from 0 to 100, got ${p}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  // The epsilon keeps float noise (99.9 / 100 × 1000 = 999.0000000000001) from skipping a rank.
  const rank = Math.max(1, Math.ceil((p / 100) * n - 1e-9));
  return sorted[rank - 1]!;
}

/** Median of unsorted values (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

/**
 * Collects every latency of a run (ms) so percentiles are exact, not bucketed. Bounded: past `capacity`
 * samples it keeps a uniform reservoir (Algorithm R), so a long run cannot exhaust memory; `count` is
 * always the true number recorded.
 */
export class LatencyRecorder {
  private samples: Float64Array;
  private size = 0;
  private seen = 0;

  constructor(
    private readonly capacity = 4_000_000,
    private readonly random: () => number = Math.random,
  ) {
    this.samples = new Float64Array(Math.min(capacity, 65536));
  }

  record(ms: number): void {
    this.seen++;
    if (this.size < this.capacity) {
      if (this.size === this.samples.length) {
        const grown = new Float64Array(Math.min(this.capacity, this.samples.length * 2));
        grown.set(this.samples);
        this.samples = grown;
      }
      this.samples[this.size++] = ms;
      return;
    }
    const slot = Math.floor(this.random() * this.seen);
    if (slot < this.capacity) this.samples[slot] = ms;
  }

  get count(): number {
    return this.seen;
  }

  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.size).sort();
    return {
      count: this.seen,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      p999Ms: percentile(sorted, 99.9),
      maxMs: this.size === 0 ? Number.NaN : sorted[this.size - 1]!,
    };
  }
}
