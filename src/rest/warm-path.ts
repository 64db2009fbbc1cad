import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ANONYMOUS } from '../core/auth/principal.js';
import type { Logger } from '../core/log/logger.js';
import { asIdnodeError, outcomeOf } from '../frontend/failure.js';
import { requestIdOf } from '../frontend/request-id.js';
import type { NodeMetrics, Outcome } from '../metrics/node-metrics.js';
import { frameFailure, JSON_CONTENT_TYPE } from './framing.js';
import type { ResolveHandler } from './resolve-handler.js';
import { REFERRAL_HOPS_HEADER } from '../core/resolver/remote-resolver.js';
import { handleFromUrl, PATH_PREFIX } from './routes/handles.js';

/**
 * The warm resolution path (docs/design.md §3): an anonymous `GET /api/handles/{handle}` without a query string is
 * answered here, before fastify routes the request, so a cached answer costs a parse, a lookup, a counter
 * increment and a write. An adapter over the same ResolveHandler and REST framing as the fastify route, so
 * the answer, the error, the count and the request metric are the same; anything else (credentials,
 * a referral from another node, filters, an undecodable or over-long path) returns false and fastify serves it.
 */
export function warmResolutionPath(resolve: ResolveHandler, metrics: NodeMetrics, logger: Logger, maxPathLength: number): (request: IncomingMessage, response: ServerResponse) => boolean {
  const recorder = metrics.requestRecorder('rest', 'resolve');
  return (request, response) => {
    const url = request.url;
    if (
      request.method !== 'GET' ||
      url === undefined ||
      !url.startsWith(PATH_PREFIX) ||
      url.length - PATH_PREFIX.length > maxPathLength ||
      url.includes('?') ||
      request.headers.authorization !== undefined ||
      request.headers[REFERRAL_HOPS_HEADER] !== undefined
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
    const send = (statusCode: number, json: string, outcome: Outcome, challenge?: string) => {
      const headers: OutgoingHttpHeaders = { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(json), 'x-request-id': requestId };
      if (challenge !== undefined) headers['www-authenticate'] = challenge;
      response.writeHead(statusCode, headers);
      response.end(json);
      recorder.record((performance.now() - started) / 1000, outcome);
    };
    resolve(handle, ANONYMOUS).then(
      (json) => send(200, json, 'ok'),
      (raw: unknown) => {
        const failure = frameFailure(asIdnodeError(raw), raw, logger.child({ reqId: requestId }), 'GET', url);
        send(failure.statusCode, JSON.stringify(failure.body), outcomeOf(failure.error), failure.challenge);
      },
    );
    return true;
  };
}
