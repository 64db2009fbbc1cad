/**
 * The CPU cost of quota accounting per request (issue 17: goal at most 1 CPU µs), measured on the core's own
 * Quotas with a limit of every kind set, against the same loop without quotas (prefixes that are no
 * enterprise's), in one process. Run: node --import tsx bench/quota-cost.ts [requests]
 * Prints JSON: CPU µs per request of each path and their difference (the quota's cost).
 */
import { ManualScheduler } from '../src/core/clock/manual-scheduler.js';
import { MeteringDay } from '../src/core/clock/metering-day.js';
import { silentLogger } from '../src/core/log/logger.js';
import { Quotas } from '../src/core/quotas/quotas.js';
import type { CounterStore, MetaStore } from '../src/core/store/store.js';

const REQUESTS = Number(process.argv[2] ?? 5_000_000);
const ENTERPRISES = 1000;
const prefixes = Array.from({ length: ENTERPRISES }, (_, i) => `88.999.E${i}`);
const enterprises = new Set(prefixes);
const time = new ManualScheduler();
const store = { getMeta: async () => undefined, setMeta: async () => {}, sumCounters: async () => [] } as unknown as Pick<MetaStore, 'getMeta' | 'setMeta'> & Pick<CounterStore, 'sumCounters'>;
const clock = { now: () => Date.parse('2025-06-01T10:00:00+08:00') + time.now() };
const huge = 2_000_000_000;

function run(limited: boolean): number {
  const quotas = new Quotas(store, clock, new MeteringDay('Asia/Shanghai'), silentLogger, {
    defaults: { registrationsPerDay: huge, resolutionsPerDay: huge, requestsPerSecond: huge },
    isEnterprise: (prefix) => limited && enterprises.has(prefix),
    monotonic: time,
  });
  const start = process.cpuUsage();
  // A request as the node sees it: authenticated (rate), then a registration or a resolution under the prefix.
  for (let i = 0; i < REQUESTS; i++) {
    const prefix = prefixes[i % ENTERPRISES]!;
    quotas.takeRequest(prefix);
    if ((i & 1) === 0) {
      quotas.checkRegistration(prefix, prefix);
      quotas.registered(prefix, 1);
    } else {
      quotas.takeResolution(prefix, prefix);
    }
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / REQUESTS;
}

run(true); // warm-up
const without = run(false);
const withQuotas = run(true);
console.log(JSON.stringify({ requests: REQUESTS, enterprises: ENTERPRISES, cpuMicrosecondsPerRequest: { withoutQuotas: round(without), withQuotas: round(withQuotas), quotaCost: round(withQuotas - without) }, goalMicroseconds: 1 }));

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
