import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IdNode } from '../core/node.js';
import { TIMED_OPERATIONS, type StoreObserver, type TimedOperation } from '../core/store/timed-store.js';
import { VERSION } from '../version.js';

import { HdlMessageStats } from './hdl-message-stats.js';
import { LATENCY_BUCKETS, RequestStats, type RequestRecorder } from './request-stats.js';

export type { Outcome, RequestRecorder } from './request-stats.js';
export type { HdlOutcome, HdlTransport } from './hdl-message-stats.js';

/**
 * The node's Prometheus metrics (docs/design.md §5), in a registry of its own (several nodes can live in one process,
 * as in tests). Names are idnode_*, with their unit in the name (_seconds, _bytes, _ratio, _total, _info).
 * Create it before the node, pass `storeObserver` to IdNode.create, then `attach` the node.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly storeObserver: StoreObserver;
  /** idnode_hdl_messages_total: every Handle protocol message by transport and outcome. */
  readonly hdlMessages: HdlMessageStats;
  private readonly requests: RequestStats;
  private node: IdNode | undefined;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'idnode_' });
    new Gauge({ name: 'idnode_build_info', help: 'idnode version (value 1).', labelNames: ['version'], registers }).set({ version: VERSION }, 1);
    this.requests = new RequestStats(this.registry);
    this.hdlMessages = new HdlMessageStats(this.registry);

    const storeDuration = new Histogram({
      name: 'idnode_store_operation_duration_seconds',
      help: 'Duration of store calls, by operation.',
      labelNames: ['operation'],
      buckets: [...LATENCY_BUCKETS],
      registers,
    });
    const storeErrors = new Counter({ name: 'idnode_store_errors_total', help: 'Store calls that failed, by operation.', labelNames: ['operation'], registers });
    const byOperation = new Map<TimedOperation, { duration: { observe(seconds: number): void }; errors: { inc(): void } }>();
    for (const operation of TIMED_OPERATIONS) {
      byOperation.set(operation, { duration: storeDuration.labels(operation), errors: storeErrors.labels(operation) });
      storeErrors.labels(operation).inc(0);
    }
    this.storeObserver = (operation, seconds, failed) => {
      const bound = byOperation.get(operation);
      if (bound === undefined) return;
      bound.duration.observe(seconds);
      if (failed) bound.errors.inc();
    };

    const node = () => this.node;
    const cacheStats = () => node()?.cache.stats();
    new Gauge({
      name: 'idnode_cache_hit_ratio',
      help: 'Resolution cache hits ÷ lookups since start (0 before any lookup).',
      registers,
      collect() {
        const stats = cacheStats();
        const lookups = stats ? stats.hits + stats.misses : 0;
        this.set(lookups === 0 ? 0 : stats!.hits / lookups);
      },
    });
    new Gauge({ name: 'idnode_cache_entries', help: 'Identifiers (and not-found answers) held in the resolution cache.', registers, collect() { this.set(cacheStats()?.entries ?? 0); } });
    new Gauge({ name: 'idnode_cache_size_bytes', help: 'Estimated bytes held in the resolution cache.', registers, collect() { this.set(cacheStats()?.bytes ?? 0); } });
    monotonic(registers, 'idnode_cache_hits_total', 'Resolution cache hits.', () => cacheStats()?.hits);
    monotonic(registers, 'idnode_cache_misses_total', 'Resolution cache misses.', () => cacheStats()?.misses);

    const meteringStats = () => node()?.metering.stats();
    new Gauge({
      name: 'idnode_metering_flush_lag_seconds',
      help: 'Age of the oldest resolution or refusal count not yet flushed to the store (0 when none): what a crash now would lose at most.',
      registers,
      collect() { this.set((meteringStats()?.flushLagMs ?? 0) / 1000); },
    });
    new Gauge({ name: 'idnode_metering_pending_counts', help: 'Counts held in memory, not yet flushed.', registers, collect() { this.set(meteringStats()?.pending ?? 0); } });
    monotonic(registers, 'idnode_metering_flushes_total', 'Metering flushes written to the store.', () => meteringStats()?.flushes);
    monotonic(registers, 'idnode_metering_flush_failures_total', 'Metering flushes that failed (their counts were kept for the next one).', () => meteringStats()?.failedFlushes);
    monotonic(registers, 'idnode_metering_over_cap_total', 'Counts put under the prefix "(other)" because the day already had metering-max-rows-per-day counter rows.', () => meteringStats()?.overCap);

    const loginStats = () => node()?.authenticator.stats();
    monotonic(registers, 'idnode_login_failures_total', 'Failed logins (unknown identity, wrong secret or revoked credential).', () => loginStats()?.failures);
    monotonic(registers, 'idnode_login_throttled_total', 'Login attempts refused unchecked (AUTHENTICATION_THROTTLED): too many failures of the identity or from the address.', () => loginStats()?.throttled);

    const quotaSeen: Record<string, number> = {};
    new Counter({
      name: 'idnode_quota_refusals_total',
      help: 'Requests refused by an enterprise quota, by limit (registrations-per-day, resolutions-per-day, requests-per-second).',
      labelNames: ['limit'],
      registers,
      collect() {
        const refusals = node()?.quotas.refusals();
        if (refusals === undefined) return;
        for (const [limit, value] of Object.entries(refusals)) {
          this.inc({ limit }, value - (quotaSeen[limit] ?? 0));
          quotaSeen[limit] = value;
        }
      },
    });

    new Gauge({
      name: 'idnode_clock_info',
      help: 'The node clock (value 1): mode "simulated" means a set clock (serve --clock-start), not production time.',
      labelNames: ['mode', 'rate'],
      registers,
      collect() {
        this.reset();
        const simulation = node()?.clock.simulation;
        this.set({ mode: simulation ? 'simulated' : 'system', rate: String(simulation?.rate ?? 1) }, 1);
      },
    });
  }

  /** Reads the node's cache, metering and clock at each scrape. */
  attach(node: IdNode): void {
    this.node = node;
  }

  /**
   * The recorder of `operation` on `frontend` (rest, grpc, hdl): get it once per route or method, then call
   * its record(seconds, outcome) per request (see RequestStats: cheap enough for the hot path).
   */
  requestRecorder(frontend: string, operation: string): RequestRecorder {
    return this.requests.recorder(frontend, operation);
  }

  /** The Prometheus text exposition. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** A counter that follows a monotonic figure read at scrape time (prom-client counters only go up by inc). */
function monotonic(registers: Registry[], name: string, help: string, read: () => number | undefined): void {
  let seen = 0;
  new Counter({
    name,
    help,
    registers,
    collect() {
      const value = read();
      if (value !== undefined && value > seen) {
        this.inc(value - seen);
        seen = value;
      }
    },
  });
}
