import type { Registry } from 'prom-client';

export type Outcome = 'ok' | 'client_error' | 'server_error';

/**
 * Records one front-end operation. Bound once per route or method; recording a request is a short bucket scan
 * and three increments on preallocated arrays: no label lookup, no allocation (prom-client's own children
 * hash their labels on every observation, which costs more than the warm resolution path can spare).
 */
export interface RequestRecorder {
  record(seconds: number, outcome: Outcome): void;
}

/** Upper bounds (seconds) from 50 µs (a warm cached resolution) to 10 s. */
export const LATENCY_BUCKETS: readonly number[] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const OUTCOMES: readonly Outcome[] = ['ok', 'client_error', 'server_error'];

class OperationStats implements RequestRecorder {
  /** Per bucket (not cumulative); the last one is +Inf. */
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length + 1);
  readonly outcomes = new Float64Array(OUTCOMES.length);
  sum = 0;

  constructor(
    readonly frontend: string,
    readonly operation: string,
  ) {}

  record(seconds: number, outcome: Outcome): void {
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]!) bucket++;
    this.buckets[bucket]!++;
    this.sum += seconds;
    this.outcomes[outcome === 'ok' ? 0 : outcome === 'client_error' ? 1 : 2]!++;
  }
}

/**
 * idnode_requests_total{frontend,operation,outcome} and idnode_request_duration_seconds{frontend,operation}
 * (a histogram), accumulated in plain arrays and turned into prom-client metric values at scrape time.
 */
export class RequestStats {
  private readonly operations = new Map<string, OperationStats>();

  /** Registers both metrics in `registry`. */
  constructor(registry: Registry) {
    const all = () => [...this.operations.values()];
    registry.registerMetric(
      customMetric('idnode_requests_total', 'Requests answered, by front end, operation and outcome (ok, client_error, server_error).', 'counter', () =>
        all().flatMap((stats) => OUTCOMES.map((outcome, index) => ({ labels: { frontend: stats.frontend, operation: stats.operation, outcome }, value: stats.outcomes[index]! }))),
      ),
    );
    registry.registerMetric(
      customMetric('idnode_request_duration_seconds', 'Time from receiving a request to having answered it, by front end and operation.', 'histogram', () =>
        all().flatMap((stats) => {
          const labels = { frontend: stats.frontend, operation: stats.operation };
          const values: MetricValue[] = [];
          let cumulative = 0;
          stats.buckets.forEach((count, index) => {
            cumulative += count;
            const le = index < LATENCY_BUCKETS.length ? LATENCY_BUCKETS[index]! : '+Inf';
            values.push({ labels: { ...labels, le }, value: cumulative, metricName: 'idnode_request_duration_seconds_bucket' });
          });
          values.push({ labels, value: stats.sum, metricName: 'idnode_request_duration_seconds_sum' });
          values.push({ labels, value: cumulative, metricName: 'idnode_request_duration_seconds_count' });
          return values;
        }),
      ),
    );
  }

  /** The recorder of one operation (the same one for the same labels). */
  recorder(frontend: string, operation: string): RequestRecorder {
    const key = `${frontend}\u0000${operation}`;
    let stats = this.operations.get(key);
    if (stats === undefined) {
      stats = new OperationStats(frontend, operation);
      this.operations.set(key, stats);
    }
    return stats;
  }
}

export interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** A metric in the shape prom-client's Registry reads (name, help, type, get()). */
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
