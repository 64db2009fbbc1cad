import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { Logger as PinoLogger } from 'pino';
import { IdnodeError } from '../core/errors/catalogue.js';
import type { IdNode } from '../core/node.js';
import type { ServingFrontEnds } from '../frontend/front-end.js';
import { credentialsFirst, type CredentialPolicy } from './credentials.js';
import { busyBody, clientErrorHandler, rawRequestGate, releaseOnClose } from './raw-gate.js';
import { unlimitedAdmission, type Admission } from '../frontend/admission.js';
import { installBodyParsers } from './body-parsers.js';
import { sendError } from './error-reply.js';
import { NodeMetrics } from '../metrics/node-metrics.js';
import { instrumentRoutes } from './route-metrics.js';
import { bulkRoutes } from './routes/bulk.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eligibilityRoutes } from './routes/eligibility.js';
import { ledgerRoutes } from './routes/ledger.js';
import { meteringRoutes } from './routes/metering.js';
import { metricsRoutes } from './routes/metrics.js';
import { enterpriseRoutes } from './routes/enterprises.js';
import { handleRoutes } from './routes/handles.js';
import { healthRoutes } from './routes/health.js';
import { prefixRoutes } from './routes/prefixes.js';
import { templateRoutes } from './routes/templates.js';
import { snmsRoutes } from '../snms/snms-routes.js';
import { searchRoutes } from './routes/search.js';
import { pageRoutes } from './routes/pages.js';
import { statusRoutes } from './routes/status.js';
import { ErrorSchema, WireValueSchema } from './schemas.js';
import { closeQueryStrings, validatorCompiler } from './validators.js';
import { sharedSerializerBuilder } from './shared-serializers.js';
import { requestIdOf } from '../frontend/request-id.js';
import { requestLogger } from './request-logger.js';
import { resolveHandler } from './resolve-handler.js';
import { warmAnswerer, warmHandleOf, warmResolutionPath } from './warm-path.js';
import { installFastLane, type FastLane } from './fast-lane/fast-lane.js';
import { VERSION } from '../version.js';

export interface RestOptions {
  readonly logger: PinoLogger;
  readonly bodyLimitBytes: number;
  /** The body limit of batch routes (native and SNMS), which hold up to 2,000 identifiers; bodyLimitBytes elsewhere. */
  readonly batchBodyLimitBytes: number;
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  readonly allowRemoteCredentialsOverHttp: boolean;
  /**
   * The process's metrics, created before the node so that its store calls are timed (see NodeMetrics).
   * Absent: the server makes its own, attached to `node`, without store timings.
   */
  readonly metrics?: NodeMetrics;
  /**
   * The front ends serving, as serve keeps them: /readyz reports them. Absent (a REST server built on its
   * own, as in tests): /readyz has no `frontEnds` field.
   */
  readonly frontEnds?: ServingFrontEnds;
  /** Load shedding shared with the other front ends (see Admission). Absent: an admission of its own that never sheds. */
  readonly admission?: Admission;
  /** Connection cap and timeouts (README, "Overload and limits"). Absent: DEFAULT_CONNECTIONS. */
  readonly connections?: ConnectionLimits;
  /**
   * Whether plain-HTTP connections are read by the fast lane first (setting rest-fast-lane; fast-lane/fast-lane.ts).
   * Absent: true. Never over TLS.
   */
  readonly fastLane?: boolean;
}

/** The HTTP server's connection cap and timeouts (settings max-connections, idle-, headers-, request-, keep-alive-timeout-ms). */
export interface ConnectionLimits {
  readonly maxConnections: number;
  /** Descriptors of the listening socket the node accepts on, each one connection per loop turn (listenOnCopies). */
  readonly acceptsPerTurn: number;
  readonly idleMs: number;
  readonly headersMs: number;
  readonly requestMs: number;
  readonly keepAliveMs: number;
}

/** The settings' defaults, for a server built without configuration (tests). */
export const DEFAULT_CONNECTIONS: ConnectionLimits = { maxConnections: 4096, acceptsPerTurn: 1, idleMs: 30_000, headersMs: 10_000, requestMs: 120_000, keepAliveMs: 5_000 };

/** A percent-encoded 255-byte identifier is at most 765 characters; leave room for the prefix of the path. */
const MAX_PATH_PARAM_LENGTH = 1024;

/**
 * The REST front end: HANDLE.NET-compatible handle and prefix APIs, the operator's admin API, health
 * endpoints and the OpenAPI document. Thin: routes decode, call the core, encode; errors go through the one
 * catalogue. The caller listens (`app.listen`) and closes (see restFrontEnd).
 */
export async function buildRestServer(node: IdNode, options: RestOptions): Promise<FastifyInstance> {
  const metrics = options.metrics ?? new NodeMetrics();
  metrics.attach(node);
  const resolve = resolveHandler(node);
  const answer = warmAnswerer(resolve, metrics, options.logger);
  const warm = warmResolutionPath(answer, MAX_PATH_PARAM_LENGTH);
  // A resolution the cache answers is not shed: its answer costs about what a 503 would (Admission.tryAdmit).
  const isWarm = (handle: string) => node.resolver.isWarm(handle);
  const cacheHit = (request: IncomingMessage) => {
    const handle = warmHandleOf(request, MAX_PATH_PARAM_LENGTH);
    return handle !== undefined && isWarm(handle);
  };
  const admission = options.admission ?? unlimitedAdmission();
  const gate = rawRequestGate(admission, options.logger, cacheHit);
  const listener = (handler: RequestListener) => (request: IncomingMessage, response: ServerResponse) => {
    const release = gate(request, response);
    if (release === undefined || warm(request, response, release)) return;
    releaseOnClose(response, release);
    handler(request, response);
  };
  const limits = options.connections ?? DEFAULT_CONNECTIONS;
  let lane: FastLane | undefined;
  const createServer = (handler: RequestListener): HttpServer => {
    const serverOptions = {
      headersTimeout: limits.headersMs,
      requestTimeout: limits.requestMs,
      keepAliveTimeout: limits.keepAliveMs,
      // Checked here (raw-gate), answered with a catalogue body instead of Node's empty 400.
      requireHostHeader: false,
      // Timeouts are checked this often (Node's default is 30 s, too coarse for a 10 s headers timeout).
      connectionsCheckingInterval: Math.min(1000, limits.headersMs),
    };
    const server = options.tls
      ? createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, listener(handler))
      : createHttpServer(serverOptions, listener(handler));
    server.maxConnections = limits.maxConnections;
    // A socket with nothing sent or received for idleMs is destroyed (no 'timeout' listener: Node destroys it).
    server.setTimeout(limits.idleMs);
    if (options.tls === undefined && options.fastLane !== false) {
      const { keepAliveMs, idleMs, headersMs } = limits;
      lane = installFastLane(server, { answer, isWarm, admission, busyBody: busyBody(admission).toString(), maxPathLength: MAX_PATH_PARAM_LENGTH, keepAliveMs, idleMs, headersMs });
    }
    return server;
  };
  const app = Fastify({
    loggerInstance: options.logger,
    // A line per request would dominate the resolution hot path; writes, refusals and errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    // The server fastify listens with: the warm resolution path first, fastify for everything else.
    serverFactory: createServer,
    clientErrorHandler: clientErrorHandler(options.logger),
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    genReqId: (request) => requestIdOf(request.headers['x-request-id']),
    // request.log becomes a pino child only when a line is logged through it (see requestLogger).
    childLoggerFactory: (logger, bindings, childOptions) => requestLogger(logger as PinoLogger, bindings, childOptions),
    frameworkErrors: (error, request, reply) => sendError(request, reply, error),
    // The compilers as options, not set afterwards: fastify then never loads its default validator builder
    // (@fastify/ajv-compiler and Ajv's JTD modules). Each distinct schema is compiled once (see each).
    schemaController: { compilersFactory: { buildValidator: (() => validatorCompiler) as never, buildSerializer: sharedSerializerBuilder as never } },
  }) as unknown as FastifyInstance;

  const policy: CredentialPolicy = { tls: options.tls !== undefined, allowRemoteCredentialsOverHttp: options.allowRemoteCredentialsOverHttp };

  // Only JSON bodies (anything else non-empty is refused with 415 before a handler runs); an empty body is none.
  installBodyParsers(app);
  app.addSchema(WireValueSchema);
  app.addSchema(ErrorSchema);
  await app.register(swagger, {
    openapi: {
      info: { title: 'idnode', description: 'Secondary identifier-resolution node: HANDLE.NET-compatible REST API', version: VERSION },
      components: {
        securitySchemes: {
          basic: { type: 'http', scheme: 'basic', description: 'username {index}:{handle}, password the secret' },
          bearer: { type: 'http', scheme: 'bearer', description: 'a login token from POST /identity/token (24 h)' },
        },
      },
    },
  });

  // Callback style, not async: a hook that returns a promise costs every request a promise and a microtask turn.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // The lane's keep-alive connections are closed as node:http's idle ones are (fastify closes those after this).
  app.addHook('preClose', (done) => {
    lane?.close();
    done();
  });
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error as Error));
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new IdnodeError('ROUTE_NOT_FOUND', `no endpoint ${request.method} ${request.url.split('?')[0]}`)),
  );

  // Before any route is declared: a route without a query schema takes no query parameter.
  closeQueryStrings(app);
  // Before any route is declared: writes are authenticated before their bodies are read.
  credentialsFirst(app, node.authenticator, policy);
  // Before any route is declared: it times the routes declared after it.
  instrumentRoutes(app, metrics);
  handleRoutes(app, node, policy, resolve);
  prefixRoutes(app, node, policy);
  searchRoutes(app, node, policy);
  enterpriseRoutes(app, node, policy);
  bulkRoutes(app, node, policy, options.batchBodyLimitBytes, limits.requestMs);
  healthRoutes(app, node, options.frontEnds);
  metricsRoutes(app, metrics);
  meteringRoutes(app, node, policy);
  eligibilityRoutes(app, node, policy);
  ledgerRoutes(app, node, policy);
  dashboardRoutes(app, node, policy);
  templateRoutes(app, node, policy);
  snmsRoutes(app, node, policy, options.batchBodyLimitBytes);
  statusRoutes(app, node, policy, options.frontEnds);
  pageRoutes(app, node);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.ready();
  return app;
}
