import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runGrpcLoad } from '../lib/grpc-load.js';
import { RESOLVE_PATH, resolveRequestFrame } from '../lib/grpc-frame.js';
import { GRPC_HEADERS, probeResolution } from '../lib/grpc-probe.js';
import { findH2load, h2loadVersion, runH2load } from '../lib/h2load-load.js';
import type { LoadRun } from '../lib/http-load.js';
import { measurePair, type Target } from '../lib/measure.js';
import { RESOLUTION_SETTINGS } from '../lib/rest-scenario.js';
import { scenarioResult } from '../lib/scenario-result.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startBareGrpc, startIdnode, type RunningServer } from '../lib/servers.js';
import { seededHandle } from '../lib/workload.js';

/** One HTTP/2 connection with this many calls in flight (as one grpc-js channel would carry them). */
const CLIENTS = 1;
const STREAMS = 10;
/** The identifier every call resolves: seeded, so idnode answers it from its cache after the first call. */
const HANDLE = seededHandle(0);

/** How one side is loaded: h2load when installed, else a grpc-js client in the bench process. */
interface Generator {
  readonly note: string;
  run(address: string, answerBytes: number, phase: 'warmup' | 'measure', workFiles: string): Promise<LoadRun>;
}

/**
 * Warm-cache resolution over gRPC (idnode.v1.Resolver/Resolve) of one fixed identifier, against a bare
 * grpc-js server answering the same resolution as a ready message, both driven identically.
 */
export const grpcResolve: Scenario = {
  name: 'grpc-resolve',
  title: 'gRPC Resolve of one fixed identifier (a cache hit), vs a bare grpc-js server answering it as a ready message',
  unavailable: async (context) => {
    const help = execFileSync(process.execPath, [join(context.root, 'dist/cli/main.js'), 'serve', '--help'], { encoding: 'utf8' });
    return help.includes('--grpc-port') ? undefined : '`idnode serve` has no --grpc-port yet, so there is no gRPC listener to measure';
  },
  run: async (context) => {
    const generator = chooseGenerator(context);
    const server = await startIdnode(context, { name: grpcResolve.name, dataDir: context.seeded.dataDir, settings: { ...RESOLUTION_SETTINGS, IDNODE_GRPC_PORT: '0' } });
    let bare: RunningServer | undefined;
    try {
      bare = await startBareGrpc(context, context.references.get('bare-grpc-server')!, context.seeded.sqliteFile);
      const ours = grpcTarget(context, generator, 'idnode', server);
      const reference = grpcTarget(context, generator, 'bare grpc-js, ready message', bare);
      const measured = await measurePair(ours, reference, context.settings.runs, true);
      return scenarioResult(
        {
          name: grpcResolve.name,
          title: grpcResolve.title,
          notes: [
            `every call resolves ${HANDLE}, anonymously, all values (idnode: a cache hit after the first call; the reference: the same answer from its Map); each side's answer checked once by a raw call before measuring: ${ours.answerBytes()} bytes from idnode, ${reference.answerBytes()} from the reference.`,
            generator.note,
            `the generator was busy (running, or waiting for its core) at most ${percent(measured.ours.generatorBusyShare)} of a run driving idnode, ${percent(measured.reference.generatorBusyShare)} driving the reference.`,
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

function chooseGenerator(context: BenchContext): Generator {
  // IDNODE_BENCH_H2LOAD=none measures with the grpc-js client even where h2load is installed (to compare).
  const h2load = process.env['IDNODE_BENCH_H2LOAD'] === 'none' ? undefined : findH2load();
  const { durationSec, warmupRequests, warmupMaxSec } = context.settings;
  if (h2load !== undefined) {
    const body = resolveRequestFrame(HANDLE);
    return {
      note: `generator: ${h2loadVersion(h2load)}, one worker thread${context.pinning.enabled ? ` on CPU ${context.pinning.generatorCpu}` : ''}, ${CLIENTS} HTTP/2 connection × ${STREAMS} streams in flight; a call counts as answered only when its DATA is exactly the checked answer (h2load reports HTTP 200 whatever the grpc-status).`,
      run: (address, answerBytes, phase, workFiles) =>
        runH2load({
          h2load,
          url: `http://${address}${RESOLVE_PATH}`,
          body,
          headers: GRPC_HEADERS,
          clients: CLIENTS,
          streams: STREAMS,
          ...(phase === 'warmup' ? { amount: warmupRequests, maxSec: warmupMaxSec } : { durationSec, maxSec: durationSec + 30 }),
          answerBytes,
          workFiles,
          pinning: context.pinning,
        }),
    };
  }
  return {
    note: `generator: a grpc-js client in the bench process, ${STREAMS} calls in flight on one channel — h2load was not found on PATH (or IDNODE_BENCH_H2LOAD=none). grpc-js costs about as much CPU per call as the server, so these throughputs are floors and the ratio only indicative (read CPU eff.); install h2load for the real figure: apt-get install nghttp2-client.`,
    run: (address, _answerBytes, phase) =>
      runGrpcLoad({
        address,
        concurrency: STREAMS,
        durationSec: phase === 'warmup' ? warmupMaxSec : durationSec,
        ...(phase === 'warmup' ? { amount: warmupRequests } : {}),
        next: () => HANDLE,
        expected: [0],
      }),
  };
}

function grpcTarget(context: BenchContext, generator: Generator, name: string, server: RunningServer): Target & { answerBytes(): number | undefined } {
  const address = server.grpc!;
  let answerBytes: number | undefined;
  return {
    name,
    answerBytes: () => answerBytes,
    pid: server.pid,
    run: async (phase, index) => {
      // The first call (before the warm-up) checks the answer is a real resolution and fixes its size.
      answerBytes ??= await probeResolution(address, HANDLE);
      return generator.run(address, answerBytes, phase, join(context.workDir, `grpc-resolve-${server.name}-${phase}-${index}`));
    },
  };
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
