import { randomInt } from 'node:crypto';
import { IdnodeError, isIdnodeError } from '../../core/errors/catalogue.js';
import { toWireValue } from '../../core/values/wire-value.js';
import { OpCode, OpFlag, ResponseCode } from '../codec/constants.js';
import { plainEnvelope } from '../codec/envelope.js';
import { decodeErrorBody } from '../codec/error-body.js';
import { decodeMessage, encodeMessage } from '../codec/message.js';
import { decodeResolutionResponse, encodeResolutionRequest } from '../codec/resolution.js';
import { splitResponseBody } from '../codec/response-body.js';
import { fromWireHandleValue } from '../codec/value-conversion.js';
import { formatHostPort, type HostPort } from './address.js';
import { exchangeTcp, exchangeUdp } from './exchange.js';
import { HandleErrorAnswer, type ResolveQuery, type Resolved } from './resolution.js';
import { responseCodeMeaning } from './response-codes.js';

/** The opFlags of the request, as HANDLE.NET's resolver sends them: recursive, cache certify, public only. */
const REQUEST_FLAGS = OpFlag.RECURSIVE | OpFlag.CACHE_CERTIFY | OpFlag.PUBLIC_ONLY;

/** A resolution request (opCode 1), envelope included, with the given request id. */
export function resolutionRequest(query: Pick<ResolveQuery, 'handle' | 'indexes' | 'types' | 'referralHops'>, requestId: number): Buffer {
  return encodeMessage({
    envelope: plainEnvelope({ truncated: false, suggestedMajorVersion: 0, suggestedMinorVersion: 0, sessionId: 0, requestId }),
    header: { opCode: OpCode.RESOLUTION, responseCode: ResponseCode.RESERVED, opFlags: REQUEST_FLAGS, siteInfoSerial: -1, recursionCount: query.referralHops ?? 0, expiration: 0 },
    body: encodeResolutionRequest({ handle: query.handle, indexes: query.indexes, types: query.types }),
  });
}

/**
 * Resolves over the Handle protocol as HANDLE.NET's resolver does: one UDP datagram first; over TCP when the
 * UDP answer comes back truncated or none comes within the timeout (also when UDP is refused). Resolves with
 * the values (responseCode 1, or 200 with none), in the REST shape; rejects with HandleErrorAnswer for any
 * other response code, NODE_UNREACHABLE when TCP cannot get an answer either, and PROTOCOL_MESSAGE_MALFORMED
 * when the answer is not a well-formed Handle message.
 */
export async function resolveOverHdl(address: HostPort, query: ResolveQuery): Promise<Resolved> {
  const request = resolutionRequest(query, randomInt(1, 2 ** 31));
  const udp = await exchangeUdp(address, request, query.timeoutMs);
  if (udp.kind === 'answer') return readAnswer(udp.packet, 'udp', address, query.handle);
  try {
    return readAnswer(await exchangeTcp(address, request, query.timeoutMs), 'tcp', address, query.handle);
  } catch (error) {
    if (udp.kind === 'no-answer' && isIdnodeError(error) && error.code === 'NODE_UNREACHABLE') {
      throw new IdnodeError('NODE_UNREACHABLE', `${error.message} (and over UDP: ${udp.why})`, { cause: error });
    }
    throw error;
  }
}

/** Decodes an answer to a resolution request (envelope included); see resolveOverHdl for what it throws. */
export function readAnswer(packet: Buffer, via: 'udp' | 'tcp', address: HostPort, asked: string): Resolved {
  try {
    const message = decodeMessage(packet);
    const { responseCode } = message.header;
    const body = splitResponseBody(message.header, message.body).rest;
    if (responseCode === ResponseCode.SUCCESS) {
      const response = decodeResolutionResponse(body);
      return { via, responseCode, handle: response.handle, values: response.values.map((value) => toWireValue(fromWireHandleValue(value))) };
    }
    // HANDLE.NET answers "values not found" as an error message; REST as a success without values: so do we.
    if (responseCode === ResponseCode.VALUES_NOT_FOUND) return { via, responseCode, handle: asked, values: [] };
    throw new HandleErrorAnswer(via, responseCode, responseCodeMeaning(responseCode), decodeErrorBody(body), asked);
  } catch (error) {
    if (!isIdnodeError(error) || error.code !== 'PROTOCOL_MESSAGE_MALFORMED') throw error;
    throw new IdnodeError('PROTOCOL_MESSAGE_MALFORMED', `the ${via.toUpperCase()} answer from ${formatHostPort(address)} is not a well-formed Handle message: ${error.message}`, { cause: error });
  }
}
