import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { IdNode } from '../../core/node.js';
import { principalOf, type CredentialPolicy } from '../credentials.js';
import { errorResponses } from '../schemas.js';

const Summary = Type.Object({
  id: Type.String(),
  role: Type.String(),
  prefix: Type.Optional(Type.String()),
  name: Type.String(),
  createdAt: Type.String(),
  revokedAt: Type.Optional(Type.String()),
});
const Issued = Type.Object({ prefix: Type.String(), id: Type.String(), secret: Type.String({ description: 'shown once' }) });
const AddBody = Type.Object({ prefix: Type.String(), name: Type.String() });

/** The operator's admin API for enterprises: the same operations as `idnode enterprise …`. */
export function enterpriseRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy): void {
  const caller = (request: FastifyRequest) => principalOf(request, node.authenticator, policy);

  app.get(
    '/api/v1/enterprises',
    { schema: { summary: 'List enterprises (operator)', response: { 200: Type.Object({ enterprises: Type.Array(Summary) }), ...errorResponses } } },
    async (request) => {
      return { enterprises: await node.principals.listEnterprises(await caller(request)) };
    },
  );
  app.post<{ Body: Static<typeof AddBody> }>(
    '/api/v1/enterprises',
    {
      schema: { summary: 'Allocate a prefix to an enterprise and issue its credential (operator)', body: AddBody, response: { 201: Issued, ...errorResponses } },
    },
    async (request, reply) => {
      const issued = await node.principals.addEnterprise(await caller(request), request.body);
      request.log.info({ enterprise: issued.id }, 'enterprise added');
      return reply.code(201).send(issued);
    },
  );
  app.delete<{ Params: { prefix: string } }>(
    '/api/v1/enterprises/:prefix',
    { schema: { summary: "Revoke an enterprise's credential (operator)", response: { 200: Summary, ...errorResponses } } },
    async (request) => {
      const revoked = await node.principals.revokeEnterprise(await caller(request), request.params.prefix);
      request.log.info({ enterprise: revoked.id }, 'enterprise revoked');
      return revoked;
    },
  );
  app.post<{ Params: { prefix: string } }>(
    '/api/v1/enterprises/:prefix/rotate-secret',
    { schema: { summary: "Issue a new secret; the old one stops working at once (operator)", response: { 200: Issued, ...errorResponses } } },
    async (request) => {
      const issued = await node.principals.rotateEnterpriseSecret(await caller(request), request.params.prefix);
      request.log.info({ enterprise: issued.id }, 'enterprise secret rotated');
      return issued;
    },
  );
}
