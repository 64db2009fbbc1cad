import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { MetricsSnapshot } from './aggregate-workers.js';
import type { ConnectionStatus } from '../core/connection/top-level-connection.js';
import type { IdNode } from '../core/node.js';
import type { CountObserver } from '../core/metering/count-observer.js';
import { TIMED_OPERATIONS, type StoreObserver, type TimedOperation } from '../core/store/timed-store.js';
import { VERSION } from '../version.js';
import type { Admission } from '../frontend/admission.js';

import { CountStats } from './count-stats.js';
import { HdlMessageStats } from './hdl-message-stats.js';
import { customMetric, LatencyHistogram } from './latency-histogram.js';
import { RequestStats, type RequestRecorder } from './request-stats.js';
import { SQLITE_WRITER_RESTARTS } from './sqlite-writer-restarts.js';

export type { Outcome, RequestRecorder } from './request-stats.js';
export type { HdlOutcome, HdlTransport } from './hdl-message-stats.js';

/**
 * The node's Prometheus metrics (docs/design.md §5), in a registry of its own (several nodes can live in one process,
 * as in tests). Names are idnode_*, with their unit in the name (_seconds, _bytes, _ratio, _total, _info).
 * Create it before the node, pass `storeObserver` and `countObserver` to IdNode.create, then `attach` the node.
 *
 * Each metric carries the prom-client aggregator that merges it across the workers of serve --workers
 * (aggregateWorkers): counters, histograms and gauges of amounts (in flight, cache entries) 'sum', the default;
 * worst-of and once-per-node gauges (queue delay, flush lag, the top-level connection, info) 'max'; the hit
 * ratio 'omit' (recomputed from the summed hits and misses). A single process renders its registry as is.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly storeObserver: StoreObserver;
  /** Pass to IdNode.create as countObserver: registrations, updates, deletions, refusals and resolutions (CountStats). */
  readonly countObserver: CountObserver;
  /** idnode_hdl_messages_total: every Handle protocol message by transport and outcome. */
  readonly hdlMessages: HdlMessageStats;
  private readonly requests: RequestStats;
  private node: IdNode | undefined;
  private admission: Admission | undefined;
  private sqliteWriterRestarts: (() => number) | undefined;
  /** The last exposition and when it was rendered (monotonic ms): scrapes within expositionCacheMs share it. */
  private cached: { readonly at: number; readonly body: Promise<string> } | undefined;

  /**
   * `expositionCacheMs`: how long one rendering of the exposition is served to every scraper (serve passes
   * the metrics-cache-ms setting; default 0, render at every scrape, as tests built on their own want).
   * `render`: renders the exposition instead of this registry alone (a worker of serve --workers: the whole
   * node's figures, gathered from every worker's `snapshot`); cached the same way.
   */
  constructor(private readonly options: { readonly expositionCacheMs?: number; readonly render?: () => Promise<string> } = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'idnode_' });
    new Gauge({ name: 'idnode_build_info', help: 'idnode version (value 1).', labelNames: ['version'], registers, aggregator: 'max' }).set({ version: VERSION }, 1);
    this.requests = new RequestStats(this.registry);
    this.hdlMessages = new HdlMessageStats(this.registry);
    // The homed prefixes are the node's, read once it is attached (counts made before that are "(other)").
    this.countObserver = new CountStats(this.registry, (prefix) => this.node?.homing.homeOf(prefix)).observer;

    // Plain arrays read at scrape time, as RequestStats does: this runs on every store read (every cache miss).
    const byOperation = new Map<TimedOperation, { readonly latency: LatencyHistogram; errors: number }>();
    for (const operation of TIMED_OPERATIONS) byOperation.set(operation, { latency: new LatencyHistogram(), errors: 0 });
    this.registry.registerMetric(
      customMetric('idnode_store_operation_duration_seconds', 'Duration of store calls, by operation.', 'histogram', () =>
        [...byOperation].flatMap(([operation, stats]) => stats.latency.values('idnode_store_operation_duration_seconds', { operation })),
      ),
    );
    this.registry.registerMetric(
      customMetric('idnode_store_errors_total', 'Store calls that failed, by operation.', 'counter', () =>
        [...byOperation].map(([operation, stats]) => ({ labels: { operation }, value: stats.errors })),
      ),
    );
    this.storeObserver = (operation, seconds, failed) => {
      const stats = byOperation.get(operation);
      if (stats === undefined) return;
      stats.latency.observe(seconds);
      if (failed) stats.errors++;
    };

    const node = () => this.node;
    const cacheStats = () => node()?.cache.stats();
    new Gauge({
      name: 'idnode_cache_hit_ratio',
      help: 'Resolution cache hits ÷ lookups since start (0 before any lookup).',
      registers,
      aggregator: 'omit',
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
      aggregator: 'max',
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

    const searchTotals = () => node()?.search.totals;
    monotonic(registers, 'idnode_search_index_entries_read_total', 'Reverse-lookup index entries read by searches.', () => searchTotals()?.scanned);
    monotonic(registers, 'idnode_search_records_read_total', 'Handle records read by searches to check their candidates.', () => searchTotals()?.recordsRead);

    const connection = () => node()?.connection?.status();
    // Absent (no sample) when no top-level node is configured.
    new Gauge({
      name: 'idnode_top_level_connection_info',
      help: 'The connection with the national top-level node (value 1): state connected (the last exchange succeeded), connecting or retrying.',
      labelNames: ['state', 'node_id'],
      registers,
      aggregator: 'max',
      collect() {
        this.reset();
        const status = connection();
        if (status !== undefined) this.set({ state: status.state, node_id: status.nodeId }, 1);
      },
    });
    const connectionGauge = (name: string, help: string, read: (status: ConnectionStatus) => number) =>
      new Gauge({
        name,
        help,
        registers,
        // Only the lead keeps the connection; the other workers expose 0.
        aggregator: 'max',
        collect() {
          this.reset();
          const status = connection();
          if (status !== undefined) this.set(read(status));
        },
      });
    connectionGauge('idnode_top_level_backlog_entries', 'Sealed days (ledger entries) not yet acknowledged by the top-level node.', (status) => status.backlog);
    connectionGauge('idnode_top_level_acknowledged_entries', 'Sealed days the top-level node has acknowledged (the seq of the last one).', (status) => status.lastSeqAcknowledged);
    connectionGauge('idnode_top_level_homed_prefixes_entries', 'Prefixes the top-level node holds for this node.', (status) => status.prefixesHomed.length);
    connectionGauge('idnode_top_level_failures_counts', 'Failed exchanges with the top-level node since the last success.', (status) => status.failuresInARow);
    monotonic(registers, SQLITE_WRITER_RESTARTS.name, SQLITE_WRITER_RESTARTS.help, () => this.sqliteWriterRestarts?.());
    const admission = () => this.admission;
    new Gauge({ name: 'idnode_requests_in_flight_counts', help: 'Requests and calls being served now (all front ends; see max-in-flight).', registers, collect() { this.set(admission()?.current ?? 0); } });
    monotonic(registers, 'idnode_requests_shed_total', 'Requests and calls shed with NODE_BUSY: max-in-flight were being served, or the queueing delay stood over queue-delay-target-ms.', () => admission()?.shed);
    new Gauge({ name: 'idnode_queue_delay_seconds', help: 'How long a request waits before the node starts on it now (the event loop\'s delay; docs/overload.md).', registers, aggregator: 'max', collect() { this.set((admission()?.queueDelayMs ?? 0) / 1000); } });
    new Gauge({
      name: 'idnode_clock_info',
      help: 'The node clock (value 1): mode "simulated" means a set clock (serve --clock-start), not production time.',
      labelNames: ['mode', 'rate'],
      registers,
      aggregator: 'max',
      collect() {
        this.reset();
        const simulation = node()?.clock.simulation;
        this.set({ mode: simulation ? 'simulated' : 'system', rate: String(simulation?.rate ?? 1) }, 1);
      },
    });
  }

  /** Reads the admission's requests in flight and shed at each scrape (idnode_requests_in_flight, idnode_requests_shed_total). */
  attachAdmission(admission: Admission): void {
    this.admission = admission;
  }

  /** Reads the restarts of the SQLite store's own writer thread at each scrape (idnode_sqlite_writer_restarts_total). */
  attachSqliteWriter(restarts: () => number): void {
    this.sqliteWriterRestarts = restarts;
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

  /**
   * The Prometheus text exposition, rendered at most once per expositionCacheMs: scrapers (however many)
   * share one rendering, so scraping cannot take the event loop from resolution. `nowMs` is a monotonic
   * time in ms (the caller's clock: performance.now()).
   */
  async exposition(nowMs: number = performance.now()): Promise<{ contentType: string; body: string }> {
    const ttl = this.options.expositionCacheMs ?? 0;
    if (this.cached === undefined || nowMs - this.cached.at >= ttl || nowMs < this.cached.at) {
      const body = this.options.render?.() ?? this.registry.metrics();
      this.cached = { at: nowMs, body };
      // A failed rendering is not kept: the next scrape tries again.
      body.catch(() => {
        if (this.cached?.body === body) this.cached = undefined;
      });
    }
    return { contentType: this.registry.contentType, body: await this.cached.body };
  }

  /** This process's figures as plain data, for the worker serving a scrape to merge (aggregateWorkers). */
  snapshot(): Promise<MetricsSnapshot> {
    return this.registry.getMetricsAsJSON();
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
