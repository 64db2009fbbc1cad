import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '../../core/typebox.js';
import type { IdNode } from '../../core/node.js';
import { principalOf, type CredentialPolicy } from '../credentials.js';
import { errorResponses } from '../schemas.js';

const ExportQuery = Type.Object({
  rows: Type.Boolean({ default: true, description: "include each day's counter rows (needed to check the counts against the seal)" }),
});
const Export = Type.Object({
  format: Type.String(),
  exportedAt: Type.String(),
  timeZone: Type.String(),
  publicKey: Type.String(),
  keyId: Type.String(),
  entries: Type.Array(Type.Unknown()),
});
const Status = Type.Object({
  entries: Type.Integer(),
  firstDay: Type.Optional(Type.String()),
  lastDay: Type.Optional(Type.String()),
  lastHash: Type.Optional(Type.String()),
  keyId: Type.String(),
  latestClosedDay: Type.String(),
  unsealedClosedDays: Type.Integer(),
  verified: Type.Boolean(),
  problems: Type.Array(Type.Object({ day: Type.Optional(Type.String()), position: Type.Integer(), message: Type.String() })),
  simulatedDays: Type.Integer(),
  checkedAt: Type.String(),
});
const NodeKey = Type.Object({ keyId: Type.String(), publicKey: Type.String({ description: 'Ed25519, SubjectPublicKeyInfo PEM' }) });
const Sealed = Type.Object({ sealed: Type.Array(Type.String(), { description: 'days sealed by this call' }), entries: Type.Integer() });

/**
 * The signed ledger of closed days (docs/design.md §2, Evidence): export and status for auditors and the operator,
 * sealing now for the operator, and the node's public key for anyone (it is what verification needs).
 */
export function ledgerRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy): void {
  app.get<{ Querystring: Static<typeof ExportQuery> }>(
    '/api/v1/ledger',
    { schema: { summary: 'The ledger as JSON, for `idnode ledger verify` (auditor, operator)', querystring: ExportQuery, response: { 200: Export, ...errorResponses } } },
    async (request) => node.ledger.export(await principalOf(request, node.authenticator, policy), { rows: request.query.rows }),
  );
  app.get(
    '/api/v1/ledger/status',
    { schema: { summary: 'Ledger status, verified now against the stored counts (auditor, operator)', response: { 200: Status, ...errorResponses } } },
    async (request) => node.ledger.status(await principalOf(request, node.authenticator, policy)),
  );
  app.post(
    '/api/v1/ledger/seal',
    { schema: { summary: 'Seal every closed day now (operator)', response: { 200: Sealed, ...errorResponses } } },
    async (request) => {
      const principal = await principalOf(request, node.authenticator, policy);
      const sealed = await node.ledger.sealClosedDays(principal);
      request.log.info({ days: sealed.map((entry) => entry.day) }, 'ledger sealed on request');
      return { sealed: sealed.map((entry) => entry.day), entries: (await node.ledger.entries(principal)).length };
    },
  );
  app.get('/api/v1/node-key', { schema: { summary: "The node's public signing key (public)", response: { 200: NodeKey } } }, async () => ({
    keyId: node.ledger.keyId,
    publicKey: node.ledger.publicKeyPem,
  }));
}
