import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { describeClock } from '../../core/clock/set-clock.js';
import { IdnodeError } from '../../core/errors/catalogue.js';
import type { IdNode } from '../../core/node.js';
import { errorResponses } from '../schemas.js';

const Live = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({
  status: Type.Literal('ready'),
  store: Type.String(),
  clock: Type.Object(
    { mode: Type.String({ enum: ['system', 'simulated'] }), start: Type.Optional(Type.String()), rate: Type.Optional(Type.Number()), warning: Type.Optional(Type.String()) },
    { description: 'simulated: the node runs on a set clock (serve --clock-start); its figures are not production figures' },
  ),
});

/** Liveness (the process answers) and readiness (the store answers too). Public, and in the OpenAPI document. */
export function healthRoutes(app: FastifyInstance, node: IdNode): void {
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
      };
    },
  );
}
