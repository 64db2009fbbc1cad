import type { Registry } from 'prom-client';

/** Upper bounds (seconds) from 50 µs (a warm cached resolution) to 10 s. */
export const LATENCY_BUCKETS: readonly number[] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/**
 * A latency histogram kept in a preallocated array: observing is a short bucket scan and two additions, no label
 * lookup and no allocation (prom-client's own children hash their labels on every observation, which costs
 * more than a warm resolution or a store read can spare). Turned into metric values at scrape time.
 */
export class LatencyHistogram {
  /** Per bucket (not cumulative); the last one is +Inf. */
  private readonly buckets = new Float64Array(LATENCY_BUCKETS.length + 1);
  private sum = 0;

  observe(seconds: number): void {
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]!) bucket++;
    this.buckets[bucket]!++;
    this.sum += seconds;
  }

  /** The `_bucket`, `_sum` and `_count` series of metric `name` under `labels`. */
  values(name: string, labels: Record<string, string>): MetricValue[] {
    const values: MetricValue[] = [];
    let cumulative = 0;
    this.buckets.forEach((count, index) => {
      cumulative += count;
      const le = index < LATENCY_BUCKETS.length ? LATENCY_BUCKETS[index]! : '+Inf';
      values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${name}_bucket` });
    });
    values.push({ labels, value: this.sum, metricName: `${name}_sum` });
    values.push({ labels, value: cumulative, metricName: `${name}_count` });
    return values;
  }
}

/** A metric in the shape prom-client's Registry reads (name, help, type, get()), its values read at scrape time. */
export function customMetric(name: string, help: string, type: 'counter' | 'histogram', values: () => MetricValue[]) {
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    async get() {
      return { name, help, type, values: values(), aggregator: 'sum' };
    },
    reset() {},
  } as unknown as Parameters<Registry['registerMetric']>[0];
}
