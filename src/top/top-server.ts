import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { isLoopback, parseBasic } from '../core/auth/basic-credentials.js';
import type { Clock } from '../core/clock/clock.js';
import { describeClock } from '../core/clock/set-clock.js';
import { IdnodeError } from '../core/errors/catalogue.js';
import { PREFIX_HANDLE_PREFIX } from '../core/resolver/stages/prefix-handle-route.js';
import type { TopLevel } from '../core/top/top-level.js';
import type { TopNodeRecord } from '../core/top/top-store.js';
import { toWireValues } from '../core/values/wire-value.js';
import { requestIdOf } from '../frontend/request-id.js';
import { installBodyParsers } from '../rest/body-parsers.js';
import { sendError } from '../rest/error-reply.js';
import { JSON_CONTENT_TYPE } from '../rest/framing.js';
import { handleFromUrl, PATH_PREFIX } from '../rest/routes/handles.js';
import { renderNodesHtml } from './render-nodes-html.js';

export interface TopServerOptions {
  readonly logger: PinoLogger;
  readonly clock: Clock;
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  readonly bodyLimitBytes: number;
}

/**
 * The top-level node's REST API (docs/design.md §5): HANDLE.NET's GET /api/handles/0.NA/<prefix> for every
 * homed prefix (public), the connection report GET /api/v1/nodes (public; HTML for a browser or ?format=html),
 * and, for nodes with their account's Basic credentials, connect (register the key), home a prefix, and report a
 * sealed day. Errors come from the one catalogue, framed like the node's own REST API.
 */
export async function buildTopServer(top: TopLevel, options: TopServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    serverFactory: (handler) => (options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler)),
    genReqId: (request) => requestIdOf(request.headers['x-request-id']),
    frameworkErrors: (error, request, reply) => sendError(request, reply, error),
  }) as unknown as FastifyInstance;
  installBodyParsers(app);
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error as Error));
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new IdnodeError('ROUTE_NOT_FOUND', `no endpoint ${request.method} ${request.url.split('?')[0]}`)));

  const nodeOf = async (request: FastifyRequest): Promise<TopNodeRecord> => {
    const header = request.headers.authorization;
    if (header === undefined) throw new IdnodeError('AUTHENTICATION_REQUIRED', 'a node authenticates with its account id and secret (HTTP Basic)');
    if (options.tls === undefined && !isLoopback(request.socket.remoteAddress)) {
      throw new IdnodeError('CREDENTIALS_REQUIRE_TLS', 'credentials over a plain (non-TLS) connection are accepted from loopback only; connect over TLS');
    }
    const { identity, secret } = parseBasic(header);
    return top.authenticate(identity, secret);
  };

  app.get(`${PATH_PREFIX}*`, async (request, reply) => {
    const handle = handleFromUrl(request.raw.url!);
    const slash = handle.indexOf('/');
    if (slash < 0 || handle.slice(0, slash).toUpperCase() !== PREFIX_HANDLE_PREFIX) {
      throw new IdnodeError('HANDLE_NOT_FOUND', `${handle} does not exist here: the top-level node holds prefix handles ${PREFIX_HANDLE_PREFIX}/<prefix> only`, { handle });
    }
    const record = await top.prefixHandle(handle.slice(slash + 1));
    if (record === undefined) throw new IdnodeError('HANDLE_NOT_FOUND', `${handle} does not exist: no node homes that prefix`, { handle });
    return reply.type(JSON_CONTENT_TYPE).send(JSON.stringify({ responseCode: 1, handle: record.handle, values: toWireValues(record.values) }));
  });

  app.post<{ Body: { publicKey?: unknown } | undefined }>('/api/v1/top/connect', async (request) => top.connect(await nodeOf(request), request.body?.publicKey));
  app.get('/api/v1/top/state', async (request) => top.state(await nodeOf(request)));
  app.put<{ Params: { prefix: string }; Body: { site?: unknown } | undefined }>('/api/v1/top/prefixes/:prefix', async (request) => {
    const record = await top.homePrefix(await nodeOf(request), request.params.prefix, request.body?.site);
    return { prefix: record.prefix, nodeId: record.nodeId, homedAt: new Date(record.createdAtMs).toISOString() };
  });
  app.post('/api/v1/top/reports', async (request) => top.report(await nodeOf(request), request.body));

  app.get<{ Querystring: { format?: string } }>('/api/v1/nodes', async (request, reply) => {
    const report = { ...(await top.connectionReport()), clock: describeClock(options.clock) };
    const html = request.query.format === 'html' || (request.query.format === undefined && /text\/html/.test(request.headers.accept ?? ''));
    if (html) return reply.type('text/html; charset=utf-8').send(renderNodesHtml(report));
    return report;
  });
  app.get('/healthz', async () => ({ status: 'ok' as const }));
  app.get('/readyz', async () => ({ status: 'ready' as const, role: 'top-level', clock: describeClock(options.clock) }));
  await app.ready();
  return app;
}
