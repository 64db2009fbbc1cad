import type { FastifyInstance } from 'fastify';
import { Type } from '../../core/typebox.js';
import type { IdNode } from '../../core/node.js';
import { nodeStatus } from '../../core/status/node-status.js';
import type { ServingFrontEnds } from '../../frontend/front-end.js';
import { principalOf, type CredentialPolicy } from '../credentials.js';
import { errorResponses } from '../schemas.js';

const WhoAmI = Type.Object({
  kind: Type.String({ enum: ['anonymous', 'operator', 'enterprise', 'auditor', 'handle-identity'] }),
  id: Type.Optional(Type.String()),
  prefix: Type.Optional(Type.String()),
});
const Status = Type.Object(
  {
    store: Type.String(),
    clock: Type.Object({ mode: Type.String(), start: Type.Optional(Type.String()), rate: Type.Optional(Type.Number()) }),
    now: Type.String(),
    cache: Type.Object({ hits: Type.Integer(), misses: Type.Integer(), hitRatio: Type.Number(), entries: Type.Integer(), bytes: Type.Integer() }),
    metering: Type.Object({ flushLagSeconds: Type.Number(), pending: Type.Integer(), flushes: Type.Integer(), failedFlushes: Type.Integer() }),
    homedPrefixes: Type.Array(Type.Object({ prefix: Type.String(), source: Type.String() })),
    today: Type.Object({ day: Type.String(), registrations: Type.Integer(), resolutions: Type.Integer(), refusedWrites: Type.Integer() }),
    topLevel: Type.Optional(Type.Object({ state: Type.String(), url: Type.String(), nodeId: Type.String() }, { additionalProperties: true })),
    frontEnds: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { description: "The node's status for the operator's console: the figures /metrics and /readyz expose, as one JSON object" },
);

/**
 * Who the caller is (the console's sign-in checks credentials with it and picks the pages of the role) and the
 * node's status for the operator's console. `frontEnds` as /readyz has them (absent on a server built alone).
 */
export function statusRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy, frontEnds?: ServingFrontEnds): void {
  app.get(
    '/api/v1/whoami',
    { schema: { summary: 'Who the credentials sent are (anyone; anonymous without credentials)', response: { 200: WhoAmI, ...errorResponses } } },
    async (request) => {
      const principal = await principalOf(request, node.authenticator, policy);
      if (principal.kind === 'anonymous') return { kind: 'anonymous' };
      return { kind: principal.kind, id: principal.id, ...('prefix' in principal ? { prefix: principal.prefix } : {}) };
    },
  );
  app.get(
    '/api/v1/status',
    { schema: { summary: 'Node status: store, clock, cache, metering flush, homed prefixes, today\'s totals, listeners, top-level connection (operator)', response: { 200: Status, ...errorResponses } } },
    async (request) => ({
      ...(await nodeStatus(node, await principalOf(request, node.authenticator, policy))),
      ...(frontEnds === undefined ? {} : { frontEnds: Object.fromEntries(frontEnds) }),
    }),
  );
}
