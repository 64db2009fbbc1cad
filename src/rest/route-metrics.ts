import type { FastifyInstance, onResponseHookHandler } from 'fastify';
import { outcomeOf } from '../frontend/failure.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { failureOf } from './error-reply.js';

/** Operation names of the handle API; other routes are named by method and URL pattern (a fixed set). */
const OPERATIONS: Record<string, string> = {
  'GET /api/handles/*': 'resolve',
  'HEAD /api/handles/*': 'resolve-head',
  'PUT /api/handles/*': 'write',
  'DELETE /api/handles/*': 'delete',
  'GET /api/handles': 'list',
};

/**
 * Times every route declared after this call (idnode_requests_total, idnode_request_duration_seconds, with
 * frontend="rest"). Labels are resolved once per route when it is declared; per request the hook costs one
 * histogram observation and one counter increment, after the reply has been sent. The outcome is the class
 * of the failure sendError answered with (every error reply goes through it), else ok.
 */
export function instrumentRoutes(app: FastifyInstance, metrics: NodeMetrics): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
    const name = `${methods} ${route.url}`;
    const recorder = metrics.requestRecorder('rest', OPERATIONS[name] ?? name);
    const hook: onResponseHookHandler = (_request, reply, done) => {
      recorder.record(reply.elapsedTime / 1000, outcomeOf(failureOf(reply)));
      done();
    };
    const existing = route.onResponse;
    route.onResponse = existing === undefined ? [hook] : Array.isArray(existing) ? [...existing, hook] : [existing, hook];
  });
}
