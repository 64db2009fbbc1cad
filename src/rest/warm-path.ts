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
import type { Release } from './raw-gate.js';

/**
 * The identifier of a request the warm path takes (an anonymous, unfiltered, unreferred
 * `GET /api/handles/{handle}` with a decodable path of at most `maxPathLength`), as received; `undefined`
 * for any other request (fastify serves it).
 */
export function warmHandleOf(request: IncomingMessage, maxPathLength: number): string | undefined {
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
    return undefined;
  }
  try {
    return handleFromUrl(url);
  } catch {
    return undefined;
  }
}

/**
 * The warm resolution path (docs/design.md §3): an anonymous `GET /api/handles/{handle}` without a query string is
 * answered here, before fastify routes the request, so a cached answer costs a parse, a lookup, a counter
 * increment and a write — synchronously, with no promise, when the resolution answered synchronously (a cache
 * hit). An adapter over the same ResolveHandler and REST framing as the fastify route, so the answer, the
 * error, the count and the request metric are the same; anything else (credentials, a referral from another
 * node, filters, an undecodable or over-long path) returns false and fastify serves it.
 *
 * `release` (the request's admission slot) is called once the answer is written, when this path answers
 * (returns true); when it returns false the caller keeps it.
 */
export function warmResolutionPath(
  resolve: ResolveHandler,
  metrics: NodeMetrics,
  logger: Logger,
  maxPathLength: number,
): (request: IncomingMessage, response: ServerResponse, release: Release) => boolean {
  const recorder = metrics.requestRecorder('rest', 'resolve');
  const send = (response: ServerResponse, requestId: string, started: number, statusCode: number, json: string, outcome: Outcome, challenge?: string) => {
    const headers: OutgoingHttpHeaders = { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(json), 'x-request-id': requestId };
    if (challenge !== undefined) headers['www-authenticate'] = challenge;
    response.writeHead(statusCode, headers);
    response.end(json);
    recorder.record((performance.now() - started) / 1000, outcome);
  };
  const fail = (request: IncomingMessage, response: ServerResponse, started: number, raw: unknown) => {
    const requestId = requestIdOf(request.headers['x-request-id']);
    const failure = frameFailure(asIdnodeError(raw), raw, logger.child({ reqId: requestId }), 'GET', request.url ?? '');
    // The id logged with the failure is the one the answer carries (a fresh id is made once per request).
    send(response, requestId, started, failure.statusCode, JSON.stringify(failure.body), outcomeOf(failure.error), failure.challenge);
  };
  return (request, response, release) => {
    const handle = warmHandleOf(request, maxPathLength);
    if (handle === undefined) return false;
    const started = performance.now();
    let answer: string | Promise<string>;
    try {
      answer = resolve(handle, ANONYMOUS);
    } catch (raw) {
      fail(request, response, started, raw);
      release();
      return true;
    }
    if (typeof answer === 'string') {
      send(response, requestIdOf(request.headers['x-request-id']), started, 200, answer, 'ok');
      release();
      return true;
    }
    answer.then(
      (json) => {
        send(response, requestIdOf(request.headers['x-request-id']), started, 200, json, 'ok');
        release();
      },
      (raw: unknown) => {
        fail(request, response, started, raw);
        release();
      },
    );
    return true;
  };
}
