import t from 'tap';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { Server } from '@grpc/grpc-js';
import type { Logger } from '../../src/core/log/logger.js';
import { catalogueUnknownMethods } from '../../src/grpc/unknown-method.js';
import { startBothNode } from '../helpers/grpc-node.js';
import { grpcFrame, grpcSession, rawCall } from '../helpers/raw-grpc.js';

// A call to a service or method the node does not serve is UNIMPLEMENTED with the catalogue code
// ROUTE_NOT_FOUND (issue 17: every error from the catalogue, grpc-js's own included), not grpc-js's bare
// "The server does not implement the method".

t.test('unknown gRPC service or method: UNIMPLEMENTED ROUTE_NOT_FOUND with its Handle code; known methods unchanged', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const session = grpcSession(both.grpcAddress);
  t.teardown(() => session.close());

  const service = await rawCall(session, '/idnode.v9.Nothing/Resolve', grpcFrame(Buffer.alloc(0)));
  t.match(service, { grpcStatus: 12, code: 'ROUTE_NOT_FOUND' }, 'an unknown service');
  t.match(service.message, /no gRPC method "\/idnode\.v9\.Nothing\/Resolve" on this node: it serves idnode\.v1\.Resolver/);
  const method = await rawCall(session, '/idnode.v1.Resolver/Explode', grpcFrame(Buffer.alloc(0)));
  t.match(method, { grpcStatus: 12, code: 'ROUTE_NOT_FOUND' }, 'an unknown method of a known service');

  // Through grpc-js's own client: the trailers carry the Handle response code too.
  const client = new Client(both.grpcAddress, credentials.createInsecure());
  t.teardown(() => client.close());
  const error = await new Promise<ServiceError>((resolve) =>
    client.makeUnaryRequest('/idnode.v1.Registry/Nope', (value: Buffer) => value, (value: Buffer) => value, Buffer.alloc(0), new Metadata(), (failure) => resolve(failure!)),
  );
  t.equal(error.code, 12, 'UNIMPLEMENTED');
  t.equal(error.metadata.get('idnode-error-code')[0], 'ROUTE_NOT_FOUND');
  t.equal(error.metadata.get('idnode-response-code')[0], '5', 'Handle: operation not supported');

  const known = await both.clients.unary(both.clients.resolver, 'Resolve', { handle: '88.999.DEMO/none' });
  t.match(known, { ok: false, status: 5, code: 'HANDLE_NOT_FOUND' }, 'a known method still answers as before');
});

t.test('catalogueUnknownMethods: other answers pass unchanged; a grpc-js without the hook is served as is, said once', async (t) => {
  const sent: unknown[] = [];
  const server = { _respondWithError: (error: unknown) => sent.push(error) };
  const warnings: string[] = [];
  const logger = { warn: (_: object, message: string) => warnings.push(message) } as unknown as Logger;
  catalogueUnknownMethods(server as unknown as Server, ['idnode.v1.Resolver'], logger);
  server._respondWithError({ code: 3, details: 'Invalid content-type' });
  t.same(sent, [{ code: 3, details: 'Invalid content-type' }], 'not an unknown method: unchanged');
  catalogueUnknownMethods({} as Server, ['idnode.v1.Resolver'], logger);
  t.match(warnings, [/no _respondWithError/]);
});
