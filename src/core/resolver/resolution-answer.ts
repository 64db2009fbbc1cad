import { IdnodeError } from '../errors/catalogue.js';
import type { HandleValue } from '../values/handle-value.js';
import type { Resolution } from './resolver.js';

/** HANDLE.NET response codes of a resolution that succeeded: values found, or none visible to this caller. */
export type ResolutionResponseCode = 1 | 200;

/** One front end's encoding of a successful resolution. */
export interface AnswerEncoding<T> {
  /**
   * Where the encoding of the public, unfiltered answer is kept in CachedAnswer.encodings: one key per front
   * end and encoding (e.g. "rest.public-json"), never shared, since each key's value has its own type.
   */
  readonly key: string;
  /**
   * The encoded answer. `values` is empty when responseCode is 200. Must not depend on anything but its
   * arguments: its result for the public view is kept and served again while the cache entry lives.
   */
  encode(handle: string, values: readonly HandleValue[], responseCode: ResolutionResponseCode): T;
}

/**
 * The answer to a resolution, the same for every front end: found → responseCode 1 with the values; the
 * identifier exists but no value is visible through the filters → responseCode 200 with none; not found →
 * throws IdnodeError HANDLE_NOT_FOUND (naming the identifier), so the front end answers it by its one error path.
 *
 * The public, unfiltered answer (Resolution.publicView) is encoded once per cache entry and kept in
 * answer.encodings under the encoding's key: a cached hit then allocates nothing here.
 */
export function encodeAnswer<T>(resolution: Resolution, encoding: AnswerEncoding<T>): T {
  const { handle, status } = resolution;
  if (status === 'not-found') throw new IdnodeError('HANDLE_NOT_FOUND', `${handle} does not exist`, { handle });
  const responseCode = status === 'no-values' ? 200 : 1;
  if (!resolution.publicView) return encoding.encode(handle, resolution.values, responseCode);
  // The public view with no value visible is kept too: it is as fixed as the found one while the entry lives.
  const encodings = resolution.answer.encodings;
  let kept = encodings[encoding.key] as T | undefined;
  if (kept === undefined) {
    kept = encoding.encode(handle, resolution.values, responseCode);
    encodings[encoding.key] = kept;
  }
  return kept;
}
