import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { idnodePackageDefinition } from '../../src/grpc/proto-definition.js';

export const KNOWN = '88.999.1/PN-00000007';
export const EMPTY = '88.999.1/PN-00000008';
export const WRONG = '88.999.1/PN-00000009';

/**
 * A grpc-js server with the project's Resolver on 127.0.0.1 (OS-chosen port): KNOWN resolves to one value,
 * EMPTY to none (response code 200), WRONG answers another handle, anything else NOT_FOUND.
 */
export async function startResolverStub(): Promise<{ address: string; close(): Promise<void> }> {
  const server = new Server();
  server.addService(idnodePackageDefinition()['idnode.v1.Resolver'] as ServiceDefinition, {
    Resolve: (call: ServerUnaryCall<{ handle: string }, unknown>, callback: sendUnaryData<unknown>) => {
      const { handle } = call.request;
      const value = { index: 1, type: 'URL', data: { format: 'string', value: 'https://example.com/p/7' }, ttl: 86400, timestamp: '2024-01-01T00:00:00Z' };
      if (handle === KNOWN) callback(null, { handle, values: [value], responseCode: 1 });
      else if (handle === EMPTY) callback(null, { handle, values: [], responseCode: 200 });
      else if (handle === WRONG) callback(null, { handle: KNOWN, values: [value], responseCode: 1 });
      else callback({ code: status.NOT_FOUND, details: `${handle} does not exist` });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { address: `127.0.0.1:${port}`, close: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}
