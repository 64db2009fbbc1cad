import type { Logger as PinoLogger } from 'pino';
import type { Config } from '../config/config.js';
import type { IdNode } from '../core/node.js';
import { Admission } from '../frontend/admission.js';
import { QueueDelay } from '../frontend/queue-delay.js';
import type { FrontEnd, ServingFrontEnds } from '../frontend/front-end.js';
import { grpcFrontEnd } from '../grpc/grpc-front-end.js';
import { hdlFrontEnd } from '../hdl/hdl-front-end.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { healthListener } from '../rest/health-listener.js';
import { restFrontEnd } from '../rest/rest-front-end.js';

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
 * end adds its port setting (kind "port") and one line here.
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
  const list: FrontEnd[] = [];
  if (config.httpPort !== 'off') {
    list.push(
      restFrontEnd(node, {
        ...shared,
        host: config.host,
        port: config.httpPort,
        bodyLimitBytes: config.limits.bodyLimitBytes,
        batchBodyLimitBytes: config.limits.batchBodyLimitBytes,
        frontEnds: serving,
        connections: { maxConnections, acceptsPerTurn: config.limits.acceptsPerTurn, ...config.timeouts },
        fastLane: config.restFastLane,
      }),
    );
  }
  if (config.grpcPort !== 'off') {
    // Long streams are cancelled half-way through the shutdown budget, so the rest of the stop still fits.
    list.push(
      grpcFrontEnd(node, {
        ...shared,
        host: config.host,
        port: config.grpcPort,
        shutdownGraceMs: Math.floor(config.shutdownTimeoutMs / 2),
        maxReceiveMessageBytes: config.limits.grpcMaxMessageBytes,
        maxConcurrentStreams: config.limits.maxConcurrentStreams,
        maxConnections,
        idleTimeoutMs: config.timeouts.idleMs,
      }),
    );
  }
  if (config.hdlPort !== 'off') {
    list.push(hdlFrontEnd(node, { logger, metrics, admission, host: config.host, port: config.hdlPort, limits: { maxConnections, idleTimeoutMs: config.timeouts.idleMs } }));
  }
  if (config.healthPort !== 'off' && parts.lead !== false) {
    const { headersMs, idleMs, keepAliveMs } = config.timeouts;
    list.push(healthListener({ host: config.host, port: config.healthPort, maxConnections, headersMs, idleMs, keepAliveMs }));
  }
  return list;
}
