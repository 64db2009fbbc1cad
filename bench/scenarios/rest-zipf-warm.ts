import { runRestComparison } from '../lib/rest-scenario.js';
import type { Scenario } from '../lib/scenario.js';
import { getRequest, hotSetInOrder, zipfHandles } from '../lib/workload.js';

/** Warm-cache resolution: the hot path (parse, cache lookup, count, write the kept encoding). */
export const restZipfWarm: Scenario = {
  name: 'rest-zipf-warm',
  title: 'REST GET, Zipf (s=1) over a hot set, every hot identifier cached',
  unavailable: async () => undefined,
  run: (context) => {
    const { hotSize, population } = context.settings;
    return runRestComparison(context, {
      name: restZipfWarm.name,
      title: restZipfWarm.title,
      workload: () => {
        const next = zipfHandles(hotSize, population, 1);
        return () => getRequest(next());
      },
      prime: () => {
        const next = hotSetInOrder(hotSize, population);
        return { amount: hotSize, next: () => getRequest(next()) };
      },
      expected: [200],
      notes: [`hot set ${hotSize.toLocaleString('en-US')} of ${population.toLocaleString('en-US')} seeded identifiers, each resolved once before measuring, so every answer is a cache hit.`],
    });
  },
};
