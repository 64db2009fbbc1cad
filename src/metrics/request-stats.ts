import type { Registry } from 'prom-client';
import { customMetric, LatencyHistogram } from './latency-histogram.js';

export type Outcome = 'ok' | 'client_error' | 'server_error';

/**
 * Records one front-end operation. Bound once per route or method; recording a request is a short bucket scan
 * and three increments on preallocated arrays: no label lookup, no allocation (prom-client's own children
 * hash their labels on every observation, which costs more than the warm resolution path can spare).
 */
export interface RequestRecorder {
  record(seconds: number, outcome: Outcome): void;
}

const OUTCOMES: readonly Outcome[] = ['ok', 'client_error', 'server_error'];

class OperationStats implements RequestRecorder {
  readonly latency = new LatencyHistogram();
  readonly outcomes = new Float64Array(OUTCOMES.length);

  constructor(
    readonly frontend: string,
    readonly operation: string,
  ) {}

  record(seconds: number, outcome: Outcome): void {
    this.latency.observe(seconds);
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
        all().flatMap((stats) => stats.latency.values('idnode_request_duration_seconds', { frontend: stats.frontend, operation: stats.operation })),
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
