import type { FastifyInstance } from 'fastify';
import type { NodeMetrics } from '../../metrics/node-metrics.js';

/**
 * Prometheus metrics (text exposition). Public, as scrape targets usually are: the metrics hold no identifier,
 * prefix or credential, only rates, latencies and sizes.
 */
export function metricsRoutes(app: FastifyInstance, metrics: NodeMetrics): void {
  app.get('/metrics', { schema: { summary: 'Prometheus metrics (idnode_*)', produces: ['text/plain'] } }, async (_request, reply) => {
    const { contentType, body } = await metrics.exposition();
    return reply.type(contentType).send(body);
  });
}
