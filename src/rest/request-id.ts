import { randomBytes } from 'node:crypto';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// A random per-process prefix and a counter: unique across replicas and restarts without a random UUID per request.
const PROCESS_TAG = randomBytes(4).toString('hex');
let counter = 0;

/** The request id: the caller's `x-request-id` when it is sane, otherwise a fresh one. */
export function requestIdOf(offered: string | string[] | undefined): string {
  return typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : `${PROCESS_TAG}-${(++counter).toString(36)}`;
}
