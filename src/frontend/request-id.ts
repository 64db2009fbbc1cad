import { randomBytes } from 'node:crypto';

/** What a caller's request id may be: short, printable, safe to log and to echo in a header. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// A random per-process tag and a counter: unique across replicas and restarts without a random UUID per request.
const PROCESS_TAG = randomBytes(4).toString('hex');
let counter = 0;

/**
 * The request id of one request or call, for every front end: the id the caller offered (REST's
 * `x-request-id` header, gRPC's `x-request-id` metadata entry) when it is acceptable, otherwise a fresh one.
 * Anything but an acceptable string (absent, repeated, binary, too long) is replaced, never refused.
 */
export function requestIdOf(offered: unknown): string {
  return typeof offered === 'string' && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : freshRequestId();
}

/** A new id, unique in this process and, through the random process tag, across processes. */
export function freshRequestId(): string {
  return `${PROCESS_TAG}-${(++counter).toString(36)}`;
}
