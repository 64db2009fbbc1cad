import { notHomedError } from '../../homing/homed-prefixes.js';
import type { Lookup, ResolveContext, Stage } from '../pipeline.js';

/**
 * A source the router can send a lookup to: the local store for the prefixes homed here; later, say,
 * recursion through a top-level node for other nodes' prefixes (its answers have source 'federation').
 */
export interface Route {
  readonly name: string;
  /** Whether this route answers lookups under `prefix` (normalised). Called on every lookup that reaches the router. */
  serves(prefix: string): boolean;
  /** Answers a lookup whose prefix it serves; it never refers the lookup on. Throws when its source fails. */
  lookup(context: ResolveContext): Promise<Lookup> | Lookup;
}

/**
 * The pipeline's last stage: sends a lookup to the first route (in the declared order) that serves its
 * prefix. When none does, the identifier does not live here: throws IdnodeError NOT_HOMED naming it, which
 * counts nothing (the metering stage counts answers only) and is never cached.
 */
export function routerStage(routes: readonly Route[]): Stage {
  return {
    name: 'router',
    run(context: ResolveContext) {
      for (const route of routes) if (route.serves(context.prefix)) return route.lookup(context);
      throw notHomedError(context.prefix, context.handle);
    },
  };
}
