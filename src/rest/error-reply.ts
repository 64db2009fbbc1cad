import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { IdnodeError, isIdnodeError } from '../core/errors/catalogue.js';

/** The REST error body: HANDLE.NET's `responseCode` (+ `handle` when known), our catalogue `code`, a message. */
export interface ErrorBody {
  responseCode: number;
  handle?: string;
  code: string;
  message: string;
}

/**
 * Fastify's own failures (body parsing, schema validation, size limits) mapped onto the catalogue, so a
 * caller sees one error vocabulary whichever layer refused the request.
 */
export function toIdnodeError(error: FastifyError | Error): IdnodeError {
  if (isIdnodeError(error)) return error;
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new IdnodeError('BODY_MALFORMED_JSON', 'request body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new IdnodeError('BODY_MALFORMED_JSON', 'request body is empty but its content type says JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new IdnodeError('BODY_UNSUPPORTED_MEDIA_TYPE', `content type is not supported here; send application/json`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new IdnodeError('BODY_TOO_LARGE', `request body exceeds the limit of the node's bodyLimitBytes setting`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new IdnodeError('REQUEST_INVALID', 'Content-Length does not match the body received');
    case 'FST_ERR_BAD_URL':
      return new IdnodeError('IDENTIFIER_NOT_UTF8', 'the URL path is not valid percent-encoded UTF-8');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new IdnodeError('IDENTIFIER_TOO_LONG', 'the URL path parameter is too long to be an identifier');
  }
  if (fastifyError.validation) {
    return new IdnodeError('REQUEST_INVALID', `${fastifyError.validationContext ?? 'request'} ${fastifyError.validation.map((issue) => `${issue.instancePath || ''} ${issue.message ?? ''}`.trim()).join('; ')}`);
  }
  return new IdnodeError('INTERNAL_ERROR', 'internal error', { cause: error });
}

export function errorBody(error: IdnodeError): ErrorBody {
  return {
    responseCode: error.handleCode,
    ...(error.handle === undefined ? {} : { handle: error.handle }),
    code: error.code,
    message: error.message,
  };
}

/** Logs a failure: server-side ones as errors (with their cause), refusals at info with their code. */
export function logFailure(log: Pick<FastifyBaseLogger, 'info' | 'error'>, error: IdnodeError, raw: unknown, method: string, url: string): void {
  if (error.httpStatus >= 500) log.error({ err: error.cause ?? raw, code: error.code }, error.message);
  else log.info({ code: error.code, url, method }, `refused: ${error.message}`);
}

/** Sends the catalogue error, logged by logFailure. */
export function sendError(request: FastifyRequest, reply: FastifyReply, raw: FastifyError | Error): FastifyReply {
  const error = toIdnodeError(raw);
  logFailure(request.log, error, raw, request.method, request.url);
  if (error.httpStatus === 401) reply.header('WWW-Authenticate', 'Basic realm="handle"');
  return reply.code(error.httpStatus).type('application/json').send(errorBody(error));
}
