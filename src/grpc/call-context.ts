import type { Metadata } from '@grpc/grpc-js';
import type { Logger } from '../core/log/logger.js';
import { requestIdOf } from '../frontend/request-id.js';

/**
 * A logger for one call, carrying a request id: the caller's `x-request-id` metadata entry when it is an
 * acceptable id (requestIdOf, the rule REST applies to its header), else a fresh one. The child logger (and
 * the id) are made on the first line logged only: a resolution that logs nothing pays nothing for them.
 */
export function callLogger(logger: Logger, metadata: Metadata, method: string): Logger {
  let child: Logger | undefined;
  const get = (): Logger => {
    if (child === undefined) {
      child = logger.child({ reqId: requestIdOf(metadata.get('x-request-id')[0]), rpc: method });
    }
    return child;
  };
  return {
    info: (obj, msg) => get().info(obj, msg),
    warn: (obj, msg) => get().warn(obj, msg),
    error: (obj, msg) => get().error(obj, msg),
    debug: (obj, msg) => get().debug(obj, msg),
    child: (bindings) => get().child(bindings),
  };
}
