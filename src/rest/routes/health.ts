import type { FastifyInstance } from 'fastify';
import { IdnodeError } from '../../core/errors/catalogue.js';
import type { IdNode } from '../../core/node.js';

/** Liveness (the process answers) and readiness (the store answers too). */
export function healthRoutes(app: FastifyInstance, node: IdNode): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async () => {
    try {
      await node.store.ping();
    } catch (error) {
      throw new IdnodeError('STORE_UNAVAILABLE', `the ${node.store.kind} store does not answer`, { cause: error });
    }
    return { status: 'ready', store: node.store.kind };
  });
}
