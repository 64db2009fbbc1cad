import { toWireValues, wireValueJson } from '../values/wire-value.js';
import { isPublic, shownValues, type HandleValue } from '../values/handle-value.js';
import type { ResolutionResponseCode } from './resolution-answer.js';

/**
 * The key of CachedAnswer.encodings under which the REST front end keeps the body of the public, unfiltered
 * answer. Named here, in the core, because the SQL stores keep that same body beside each record (the
 * public_json column, written in the write's own transaction) and a miss seeds the answer with it.
 */
export const PUBLIC_JSON_KEY = 'rest.public-json';

/**
 * The HANDLE.NET JSON body of a successful resolution (what GET /api/handles/{handle} sends with HTTP 200):
 * `{"responseCode":…,"handle":…,"values":[…]}`, values in the HANDLE.NET wire form (toWireValue).
 */
export function answerJson(handle: string, values: readonly HandleValue[], responseCode: ResolutionResponseCode): string {
  return JSON.stringify({ responseCode, handle, values: toWireValues(values) });
}

/** What an anonymous caller may see of `values`: never a secret key, only the publicRead ones. */
export function publicValuesOf(values: readonly HandleValue[]): readonly HandleValue[] {
  const shown = shownValues(values);
  return shown.every(isPublic) ? shown : shown.filter(isPublic);
}

/**
 * The body an anonymous, unfiltered resolution of the record answers: responseCode 1 with its public values,
 * or 200 with none when no value is public. This is the text the stores keep as public_json; a store read
 * that carries it lets the warm path send it as it is.
 */
export function publicAnswerJson(handle: string, values: readonly HandleValue[]): string {
  const visible = publicValuesOf(values);
  // answerJson's text, built without the wire objects (wireValueJson): this runs for every create of an import.
  let json = `{"responseCode":${visible.length > 0 ? 1 : 200},"handle":${JSON.stringify(handle)},"values":[`;
  for (let k = 0; k < visible.length; k++) json += (k > 0 ? ',' : '') + wireValueJson(visible[k]!);
  return json + ']}';
}

/** Whether a body made by publicAnswerJson has values (responseCode 1) or none (200). */
export function publicJsonHasValues(json: string): boolean {
  return json.startsWith('{"responseCode":1,');
}
