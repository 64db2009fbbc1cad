import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '../../core/typebox.js';
import type { IdNode } from '../../core/node.js';
import { principalOf, type CredentialPolicy } from '../credentials.js';
import { errorResponses } from '../schemas.js';

const Item = Type.Object({
  name: Type.String(),
  idType: Type.String({ description: 'the value type written at idIndex' }),
  idIndex: Type.Integer({ minimum: 2000 }),
  required: Type.Boolean(),
  metadata: Type.Object({
    type: Type.String({ enum: ['string', 'number', 'date', 'URL', 'enumeration'] }),
    minLength: Type.Optional(Type.Integer({ minimum: 0 })),
    maxLength: Type.Optional(Type.Integer({ minimum: 0 })),
    pattern: Type.Optional(Type.String({ description: 'a regular expression the whole value must match' })),
    options: Type.Optional(Type.Array(Type.String(), { description: 'the allowed values of an enumeration' })),
  }),
});

const TemplateSchema = Type.Object({
  prefix: Type.String(),
  version: Type.String(),
  industryCategory: Type.String({ description: 'GB/T 4754 section, A to T' }),
  industrySpecific: Type.Optional(Type.String({ description: 'GB/T 4754 division, 2 digits' })),
  industryTrade: Type.Optional(Type.String({ description: 'GB/T 4754 group, 3 digits' })),
  industrySubclass: Type.Optional(Type.String({ description: 'GB/T 4754 class, 4 digits' })),
  items: Type.Array(Item),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

/**
 * Metadata templates over the native API (docs/design.md §1), the same operations as the SNMS template routes
 * and gRPC TemplateService: reading is public, writing takes the right to write under the prefix. The body is
 * validated by the core (TEMPLATE_INVALID names every problem), so it is described, not checked, here.
 */
export function templateRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy): void {
  const caller = (request: FastifyRequest) => principalOf(request, node.authenticator, policy);
  const Params = Type.Object({ prefix: Type.String(), version: Type.String() });
  const body = { description: 'a template without createdAt/updatedAt', ...Type.Object({}, { additionalProperties: true }) };

  app.get<{ Params: { prefix: string } }>(
    '/api/v1/templates/:prefix',
    { schema: { summary: 'The metadata template versions of a prefix', params: Type.Object({ prefix: Type.String() }), response: { 200: Type.Object({ templates: Type.Array(TemplateSchema) }), ...errorResponses } } },
    async (request) => ({ templates: await node.templates.list(request.params.prefix) }),
  );
  app.get<{ Params: { prefix: string; version: string } }>(
    '/api/v1/templates/:prefix/:version',
    { schema: { summary: 'One metadata template version', params: Params, response: { 200: TemplateSchema, ...errorResponses } } },
    async (request) => node.templates.get(request.params.prefix, request.params.version),
  );
  app.post<{ Body: unknown }>(
    '/api/v1/templates',
    { schema: { summary: 'Create a metadata template version (operator, or the enterprise holding the prefix)', body, response: { 201: TemplateSchema, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await node.templates.create(await caller(request), request.body)),
  );
  app.put<{ Body: unknown }>(
    '/api/v1/templates',
    { schema: { summary: 'Change a metadata template version (identifiers already registered are not re-validated)', body, response: { 200: TemplateSchema, ...errorResponses } } },
    async (request) => node.templates.update(await caller(request), request.body),
  );
  app.delete<{ Params: { prefix: string; version: string } }>(
    '/api/v1/templates/:prefix/:version',
    { schema: { summary: 'Delete a metadata template version', params: Params, response: { 200: Type.Object({ responseCode: Type.Integer() }), ...errorResponses } } },
    async (request) => {
      await node.templates.delete(await caller(request), request.params.prefix, request.params.version);
      return { responseCode: 1 };
    },
  );
}
