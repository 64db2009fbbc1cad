import { AggregatorRegistry, Gauge, type MetricObjectWithValues, type MetricValue, type PrometheusContentType, type Registry } from 'prom-client';

/** One worker's metrics as its registry's getMetricsAsJSON() gives them (sent over IPC: plain data). */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** The snapshot of the worker with index `worker` (0 is the lead) of serve --workers. */
export interface WorkerSnapshot {
  readonly worker: number;
  readonly metrics: MetricsSnapshot;
}

/**
 * prom-client's default metrics (collectDefaultMetrics with the idnode_ prefix: CPU, memory, file descriptors,
 * event loop, heap, GC). They describe one process, so across workers each keeps its own series under a
 * `worker` label rather than being summed, averaged or dropped (PromQL can sum them: sum without (worker)).
 */
const PER_PROCESS = /^idnode_(process|nodejs)_/;

const HIT_RATIO = 'idnode_cache_hit_ratio';

/**
 * The node's metrics from every worker's snapshot (serve --workers; docs/architecture.md, "Workers"): each
 * metric merged by its `aggregator` (prom-client's AggregatorRegistry.aggregate; NodeMetrics gives every idnode_*
 * metric the one that fits it: counters, histograms and what adds up sum, the worst-of gauges max), the
 * per-process defaults labelled by worker, the cache hit ratio recomputed from the summed hits and misses
 * (a ratio does not sum), and two gauges saying how many workers answered of how many were asked. `primary`:
 * the primary's own figures (the SQLite writer's restarts), merged the same way.
 */
export function aggregateWorkers(snapshots: readonly WorkerSnapshot[], asked: number, primary: MetricsSnapshot = []): Registry<PrometheusContentType> {
  const workers = snapshots.map(({ worker, metrics }) => metrics.map((metric) => (PER_PROCESS.test(metric.name) ? labelled(metric, worker) : metric)));
  const registry = AggregatorRegistry.aggregate<PrometheusContentType>([...workers, primary]);
  const registers = [registry];
  const total = (name: string) => {
    const metric = registry.getSingleMetric(name) as unknown as { get(): MetricObjectWithValues<MetricValue<string>> } | undefined;
    return metric?.get().values.reduce((sum, { value }) => sum + value, 0) ?? 0;
  };
  const hits = total('idnode_cache_hits_total');
  const lookups = hits + total('idnode_cache_misses_total');
  // NodeMetrics marks the ratio 'omit', so aggregate leaves it out; its help text is the workers'.
  const help = snapshots.flatMap(({ metrics }) => metrics).find((metric) => metric.name === HIT_RATIO)?.help;
  if (help !== undefined) new Gauge({ name: HIT_RATIO, help, registers }).set(lookups === 0 ? 0 : hits / lookups);
  new Gauge({ name: 'idnode_metrics_workers_reporting_counts', help: 'Workers whose figures this exposition sums (serve --workers): one that did not answer within the gather timeout is left out.', registers }).set(snapshots.length);
  new Gauge({ name: 'idnode_metrics_workers_asked_counts', help: 'Workers asked for their figures for this exposition (those serving when it was gathered).', registers }).set(asked);
  return registry;
}

/** A copy of `metric` with a `worker` label on every value, summed (each series is one worker's alone). */
function labelled(metric: MetricObjectWithValues<MetricValue<string>>, worker: number): MetricObjectWithValues<MetricValue<string>> {
  return { ...metric, aggregator: 'sum', values: metric.values.map((value) => ({ ...value, labels: { ...value.labels, worker: String(worker) } })) };
}
