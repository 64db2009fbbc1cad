import type { ResolutionCache } from '../../cache/resolution-cache.js';
import type { Lookup, Next, ResolveContext, Stage } from '../pipeline.js';

/** Answers from the cache; on a miss asks the next stage and offers what it returns (the cache's admission decides). */
export function cacheStage(cache: Pick<ResolutionCache, 'get' | 'generation' | 'offer'>): Stage {
  return {
    name: 'cache',
    run(context: ResolveContext, next: Next) {
      const cached = cache.get(context.handle);
      if (cached) return { answer: cached, source: 'cache' };
      const generation = cache.generation();
      const keep = (lookup: Lookup): Lookup => {
        cache.offer(context.handle, lookup.answer, generation);
        return lookup;
      };
      const lookup = next();
      return lookup instanceof Promise ? lookup.then(keep) : keep(lookup);
    },
  };
}
