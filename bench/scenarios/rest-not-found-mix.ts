import { runRestComparison } from '../lib/rest-scenario.js';
import type { Scenario } from '../lib/scenario.js';
import { getRequest, hotSetInOrder, missingHandles, mixed, zipfHandles } from '../lib/workload.js';

const NOT_FOUND_SHARE = 0.2;

/** Resolutions of which a fifth name identifiers that do not exist (each a different one: no negative-cache help). */
export const restNotFoundMix: Scenario = {
  name: 'rest-not-found-mix',
  title: 'REST GET, 80% Zipf hot set, 20% never-registered identifiers (404)',
  unavailable: async () => undefined,
  run: (context) => {
    const { hotSize, population } = context.settings;
    return runRestComparison(context, {
      name: restNotFoundMix.name,
      title: restNotFoundMix.title,
      workload: (side) => {
        const next = mixed(1 - NOT_FOUND_SHARE, zipfHandles(hotSize, population, 4), missingHandles(side), 5);
        return () => getRequest(next());
      },
      prime: () => {
        const next = hotSetInOrder(hotSize, population);
        return { amount: hotSize, next: () => getRequest(next()) };
      },
      expected: [200, 404],
      notes: ['every missing identifier is new, so each 404 is a store read (the not-found cache cannot help).'],
    });
  },
};
