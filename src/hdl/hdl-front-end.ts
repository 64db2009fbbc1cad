import type { Logger } from 'pino';
import { IdnodeError } from '../core/errors/catalogue.js';
import type { IdNode } from '../core/node.js';
import { unlimitedAdmission, type Admission } from '../frontend/admission.js';
import type { FrontEnd } from '../frontend/front-end.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { RequestHandler, type SiteInfoSource } from './request-handler.js';
import { TcpListener } from './tcp-listener.js';
import { UdpListener } from './udp-listener.js';

export interface HdlLimits {
  readonly maxRequestBytes: number;
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxUdpInFlight: number;
}

/** The limits of the Handle protocol listeners (README, "Handle protocol"). */
export const HDL_LIMITS: HdlLimits = {
  /** The largest request (bytes after the envelope): resolution and site info requests are far smaller. */
  maxRequestBytes: 16 * 1024,
  /** A TCP connection without a request in progress is closed after this long. */
  idleTimeoutMs: 30_000,
  maxConnections: 1024,
  /** Datagrams answered at once; more are dropped until some are answered. */
  maxUdpInFlight: 4096,
};

export interface HdlOptions {
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  readonly host: string;
  /** 0: a free port (the same for UDP and TCP). */
  readonly port: number;
  /** What get site info (opcode 2) answers; default: the node's own site (node.site). */
  readonly siteInfo?: SiteInfoSource;
  /** Load shedding shared with the other front ends. Absent: an admission of its own that never sheds. */
  readonly admission?: Admission;
  /** Tests shorten the limits; serve sets maxConnections and idleTimeoutMs from max-connections and idle-timeout-ms. */
  readonly limits?: Partial<HdlLimits>;
}

/** Attempts at finding a port free for both UDP and TCP when the port is 0. */
const FREE_PORT_ATTEMPTS = 10;

/**
 * The Handle binary protocol (RFC 3652) front end ("hdl"): UDP and TCP on one port. listen() binds TCP
 * first, then UDP on the port TCP got; with port 0, a port whose UDP side is taken is given up and another
 * tried. Resolves with host:port; rejects with CONFIG_INVALID when the port cannot be bound. Adds its UDP and
 * TCP query interfaces to the node's site (describe), which get site info (opcode 2) answers with.
 */
export function hdlFrontEnd(node: IdNode, options: HdlOptions): FrontEnd {
  const limits = { ...HDL_LIMITS, ...options.limits };
  const handler = new RequestHandler(node, {
    logger: options.logger,
    metrics: options.metrics,
    maxRequestBytes: limits.maxRequestBytes,
    admission: options.admission ?? unlimitedAdmission(),
    siteInfo: options.siteInfo ?? { current: () => ({ bytes: node.site.currentBytes(), serialNumber: node.site.current().serialNumber }) },
  });
  let boundPort: number | undefined;
  let tcp: TcpListener | undefined;
  let udp: UdpListener | undefined;
  const shared = { logger: options.logger, metrics: options.metrics };
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    name: 'hdl',
    async listen() {
      for (let attempt = 1; ; attempt++) {
        tcp = new TcpListener(handler, { ...shared, maxRequestBytes: limits.maxRequestBytes, idleTimeoutMs: limits.idleTimeoutMs, maxConnections: limits.maxConnections });
        udp = new UdpListener(handler, { ...shared, maxInFlight: limits.maxUdpInFlight });
        let port: number;
        try {
          port = await tcp.listen(options.host, options.port);
        } catch (error) {
          throw unbindable('TCP', `${host}:${options.port}`, error);
        }
        try {
          await udp.bind(options.host, port);
          boundPort = port;
          return `${host}:${port}`;
        } catch (error) {
          await tcp.close();
          await udp.close();
          tcp = udp = undefined;
          const retry = options.port === 0 && (error as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < FREE_PORT_ATTEMPTS;
          if (!retry) throw unbindable('UDP', `${host}:${port}`, error);
        }
      }
    },
    // The site's Handle-protocol interfaces: resolution (query) over UDP and TCP, on the one port.
    describe: () =>
      boundPort === undefined
        ? {}
        : { interfaces: [{ type: 'query', protocol: 'udp', port: boundPort }, { type: 'query', protocol: 'tcp', port: boundPort }] },
    async close() {
      await Promise.all([tcp?.close(), udp?.close()]);
    },
  };
}

function unbindable(transport: string, address: string, error: unknown): IdnodeError {
  return new IdnodeError('CONFIG_INVALID', `cannot listen for the Handle protocol (${transport}) on ${address}: ${(error as Error).message}`, { cause: error });
}
