/**
 * What each Handle response code means (RFC 3652 §2.2.2.3), as `idnode resolve` prints it beside the code of
 * an error answer. The names are the RFC's own (RC_…), the meanings lower-case for a sentence.
 */
const MEANINGS: Readonly<Record<number, readonly [name: string, meaning: string]>> = {
  1: ['RC_SUCCESS', 'success'],
  2: ['RC_ERROR', 'general error'],
  3: ['RC_SERVER_BUSY', 'server too busy to respond'],
  4: ['RC_PROTOCOL_ERROR', 'corrupted or unrecognizable message'],
  5: ['RC_OPERATION_DENIED', 'operation not supported'],
  6: ['RC_RECUR_LIMIT_EXCEEDED', 'too many recursions for the request'],
  100: ['RC_HANDLE_NOT_FOUND', 'handle not found'],
  101: ['RC_HANDLE_ALREADY_EXIST', 'handle already exists'],
  102: ['RC_INVALID_HANDLE', 'invalid handle (encoding or syntax error)'],
  200: ['RC_VALUE_NOT_FOUND', 'values not found'],
  201: ['RC_VALUE_ALREADY_EXIST', 'value already exists'],
  202: ['RC_VALUE_INVALID', 'invalid handle value'],
  300: ['RC_EXPIRED_SITE_INFO', 'site info out of date'],
  301: ['RC_SERVER_NOT_RESP', 'server not responsible for the handle (not homed here)'],
  302: ['RC_SERVICE_REFERRAL', 'service referral'],
  303: ['RC_NA_DELEGATE', 'naming authority delegation'],
  400: ['RC_NOT_AUTHORIZED', 'not authorized'],
  401: ['RC_ACCESS_DENIED', 'no access to data'],
  402: ['RC_AUTHEN_NEEDED', 'authentication required'],
  403: ['RC_AUTHEN_FAILED', 'failed to authenticate'],
  404: ['RC_INVALID_CREDENTIAL', 'invalid credential'],
  405: ['RC_AUTHEN_TIMEOUT', 'authentication timed out'],
  406: ['RC_UNABLE_TO_AUTHEN', 'unable to authenticate'],
  500: ['RC_SESSION_TIMEOUT', 'session expired'],
  501: ['RC_SESSION_FAILED', 'unable to establish session'],
  502: ['RC_NO_SESSION_KEY', 'no session yet available'],
  503: ['RC_SESSION_NO_SUPPORT', 'session not supported'],
  504: ['RC_SESSION_KEY_INVALID', 'invalid session key'],
  900: ['RC_TRYING', 'request under processing'],
  901: ['RC_FORWARDED', 'request forwarded to another server'],
  902: ['RC_QUEUED', 'request queued for later processing'],
};

/** "RC_HANDLE_NOT_FOUND: handle not found"; a code the RFC does not define says so. */
export function responseCodeMeaning(code: number): string {
  const known = MEANINGS[code];
  return known === undefined ? 'a response code RFC 3652 does not define' : `${known[0]}: ${known[1]}`;
}
