import { isFound } from '../../cache/resolution-cache.js';
import type { Metering, ResolutionKind } from '../../metering/metering.js';
import type { Lookup, Next, ResolveContext, Stage } from '../pipeline.js';

const KIND_BY_SOURCE = {
  cache: 'resolution.cache-hit',
  store: 'resolution.store-read',
  federation: 'resolution.referred',
} as const satisfies Record<Lookup['source'], ResolutionKind>;

/** Counts every answered resolution by how it was answered; a failed lookup (thrown) counts nothing. */
export function meteringStage(metering: Pick<Metering, 'countResolution'>): Stage {
  const count = (context: ResolveContext, lookup: Lookup): Lookup => {
    const kind = isFound(lookup.answer) ? KIND_BY_SOURCE[lookup.source] : 'resolution.not-found';
    metering.countResolution(context.prefix, context.protocol, kind);
    return lookup;
  };
  return {
    name: 'metering',
    run(context: ResolveContext, next: Next) {
      const lookup = next();
      return lookup instanceof Promise ? lookup.then((settled) => count(context, settled)) : count(context, lookup);
    },
  };
}
