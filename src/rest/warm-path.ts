import type { IncomingMessage, ServerResponse } from 'node:http';
import { ANONYMOUS } from '../core/auth/principal.js';
import type { Logger } from '../core/log/logger.js';
import type { IdNode } from '../core/node.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { errorBody, logFailure, toIdnodeError } from './error-reply.js';
import { requestIdOf } from './request-id.js';
import { encodeResolution, JSON_CONTENT_TYPE } from './resolution-encoding.js';
import { handleFromUrl, PATH_PREFIX } from './routes/handles.js';

/**
 * The warm resolution path (DESIGN §3): an anonymous `GET /api/handles/{handle}` without a query string is
 * answered here, before fastify routes the request, so a cached answer costs a parse, a lookup, a counter
 * increment and a write. It calls the same resolver and the same encoding as the fastify route, so the
 * answer, the error, the count and the request metric are the same; anything else (credentials, filters,
 * an undecodable or over-long path) returns false and fastify serves it.
 */
export function warmResolutionPath(node: IdNode, metrics: NodeMetrics, logger: Logger, maxPathLength: number): (request: IncomingMessage, response: ServerResponse) => boolean {
  const recorder = metrics.requestRecorder('rest', 'resolve');
  return (request, response) => {
    const url = request.url;
    if (
      request.method !== 'GET' ||
      url === undefined ||
      !url.startsWith(PATH_PREFIX) ||
      url.length - PATH_PREFIX.length > maxPathLength ||
      url.includes('?') ||
      request.headers.authorization !== undefined
    ) {
      return false;
    }
    let handle: string;
    try {
      handle = handleFromUrl(url);
    } catch {
      return false;
    }
    const started = performance.now();
    const requestId = requestIdOf(request.headers['x-request-id']);
    const send = (statusCode: number, json: string) => {
      response.writeHead(statusCode, { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(json), 'x-request-id': requestId });
      response.end(json);
      recorder.record((performance.now() - started) / 1000, statusCode < 400 ? 'ok' : statusCode < 500 ? 'client_error' : 'server_error');
    };
    node.resolver
      .resolve({ handle, principal: ANONYMOUS, protocol: 'rest' })
      .then((resolution) => {
        const { statusCode, json } = encodeResolution(resolution);
        send(statusCode, json);
      })
      .catch((raw: unknown) => {
        const error = toIdnodeError(raw as Error);
        logFailure(logger.child({ reqId: requestId }), error, raw, 'GET', url);
        send(error.httpStatus, JSON.stringify(errorBody(error)));
      });
    return true;
  };
}
