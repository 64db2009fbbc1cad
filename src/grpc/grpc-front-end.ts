import type { IdNode } from '../core/node.js';
import type { FrontEnd } from '../frontend/front-end.js';
import { buildGrpcServer, type GrpcOptions, type GrpcServer } from './grpc-server.js';

/** The site attribute naming the gRPC port (HS_SITE, opcode 2). */
export const GRPC_PORT_ATTRIBUTE = 'grpc-port';

/** The gRPC front end as a list member ("grpc"): built and bound on listen(), resolving with host:port. */
export function grpcFrontEnd(node: IdNode, options: GrpcOptions & { readonly host: string; readonly port: number }): FrontEnd {
  let server: GrpcServer | undefined;
  let boundPort = 0;
  return {
    name: 'grpc',
    async listen() {
      server = buildGrpcServer(node, options);
      const port = await server.listen(options.host, options.port);
      boundPort = port;
      return `${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
    },
    // A site record has no interface protocol for gRPC: its port is an attribute.
    describe: () => ({ attributes: [{ name: GRPC_PORT_ATTRIBUTE, value: String(boundPort) }] }),
    close: async () => {
      await server?.close();
    },
  };
}
