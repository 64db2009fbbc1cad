import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { IdnodeError, isIdnodeError } from '../core/errors/catalogue.js';
import { asIdnodeError } from '../frontend/failure.js';
import { frameFailure } from './framing.js';

/**
 * Fastify's own failures (body parsing, schema validation, size limits) mapped onto the catalogue, so a
 * caller sees one error vocabulary whichever layer refused the request. Anything else unexpected is
 * INTERNAL_ERROR with its cause kept.
 */
export function toIdnodeError(error: FastifyError | Error): IdnodeError {
  if (isIdnodeError(error)) return error;
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new IdnodeError('BODY_MALFORMED_JSON', 'request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new IdnodeError('BODY_UNSUPPORTED_MEDIA_TYPE', `content type is not supported here; send application/json`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new IdnodeError('BODY_TOO_LARGE', `request body exceeds the limit of the node's bodyLimitBytes setting`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new IdnodeError('REQUEST_INVALID', 'Content-Length does not match the body received');
    case 'FST_ERR_BAD_URL':
      return new IdnodeError('IDENTIFIER_NOT_UTF8', 'the URL path is not valid percent-encoded UTF-8');
    case 'ECONNRESET':
      // The client went away mid-upload: its fault, logged at info like any refusal (nobody reads the answer).
      return new IdnodeError('REQUEST_INVALID', 'the request body ended before it was complete (the client went away)');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new IdnodeError('IDENTIFIER_TOO_LONG', 'the URL path parameter is too long to be an identifier');
  }
  if (fastifyError.validation) {
    return new IdnodeError('REQUEST_INVALID', `${fastifyError.validationContext ?? 'request'} ${fastifyError.validation.map((issue) => `${issue.instancePath || ''} ${issue.message ?? ''}`.trim()).join('; ')}`);
  }
  return asIdnodeError(error);
}

// The failure each error reply carried, for the route metrics' outcome (kept only as long as the reply).
const failures = new WeakMap<FastifyReply, IdnodeError>();

/** Sends the catalogue error of anything a route, a hook or fastify itself threw (see frameFailure). */
export function sendError(request: FastifyRequest, reply: FastifyReply, raw: FastifyError | Error): FastifyReply {
  const failure = frameFailure(toIdnodeError(raw), raw, request.log, request.method, request.url);
  failures.set(reply, failure.error);
  if (failure.challenge !== undefined) reply.header('WWW-Authenticate', failure.challenge);
  if (failure.error.retryAfterSeconds !== undefined) reply.header('Retry-After', String(failure.error.retryAfterSeconds));
  return reply.code(failure.statusCode).type('application/json').send(failure.body);
}

/** Records the failure a reply answers (for a front end on this listener with its own error body, e.g. SNMS). */
export function noteFailure(reply: FastifyReply, error: IdnodeError): void {
  failures.set(reply, error);
}

/** The failure an error reply was sent for; `undefined` for a reply that is not one. */
export function failureOf(reply: FastifyReply): IdnodeError | undefined {
  return failures.get(reply);
}
