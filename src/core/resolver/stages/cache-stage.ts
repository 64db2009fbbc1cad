import type { ResolutionCache } from '../../cache/resolution-cache.js';
import type { Lookup, Next, ResolveContext, Stage } from '../pipeline.js';

/** Answers from the cache; on a miss asks the next stage and offers what it returns (the cache's admission decides). */
export function cacheStage(cache: Pick<ResolutionCache, 'get' | 'generation' | 'offer'>): Stage {
  return {
    name: 'cache',
    run(context: ResolveContext, next: Next) {
      const cached = cache.get(context.handle);
      if (cached) return { answer: cached, source: 'cache' };
      return missed(cache, context, next);
    },
  };
}

/**
 * A miss, in a function of its own: the closure it makes would otherwise give `run` a context of captured
 * variables, allocated at every call, hits included.
 */
function missed(cache: Pick<ResolutionCache, 'generation' | 'offer'>, context: ResolveContext, next: Next): Promise<Lookup> | Lookup {
  const generation = cache.generation();
  const keep = (lookup: Lookup): Lookup => {
    cache.offer(context.handle, lookup.answer, generation);
    return lookup;
  };
  const lookup = next(context);
  return lookup instanceof Promise ? lookup.then(keep) : keep(lookup);
}
