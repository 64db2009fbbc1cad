import { IdnodeError, isIdnodeError, type ErrorClass } from '../core/errors/catalogue.js';
import type { Logger } from '../core/log/logger.js';
import type { Outcome } from '../metrics/node-metrics.js';

/**
 * What every front end does with a failure, decided by the catalogue code's class alone (never by a status
 * of one front end): how it is logged and how it is counted.
 */

/** Anything thrown, as a catalogue error: an unexpected failure becomes INTERNAL_ERROR, its cause kept for the log. */
export function asIdnodeError(error: unknown): IdnodeError {
  return isIdnodeError(error) ? error : new IdnodeError('INTERNAL_ERROR', 'internal error', { cause: error });
}

/** The request metrics' outcome of an answered request, from its failure (an error or its catalogue entry); `undefined` (no failure) is ok. */
export function outcomeOf(failure: { readonly class: ErrorClass } | undefined): Outcome {
  if (failure === undefined) return 'ok';
  return failure.class === 'client' ? 'client_error' : 'server_error';
}

/**
 * Logs a failure once: a refusal (class client) at info with its code and `fields` (what the front end
 * knows of the request); a server or retry-later failure as an error with its cause, which never reaches
 * the caller. `raw` is what was thrown, logged when the error has no cause of its own.
 */
export function logFailure(log: Pick<Logger, 'info' | 'error'>, error: IdnodeError, raw: unknown, fields?: object): void {
  // A refusal, or a limit of the caller's own (it carries its Retry-After): a flood of them is no server fault.
  if (error.class === 'client' || error.retryAfterSeconds !== undefined) log.info({ code: error.code, ...fields }, `refused: ${error.message}`);
  else log.error({ err: error.cause ?? raw, code: error.code }, error.message);
}
