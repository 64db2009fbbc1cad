import type { FastifyInstance } from 'fastify';
import { Type } from '../../core/typebox.js';
import { describeClock } from '../../core/clock/set-clock.js';
import { IdnodeError } from '../../core/errors/catalogue.js';
import type { IdNode } from '../../core/node.js';
import type { ServingFrontEnds } from '../../frontend/front-end.js';
import { errorResponses } from '../schemas.js';

const Live = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({
  status: Type.Literal('ready'),
  store: Type.String(),
  clock: Type.Object(
    { mode: Type.String({ enum: ['system', 'simulated'] }), start: Type.Optional(Type.String()), rate: Type.Optional(Type.Number()), warning: Type.Optional(Type.String()) },
    { description: 'simulated: the node runs on a set clock (serve --clock-start); its figures are not production figures' },
  ),
  topLevel: Type.Optional(
    Type.Object(
      {
        url: Type.String(),
        nodeId: Type.String(),
        state: Type.String({ enum: ['connecting', 'connected', 'retrying'] }),
        connectedSince: Type.Optional(Type.String()),
        prefixesHomed: Type.Array(Type.String()),
        prefixesPending: Type.Array(Type.String()),
        lastDayAcknowledged: Type.Optional(Type.String()),
        lastSeqAcknowledged: Type.Integer(),
        lastAcknowledgedAt: Type.Optional(Type.String()),
        backlog: Type.Integer(),
        daysReported: Type.Integer(),
        failuresInARow: Type.Integer(),
        lastError: Type.Optional(Type.String()),
        lastContactAt: Type.Optional(Type.String()),
      },
      { description: 'The connection with the national top-level node (serve --top-level); absent when none is configured. A node whose top-level node is down stays ready: it keeps serving and reports the backlog later.' },
    ),
  ),
  frontEnds: Type.Optional(
    Type.Record(Type.String(), Type.String(), {
      description: 'The front ends serving, by name (the ready file\'s keys), with their addresses, e.g. {"http": "http://127.0.0.1:8000", "grpc": "127.0.0.1:8001"}',
    }),
  ),
});

/**
 * Liveness (the process answers) and readiness (the store answers too, with the front ends serving when
 * `frontEnds` is given). Public, and in the OpenAPI document.
 */
export function healthRoutes(app: FastifyInstance, node: IdNode, frontEnds?: ServingFrontEnds): void {
  app.get('/healthz', { schema: { summary: 'Liveness: the process answers', response: { 200: Live } } }, async () => ({ status: 'ok' as const }));
  app.get(
    '/readyz',
    { schema: { summary: 'Readiness: the store answers too (503 STORE_UNAVAILABLE otherwise)', response: { 200: Ready, ...errorResponses } } },
    async () => {
      try {
        await node.store.ping();
      } catch (error) {
        throw new IdnodeError('STORE_UNAVAILABLE', `the ${node.store.kind} store does not answer`, { cause: error });
      }
      const clock = describeClock(node.clock);
      return {
        status: 'ready' as const,
        store: node.store.kind,
        clock: clock.mode === 'simulated' ? { ...clock, warning: 'simulated clock: these are not production figures' } : clock,
        ...(node.connection === undefined ? {} : { topLevel: node.connection.status() }),
        ...(frontEnds === undefined ? {} : { frontEnds: Object.fromEntries(frontEnds) }),
      };
    },
  );
}
