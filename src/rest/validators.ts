import { Ajv } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Query strings and path parameters arrive as text, so their validator coerces ("5" → 5, a single `index`
 * → [5]). JSON bodies arrive typed, and coercing them would change what the caller said: `{"prefix": 88.10}`
 * would become "88.1", a missing field could become [null]. So bodies are validated strictly, never coerced.
 */
const coercing = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: true, allErrors: false });
const strict = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false });

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(schema);
