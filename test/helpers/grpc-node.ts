import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { systemClock, systemRandom, type Clock } from '../../src/core/clock/clock.js';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { firstRun, type FirstRunCredentials } from '../../src/core/first-run.js';
import { IdNode, type CoreConfig } from '../../src/core/node.js';
import type { Store } from '../../src/core/store/store.js';
import type { FrontEnd } from '../../src/frontend/front-end.js';
import { buildGrpcServer, type GrpcServer } from '../../src/grpc/grpc-server.js';
import { hdlFrontEnd, type HdlOptions } from '../../src/hdl/hdl-front-end.js';
import { NodeMetrics } from '../../src/metrics/node-metrics.js';
import { buildRestServer, type ConnectionLimits } from '../../src/rest/server.js';
import type { Admission } from '../../src/frontend/admission.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { IdnodeClients } from './grpc-client.js';
import { TEST_CORE_CONFIG } from './rest-node.js';
import { virtualRuntime } from './virtual-runtime.js';

export interface BothNode {
  /** REST base URL. */
  readonly url: string;
  /** gRPC address host:port. */
  readonly grpcAddress: string;
  /** The Handle protocol's port (UDP and TCP) on 127.0.0.1. */
  readonly hdlPort: number;
  readonly hdl: FrontEnd;
  readonly metrics: NodeMetrics;
  readonly node: IdNode;
  readonly store: Store;
  readonly app: FastifyInstance;
  readonly grpc: GrpcServer;
  readonly clients: IdnodeClients;
  readonly credentials: FirstRunCredentials;
  /** Every log line written so far, parsed (REST and gRPC front ends and the core share one logger). */
  readonly logs: Record<string, unknown>[];
  /** The node's monotonic clock and scheduler: metering flushes, ledger sealing and cache expiry wait for its advance. */
  readonly time: ManualScheduler;
  close(): Promise<void>;
}

export interface BothNodeOptions {
  readonly dir: string;
  readonly config?: Partial<CoreConfig>;
  readonly clock?: Clock;
  /** SQLite durability; 'normal' makes 100,000-item tests faster (they do not test power loss). */
  readonly synchronous?: 'full' | 'normal';
  readonly bodyLimitBytes?: number;
  readonly batchBodyLimitBytes?: number;
  /** Options of the Handle protocol front end (site info, shorter limits). */
  readonly hdl?: Pick<HdlOptions, 'siteInfo' | 'limits'>;
  /** Shared by the three front ends, as serve wires it (default: none sheds). */
  readonly admission?: Admission;
  /** The REST server's connection cap and timeouts (default DEFAULT_CONNECTIONS). */
  readonly connections?: ConnectionLimits;
  /** gRPC: largest message received (default 1 MiB). */
  readonly grpcMaxMessageBytes?: number;
}

/**
 * A real node on a real SQLite file serving REST, gRPC and the Handle protocol on 127.0.0.1 (OS-chosen ports), logging at info
 * into `logs` so tests can see what the server acknowledged, with a gRPC client connected.
 */
export async function startBothNode(options: BothNodeOptions): Promise<BothNode> {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.length > 0) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const store = openSqliteStore({ file: join(options.dir, 'idnode.sqlite'), synchronous: options.synchronous ?? 'full' });
  // One metrics registry for both front ends, as `idnode serve` wires it.
  const metrics = new NodeMetrics();
  const time = new ManualScheduler();
  const node = await IdNode.create(
    { ...TEST_CORE_CONFIG, ...options.config },
    { store, clock: options.clock ?? systemClock, random: systemRandom, logger, storeObserver: metrics.storeObserver, countObserver: metrics.countObserver, ...virtualRuntime(time) },
  );
  const credentials = (await firstRun(node))!;
  const admission = options.admission === undefined ? {} : { admission: options.admission };
  const app = await buildRestServer(node, {
    logger,
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    batchBodyLimitBytes: options.batchBodyLimitBytes ?? 8 * 1024 * 1024,
    allowRemoteCredentialsOverHttp: false,
    metrics,
    ...admission,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const grpc = buildGrpcServer(node, {
    logger,
    allowRemoteCredentialsOverHttp: false,
    shutdownGraceMs: 1000,
    metrics,
    ...admission,
    ...(options.grpcMaxMessageBytes === undefined ? {} : { maxReceiveMessageBytes: options.grpcMaxMessageBytes }),
  });
  const port = await grpc.listen('127.0.0.1', 0);
  const grpcAddress = `127.0.0.1:${port}`;
  const clients = new IdnodeClients(grpcAddress);
  const hdl = hdlFrontEnd(node, { logger, metrics, host: '127.0.0.1', port: 0, ...admission, ...options.hdl });
  const hdlPort = Number((await hdl.listen()).split(':')[1]);
  return {
    url,
    grpcAddress,
    hdlPort,
    hdl,
    metrics,
    node,
    store,
    app,
    grpc,
    clients,
    credentials,
    logs,
    time,
    async close() {
      clients.close();
      await hdl.close();
      await grpc.close();
      await app.close();
      await node.close();
      await store.close();
    },
  };
}

/** Identifiers stored under `prefix`. */
export async function countUnder(store: Store, prefix: string): Promise<number> {
  return (await store.listHandles(prefix, 0, 1)).total;
}
