import { runRestComparison } from '../lib/rest-scenario.js';
import type { Scenario } from '../lib/scenario.js';
import { getRequest, uniformHandles } from '../lib/workload.js';

/** Mostly-miss resolution: uniform over every seeded identifier, with a cache a tenth of the population. */
export const restUniform: Scenario = {
  name: 'rest-uniform',
  title: 'REST GET, uniform over every seeded identifier (mostly SQLite reads)',
  unavailable: async () => undefined,
  run: (context) => {
    const { population } = context.settings;
    const cacheEntries = Math.max(1, Math.floor(population / 10));
    return runRestComparison(context, {
      name: restUniform.name,
      title: restUniform.title,
      workload: () => {
        const next = uniformHandles(population, 3);
        return () => getRequest(next());
      },
      expected: [200],
      settings: { IDNODE_CACHE_MAX_ENTRIES: String(cacheEntries), IDNODE_CACHE_MAX_BYTES: '268435456' },
      notes: [`uniform over ${population.toLocaleString('en-US')} identifiers with a ${cacheEntries.toLocaleString('en-US')}-entry cache: at least 90% of answers are store reads; the reference still answers from its Map (the ceiling).`],
    });
  },
};
