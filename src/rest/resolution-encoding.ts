import { IdnodeError } from '../core/errors/catalogue.js';
import type { Resolution } from '../core/resolver/resolver.js';
import { toWireValues } from '../core/values/wire-value.js';

/** Key of the REST encoding kept beside a cached answer (see CachedAnswer.encodings). */
const PUBLIC_JSON = 'rest.public-json';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The HANDLE.NET answer to a resolution: 200 responseCode 1 with the values, 200 responseCode 200 with none
 * visible. Throws HANDLE_NOT_FOUND for a missing identifier, so errors take the one error path. The
 * anonymous, unfiltered answer is encoded once per cache entry and reused while the entry lives.
 */
export function encodeResolution(resolution: Resolution): { statusCode: number; json: string } {
  const { handle, status } = resolution;
  if (status === 'not-found') throw new IdnodeError('HANDLE_NOT_FOUND', `${handle} does not exist`, { handle });
  if (status === 'no-values') return { statusCode: 200, json: JSON.stringify({ responseCode: 200, handle, values: [] }) };
  if (!resolution.publicView) return { statusCode: 200, json: JSON.stringify({ responseCode: 1, handle, values: toWireValues(resolution.values) }) };
  let json = resolution.answer.encodings[PUBLIC_JSON] as string | undefined;
  if (json === undefined) {
    json = JSON.stringify({ responseCode: 1, handle, values: toWireValues(resolution.values) });
    resolution.answer.encodings[PUBLIC_JSON] = json;
  }
  return { statusCode: 200, json };
}
