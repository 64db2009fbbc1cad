import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runGrpcLoad } from '../lib/grpc-load.js';
import type { LoadRun } from '../lib/http-load.js';
import { measurePair, type Target } from '../lib/measure.js';
import { RESOLUTION_SETTINGS } from '../lib/rest-scenario.js';
import { scenarioResult } from '../lib/scenario-result.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startBareGrpc, startIdnode, type RunningServer } from '../lib/servers.js';
import { hotSetInOrder, zipfHandles } from '../lib/workload.js';

const CONCURRENCY = 10;

/** Warm-cache resolution over gRPC (idnode.v1.Resolver/Resolve), against a bare grpc-js server on a Map. */
export const grpcResolve: Scenario = {
  name: 'grpc-resolve',
  title: 'gRPC Resolve, Zipf (s=1) over a hot set, every hot identifier cached',
  unavailable: async (context) => {
    const help = execFileSync(process.execPath, [join(context.root, 'dist/cli/main.js'), 'serve', '--help'], { encoding: 'utf8' });
    return help.includes('--grpc-port') ? undefined : '`idnode serve` has no --grpc-port yet, so there is no gRPC listener to measure';
  },
  run: async (context) => {
    const server = await startIdnode(context, { name: grpcResolve.name, dataDir: context.seeded.dataDir, settings: { ...RESOLUTION_SETTINGS, IDNODE_GRPC_PORT: '0' } });
    let bare: RunningServer | undefined;
    try {
      bare = await startBareGrpc(context, context.references.get('bare-grpc-server')!, context.seeded.sqliteFile);
      const measured = await measurePair(grpcTarget(context, 'idnode', server), grpcTarget(context, 'bare grpc-js + Map', bare), context.settings.runs, true);
      return scenarioResult(
        {
          name: grpcResolve.name,
          title: grpcResolve.title,
          notes: [
            `${CONCURRENCY} calls in flight on one HTTP/2 channel from a grpc-js client; hot set ${context.settings.hotSize.toLocaleString('en-US')}, primed before measuring. grpc-js is CPU-heavy on the client side too: see the floor mark.`,
          ],
        },
        measured.ours,
        measured.reference,
      );
    } finally {
      await Promise.all([server.stop(), bare?.stop()]);
    }
  },
};

function grpcTarget(context: BenchContext, name: string, server: RunningServer): Target {
  const { hotSize, population, durationSec, warmupRequests, warmupMaxSec } = context.settings;
  const next = zipfHandles(hotSize, population, 10);
  const address = server.grpc!;
  return {
    name,
    pid: server.pid,
    run: async (phase): Promise<LoadRun> => {
      if (phase === 'warmup') {
        await runGrpcLoad({ address, concurrency: CONCURRENCY, durationSec: warmupMaxSec, amount: hotSize, next: hotSetInOrder(hotSize, population), expected: [0] });
        return runGrpcLoad({ address, concurrency: CONCURRENCY, durationSec: warmupMaxSec, amount: warmupRequests, next, expected: [0] });
      }
      return runGrpcLoad({ address, concurrency: CONCURRENCY, durationSec, next, expected: [0] });
    },
  };
}
