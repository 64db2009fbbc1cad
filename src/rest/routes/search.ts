import type { FastifyInstance } from 'fastify';
import { Type } from '../../core/typebox.js';
import { IdnodeError } from '../../core/errors/catalogue.js';
import type { IdNode } from '../../core/node.js';
import { DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT } from '../../core/search/search.js';
import { SEARCHABLE_TYPES } from '../../core/search/search-keys.js';
import { parseConditions } from '../../core/search/search-pattern.js';
import { principalOf, type CredentialPolicy } from '../credentials.js';
import { errorResponses } from '../schemas.js';

const CONDITIONS = `Every other parameter TYPE=pattern is a condition (ANDed): a value of TYPE (${SEARCHABLE_TYPES.join(', ')}) whose whole data matches the pattern, "*" matching any text. At least one pattern must start with some text.`;

// Reserved parameters are described, not validated here: decodeQuery reads them (a repeated one is refused
// with SEARCH_QUERY_INVALID, a malformed number with SEARCH_LIMIT_INVALID) from the raw query string.
const HrlsQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Unknown({ description: `handles per page, 1 to ${MAX_SEARCH_LIMIT} (default ${DEFAULT_SEARCH_LIMIT})` })),
    page: Type.Optional(Type.Unknown({ description: 'page number from 0 (default 0); page × limit + limit at most 10,000' })),
  },
  { additionalProperties: true, description: CONDITIONS },
);

const SearchQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Unknown({ description: `handles per page, 1 to ${MAX_SEARCH_LIMIT} (default ${DEFAULT_SEARCH_LIMIT})` })),
    cursor: Type.Optional(Type.Unknown({ description: 'the cursor of the previous page of the same query' })),
  },
  { additionalProperties: true, description: CONDITIONS },
);

const SearchResponseSchema = Type.Object({
  responseCode: Type.Integer(),
  handles: Type.Array(Type.String()),
  more: Type.Boolean({ description: 'true when more handles may follow: ask again with cursor' }),
  cursor: Type.Optional(Type.Unknown({ description: 'present when more is true' })),
});

/**
 * Reverse lookup (docs/design.md §4, README "Reverse lookup"): HANDLE.NET's hrls API, answering a bare JSON list
 * of handles paged by number, and the native API paged by cursor. Both decode the query string themselves
 * (conditions are any parameter but the reserved ones, in the order given) and call node.search.
 */
export function searchRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy): void {
  app.get(
    '/hrls/handles',
    { schema: { summary: 'Reverse lookup (HANDLE.NET hrls): handles by value, a JSON list', querystring: HrlsQuerySchema, response: { 200: Type.Array(Type.String()), ...errorResponses } } },
    async (request) => {
      const { conditions, reserved } = decodeQuery(request.raw.url!, ['limit', 'page']);
      const limit = integerParameter(reserved.get('limit'), 'limit', DEFAULT_SEARCH_LIMIT);
      const page = integerParameter(reserved.get('page'), 'page', 0);
      const principal = await principalOf(request, node.authenticator, policy);
      const result = await node.search.search(principal, { conditions: parseConditions(conditions), limit, skip: page * limit });
      return result.handles;
    },
  );

  app.get(
    '/api/v1/search',
    { schema: { summary: 'Search handles by value, paged by cursor', querystring: SearchQuerySchema, response: { 200: SearchResponseSchema, ...errorResponses } } },
    async (request) => {
      const { conditions, reserved } = decodeQuery(request.raw.url!, ['limit', 'cursor']);
      const limit = integerParameter(reserved.get('limit'), 'limit', DEFAULT_SEARCH_LIMIT);
      const cursor = reserved.get('cursor');
      const principal = await principalOf(request, node.authenticator, policy);
      const result = await node.search.search(principal, { conditions: parseConditions(conditions), limit, ...(cursor === undefined ? {} : { cursor }) });
      return result.cursor === undefined
        ? { responseCode: 1, handles: result.handles, more: false }
        : { responseCode: 1, handles: result.handles, more: true, cursor: result.cursor };
    },
  );
}

/**
 * The query string's conditions (every parameter not reserved, in order) and reserved parameters (each at most
 * once: SEARCH_QUERY_INVALID otherwise). Percent-decoding as UTF-8, "+" as a space (form encoding, what
 * HANDLE.NET clients send).
 */
function decodeQuery(url: string, names: readonly string[]): { conditions: [string, string][]; reserved: Map<string, string> } {
  const question = url.indexOf('?');
  const conditions: [string, string][] = [];
  const reserved = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(question < 0 ? '' : url.slice(question + 1))) {
    if (!names.includes(name)) {
      conditions.push([name, value]);
      continue;
    }
    if (reserved.has(name)) throw new IdnodeError('SEARCH_QUERY_INVALID', `the parameter ${name} is given more than once`);
    reserved.set(name, value);
  }
  return { conditions, reserved };
}

/** A non-negative decimal integer parameter, or `fallback` when absent; SEARCH_LIMIT_INVALID otherwise. */
function integerParameter(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text)) throw new IdnodeError('SEARCH_LIMIT_INVALID', `${name} must be a non-negative integer, got ${JSON.stringify(text.slice(0, 32))}`);
  return Number(text);
}
