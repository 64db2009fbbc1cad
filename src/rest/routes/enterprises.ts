import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '../../core/typebox.js';
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
const IssuedAuditor = Type.Object({ id: Type.String(), secret: Type.String({ description: 'shown once' }) });
const AddAuditorBody = Type.Object({ name: Type.String() }, { additionalProperties: false });
const AddBody = Type.Object({ prefix: Type.String(), name: Type.String() });

const Limits = Type.Object({ registrationsPerDay: Type.Integer(), resolutionsPerDay: Type.Integer(), requestsPerSecond: Type.Integer() });
const QuotaView = Type.Object({
  prefix: Type.String(),
  limits: Limits,
  overrides: Type.Partial(Limits),
  usage: Type.Object({
    day: Type.String(),
    registrations: Type.Integer(),
    resolutions: Type.Integer(),
    refused: Type.Object({ 'registrations-per-day': Type.Integer(), 'resolutions-per-day': Type.Integer(), 'requests-per-second': Type.Integer() }),
  }),
});
const QuotaChange = Type.Object(
  {
    registrationsPerDay: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    resolutionsPerDay: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    requestsPerSecond: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  },
  { description: 'each field optional: an integer (0 = no limit) or null (the node default)' },
);

/** The operator's admin API for enterprises and auditors: the same operations as `idnode enterprise …` and `idnode auditor …`. */
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
  app.get(
    '/api/v1/auditors',
    { schema: { summary: 'List auditors, revoked ones included (operator)', response: { 200: Type.Object({ auditors: Type.Array(Summary) }), ...errorResponses } } },
    async (request) => ({ auditors: await node.principals.listAuditors(await caller(request)) }),
  );
  app.post<{ Body: Static<typeof AddAuditorBody> }>(
    '/api/v1/auditors',
    { schema: { summary: 'Issue an auditor credential, read-only access to metering and reports (operator)', body: AddAuditorBody, response: { 201: IssuedAuditor, ...errorResponses } } },
    async (request, reply) => {
      const issued = await node.principals.addAuditor(await caller(request), request.body.name);
      request.log.info({ auditor: issued.id }, 'auditor added');
      return reply.code(201).send(issued);
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/api/v1/auditors/:id',
    { schema: { summary: "Revoke an auditor's credential, effective at once (operator); the id is percent-encoded, e.g. 300%3A0.NA%2FAUDITOR.1A2B3C4D", response: { 200: Summary, ...errorResponses } } },
    async (request) => {
      const revoked = await node.principals.revokeAuditor(await caller(request), request.params.id);
      request.log.info({ auditor: revoked.id }, 'auditor revoked');
      return revoked;
    },
  );
  app.get<{ Params: { prefix: string } }>(
    '/api/v1/enterprises/:prefix/quota',
    { schema: { summary: "An enterprise's quota and today's usage (the enterprise itself, auditors, the operator)", response: { 200: QuotaView, ...errorResponses } } },
    async (request) => node.quotaAdmin.get(await caller(request), request.params.prefix),
  );
  app.put<{ Params: { prefix: string }; Body: Static<typeof QuotaChange> }>(
    '/api/v1/enterprises/:prefix/quota',
    { schema: { summary: "Set an enterprise's quota (operator)", body: QuotaChange, response: { 200: QuotaView, ...errorResponses } } },
    async (request) => {
      const view = await node.quotaAdmin.set(await caller(request), request.params.prefix, request.body);
      request.log.info({ prefix: view.prefix, overrides: view.overrides }, 'enterprise quota set');
      return view;
    },
  );
  app.get(
    '/api/v1/quotas',
    { schema: { summary: "Every enterprise's quota and today's usage (auditors, the operator)", response: { 200: Type.Object({ enterprises: Type.Array(QuotaView) }), ...errorResponses } } },
    async (request) => ({ enterprises: await node.quotaAdmin.report(await caller(request)) }),
  );
  app.post<{ Params: { prefix: string } }>(
    '/api/v1/enterprises/:prefix/reinstate',
    {
      schema: {
        summary: 'Reinstate a revoked enterprise with a new secret; its prefix and identifiers were kept (operator)',
        response: { 200: Issued, ...errorResponses },
      },
    },
    async (request) => {
      const issued = await node.principals.reinstateEnterprise(await caller(request), request.params.prefix);
      request.log.info({ enterprise: issued.id }, 'enterprise reinstated');
      return issued;
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
