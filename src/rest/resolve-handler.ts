import type { Principal } from '../core/auth/principal.js';
import type { IdNode } from '../core/node.js';
import { encodeAnswer, type AnswerEncoding } from '../core/resolver/resolution-answer.js';
import type { Resolution } from '../core/resolver/resolver.js';
import { answerJson, PUBLIC_JSON_KEY } from '../core/resolver/public-answer.js';

/**
 * The HANDLE.NET JSON body of a successful resolution. Its key is the one the stores' kept public_json seeds on
 * a miss (src/core/resolver/public-answer.ts), so a stored body and an encoded one are the same text.
 */
const RESOLUTION_JSON: AnswerEncoding<string> = { key: PUBLIC_JSON_KEY, encode: answerJson };

/**
 * GET /api/handles/{handle}, free of any HTTP framework; the warm path and the fastify route are its two
 * adapters (each decodes the handle from the URL and finds the principal its own way, then frames the
 * answer). Returns the body of the HTTP 200 answer (JSON_CONTENT_TYPE): responseCode 1 with the visible
 * values, or 200 with none — the string itself when the resolution was answered synchronously (a warm cache
 * hit: no promise on the hot path), else a promise of it. Fails, by throwing or by rejecting, with the
 * catalogue error to answer instead: HANDLE_NOT_FOUND, NOT_HOMED, IDENTIFIER_* / PREFIX_* for an invalid
 * identifier, or whatever the store threw.
 *
 * `hops`: how many nodes referred the resolution here (recursive resolution; absent: 0).
 *
 * Positional arguments, no request object: the warm path calls this for every cached hit, which must not
 * allocate more than the resolver's own query.
 */
export type ResolveHandler = (handle: string, principal: Principal, indexes?: readonly number[], types?: readonly string[], hops?: number) => string | Promise<string>;

export function resolveHandler(node: IdNode): ResolveHandler {
  const encode = (resolution: Resolution) => encodeAnswer(resolution, RESOLUTION_JSON);
  return (handle, principal, indexes, types, hops) => {
    const resolution = node.resolver.resolveEager({ handle, indexes, types, principal, protocol: 'rest', hops });
    return resolution instanceof Promise ? resolution.then(encode) : encode(resolution);
  };
}
