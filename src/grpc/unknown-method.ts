import { status, type Server, type ServerErrorResponse } from '@grpc/grpc-js';
import { IdnodeError } from '../core/errors/catalogue.js';
import type { Logger } from '../core/log/logger.js';
import { catalogueStatus } from './grpc-errors.js';

type RespondWithError = (error: Partial<ServerErrorResponse>, ...rest: unknown[]) => void;

/**
 * A call to a service or method the node does not serve answered like every other failure: UNIMPLEMENTED with
 * the catalogue code ROUTE_NOT_FOUND (REST's unknown endpoint) and its Handle response code in the trailers,
 * not grpc-js's bare "The server does not implement the method".
 *
 * grpc-js answers an unknown path itself, before any interceptor runs (there is no handler to intercept), in
 * its private _respondWithError; that method is wrapped on this server object, and only its unknown-method
 * answer is replaced. If a later grpc-js no longer has the method, the node serves with grpc-js's own answer
 * and says so once in the log (test/grpc/unknown-method.test.ts fails first).
 */
export function catalogueUnknownMethods(server: Server, serviceNames: readonly string[], logger: Logger): void {
  const target = server as unknown as { _respondWithError?: RespondWithError };
  const original = target._respondWithError;
  if (typeof original !== 'function') {
    logger.warn({}, 'gRPC: this grpc-js has no _respondWithError: an unknown method is answered without a catalogue code');
    return;
  }
  const respond = original.bind(server);
  target._respondWithError = (error, ...rest) => {
    const unknown = error.code === status.UNIMPLEMENTED && typeof error.details === 'string' && error.details.startsWith('The server does not implement the method ');
    if (!unknown) return respond(error, ...rest);
    const path = error.details!.slice('The server does not implement the method '.length);
    const refusal = new IdnodeError('ROUTE_NOT_FOUND', `no gRPC method ${JSON.stringify(path.slice(0, 200))} on this node: it serves ${serviceNames.join(', ')}, grpc.health.v1.Health and server reflection`);
    const { code, details, metadata } = catalogueStatus(refusal);
    respond({ code, details, metadata }, ...rest);
  };
}
