import type { FastifyInstance } from 'fastify';
import type { IdNode } from '../core/node.js';
import type { FrontEnd } from '../frontend/front-end.js';
import { listeningUrl } from './listening-url.js';
import { buildRestServer, type RestOptions } from './server.js';

/** The REST front end as a list member ("http"): built and bound on listen(), resolving with its base URL. */
export function restFrontEnd(node: IdNode, options: RestOptions & { readonly host: string; readonly port: number }): FrontEnd {
  let app: FastifyInstance | undefined;
  return {
    name: 'http',
    async listen() {
      app = await buildRestServer(node, options);
      await app.listen({ host: options.host, port: options.port });
      return listeningUrl(app.server.address(), options.tls !== undefined);
    },
    close: async () => {
      await app?.close();
    },
  };
}
