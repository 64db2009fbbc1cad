import { status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { NodeMetrics, Outcome } from '../metrics/node-metrics.js';

/** Statuses that say the caller asked for something wrong, as 4xx do for REST. */
const CLIENT_ERRORS = new Set<number>([
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.ALREADY_EXISTS,
  status.PERMISSION_DENIED,
  status.FAILED_PRECONDITION,
  status.UNAUTHENTICATED,
  status.CANCELLED,
]);

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
    const wrapped = (call: unknown, callback: (error: { code?: number } | null, ...rest: unknown[]) => void) => {
      const started = performance.now();
      return (handler as (call: unknown, callback: unknown) => unknown)(call, (error: { code?: number } | null, ...rest: unknown[]) => {
        recorder.record((performance.now() - started) / 1000, outcomeOf(error));
        callback(error, ...rest);
      });
    };
    instrumented[method] = wrapped as unknown as UntypedServiceImplementation[string];
  }
  return instrumented;
}

function outcomeOf(error: { code?: number } | null): Outcome {
  if (error === null || error === undefined) return 'ok';
  return error.code !== undefined && CLIENT_ERRORS.has(error.code) ? 'client_error' : 'server_error';
}
