import { systemClock, systemRandom, type Clock } from '../core/clock/clock.js';
import { SetClock } from '../core/clock/set-clock.js';
import type { NodeDependencies } from '../core/node.js';
import { loadConfiguredPolicies, type PolicySettings } from '../policies/load-policies.js';
import { systemMonotonic } from './system-monotonic.js';
import { systemScheduler } from './system-scheduler.js';

/** The dependencies of a node that come from the machine rather than from its store, logger or metrics. */
export type SystemRuntime = Pick<NodeDependencies, 'clock' | 'random' | 'monotonic' | 'scheduler' | 'policies'>;

/**
 * A real node's runtime: the system's monotonic clock, timers and randomness, `clock` as the node clock, and the
 * award policies `settings` name, read from disk now. Throws IdnodeError POLICY_INVALID / CONFIG_INVALID as
 * loadConfiguredPolicies.
 */
export function systemRuntime(settings: PolicySettings, clock: Clock = systemClock): SystemRuntime {
  return { clock, random: systemRandom, monotonic: systemMonotonic, scheduler: systemScheduler, policies: loadConfiguredPolicies(settings) };
}

/**
 * The node clock a `clock` setting describes: the system clock when undefined, otherwise a SetClock from `start`
 * (now when absent) at `rate` (1 when absent) times real time, reading `start` at the real instant `realStart`
 * (now when absent: processes started one after another, given one realStart, share one simulated clock).
 * Throws RangeError for a bad start or rate.
 */
export function configuredClock(setting: { readonly start?: number; readonly rate?: number; readonly realStart?: number } | undefined): Clock {
  if (setting === undefined) return systemClock;
  const now = Date.now();
  // The wall clock places realStart once; from then on the clock runs on the monotonic clock alone.
  const realStartMonotonic = setting.realStart === undefined ? undefined : systemMonotonic.now() - (now - setting.realStart);
  return new SetClock(setting.start ?? setting.realStart ?? now, setting.rate ?? 1, systemMonotonic, realStartMonotonic);
}
