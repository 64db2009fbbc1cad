import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ANONYMOUS } from '../core/auth/principal.js';
import type { Logger } from '../core/log/logger.js';
import { asIdnodeError, outcomeOf } from '../frontend/failure.js';
import { requestIdOf } from '../frontend/request-id.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { frameFailure, JSON_CONTENT_TYPE } from './framing.js';
import type { ResolveHandler } from './resolve-handler.js';
import { REFERRAL_HOPS_HEADER } from '../core/resolver/remote-resolver.js';
import { handleFromUrl, PATH_PREFIX } from './routes/handles.js';
import type { Release } from './raw-gate.js';

/**
 * The identifier of a request target the warm path takes (`/api/handles/{handle}` with no query string and a
 * decodable path of at most `maxPathLength`), as received; `undefined` for any other target.
 */
export function warmTargetHandle(url: string, maxPathLength: number): string | undefined {
  if (!url.startsWith(PATH_PREFIX) || url.length - PATH_PREFIX.length > maxPathLength || url.includes('?')) return undefined;
  try {
    return handleFromUrl(url);
  } catch {
    return undefined;
  }
}

/**
 * The identifier of a request the warm path takes (an anonymous, unfiltered, unreferred
 * `GET /api/handles/{handle}`: see warmTargetHandle), as received; `undefined` for any other request (fastify
 * serves it).
 */
export function warmHandleOf(request: IncomingMessage, maxPathLength: number): string | undefined {
  const url = request.url;
  if (request.method !== 'GET' || url === undefined || request.headers.authorization !== undefined || request.headers[REFERRAL_HOPS_HEADER] !== undefined) {
    return undefined;
  }
  return warmTargetHandle(url, maxPathLength);
}

/** Where a warm-path answer is written: a node:http response, or a fast-lane connection (fast-lane/). */
export interface WarmSink {
  /** Writes one JSON answer; called exactly once per request answered. `challenge`: WWW-Authenticate, for a 401. */
  deliver(requestId: string, statusCode: number, json: string, challenge: string | undefined): void;
}

/**
 * Answers one warm-path resolution into its sink: `undefined` when the answer was delivered synchronously (a
 * cache hit: no promise, no allocation beyond the resolver's own), else a promise that settles, never
 * rejecting, once it has been delivered. `requestId` is the id the answer carries; `url` is logged with a
 * failure.
 */
export type WarmAnswerer = (handle: string, requestId: string, url: string, sink: WarmSink) => Promise<void> | undefined;

/**
 * The warm resolution (docs/design.md §3) free of any transport: an anonymous resolution answered with the
 * same ResolveHandler and REST framing as the fastify route, so the answer, the error, the count and the
 * request metric are the same whichever adapter took the request (the node:http one below, or the fast lane).
 */
export function warmAnswerer(resolve: ResolveHandler, metrics: NodeMetrics, logger: Logger): WarmAnswerer {
  const recorder = metrics.requestRecorder('rest', 'resolve');
  const fail = (sink: WarmSink, requestId: string, url: string, started: number, raw: unknown) => {
    const failure = frameFailure(asIdnodeError(raw), raw, logger.child({ reqId: requestId }), 'GET', url);
    // The id logged with the failure is the one the answer carries (a fresh id is made once per request).
    sink.deliver(requestId, failure.statusCode, JSON.stringify(failure.body), failure.challenge);
    recorder.record((performance.now() - started) / 1000, outcomeOf(failure.error));
  };
  // Its own function: closures made in the answerer would cost every call a context, cache hits included.
  function deliverOnceSettled(answer: Promise<string>, requestId: string, url: string, sink: WarmSink, started: number): Promise<void> {
    return answer.then(
      (json) => {
        sink.deliver(requestId, 200, json, undefined);
        recorder.record((performance.now() - started) / 1000, 'ok');
      },
      (raw: unknown) => fail(sink, requestId, url, started, raw),
    );
  }
  return (handle, requestId, url, sink) => {
    const started = performance.now();
    let answer: string | Promise<string>;
    try {
      answer = resolve(handle, ANONYMOUS);
    } catch (raw) {
      fail(sink, requestId, url, started, raw);
      return undefined;
    }
    if (typeof answer === 'string') {
      sink.deliver(requestId, 200, answer, undefined);
      recorder.record((performance.now() - started) / 1000, 'ok');
      return undefined;
    }
    return deliverOnceSettled(answer, requestId, url, sink, started);
  };
}

/** A node:http response as a warm sink: the answer written, then the request's admission slot released. */
class ResponseSink implements WarmSink {
  constructor(
    private readonly response: ServerResponse,
    private readonly release: Release,
  ) {}

  deliver(requestId: string, statusCode: number, json: string, challenge: string | undefined): void {
    const headers: OutgoingHttpHeaders = { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(json), 'x-request-id': requestId };
    if (challenge !== undefined) headers['www-authenticate'] = challenge;
    this.response.writeHead(statusCode, headers);
    this.response.end(json);
    this.release();
  }
}

/**
 * The warm resolution path over node:http: an anonymous `GET /api/handles/{handle}` without a query string is
 * answered here, before fastify routes the request — for connections the fast lane handed over, and over TLS.
 * Anything else (credentials, a referral from another node, filters, an undecodable or over-long path)
 * returns false and fastify serves it.
 *
 * `release` (the request's admission slot) is called once the answer is written, when this path answers
 * (returns true); when it returns false the caller keeps it.
 */
export function warmResolutionPath(
  answer: WarmAnswerer,
  maxPathLength: number,
): (request: IncomingMessage, response: ServerResponse, release: Release) => boolean {
  return (request, response, release) => {
    const handle = warmHandleOf(request, maxPathLength);
    if (handle === undefined) return false;
    void answer(handle, requestIdOf(request.headers['x-request-id']), request.url ?? '', new ResponseSink(response, release));
    return true;
  };
}
