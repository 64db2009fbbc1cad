import { Metadata, type ServerErrorResponse } from '@grpc/grpc-js';
import { CATALOGUE, type ErrorCode, type IdnodeError } from '../core/errors/catalogue.js';
import type { Logger } from '../core/log/logger.js';
import { asIdnodeError, logFailure } from '../frontend/failure.js';
import { GRPC_STATUS } from './grpc-status.js';
import type { ErrorMessage } from './messages.js';

/** Trailing metadata keys of a failed call. */
export const ERROR_CODE_KEY = 'idnode-error-code';
export const RESPONSE_CODE_KEY = 'idnode-response-code';
/** Seconds after which a retry may succeed, when the failure knows (as REST's Retry-After header). */
export const RETRY_AFTER_KEY = 'retry-after';

/**
 * The gRPC status of a failure: code from GRPC_STATUS, details = the message, and the catalogue code and
 * Handle response code in the trailing metadata. Logged once by its class (see logFailure).
 */
export function statusOf(raw: unknown, log: Logger): ServerErrorResponse {
  const error = asIdnodeError(raw);
  logFailure(log, error, raw);
  return catalogueStatus(error);
}

/** The gRPC status of a catalogue error, not logged (statusOf logs; a shed call is only counted). */
export function catalogueStatus(error: IdnodeError): ServerErrorResponse {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_KEY, error.code);
  metadata.set(RESPONSE_CODE_KEY, String(error.handleCode));
  if (error.retryAfterSeconds !== undefined) metadata.set(RETRY_AFTER_KEY, String(error.retryAfterSeconds));
  return Object.assign(new Error(error.message), { code: GRPC_STATUS[error.code], details: error.message, metadata });
}

/**
 * The catalogue error a status made by statusOf stands for, read back from its trailing metadata;
 * `undefined` for anything else (a status grpc-js made itself).
 */
export function catalogueCodeOf(status: { metadata?: Metadata }): ErrorCode | undefined {
  const code = status.metadata?.get(ERROR_CODE_KEY)[0];
  return typeof code === 'string' && Object.hasOwn(CATALOGUE, code) ? (code as ErrorCode) : undefined;
}

/** A failure reported inside a reply (one item of a stream or batch). */
export function errorMessageOf(error: IdnodeError): ErrorMessage {
  return itemErrorMessageOf(error.code, error.message, error.handle ?? '');
}

/** The same, for a failure known by its code (a bulk item's result). */
export function itemErrorMessageOf(code: ErrorCode, message: string, handle: string): ErrorMessage {
  return { code, message, handle, responseCode: CATALOGUE[code].handleCode, grpcStatus: GRPC_STATUS[code] };
}
