import { credentials, loadPackageDefinition, type Client, type ServiceError } from '@grpc/grpc-js';
import { idnodePackageDefinition } from '../../src/grpc/proto-definition.js';
import type { LoadRun } from './http-load.js';
import { processWaitNs } from './proc.js';
import { LatencyRecorder } from './stats.js';

export interface GrpcLoadOptions {
  /** host:port */
  readonly address: string;
  /** Calls kept in flight (closed loop: a new call as each one completes). */
  readonly concurrency: number;
  readonly durationSec: number;
  /** Stop after this many calls even if time remains (e.g. one pass over a hot set). */
  readonly amount?: number;
  readonly next: () => string;
  /** gRPC status codes the workload expects (0 OK, 5 NOT_FOUND). */
  readonly expected: readonly number[];
}

type ResolverClient = Client & {
  Resolve(request: { handle: string }, callback: (error: ServiceError | null, response: unknown) => void): void;
};

/**
 * Drives idnode.v1.Resolver/Resolve with @grpc/grpc-js from this process (the generator core), closed
 * loop, bounded by `durationSec`. One HTTP/2 connection, as one grpc-js channel is. Every call's latency is
 * recorded; CPU and wait of this process over the run tell whether the generator was the limit.
 */
export async function runGrpcLoad(options: GrpcLoadOptions): Promise<LoadRun> {
  const grpcPackage = loadPackageDefinition(idnodePackageDefinition()) as unknown as {
    idnode: { v1: { Resolver: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => ResolverClient } };
  };
  const client = new grpcPackage.idnode.v1.Resolver(options.address, credentials.createInsecure());
  await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 10_000, (error) => (error ? reject(error) : resolve())));
  const latencies = new LatencyRecorder();
  const statuses: Record<string, number> = {};
  const expected = new Set(options.expected);
  let unexpected = 0;
  let sent = 0;
  const cpuBefore = process.cpuUsage();
  const waitBefore = processWaitNs('self');
  const started = performance.now();
  const end = started + options.durationSec * 1000;
  const worker = () =>
    new Promise<void>((resolve) => {
      const call = () => {
        if (performance.now() >= end || (options.amount !== undefined && sent >= options.amount)) return resolve();
        const at = performance.now();
        sent++;
        client.Resolve({ handle: options.next() }, (error) => {
          latencies.record(performance.now() - at);
          const code = error ? error.code : 0;
          statuses[code] = (statuses[code] ?? 0) + 1;
          if (!expected.has(code)) unexpected++;
          call();
        });
      };
      call();
    });
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const wallSec = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  client.close();
  return {
    ops: latencies.count,
    responses: latencies.count,
    sent,
    wallSec,
    latency: latencies.summary(),
    generatorCpuShare: (cpu.user + cpu.system) / 1e6 / wallSec,
    generatorWaitShare: (processWaitNs('self') - waitBefore) / 1e9 / wallSec,
    unexpected,
    statuses,
  };
}
