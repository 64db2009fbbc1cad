import type { Logger as PinoLogger } from 'pino';
import type { Config } from '../config/config.js';
import type { IdNode } from '../core/node.js';
import { Admission } from '../frontend/admission.js';
import { QueueDelay } from '../frontend/queue-delay.js';
import type { FrontEnd, ServingFrontEnds } from '../frontend/front-end.js';
import { frontEndOnListen } from '../frontend/front-end-on-listen.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { healthListener } from '../rest/health-listener.js';

/** What every front end is built from besides the configuration. */
export interface FrontEndParts {
  readonly node: IdNode;
  readonly logger: PinoLogger;
  /** Shared by every front end: one exposition with a `frontend` label. */
  readonly metrics: NodeMetrics;
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | undefined;
  /** What /readyz reports as serving; serve fills it. */
  readonly serving: ServingFrontEnds;
  /**
   * False in a worker of `serve --workers` other than the lead: the health listener (health-port) is one
   * port, bound by the lead's thread. Absent: true.
   */
  readonly lead?: boolean;
}

/**
 * The front ends the configuration turns on, in start order (stopped in reverse): REST, gRPC, the
 * Handle protocol, then the health listener (probes only, in a thread of its own). A front
 * end is on unless its port setting is "off"; loadConfig refuses a configuration with none on. A new front
 * end adds its port setting (kind "port") and one line here. Each network front end's module is imported by
 * its listen() (frontEndOnListen): a node with gRPC off never loads grpc-js and protobufjs.
 */
export function frontEndsOf(config: Config, parts: FrontEndParts): FrontEnd[] {
  const { node, logger, metrics, tls, serving } = parts;
  // One admission for every front end: max-in-flight bounds the node's work, whichever way it came in.
  const { queueDelayTargetMs: targetMs, queueDelayIntervalMs: intervalMs, maxEventLoopDelayMs: maxMs } = config.limits;
  const queue = new QueueDelay({ targetMs, intervalMs, maxMs });
  // Measured for the life of the process (the timer is unref'd: it keeps nothing alive).
  queue.start();
  const admission = new Admission(config.limits.maxInFlight, queue);
  metrics.attachAdmission(admission);
  const { maxConnections } = config.limits;
  const shared = { logger, metrics, admission, allowRemoteCredentialsOverHttp: config.allowRemoteCredentialsOverHttp, ...(tls === undefined ? {} : { tls }) };
  // Read before the closures below: a narrowed property does not stay narrowed inside them.
  const { httpPort, grpcPort, hdlPort } = config;
  const list: FrontEnd[] = [];
  if (httpPort !== 'off') {
    list.push(
      frontEndOnListen('http', async () => (await import('../rest/rest-front-end.js')).restFrontEnd(node, {
        ...shared,
        host: config.host,
        port: httpPort,
        bodyLimitBytes: config.limits.bodyLimitBytes,
        batchBodyLimitBytes: config.limits.batchBodyLimitBytes,
        frontEnds: serving,
        connections: { maxConnections, acceptsPerTurn: config.limits.acceptsPerTurn, ...config.timeouts },
        fastLane: config.restFastLane,
      })),
    );
  }
  if (grpcPort !== 'off') {
    // Long streams are cancelled half-way through the shutdown budget, so the rest of the stop still fits.
    list.push(
      frontEndOnListen('grpc', async () => (await import('../grpc/grpc-front-end.js')).grpcFrontEnd(node, {
        ...shared,
        host: config.host,
        port: grpcPort,
        shutdownGraceMs: Math.floor(config.shutdownTimeoutMs / 2),
        maxReceiveMessageBytes: config.limits.grpcMaxMessageBytes,
        maxConcurrentStreams: config.limits.maxConcurrentStreams,
        maxConnections,
        idleTimeoutMs: config.timeouts.idleMs,
      })),
    );
  }
  if (hdlPort !== 'off') {
    const limits = { maxConnections, idleTimeoutMs: config.timeouts.idleMs };
    list.push(frontEndOnListen('hdl', async () => (await import('../hdl/hdl-front-end.js')).hdlFrontEnd(node, { logger, metrics, admission, host: config.host, port: hdlPort, limits })));
  }
  if (config.healthPort !== 'off' && parts.lead !== false) {
    const { headersMs, idleMs, keepAliveMs } = config.timeouts;
    list.push(healthListener({ host: config.host, port: config.healthPort, maxConnections, headersMs, idleMs, keepAliveMs }));
  }
  return list;
}
