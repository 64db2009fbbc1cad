import { IdnodeError } from '../core/errors/catalogue.js';

/**
 * Failures a store reports: STORE_UNAVAILABLE when the database could not be reached or did not answer in
 * time (a retry later may work), INTERNAL_ERROR for anything else. The original error is kept as `cause`.
 * An IdnodeError passes through unchanged.
 */
export function storeFailure(error: unknown, what: string, unavailable: (error: unknown) => boolean): IdnodeError {
  if (error instanceof IdnodeError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new IdnodeError(unavailable(error) ? 'STORE_UNAVAILABLE' : 'INTERNAL_ERROR', `${what} failed: ${detail}`, { cause: error });
}

/** Every call on a closed store rejects with this. */
export function storeClosed(description: string): IdnodeError {
  return new IdnodeError('STORE_UNAVAILABLE', `${description} is closed`);
}
