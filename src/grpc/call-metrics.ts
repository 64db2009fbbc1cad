import type { Metadata, UntypedServiceImplementation } from '@grpc/grpc-js';
import { CATALOGUE } from '../core/errors/catalogue.js';
import { outcomeOf } from '../frontend/failure.js';
import type { NodeMetrics, Outcome } from '../metrics/node-metrics.js';
import { catalogueCodeOf } from './grpc-errors.js';

/**
 * Records every call that answers through a callback (unary and client-streaming methods) in
 * idnode_requests_total / idnode_request_duration_seconds with frontend "grpc" and the method name as
 * operation. A bidirectional stream has no single answer, so it is not timed as one request.
 */
export function instrumentService(implementation: UntypedServiceImplementation, metrics: NodeMetrics): UntypedServiceImplementation {
  const instrumented: UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(implementation)) {
    if (typeof handler !== 'function' || handler.length !== 2) {
      instrumented[method] = handler;
      continue;
    }
    const recorder = metrics.requestRecorder('grpc', method);
    const wrapped = (call: unknown, callback: (error: { metadata?: Metadata } | null, ...rest: unknown[]) => void) => {
      const started = performance.now();
      return (handler as (call: unknown, callback: unknown) => unknown)(call, (error: { metadata?: Metadata } | null, ...rest: unknown[]) => {
        recorder.record((performance.now() - started) / 1000, callOutcome(error));
        callback(error, ...rest);
      });
    };
    instrumented[method] = wrapped as unknown as UntypedServiceImplementation[string];
  }
  return instrumented;
}

/** By the class of the catalogue code the failed call carries; a failure without one is the server's. */
function callOutcome(error: { metadata?: Metadata } | null | undefined): Outcome {
  if (error === null || error === undefined) return 'ok';
  return outcomeOf(CATALOGUE[catalogueCodeOf(error) ?? 'INTERNAL_ERROR']);
}
