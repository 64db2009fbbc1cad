import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { IdnodeError } from '../core/errors/catalogue.js';

/**
 * Query strings and path parameters arrive as text, so their validator coerces ("5" → 5, a single `index`
 * → [5]). JSON bodies arrive typed, and coercing them would change what the caller said: `{"prefix": 88.10}`
 * would become "88.1", a missing field could become [null]. So bodies are validated strictly, never coerced.
 *
 * Nothing unknown is ignored: a query parameter or a JSON field a route's schema does not name is refused
 * (REQUEST_INVALID naming it and what the route knows), as configuration refuses an unknown setting. An
 * object schema is closed unless it says `additionalProperties: true` itself (the HANDLE.NET write body
 * does: its clients send fields idnode has no use for). One place for every route: this compiler, and
 * `closeQueryStrings` giving a route without a query schema an empty one.
 */
const strict = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, verbose: true });
// Its schemas are checked against the JSON Schema meta-schema by `strict` (checkSchema), which never coerces
// while it checks: an Ajv instance compiles the meta-schema before its first schema, tens of milliseconds of
// every start, so one instance does it.
const coercing = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false, verbose: true, validateSchema: false });

type Schema = Record<string, unknown>;

/** `schema` with every object schema that does not say otherwise closed (additionalProperties: false). */
function closed(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const copy: Schema = { ...(schema as Schema) };
  if (copy['type'] === 'object' && copy['additionalProperties'] === undefined && copy['patternProperties'] === undefined) copy['additionalProperties'] = false;
  if (typeof copy['properties'] === 'object' && copy['properties'] !== null) {
    copy['properties'] = Object.fromEntries(Object.entries(copy['properties'] as Schema).map(([key, value]) => [key, closed(value)]));
  }
  if (copy['items'] !== undefined) copy['items'] = closed(copy['items']);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (Array.isArray(copy[key])) copy[key] = (copy[key] as unknown[]).map(closed);
  return copy;
}

function describeIssue(part: string, issue: ErrorObject): string {
  if (issue.keyword === 'additionalProperties') {
    const name = String((issue.params as { additionalProperty?: unknown }).additionalProperty);
    const parent = issue.parentSchema as Schema | undefined;
    const known = Object.keys((parent?.['properties'] as Schema | undefined) ?? {});
    const what = part === 'querystring' ? 'query parameter' : issue.instancePath === '' ? 'field' : `field of ${issue.instancePath.slice(1).replaceAll('/', '.')}`;
    return `unknown ${what} "${name}"; ${known.length === 0 ? 'this endpoint takes none' : `known: ${known.join(', ')}`}`;
  }
  return `${part} ${`${issue.instancePath || ''} ${issue.message ?? ''}`.trim()}`;
}

type Validate = ReturnType<FastifySchemaCompiler<object>>;

/**
 * Every validator compiled in this process, by request part and schema (JSON text). fastify compiles the
 * schemas of every route (and again for the HEAD route of each GET), and many are equal: the empty query
 * string of most routes (closeQueryStrings), the same bodies and queries on several paths. A validator depends
 * only on its part and its schema, so an equal one reuses the first's: what is validated does not change.
 */
const compiled = new Map<string, Validate>();

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const part = httpPart ?? 'request';
  const key = `${part}\n${JSON.stringify(schema)}`;
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = compile(part, schema);
    compiled.set(key, validate);
  }
  return validate;
};

function compile(part: string, schema: object): Validate {
  const ajv = part === 'body' ? strict : coercing;
  if (part !== 'body' && part !== 'querystring') return ajv.compile(checkSchema(schema));
  const validate: ValidateFunction = ajv.compile(checkSchema(closed(schema) as object));
  return (data: unknown) => (validate(data) ? true : { error: new IdnodeError('REQUEST_INVALID', describeIssue(part, validate.errors![0]!)) });
}

/** `schema`, once `strict` found it a valid JSON schema (throws "schema is invalid: …" otherwise, as compile does). */
function checkSchema(schema: object): object {
  strict.validateSchema(schema, true);
  return schema;
}

/**
 * Path prefixes whose routes keep their own query contract: the SNMS-style API (src/snms) follows another
 * platform's contract, whose clients may send parameters idnode has no use for; its routes read and check
 * what they take themselves.
 */
const OWN_QUERY_CONTRACT = ['/snms/', '/identityv2/', '/identity/'];

/** Gives every route declared after it without a query schema an empty one, so that any query parameter is refused. */
export function closeQueryStrings(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.schema?.querystring !== undefined || OWN_QUERY_CONTRACT.some((prefix) => route.url.startsWith(prefix))) return;
    route.schema = { ...route.schema, querystring: { type: 'object', properties: {} } };
  });
}
