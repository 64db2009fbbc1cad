import type { HttpRequestSpec, LoadRun } from './http-load.js';
import { runHttpLoad } from './http-load.js';
import { measurePair, type Target } from './measure.js';
import { runPacedLoad } from './paced-load.js';
import type { ScenarioResult } from './result.js';
import { scenarioResult } from './scenario-result.js';
import type { BenchContext } from './scenario.js';
import { startIdnode, type RunningServer } from './servers.js';

/** The idnode settings of the resolution scenarios: a cache that holds the hot set many times over. */
export const RESOLUTION_SETTINGS = { IDNODE_CACHE_MAX_ENTRIES: '100000', IDNODE_CACHE_MAX_BYTES: '268435456' } as const;

export interface RestComparison {
  readonly name: string;
  readonly title: string;
  /** A fresh request source per target, so ours and the reference get the same sequence. */
  readonly workload: (target: 'ours' | 'reference') => () => HttpRequestSpec;
  readonly expected: readonly number[];
  /** Sent to each side at the start of its warm-up (e.g. every hot identifier, to fill the cache). */
  readonly prime?: (target: 'ours' | 'reference') => { amount: number; next: () => HttpRequestSpec };
  readonly settings?: Readonly<Record<string, string>>;
  /** Drive both sides at this steady rate (req/s) with the paced generator instead of autocannon's flat-out load. */
  readonly pacedRate?: number;
  readonly notes?: string[];
  /** Compare p99 latency instead of throughput (fixed-rate runs). */
  readonly ratioOf?: 'throughput' | 'p99';
}

/**
 * A REST scenario against the shared bare node:http reference: starts idnode on the seeded data, primes
 * and warms both, measures them in turns, and stops idnode (also when the measurement fails).
 */
export async function runRestComparison(context: BenchContext, spec: RestComparison): Promise<ScenarioResult> {
  const server = await startIdnode(context, { name: spec.name, dataDir: context.seeded.dataDir, settings: spec.settings ?? RESOLUTION_SETTINGS });
  try {
    const ours = restTarget(context, spec, 'ours', server);
    const reference = restTarget(context, spec, 'reference', context.bareHttp);
    const measured = await measurePair(ours, reference, context.settings.runs, true);
    return scenarioResult(spec, measured.ours, measured.reference);
  } finally {
    await server.stop();
  }
}

function restTarget(context: BenchContext, spec: RestComparison, side: 'ours' | 'reference', server: RunningServer): Target {
  const next = spec.workload(side);
  const { connections, durationSec, warmupSec, warmupRequests, warmupMaxSec } = context.settings;
  const url = server.url;
  return {
    name: side === 'ours' ? 'idnode' : 'bare node:http + Map',
    pid: server.pid,
    run: async (phase): Promise<LoadRun> => {
      const paced = spec.pacedRate;
      if (phase === 'warmup') {
        const prime = spec.prime?.(side);
        if (prime) await runHttpLoad({ url, connections, amount: prime.amount, maxSec: warmupMaxSec, next: prime.next, expected: spec.expected });
        // Flat out even before a paced run: the JIT needs calls, whatever the rate measured afterwards.
        const flat = await runHttpLoad({ url, connections, amount: warmupRequests, maxSec: warmupMaxSec, next, expected: spec.expected });
        if (paced === undefined) return flat;
      }
      const seconds = phase === 'warmup' ? warmupSec : durationSec;
      if (paced !== undefined) return runPacedLoad({ url, ratePerSec: paced, durationSec: seconds, next, expected: spec.expected });
      return runHttpLoad({ url, connections, durationSec: seconds, next, expected: spec.expected });
    },
  };
}
