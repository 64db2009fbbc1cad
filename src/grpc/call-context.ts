import { randomUUID } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import type { Logger } from '../core/log/logger.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A logger for one call, carrying a request id: the caller's `x-request-id` metadata entry when it is a
 * plausible id (as the REST front end takes the header), else a fresh UUID. The child logger (and the id)
 * are made on the first line logged only: a resolution that logs nothing pays nothing for them.
 */
export function callLogger(logger: Logger, metadata: Metadata, method: string): Logger {
  let child: Logger | undefined;
  const get = (): Logger => {
    if (child === undefined) {
      const offered = metadata.get('x-request-id')[0];
      const reqId = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
      child = logger.child({ reqId, rpc: method });
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
