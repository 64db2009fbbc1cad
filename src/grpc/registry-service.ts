import type { sendUnaryData, ServerReadableStream, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { BulkSession } from '../core/bulk/bulk-session.js';
import type { IdNode } from '../core/node.js';
import type { WriteResult } from '../core/registry/registry.js';
import { bulkItemOf, itemResultMessageOf, summaryMessageOf } from './bulk-messages.js';
import { callLogger } from './call-context.js';
import { BulkPacer } from '../frontend/bulk-pacing.js';
import { principalOfCall } from './call-principal.js';
import type { GrpcContext } from './grpc-context.js';
import { statusOf } from './grpc-errors.js';
import type { BulkSummaryMessage, ItemResultMessage, RegisterItemMessage, ValueMessage } from './messages.js';
import { wireValuesOf } from './value-messages.js';

const PROTOCOL = 'grpc';

interface WriteRequestMessage {
  handle: string;
  values: ValueMessage[];
  indexes: number[];
  mintSuffix?: boolean;
}

interface WriteResponseMessage {
  handle: string;
  status: string;
}

interface RegisterBatchRequestMessage {
  items: RegisterItemMessage[];
  overwrite: boolean;
}

interface RegisterBatchResponseMessage {
  results: ItemResultMessage[];
  summary: BulkSummaryMessage;
}

/** idnode.v1.Registry: single writes as REST PUT/DELETE, and the bulk paths over the node's BulkRegistration (node.bulk). */
export function registryService(node: IdNode, context: GrpcContext): UntypedServiceImplementation {
  const put = (method: string, overwrite: boolean) => async (call: ServerUnaryCall<WriteRequestMessage, WriteResponseMessage>, callback: sendUnaryData<WriteResponseMessage>) => {
    const log = callLogger(context.logger, call.metadata, method);
    try {
      const request = call.request;
      const result = await node.registry.put({
        principal: await principalOfCall(call, node.authenticator, context.policy),
        handle: request.handle,
        values: wireValuesOf(request.values),
        overwrite,
        ...(request.indexes.length > 0 ? { indexes: request.indexes } : {}),
        mintSuffix: request.mintSuffix === true,
        protocol: PROTOCOL,
        log,
      });
      callback(null, writeResponseOf(result));
    } catch (error) {
      callback(statusOf(error, log));
    }
  };

  return {
    Create: put('Create', false),
    Update: put('Update', true),

    Delete: async (call: ServerUnaryCall<WriteRequestMessage, WriteResponseMessage>, callback: sendUnaryData<WriteResponseMessage>) => {
      const log = callLogger(context.logger, call.metadata, 'Delete');
      try {
        const result = await node.registry.delete({
          principal: await principalOfCall(call, node.authenticator, context.policy),
          handle: call.request.handle,
          ...(call.request.indexes.length > 0 ? { indexes: call.request.indexes } : {}),
          protocol: PROTOCOL,
          log,
        });
        callback(null, writeResponseOf(result));
      } catch (error) {
        callback(statusOf(error, log));
      }
    },

    RegisterBatch: async (call: ServerUnaryCall<RegisterBatchRequestMessage, RegisterBatchResponseMessage>, callback: sendUnaryData<RegisterBatchResponseMessage>) => {
      const log = callLogger(context.logger, call.metadata, 'RegisterBatch');
      try {
        const principal = await principalOfCall(call, node.authenticator, context.policy);
        const { results, summary } = await node.bulk.registerBatch(call.request.items.map(bulkItemOf), {
          principal,
          overwrite: call.request.overwrite,
          protocol: PROTOCOL,
          log,
        });
        callback(null, { results: results.map(itemResultMessageOf), summary: summaryMessageOf(summary) });
      } catch (error) {
        callback(statusOf(error, log));
      }
    },

    // Items are committed a chunk at a time as they arrive; the next message is read only once the item
    // before it is queued (and its chunk, if full, committed), so memory stays flat whatever the stream's length.
    BulkRegister: async (call: ServerReadableStream<{ items: RegisterItemMessage[]; overwrite: boolean }, BulkSummaryMessage>, callback: sendUnaryData<BulkSummaryMessage>) => {
      const log = callLogger(context.logger, call.metadata, 'BulkRegister');
      let session: BulkSession | undefined;
      try {
        const principal = await principalOfCall(call, node.authenticator, context.policy);
        const pacer = new BulkPacer();
        for await (const message of call.iterator({ destroyOnReturn: false }) as AsyncIterable<{ items: RegisterItemMessage[]; overwrite: boolean }>) {
          session ??= node.bulk.openImport({ principal, overwrite: message.overwrite, protocol: PROTOCOL, log });
          for (const item of message.items) {
            await session.add(bulkItemOf(item));
            await pacer.taken();
          }
        }
        // A cancel (RST_STREAM) also ends the HTTP/2 stream's readable side, and grpc-js reports the cancel
        // itself only later (measured: 10-70 ms), so a cancel after the client's last message can be taken for
        // its half-close and the tail committed. Nothing acknowledged is lost either way, and the client, which
        // never gets the summary, re-sends: what was committed is then already-exists and counted once.
        if (call.cancelled) {
          void session?.abandon('the client cancelled the call');
          return;
        }
        session ??= node.bulk.openImport({ principal, overwrite: false, protocol: PROTOCOL, log });
        callback(null, summaryMessageOf(await session.finish()));
      } catch (error) {
        void session?.abandon(call.cancelled ? 'the client cancelled the call' : 'the call failed');
        if (!call.cancelled) callback(statusOf(error, log));
      }
    },
  };
}

function writeResponseOf(result: WriteResult): WriteResponseMessage {
  return { handle: result.handle, status: `WRITE_STATUS_${result.status.toUpperCase()}` };
}
