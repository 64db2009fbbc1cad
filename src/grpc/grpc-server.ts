import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath, type ServingStatusMap } from 'grpc-health-check';
import { IdnodeError } from '../core/errors/catalogue.js';
import type { Logger } from '../core/log/logger.js';
import type { IdNode } from '../core/node.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { Server as NetServer } from 'node:net';
import { unlimitedAdmission, type Admission } from '../frontend/admission.js';
import { catalogueUnknownMethods } from './unknown-method.js';
import { callGuard, guardedDefinition } from './call-guard.js';
import { instrumentService } from './call-metrics.js';
import type { GrpcContext } from './grpc-context.js';
import { meteringService } from './metering-service.js';
import { idnodePackageDefinition } from './proto-definition.js';
import { registryService } from './registry-service.js';
import { resolverService } from './resolver-service.js';
import { templatesService } from './templates-service.js';

export interface GrpcOptions {
  readonly logger: Logger;
  /** PEM certificate chain and key: serve over TLS. Absent: plain HTTP/2. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  /** As for REST: accept Basic credentials over a plain connection from non-loopback peers. */
  readonly allowRemoteCredentialsOverHttp: boolean;
  /**
   * Largest message received (default 1 MiB, the grpc-max-message-bytes setting): refused from its length
   * prefix, before it is buffered. A RegisterBatch of 2,000 identifiers must fit in one.
   */
  readonly maxReceiveMessageBytes?: number;
  /** HTTP/2 streams (calls) open at once per connection (default 100). */
  readonly maxConcurrentStreams?: number;
  /** Connections open at once (default 4096); one more is closed at once. */
  readonly maxConnections?: number;
  /** A connection without a call for this long is closed (default 30000). */
  readonly idleTimeoutMs?: number;
  /** Load shedding shared with the other front ends. Absent: an admission of its own that never sheds. */
  readonly admission?: Admission;
  /** How long close() lets in-flight calls finish before cancelling them (default 5000). */
  readonly shutdownGraceMs?: number;
  /** The process's metrics (shared with REST); calls are recorded with frontend "grpc". */
  readonly metrics?: NodeMetrics;
}

export interface GrpcServer {
  /**
   * Binds host:port (port 0: a free port) and starts serving. Resolves with the bound port; rejects with
   * IdnodeError CONFIG_INVALID when the address cannot be bound.
   */
  listen(host: string, port: number): Promise<number>;
  /**
   * Marks every service NOT_SERVING, stops accepting calls, lets in-flight calls finish for up to
   * shutdownGraceMs and then cancels the rest (a cancelled bulk import keeps what it committed). Idempotent.
   */
  close(): Promise<void>;
  readonly server: Server;
}

/** The default of grpc-max-message-bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Sets the connection cap on the HTTP/2 listeners grpc-js made (it has no option for it): a connection
 * over the cap is closed by Node at once. grpc-js keeps them in a private map; if a later version no longer
 * has it, the node serves without the cap and says so once in the log.
 */
function capConnections(server: Server, maxConnections: number, logger: Logger): void {
  const listeners = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(listeners instanceof Map)) {
    logger.warn({ maxConnections }, 'gRPC: this grpc-js keeps no http2Servers map: max-connections is not applied to gRPC');
    return;
  }
  for (const listener of listeners.keys()) (listener as NetServer).maxConnections = maxConnections;
}

/** The fully qualified names of the services served, as health checks and reflection know them. */
export const SERVICE_NAMES = ['idnode.v1.Resolver', 'idnode.v1.Registry', 'idnode.v1.Metering', 'idnode.v1.Templates'] as const;

/**
 * The gRPC front end (docs/design.md §4): idnode.v1 Resolver, Registry, Metering and Templates, plus standard health checking
 * (grpc.health.v1) and server reflection (v1 and v1alpha), so generic tools (grpcurl, grpc_health_probe)
 * can discover and probe the API. Thin: each method decodes, calls the core, encodes; errors map from the
 * one catalogue. The caller listens and closes.
 */
export function buildGrpcServer(node: IdNode, options: GrpcOptions): GrpcServer {
  const context: GrpcContext = {
    logger: options.logger,
    policy: { tls: options.tls !== undefined, allowRemoteCredentialsOverHttp: options.allowRemoteCredentialsOverHttp },
  };
  const maxMessageBytes = options.maxReceiveMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const server = new Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_concurrent_streams': options.maxConcurrentStreams ?? 100,
    'grpc.max_connection_idle_ms': options.idleTimeoutMs ?? 30_000,
    interceptors: [
      callGuard({ admission: options.admission ?? unlimitedAdmission(), authenticator: node.authenticator, policy: context.policy, logger: options.logger, maxMessageBytes }),
    ],
  });
  const definition = idnodePackageDefinition();
  const service = (name: string) => guardedDefinition(definition[name] as ServiceDefinition);
  const metered = (implementation: UntypedServiceImplementation) => (options.metrics ? instrumentService(implementation, options.metrics) : implementation);
  server.addService(service('idnode.v1.Resolver'), metered(resolverService(node, context)));
  server.addService(service('idnode.v1.Registry'), metered(registryService(node, context)));
  server.addService(service('idnode.v1.Metering'), metered(meteringService(node, context)));
  server.addService(service('idnode.v1.Templates'), metered(templatesService(node, context)));

  const serving: ServingStatusMap = { '': 'SERVING' };
  for (const name of SERVICE_NAMES) serving[name] = 'SERVING';
  const health = new HealthImplementation(serving);
  health.addToServer(server);

  const healthDefinition = protoLoader.loadSync(healthProtoPath);
  new ReflectionService({ ...definition, ...healthDefinition }).addToServer(server);
  catalogueUnknownMethods(server, SERVICE_NAMES, options.logger);

  let closing: Promise<void> | undefined;
  return {
    server,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        const address = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
        const credentials = options.tls ? ServerCredentials.createSsl(null, [{ cert_chain: options.tls.cert, private_key: options.tls.key }]) : ServerCredentials.createInsecure();
        server.bindAsync(address, credentials, (error, bound) => {
          if (error) return reject(new IdnodeError('CONFIG_INVALID', `cannot listen for gRPC on ${address}: ${error.message}`, { cause: error }));
          capConnections(server, options.maxConnections ?? 4096, options.logger);
          resolve(bound);
        });
      }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const name of ['', ...SERVICE_NAMES]) health.setStatus(name, 'NOT_SERVING');
        const timer = setTimeout(() => server.forceShutdown(), options.shutdownGraceMs ?? 5000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}
