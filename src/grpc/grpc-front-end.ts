import type { IdNode } from '../core/node.js';
import type { FrontEnd } from '../frontend/front-end.js';
import { buildGrpcServer, type GrpcOptions, type GrpcServer } from './grpc-server.js';

/** The gRPC front end as a list member ("grpc"): built and bound on listen(), resolving with host:port. */
export function grpcFrontEnd(node: IdNode, options: GrpcOptions & { readonly host: string; readonly port: number }): FrontEnd {
  let server: GrpcServer | undefined;
  return {
    name: 'grpc',
    async listen() {
      server = buildGrpcServer(node, options);
      const port = await server.listen(options.host, options.port);
      return `${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
    },
    close: async () => {
      await server?.close();
    },
  };
}
