import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { IdnodeError } from '../core/errors/catalogue.js';

/**
 * How the REST front end reads request bodies (docs/design.md §4, "a request without a body is accepted
 * whatever its Content-Type says"). Handle clients send `Content-Type: application/json` on every call, also on
 * a DELETE or a POST that carries nothing; so an empty body is no body at all, whatever its Content-Type, for
 * every operation that takes none. An operation that needs a body still refuses
 * an empty one, saying so (BODY_MALFORMED_JSON, "request body is empty; … needs a JSON body").
 *
 * Only JSON bodies are read: a non-empty body of any other type is refused with BODY_UNSUPPORTED_MEDIA_TYPE
 * before a handler runs, without reading it. Parsers declared in a plugin scope (the NDJSON import's) win
 * over these for their content type.
 */
export function installBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.length > 0) return parseJson(request, text, done);
    if (takesNoBody(request)) return done(null, undefined);
    done(emptyBodyRefused(request), undefined);
  });
  app.addContentTypeParser('*', (request, payload, done) => {
    whenEmpty(request, payload, (empty) => {
      if (empty && takesNoBody(request)) return done(null, undefined);
      done(unsupportedMediaType(request), undefined);
    });
  });
}

/** The refusal of a body of a type the route does not read, naming the type it does (its schema's `consumes`, else JSON). */
export function unsupportedMediaType(request: FastifyRequest): IdnodeError {
  const consumes = (request.routeOptions.schema as { consumes?: readonly string[] } | undefined)?.consumes ?? ['application/json'];
  const sent = request.headers['content-type']?.split(';', 1)[0]?.trim() || 'none';
  return new IdnodeError('BODY_UNSUPPORTED_MEDIA_TYPE', `content type ${sent} is not supported by ${request.method} ${request.url.split('?')[0]}; send ${consumes.join(' or ')}`);
}

/**
 * True when the route declares no body schema: what each operation takes is stated once, by its schema (the
 * NDJSON import reads its body itself, and says so when what came is not NDJSON).
 */
function takesNoBody(request: FastifyRequest): boolean {
  return request.routeOptions.schema?.body === undefined;
}

function emptyBodyRefused(request: FastifyRequest): IdnodeError {
  return new IdnodeError('BODY_MALFORMED_JSON', `request body is empty; ${request.method} ${request.url.split('?')[0]} needs a JSON body`);
}

/**
 * Calls `then(true)` when the body is empty, `then(false)` as soon as it is known not to be. Headers decide
 * when they can (Content-Length); a chunked body is read only until its first byte.
 */
function whenEmpty(request: FastifyRequest, payload: IncomingMessage, then: (empty: boolean) => void): void {
  const length = request.headers['content-length'];
  if (length !== undefined || request.headers['transfer-encoding'] === undefined) return then(length === undefined || Number(length) === 0);
  // Called once: a later event (an error after the first byte, say) finds a no-op.
  let pending = then;
  const settle = (empty: boolean) => {
    const callback = pending;
    pending = () => {};
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    // What is left of a refused body is drained by node's http server once the reply is sent.
    callback(empty);
  };
  const onData = (chunk: Buffer) => {
    if (chunk.length > 0) settle(false);
  };
  const onEnd = () => settle(true);
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', () => settle(false));
}
