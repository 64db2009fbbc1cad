import { isFound } from '../../cache/resolution-cache.js';
import type { Metering, ResolutionKind } from '../../metering/metering.js';
import type { Lookup, Next, ResolveContext, Stage } from '../pipeline.js';

const KIND_BY_SOURCE = {
  cache: 'resolution.cache-hit',
  store: 'resolution.store-read',
  federation: 'resolution.referred',
} as const satisfies Record<Lookup['source'], ResolutionKind>;

/**
 * Counts every answered resolution by how it was answered; a failed lookup (thrown) counts nothing. An answer
 * another node gave (recursive resolution) is `resolution.referred` also when served again from the cache, so
 * the asking node's referred count is exactly the resolutions of other nodes' identifiers it answered.
 */
export function meteringStage(metering: Pick<Metering, 'countResolution'>): Stage {
  const count = (context: ResolveContext, lookup: Lookup): Lookup => {
    const answer = lookup.answer;
    const kind = isFound(answer) ? (answer.referred === true ? 'resolution.referred' : KIND_BY_SOURCE[lookup.source]) : 'resolution.not-found';
    metering.countResolution(context.prefix, context.protocol, kind);
    return lookup;
  };
  return {
    name: 'metering',
    run(context: ResolveContext, next: Next) {
      const lookup = next(context);
      return lookup instanceof Promise ? countOnceSettled(context, lookup) : count(context, lookup);
    },
  };
  // Its own function: a closure over `context` made in `run` would cost every resolution a context object.
  function countOnceSettled(context: ResolveContext, lookup: Promise<Lookup>): Promise<Lookup> {
    return lookup.then((settled) => count(context, settled));
  }
}
