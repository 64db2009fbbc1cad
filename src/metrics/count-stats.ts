import type { Registry } from 'prom-client';
import type { CountObserver } from '../core/metering/count-observer.js';
import { OTHER_PREFIX } from '../core/metering/counted-prefixes.js';
import type { CounterKind } from '../core/store/store.js';
import { customMetric, type MetricValue } from './latency-histogram.js';

/** The metric of each counter kind, and its `kind` label for resolutions (docs/auditing.md, "Prometheus"). */
const METRIC_OF_KIND: Readonly<Record<CounterKind, { readonly name: string; readonly kind?: string }>> = {
  registration: { name: 'idnode_registrations_total' },
  update: { name: 'idnode_updates_total' },
  delete: { name: 'idnode_deletions_total' },
  refused: { name: 'idnode_refused_writes_total' },
  'resolution.cache-hit': { name: 'idnode_resolutions_total', kind: 'cache-hit' },
  'resolution.store-read': { name: 'idnode_resolutions_total', kind: 'store-read' },
  'resolution.not-found': { name: 'idnode_resolutions_total', kind: 'not-found' },
  'resolution.referred': { name: 'idnode_resolutions_total', kind: 'referred' },
};

const HELP: Record<string, string> = {
  idnode_registrations_total: 'New identifier registrations (the award\'s registration count), by homed prefix and protocol.',
  idnode_updates_total: 'Identifier updates, by homed prefix and protocol.',
  idnode_deletions_total: 'Identifier deletions, by homed prefix and protocol.',
  idnode_refused_writes_total: 'Refused writes, by homed prefix and protocol.',
  idnode_resolutions_total: 'Resolutions by kind (cache-hit, store-read, referred: counted by the award; not-found: not), homed prefix and protocol.',
};

/** One labelled series: its labels and its running total. */
interface Series {
  readonly name: string;
  readonly labels: Record<string, string>;
  value: number;
}

/**
 * The metered counts as Prometheus counters: the same events metering counts, as they are made, so that an
 * operator's Prometheus sees what the award counts (the store's figures lag by at most one flush interval).
 * Label sets stay bounded: `prefix` is the homed prefix an identifier falls under (`homeOf`), anything else
 * (0.NA, a foreign or made-up prefix, metering's own OTHER_PREFIX) is "(other)"; `protocol` and `kind` come
 * from the code, never from a caller.
 *
 * Counted in plain numbers and turned into metric values at scrape time (as RequestStats does): this runs on
 * every resolution, and a prom-client child's inc hashes its labels on every call.
 */
export class CountStats {
  readonly observer: CountObserver;
  private readonly series = new Map<string, Series>();
  /** The series the last count went to, and what it was counted by. */
  private last: { readonly kind: CounterKind; readonly label: string; readonly protocol: string; readonly series: Series } | undefined;

  constructor(registry: Registry, homeOf: (prefix: string) => string | undefined) {
    const names = [...new Set(Object.values(METRIC_OF_KIND).map(({ name }) => name))];
    for (const name of names) {
      registry.registerMetric(
        customMetric(name, HELP[name]!, 'counter', () => {
          const values: MetricValue[] = [];
          for (const series of this.series.values()) if (series.name === name) values.push({ labels: series.labels, value: series.value });
          return values;
        }),
      );
    }
    this.observer = (kind, prefix, protocol, count) => {
      const label = prefix === OTHER_PREFIX ? OTHER_PREFIX : (homeOf(prefix) ?? OTHER_PREFIX);
      // The same series as the count before (a stream of resolutions under one prefix): no key to build.
      const last = this.last;
      if (last !== undefined && last.kind === kind && last.label === label && last.protocol === protocol) {
        last.series.value += count;
        return;
      }
      const key = `${kind}\u0000${label}\u0000${protocol}`;
      let series = this.series.get(key);
      if (series === undefined) {
        const metric = METRIC_OF_KIND[kind];
        const labels: Record<string, string> = metric.kind === undefined ? { prefix: label, protocol } : { kind: metric.kind, prefix: label, protocol };
        series = { name: metric.name, labels, value: 0 };
        this.series.set(key, series);
      }
      series.value += count;
      this.last = { kind, label, protocol, series };
    };
  }
}
