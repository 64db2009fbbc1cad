import { runRestComparison } from '../lib/rest-scenario.js';
import type { Scenario } from '../lib/scenario.js';
import { getRequest, hotSetInOrder, mixed, registrations, zipfHandles } from '../lib/workload.js';
import type { HttpRequestSpec } from '../lib/http-load.js';

const READ_SHARE = 0.95;

/** 95% warm resolutions, 5% new registrations (each fsynced) on the same server. */
export const restReadWriteMix: Scenario = {
  name: 'rest-read-write-mix',
  title: 'REST 95% GET (Zipf hot set) / 5% PUT of new identifiers',
  unavailable: async () => undefined,
  run: (context) => {
    const { hotSize, population } = context.settings;
    return runRestComparison(context, {
      name: restReadWriteMix.name,
      title: restReadWriteMix.title,
      workload: (side) => {
        const read = zipfHandles(hotSize, population, 6);
        return mixed<HttpRequestSpec>(READ_SHARE, () => getRequest(read()), registrations(`mix-${side}`, context.seeded.credential), 7);
      },
      prime: () => {
        const next = hotSetInOrder(hotSize, population);
        return { amount: hotSize, next: () => getRequest(next()) };
      },
      expected: [200, 201],
      notes: ['the reference stores each PUT with a raw insert into its own SQLite file (WAL, synchronous FULL) and answers reads from its Map; it does not authenticate or validate.'],
    });
  },
};
