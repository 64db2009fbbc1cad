import { Metadata, type ServerErrorResponse } from '@grpc/grpc-js';
import { IdnodeError, isIdnodeError } from '../core/errors/catalogue.js';
import type { Logger } from '../core/log/logger.js';
import type { ErrorMessage } from './messages.js';

/** Trailing metadata keys of a failed call. */
export const ERROR_CODE_KEY = 'idnode-error-code';
export const RESPONSE_CODE_KEY = 'idnode-response-code';

/** Anything thrown, as a catalogue error (an unexpected failure becomes INTERNAL_ERROR, its cause kept). */
export function asIdnodeError(error: unknown): IdnodeError {
  return isIdnodeError(error) ? error : new IdnodeError('INTERNAL_ERROR', 'internal error', { cause: error });
}

/**
 * The gRPC status of a failure, from the one catalogue: code = grpcStatus, details = the message, and the
 * catalogue code and Handle response code in the trailing metadata. Server-side failures are logged as
 * errors, refusals at info (as the REST front end does).
 */
export function statusOf(raw: unknown, log: Logger): ServerErrorResponse {
  const error = asIdnodeError(raw);
  if (error.grpcStatus === 13 || error.grpcStatus === 14) log.error({ err: error.cause ?? raw, code: error.code }, error.message);
  else log.info({ code: error.code }, `refused: ${error.message}`);
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_KEY, error.code);
  metadata.set(RESPONSE_CODE_KEY, String(error.handleCode));
  return Object.assign(new Error(error.message), { code: error.grpcStatus, details: error.message, metadata });
}

/** A failure reported inside a reply (one item of a stream or batch). */
export function errorMessageOf(error: IdnodeError): ErrorMessage {
  return { code: error.code, message: error.message, handle: error.handle ?? '', responseCode: error.handleCode, grpcStatus: error.grpcStatus };
}
