import type { IdnodeError } from '../core/errors/catalogue.js';
import type { Logger } from '../core/log/logger.js';
import { logFailure } from '../frontend/failure.js';
import { HTTP_STATUS } from './http-status.js';

/**
 * The REST framing that the fastify routes and the warm path share, free of any HTTP framework: the
 * content type of JSON answers, the error body, the status and challenge of a failure, and its one log
 * line. (The request id is requestIdOf's; the metrics outcome is outcomeOf's: both front-end-wide.)
 */

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Sent with every 401, as HTTP requires of it. */
export const BASIC_CHALLENGE = 'Basic realm="handle"';

/** The REST error body: HANDLE.NET's `responseCode` (+ `handle` when known), our catalogue `code`, a message. */
export interface ErrorBody {
  responseCode: number;
  handle?: string;
  code: string;
  message: string;
}

export interface FramedFailure {
  readonly error: IdnodeError;
  readonly statusCode: number;
  readonly body: ErrorBody;
  /** The WWW-Authenticate value to send, for a 401 only. */
  readonly challenge: string | undefined;
}

export function errorBody(error: IdnodeError): ErrorBody {
  return {
    responseCode: error.handleCode,
    ...(error.handle === undefined ? {} : { handle: error.handle }),
    code: error.code,
    message: error.message,
  };
}

/**
 * A failure as the REST wire carries it, logged once (a refusal at info with the request's method and URL,
 * anything else as an error with its cause). `raw` is what was thrown, before it became `error`.
 */
export function frameFailure(error: IdnodeError, raw: unknown, log: Pick<Logger, 'info' | 'error'>, method: string, url: string): FramedFailure {
  logFailure(log, error, raw, { url, method });
  const statusCode = HTTP_STATUS[error.code];
  return { error, statusCode, body: errorBody(error), challenge: statusCode === 401 ? BASIC_CHALLENGE : undefined };
}
