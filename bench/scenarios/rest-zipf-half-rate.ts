import { runRestComparison } from '../lib/rest-scenario.js';
import type { Scenario } from '../lib/scenario.js';
import { getRequest, hotSetInOrder, zipfHandles } from '../lib/workload.js';
import { restZipfWarm } from './rest-zipf-warm.js';

/** Latency at half of the measured warm maximum: the operating point the p99 goal is about. */
export const restZipfHalfRate: Scenario = {
  name: 'rest-zipf-half-rate',
  title: 'REST GET, Zipf hot set, at a fixed rate of half our warm maximum',
  unavailable: async (context) =>
    context.results.some((result) => result.name === restZipfWarm.name) ? undefined : `needs ${restZipfWarm.name} to have run first (it sets the rate)`,
  run: (context) => {
    const { hotSize, population } = context.settings;
    const warm = context.results.find((result) => result.name === restZipfWarm.name)!;
    const rate = Math.max(1, Math.round(warm.throughput / 2));
    return runRestComparison(context, {
      name: restZipfHalfRate.name,
      title: restZipfHalfRate.title,
      workload: () => {
        const next = zipfHandles(hotSize, population, 2);
        return () => getRequest(next());
      },
      prime: () => {
        const next = hotSetInOrder(hotSize, population);
        return { amount: hotSize, next: () => getRequest(next()) };
      },
      expected: [200],
      pacedRate: rate,
      ratioOf: 'p99',
      notes: [
        `both sides driven at ${rate.toLocaleString('en-US')} req/s (half of ${restZipfWarm.name}'s median); ops/s is the achieved rate, the ratio is our p99 ÷ the reference's p99. A paced open-loop generator (node:http) sends at an even rate and times each request from when it was due; autocannon's rate limit sends each second's quota as a burst, so it is not used here.`,
      ],
    });
  },
};
