import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { IdnodeError } from '../core/errors/catalogue.js';
import type { Logger } from '../core/log/logger.js';
import type { TopLevel } from '../core/top/top-level.js';
import { statusOf } from '../grpc/grpc-errors.js';
import { LOADER_OPTIONS } from '../grpc/proto-definition.js';
import { valueMessagesOf } from '../grpc/value-messages.js';

/** The proto file of the top-level node's service, relative to proto/. */
export const TOP_LEVEL_PROTO = 'idnode/v1/top_level.proto';

/** The gRPC service idnode.v1.TopLevel (proto/idnode/v1/top_level.proto), thin over TopLevel like the REST API. */
export function topLevelService(top: TopLevel, logger: Logger): UntypedServiceImplementation {
  const unary = <Q, R>(work: (request: Q) => Promise<R>) => (call: ServerUnaryCall<Q, R>, callback: sendUnaryData<R>) => {
    work(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(statusOf(error, logger)),
    );
  };
  return {
    GetPrefixHandle: unary(async (request: { prefix: string }) => {
      const record = await top.prefixHandle(request.prefix);
      if (record === undefined) throw new IdnodeError('HANDLE_NOT_FOUND', `0.NA/${request.prefix} does not exist: no node homes that prefix`);
      return { handle: record.handle, values: valueMessagesOf(record.values) };
    }),
    ListNodes: unary(async () => ({
      nodes: (await top.connectionReport()).nodes.map((node) => ({
        id: node.id,
        name: node.name,
        prefixes: node.prefixes.map((prefix) => prefix.prefix),
        firstConnectedAt: node.firstConnectedAt ?? '',
        daysVerified: node.reports.daysVerified,
        lastDay: node.reports.lastDay ?? '',
        lastReportAt: node.reports.lastReportAt ?? '',
        years: node.years.map((year) => ({ year: year.year, days: year.days, registrations: year.registrations, countedResolutions: year.countedResolutions })),
        refusals: node.refusals.length,
        conflictingDays: node.conflicts.map((conflict) => conflict.day),
      })),
    })),
  };
}

/** A gRPC server with idnode.v1.TopLevel only. Resolves with the bound port; closing is the caller's (tryShutdown). */
export async function listenTopGrpc(top: TopLevel, logger: Logger, host: string, port: number, tls?: { cert: Buffer; key: Buffer }): Promise<{ server: Server; port: number }> {
  const definition = protoLoader.loadSync([TOP_LEVEL_PROTO], LOADER_OPTIONS);
  const server = new Server();
  server.addService(definition['idnode.v1.TopLevel'] as ServiceDefinition, topLevelService(top, logger));
  const address = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  const credentials = tls ? ServerCredentials.createSsl(null, [{ cert_chain: tls.cert, private_key: tls.key }]) : ServerCredentials.createInsecure();
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, credentials, (error, boundPort) => (error ? reject(new IdnodeError('CONFIG_INVALID', `cannot listen for gRPC on ${address}: ${error.message}`, { cause: error })) : resolve(boundPort))),
  );
  return { server, port: bound };
}
