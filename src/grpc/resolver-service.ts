import { once } from 'node:events';
import type { sendUnaryData, ServerDuplexStream, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Principal } from '../core/auth/principal.js';
import { isIdnodeError } from '../core/errors/catalogue.js';
import type { IdNode } from '../core/node.js';
import { encodeAnswer, type AnswerEncoding } from '../core/resolver/resolution-answer.js';
import { callLogger } from './call-context.js';
import { principalOfCall } from './call-principal.js';
import { errorMessageOf, statusOf } from './grpc-errors.js';
import type { ResolveRequestMessage, ResolveResponseMessage } from './messages.js';
import type { GrpcContext } from './grpc-context.js';
import { valueMessagesOf } from './value-messages.js';

const PROTOCOL = 'grpc';

interface StreamReply {
  position: number;
  response?: ResolveResponseMessage;
  error?: ReturnType<typeof errorMessageOf>;
}

/** idnode.v1.Resolver: the REST resolution endpoint's behaviour over gRPC. */
export function resolverService(node: IdNode, context: GrpcContext): UntypedServiceImplementation {
  const resolveOne = async (request: ResolveRequestMessage, principal: Principal): Promise<ResolveResponseMessage> => {
    const resolution = await node.resolver.resolve({ handle: request.handle, indexes: request.indexes, types: request.types, principal, protocol: PROTOCOL });
    return encodeAnswer(resolution, RESPONSE_MESSAGE);
  };

  return {
    Resolve: async (call: ServerUnaryCall<ResolveRequestMessage, ResolveResponseMessage>, callback: sendUnaryData<ResolveResponseMessage>) => {
      const log = callLogger(context.logger, call.metadata, 'Resolve');
      try {
        const principal = await principalOfCall(call, node.authenticator, context.policy);
        callback(null, await resolveOne(call.request, principal));
      } catch (error) {
        callback(statusOf(error, log));
      }
    },

    // Requests are answered one at a time, in order: the reply to request n is written before request n+1
    // is read, so a client that stops reading stops the server reading too (HTTP/2 flow control).
    ResolveStream: async (call: ServerDuplexStream<ResolveRequestMessage, StreamReply>) => {
      const log = callLogger(context.logger, call.metadata, 'ResolveStream');
      try {
        const principal = await principalOfCall(call, node.authenticator, context.policy);
        let position = 0;
        // Not destroyed when the requests end: the replies still have to be finished with a status.
        for await (const request of call.iterator({ destroyOnReturn: false }) as AsyncIterable<ResolveRequestMessage>) {
          let reply: StreamReply;
          try {
            reply = { position, response: await resolveOne(request, principal) };
          } catch (error) {
            // A catalogue error answers this request only; anything else is a bug and ends the stream.
            if (!isIdnodeError(error)) throw error;
            log.debug({ code: error.code, position }, `lookup refused: ${error.message}`);
            reply = { position, error: errorMessageOf(error) };
          }
          position++;
          if (!call.write(reply)) await once(call, 'drain');
        }
        call.end();
      } catch (error) {
        if (call.cancelled) return;
        call.emit('error', statusOf(error, log));
      }
    },
  };
}

/** Not found is an error status (as REST's 404); no visible value is OK with response code 200 (as REST). */
const RESPONSE_MESSAGE: AnswerEncoding<ResolveResponseMessage> = {
  key: 'grpc.public-response',
  encode: (handle, values, responseCode) => ({ handle, values: valueMessagesOf(values), responseCode }),
};
