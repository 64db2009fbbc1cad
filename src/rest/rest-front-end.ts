import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import type { IdNode } from '../core/node.js';
import type { FrontEnd } from '../frontend/front-end.js';
import { copiesUnderLoad, listenerCopies, type ListenerCopies } from '../frontend/listener-copies.js';
import { listeningUrl } from './listening-url.js';
import { buildRestServer, DEFAULT_CONNECTIONS, type RestOptions } from './server.js';

/** The REST front end as a list member ("http"): built and bound on listen(), resolving with its base URL. */
export function restFrontEnd(node: IdNode, options: RestOptions & { readonly host: string; readonly port: number }): FrontEnd {
  let app: FastifyInstance | undefined;
  let copies: ListenerCopies | undefined;
  let stopWatching = () => {};
  let port = 0;
  return {
    name: 'http',
    async listen() {
      app = await buildRestServer(node, options);
      // The accept queue holds every connection the node would hold (the kernel caps it at somaxconn): with
      // Node's 511, a burst of connections during a busy turn overflows it, and each dropped SYN costs its
      // client a 1 s, 3 s, 7 s retransmission. A queued connection waits its place times a loop turn divided
      // by the accepts per turn: accepts-per-turn always in a process of its own, and in a worker of serve
      // --workers while its queueing delay is over its target, since workers sharing the socket would split a
      // quiet node's few connections unevenly otherwise (docs/overload.md, "Accepting").
      const { maxConnections, acceptsPerTurn } = options.connections ?? DEFAULT_CONNECTIONS;
      await app.listen({ host: options.host, port: options.port, backlog: maxConnections });
      try {
        const logger = options.logger;
        copies = await listenerCopies(app.server, acceptsPerTurn - 1, maxConnections, (error) => logger.warn({ err: error }, `REST: no extra listening descriptors until restart: ${error.message}`));
      } catch (error) {
        await app.close();
        throw error;
      }
      const admission = options.admission;
      if (!cluster.isWorker) copies.activate();
      else if (admission !== undefined && copies.count > 0) stopWatching = copiesUnderLoad(copies, () => admission.queueOverTarget);
      const url = listeningUrl(app.server.address(), options.tls !== undefined);
      port = Number(new URL(url).port);
      return url;
    },
    // The REST API takes writes and resolutions: HANDLE.NET's HTTP(S) interface, both admin and query.
    describe: () => ({ interfaces: [{ type: 'admin-and-query', protocol: options.tls === undefined ? 'http' : 'https', port }] }),
    close: async () => {
      // The copies first: no descriptor of the socket may accept once the node is stopping.
      stopWatching();
      await copies?.close();
      await app?.close();
    },
  };
}

