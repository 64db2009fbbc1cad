import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { IdnodeError } from '../core/errors/catalogue.js';
import type { Logger } from '../core/log/logger.js';
import { nodeBusy, RETRY_AFTER_SECONDS, type Admission } from '../frontend/admission.js';
import { requestIdOf } from '../frontend/request-id.js';
import { errorBody, frameFailure, JSON_CONTENT_TYPE } from './framing.js';
import { HTTP_STATUS } from './http-status.js';
import { writtenByLane } from './fast-lane/fast-lane.js';

/** Paths answered whatever the load: probes and the scrape target (cheap: /metrics is cached). */
const NEVER_SHED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * What every HTTP request passes before the warm path or fastify sees it, in the raw request listener:
 * - a request target that is not a path (absolute-form `GET http://host/api/…`, or `*`) is refused with
 *   REQUEST_INVALID: the node serves origin-form targets only and never guesses which part of a URL is the
 *   identifier (docs/design.md §4, "Hardening");
 * - an HTTP/1.1 request without Host is refused with REQUEST_INVALID (Node's own check, turned off, answers
 *   an empty 400);
 * - liveness first: GET /healthz is answered here, before anything else (docs/overload.md);
 * - admission (load shedding): beyond max-in-flight, or while the queueing delay is a standing queue, the
 *   request is answered 503 NODE_BUSY with Retry-After at once (a pre-rendered body), its body unread;
 *   /healthz, /readyz and /metrics are never shed, nor is a request `cheap` says costs about what its
 *   refusal would (a cache hit: Admission.tryAdmit).
 * Returns `undefined` when the request was answered here; otherwise the release function of its admission slot
 * (a no-op for paths never shed), which the caller calls exactly once, when the request's work is done:
 * after its response is written, or once the response closes (see releaseOnClose).
 */
export function rawRequestGate(
  admission: Admission,
  logger: Logger,
  cheap: (request: IncomingMessage) => boolean = () => false,
): (request: IncomingMessage, response: ServerResponse) => Release | undefined {
  const busy = busyBody(admission);
  return (request, response) => {
    const url = request.url ?? '';
    if (!url.startsWith('/')) {
      refuse(request, response, logger, new IdnodeError('REQUEST_INVALID', `the request target "${url.slice(0, 64)}" is not a path: send the path (origin-form, "/api/…"), not a full URL`));
      return undefined;
    }
    if (request.httpVersion === '1.1' && request.headers.host === undefined) {
      refuse(request, response, logger, new IdnodeError('REQUEST_INVALID', 'an HTTP/1.1 request must carry a Host header'));
      return undefined;
    }
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (path === '/healthz' && request.method === 'GET') {
      answer(request, response, 200, LIVE, { 'x-request-id': requestIdOf(request.headers['x-request-id']) });
      return undefined;
    }
    if (NEVER_SHED.has(path)) return NOTHING_TO_RELEASE;
    const release = admission.tryAdmit(cheap, request);
    if (release === undefined) {
      answer(request, response, 503, busy, { 'retry-after': String(RETRY_AFTER_SECONDS) });
      return undefined;
    }
    return release;
  };
}

/**
 * The body of a shed request's 503, rendered once per front end: a shed request costs a write, not an error
 * object and a JSON rendering (shedding must be much cheaper than serving, or it cannot drain a queue).
 */
export function busyBody(admission: Admission): Buffer {
  return Buffer.from(JSON.stringify(errorBody(nodeBusy(admission.maxInFlight))));
}

/** Gives an admission slot back; called once (a second call does nothing). */
export type Release = () => void;

const NOTHING_TO_RELEASE: Release = () => {};

/**
 * Releases the slot when `response` closes (sent, or the connection gone): for a request whose work is not
 * known to be done when its response is written (fastify's routes).
 */
export function releaseOnClose(response: ServerResponse, release: Release): void {
  if (release !== NOTHING_TO_RELEASE) response.once('close', release);
}

/** Liveness, answered here ahead of everything (the route in routes/health.ts documents it in OpenAPI). */
const LIVE = Buffer.from(JSON.stringify({ status: 'ok' }));

/** A pre-rendered JSON answer; Connection: close when the request announced a body (it is never read). */
function answer(request: IncomingMessage, response: ServerResponse, status: number, json: Buffer, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('content-type', JSON_CONTENT_TYPE);
  response.setHeader('content-length', json.length);
  if (hasBody(request)) response.setHeader('connection', 'close');
  response.writeHead(status);
  response.end(json);
}

/**
 * Answers `error` as the REST wire does (catalogue body, status from the HTTP map), logged once by its class
 * unless `log` is false (a shed request is counted in idnode_requests_shed_total, not logged: an overload
 * must not flood the log). A request with a body is answered with Connection: close, so its unread body is
 * never read.
 */
export function refuse(request: IncomingMessage, response: ServerResponse, logger: Logger, error: IdnodeError, log = true): void {
  const { statusCode, body, challenge } = log
    ? frameFailure(error, error, logger.child({ reqId: requestIdOf(request.headers['x-request-id']) }), request.method ?? '', request.url ?? '')
    : { statusCode: HTTP_STATUS[error.code], body: errorBody(error), challenge: undefined };
  const json = JSON.stringify(body);
  response.setHeader('content-type', JSON_CONTENT_TYPE);
  response.setHeader('content-length', Buffer.byteLength(json));
  if (challenge !== undefined) response.setHeader('www-authenticate', challenge);
  if (hasBody(request)) response.setHeader('connection', 'close');
  response.writeHead(statusCode);
  response.end(json);
}

/** True when the request announces a body (Content-Length > 0, or any Transfer-Encoding). */
export function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Whether a response on this connection is not finished yet: Node keeps the response being written, and the
 * first of any pipelined behind it, as `_httpMessage` until it finishes (its own clientError fallback reads it
 * too). Read instead of counting responses per socket, which cost two listeners on every request.
 */
function answeringOn(socket: Socket): boolean {
  return (socket as Socket & { _httpMessage?: unknown })._httpMessage != null;
}

/** Connections node:http cut because a request did not arrive whole in time (clientErrorHandler). */
const timedOut = new WeakSet<Socket>();

/**
 * Node's 'clientError' (a request it could not parse: malformed HTTP, headers over the size limit, a request
 * or headers timeout) answered with a catalogue body (REQUEST_INVALID, 400) instead of Node's or fastify's
 * own, then the connection closed. Logged at info: it is the client's fault. A reset connection is just
 * closed. As Node does, the answer is written only on a connection nothing was written to (by node:http:
 * the fast lane's answers before it handed the connection over are whole), and (unlike
 * Node) only when no earlier request on it is still being answered: a malformed request pipelined behind a
 * valid one must not be taken for that one's answer; the connection is closed without one.
 */
export function clientErrorHandler(logger: Logger): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) {
      socket.destroy();
      return;
    }
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') timedOut.add(socket);
    const refusal = new IdnodeError('REQUEST_INVALID', clientErrorMessage(error));
    logger.info({ code: refusal.code, reason: error.code }, `refused: ${refusal.message}`);
    if (socket.writable && socket.bytesWritten === writtenByLane(socket) && !answeringOn(socket)) {
      const json = JSON.stringify(errorBody(refusal));
      const status = HTTP_STATUS[refusal.code];
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${JSON_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
    }
    socket.destroy();
  };
}

/**
 * Whether node:http cut `socket` because its request did not arrive whole within request-timeout-ms (or its
 * headers within headers-timeout-ms): a handler reading a body that ended early tells this apart from a
 * client that went away (a streamed import that outlasted the timeout is cut while it is still sending).
 */
export function requestTimedOut(socket: Socket): boolean {
  return timedOut.has(socket);
}

function clientErrorMessage(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'the request headers are larger than the node accepts (16 KiB)';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'the request was not received in time (headers-timeout-ms / request-timeout-ms)';
    default:
      return `the request is not valid HTTP/1.1 (${error.code ?? 'parse error'})`;
  }
}
