import { Counter, type Registry } from 'prom-client';
import type { CountObserver } from '../core/metering/count-observer.js';
import { OTHER_PREFIX } from '../core/metering/counted-prefixes.js';
import type { CounterKind } from '../core/store/store.js';

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

/**
 * The metered counts as Prometheus counters: the same events metering counts, as they are made, so that an
 * operator's Prometheus sees what the award counts (the store's figures lag by at most one flush interval).
 * Label sets stay bounded: `prefix` is the homed prefix an identifier falls under (`homeOf`), anything else
 * (0.NA, a foreign or made-up prefix, metering's own OTHER_PREFIX) is "(other)"; `protocol` and `kind` come
 * from the code, never from a caller.
 */
export class CountStats {
  readonly observer: CountObserver;
  private readonly children = new Map<string, { inc(value: number): void }>();

  constructor(registry: Registry, homeOf: (prefix: string) => string | undefined) {
    const counters = new Map<string, Counter<string>>();
    for (const { name, kind } of Object.values(METRIC_OF_KIND)) {
      if (counters.has(name)) continue;
      counters.set(name, new Counter({ name, help: HELP[name]!, labelNames: kind === undefined ? ['prefix', 'protocol'] : ['kind', 'prefix', 'protocol'], registers: [registry] }));
    }
    this.observer = (kind, prefix, protocol, count) => {
      const label = prefix === OTHER_PREFIX ? OTHER_PREFIX : (homeOf(prefix) ?? OTHER_PREFIX);
      const key = `${kind}\u0000${label}\u0000${protocol}`;
      let child = this.children.get(key);
      if (child === undefined) {
        const metric = METRIC_OF_KIND[kind];
        const counter = counters.get(metric.name)!;
        child = metric.kind === undefined ? counter.labels({ prefix: label, protocol }) : counter.labels({ kind: metric.kind, prefix: label, protocol });
        this.children.set(key, child);
      }
      child.inc(count);
    };
  }
}
