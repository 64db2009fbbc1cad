import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import type { NodeDependencies } from '../../src/core/node.js';
import { loadPolicyCatalogue } from '../../src/policies/load-policies.js';

/** The bundled award policies, read once per test process. */
export const BUNDLED_POLICIES = loadPolicyCatalogue();

/**
 * A test node's time and policies: `time` as its monotonic clock and scheduler (virtual: it moves only when the
 * test advances it, so metering flushes and ledger sealing happen exactly when a test says) and the bundled
 * policies.
 */
export function virtualRuntime(time: ManualScheduler = new ManualScheduler()): Pick<NodeDependencies, 'monotonic' | 'scheduler' | 'policies'> {
  return { monotonic: time, scheduler: time, policies: BUNDLED_POLICIES };
}
