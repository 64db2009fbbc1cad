import { Metadata, ServerInterceptingCall, status, type ServerErrorResponse, type ServerInterceptingCallInterface, type ServerInterceptor, type ServiceDefinition } from '@grpc/grpc-js';

type PartialStatusObject = Parameters<ServerInterceptingCallInterface['sendStatus']>[0];
import type { Authenticator } from '../core/auth/authenticator.js';
import type { CredentialPolicy } from '../core/auth/basic-credentials.js';
import { MAX_BATCH_ITEMS } from '../core/bulk/bulk-types.js';
import { IdnodeError } from '../core/errors/catalogue.js';
import type { Logger } from '../core/log/logger.js';
import { nodeBusy, type Admission } from '../frontend/admission.js';
import { callLogger } from './call-context.js';
import { principalOfCall, rememberPrincipal } from './call-principal.js';
import { catalogueCodeOf, catalogueStatus, statusOf } from './grpc-errors.js';

/** A request message that could not be decoded, standing in for it (the deserializer never throws). */
export class UndecodableMessage {
  constructor(readonly error: IdnodeError) {}
}

/** The methods whose every call needs credentials: authenticated from metadata before a message is read. */
const WRITES = '/idnode.v1.Registry/';
const TEMPLATE_WRITES = new Set(['/idnode.v1.Templates/Create', '/idnode.v1.Templates/Update', '/idnode.v1.Templates/Delete']);
const isWrite = (path: string): boolean => path.startsWith(WRITES) || TEMPLATE_WRITES.has(path);
/** The services a probe or a tool uses: never shed. */
const NEVER_SHED = ['/grpc.health.v1.Health/', '/grpc.reflection.'];

export interface CallGuardOptions {
  readonly admission: Admission;
  readonly authenticator: Authenticator;
  readonly policy: CredentialPolicy;
  readonly logger: Logger;
  /** grpc-max-message-bytes, named in the refusal of a larger message. */
  readonly maxMessageBytes: number;
}

/**
 * What every gRPC call passes before its handler sees it (docs/design.md §4, "Hardening"), as a server
 * interceptor that acts when the call's headers arrive, before grpc-js reads a byte of the message (it reads
 * only once the handler asks, after onReceiveMetadata):
 * - admission: beyond max-in-flight the call ends at once with UNAVAILABLE NODE_BUSY (health checking and
 *   reflection are never shed); an admitted call holds its slot until its status is sent or it is cancelled;
 * - credentials first: a Registry call or a template write is authenticated from its metadata (anonymous: UNAUTHENTICATED
 *   AUTHENTICATION_REQUIRED) before its message is read, so an anonymous 57 MB RegisterBatch is never decoded;
 * - a message the deserializer could not decode (UndecodableMessage) ends the call with its catalogue error
 *   (INVALID_ARGUMENT), not grpc-js's INTERNAL;
 * - grpc-js's own refusals (a message over grpc-max-message-bytes, one that does not decompress) are answered
 *   with a catalogue code in the trailers like every other failure.
 */
export function callGuard(options: CallGuardOptions): ServerInterceptor {
  return (method, call) => {
    const path = method.path;
    const log = () => callLogger(options.logger, new Metadata(), path);
    let release: (() => void) | undefined;
    // grpc-js ends a call it cannot read (size, decompression) by calling its own sendStatus on this object,
    // past any interceptor's responder: wrapping the method on this call's object is the one place every
    // status of the call goes through, whoever sends it. It releases the call's slot too.
    const sendStatus = call.sendStatus.bind(call);
    call.sendStatus = (raw: PartialStatusObject) => {
      release?.();
      sendStatus(catalogued(raw, options.maxMessageBytes));
    };
    const refuse = (error: unknown, metadata?: Metadata) => call.sendStatus(asStatus(statusOf(error, metadata === undefined ? log() : callLogger(options.logger, metadata, path))));
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            if (!NEVER_SHED.some((prefix) => path.startsWith(prefix))) {
              release = options.admission.tryAdmit();
              if (release === undefined) {
                // Unlogged (idnode_requests_shed_total counts it): an overload must not flood the log.
                call.sendStatus(asStatus(catalogueStatus(nodeBusy(options.admission.maxInFlight))));
                return;
              }
            }
            if (!isWrite(path)) return pass(metadata);
            principalOfCall({ metadata, getPeer: () => call.getPeer() }, options.authenticator, options.policy).then(
              (principal) => {
                if (principal.kind === 'anonymous') {
                  return refuse(new IdnodeError('AUTHENTICATION_REQUIRED', `${path} needs credentials: send the authorization metadata entry "Basic <base64>"`), metadata);
                }
                rememberPrincipal(metadata, principal);
                pass(metadata);
              },
              (error: unknown) => refuse(error, metadata),
            );
          },
          onReceiveMessage: (message, pass) => {
            if (message instanceof UndecodableMessage) refuse(message.error);
            else pass(message);
          },
          onCancel: () => release?.(),
        }),
    });
  };
}

function asStatus(response: ServerErrorResponse): PartialStatusObject {
  return { code: response.code ?? status.UNKNOWN, details: response.details ?? response.message, metadata: response.metadata ?? null };
}

/**
 * grpc-js's own refusals of a message it could not read (too large, not decompressible, none or two on a
 * unary call), with a catalogue
 * code; every other status (OK, a cancellation, a catalogue status, another service's answer) unchanged.
 */
function catalogued(raw: PartialStatusObject, maxMessageBytes: number): PartialStatusObject {
  if (raw.code === status.OK || raw.code === status.CANCELLED || catalogueCodeOf(raw as { metadata?: Metadata }) !== undefined) return raw;
  const details = raw.details ?? '';
  if (raw.code === status.RESOURCE_EXHAUSTED && details.startsWith('Received message larger than max')) {
    return asStatus(catalogueStatus(new IdnodeError('BODY_TOO_LARGE', `the message is larger than this node's grpc-max-message-bytes (${maxMessageBytes}); it was refused unread`)));
  }
  if (/^Received (no|a second) request message/.test(details)) {
    return asStatus(catalogueStatus(new IdnodeError('REQUEST_INVALID', `a unary call carries exactly one request message (${details})`)));
  }
  if (/decompress|compressed message/i.test(details)) {
    return asStatus(catalogueStatus(new IdnodeError('BODY_UNSUPPORTED_MEDIA_TYPE', `the message could not be decompressed (${details}); send it uncompressed`)));
  }
  // Anything else is a service's own answer (health checking's NOT_FOUND for an unknown service, say).
  return raw;
}

/**
 * The service definition with deserializers that never throw: a message that does not decode becomes an
 * UndecodableMessage with PROTOCOL_MESSAGE_MALFORMED (answered INVALID_ARGUMENT by callGuard); its top-level
 * fields are walked first (countField), since protobufjs accepts a length that runs past the end. Messages with
 * a repeated `items` field (RegisterBatch, BulkRegister) are counted first, from the wire, and refused
 * with REQUEST_INVALID before decoding when they hold more than MAX_BATCH_ITEMS.
 */
export function guardedDefinition(definition: ServiceDefinition): ServiceDefinition {
  const guarded: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(definition)) {
    const counted = method.path === `${WRITES}RegisterBatch` || method.path === `${WRITES}BulkRegister`;
    guarded[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          // Every message's top level is walked first: protobufjs reads a length past the end without complaint.
          const items = countField(bytes, 1);
          if (counted && items > MAX_BATCH_ITEMS) {
            return new UndecodableMessage(new IdnodeError('REQUEST_INVALID', `the message holds ${items} items; at most ${MAX_BATCH_ITEMS} per message (stream more with BulkRegister)`));
          }
          return method.requestDeserialize(bytes);
        } catch (error) {
          return new UndecodableMessage(
            error instanceof IdnodeError ? error : new IdnodeError('PROTOCOL_MESSAGE_MALFORMED', `the ${name} request message is not valid protobuf (${(error as Error).message})`),
          );
        }
      },
    };
  }
  return guarded as ServiceDefinition;
}

/**
 * How many times top-level field `field` occurs in a protobuf message, read from the wire without decoding
 * anything (tags and lengths only). Throws PROTOCOL_MESSAGE_MALFORMED when the wire is not protobuf.
 */
export function countField(bytes: Uint8Array, field: number): number {
  let offset = 0;
  let count = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (offset >= bytes.length) throw malformed('a varint runs past the end');
      const byte = bytes[offset++]!;
      if (shift < 49) value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw malformed('a varint is longer than 10 bytes');
  };
  while (offset < bytes.length) {
    const tag = varint();
    const wireType = tag % 8;
    if (Math.floor(tag / 8) === field) count++;
    switch (wireType) {
      case 0:
        varint();
        break;
      case 1:
        offset += 8;
        break;
      case 2: {
        // Read first: `offset += varint()` would add to the offset as it was before the length was read.
        const length = varint();
        offset += length;
        break;
      }
      case 5:
        offset += 4;
        break;
      default:
        throw malformed(`wire type ${wireType} is not used by idnode's messages`);
    }
    if (offset > bytes.length) throw malformed('a field runs past the end');
  }
  return count;
}

function malformed(reason: string): IdnodeError {
  return new IdnodeError('PROTOCOL_MESSAGE_MALFORMED', `the request message is not valid protobuf: ${reason}`);
}
