import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '../../core/typebox.js';
import type { IdNode } from '../../core/node.js';
import { principalOf, type CredentialPolicy } from '../credentials.js';
import { errorResponses } from '../schemas.js';

const PrefixesResponse = Type.Object({ responseCode: Type.Integer(), prefixes: Type.Array(Type.String()) });
const PrefixResponse = Type.Object({ responseCode: Type.Integer(), prefix: Type.String() });
const PrefixBody = Type.Optional(Type.Object({ prefix: Type.Optional(Type.String()) }, { additionalProperties: true }));

/**
 * HANDLE.NET's prefix API: the prefixes homed on this node. Listing is public (a top-level node publishes
 * the same); homing and unhoming are for the operator. POST and DELETE take the prefix in the path
 * (`/api/prefixes/88.777`) or, for POST, as `{"prefix": "88.777"}`.
 */
export function prefixRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy): void {
  app.get('/api/prefixes', { schema: { summary: 'List homed prefixes', response: { 200: PrefixesResponse, ...errorResponses } } }, async () => ({
    responseCode: 1,
    prefixes: node.homing.list().map((homed) => homed.prefix),
  }));

  const home = async (request: FastifyRequest, pathPrefix: string | undefined, body: unknown) => {
    const prefix = pathPrefix ?? (body as { prefix?: unknown } | undefined)?.prefix;
    return { responseCode: 1, prefix: await node.homing.add(await principalOf(request, node.authenticator, policy), prefix) };
  };

  app.post<{ Params: { prefix: string } }>(
    '/api/prefixes/:prefix',
    { schema: { summary: 'Home a prefix (operator)', response: { 201: PrefixResponse, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await home(request, request.params.prefix, undefined)),
  );
  app.post(
    '/api/prefixes',
    { schema: { summary: 'Home a prefix (operator)', body: PrefixBody, response: { 201: PrefixResponse, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await home(request, undefined, request.body)),
  );
  app.delete<{ Params: { prefix: string } }>(
    '/api/prefixes/:prefix',
    { schema: { summary: 'Unhome a prefix homed over the API (operator)', response: { 200: PrefixResponse, ...errorResponses } } },
    async (request) => {
      return { responseCode: 1, prefix: await node.homing.remove(await principalOf(request, node.authenticator, policy), request.params.prefix) };
    },
  );
}
