import type { Metering } from '../../metering/metering.js';
import type { Quotas } from '../../quotas/quotas.js';
import type { Next, ResolveContext, Stage } from '../pipeline.js';

/**
 * The daily resolution quota of the enterprise whose prefix is resolved (Quotas.takeResolution), before the
 * cache: a refused resolution is answered RESOLUTION_LIMIT_EXCEEDED, is not a resolution (the metering stage
 * before this one counts nothing for a throw) and is counted as `refused` under the prefix instead.
 */
export function quotaStage(quotas: Pick<Quotas, 'takeResolution'>, metering: Pick<Metering, 'countRefused'>): Stage {
  return {
    name: 'quota',
    run(context: ResolveContext, next: Next) {
      try {
        quotas.takeResolution(context.prefix, context.handle);
      } catch (error) {
        metering.countRefused(context.prefix, context.protocol);
        throw error;
      }
      return next(context);
    },
  };
}
