import { createHash } from 'node:crypto';
import type { AnswerEncoding } from '../core/resolver/resolution-answer.js';
import {
  ByteWriter,
  DigestHash,
  encodeErrorBody,
  encodeMessage,
  ENVELOPE_SIZE,
  HEADER_SIZE,
  OpFlag,
  plainEnvelope,
  PROTOCOL_MAJOR_VERSION,
  PROTOCOL_MINOR_VERSION,
  requestDigestBytes,
  toWireHandleValue,
  writeHandleValue,
  type Message,
} from './codec/index.js';

/**
 * The answers the hdl front end sends, as bytes. A response echoes the request's session id, request id,
 * opCode and recursion count; carries this node's protocol version (2.10); is authoritative (the node homes
 * what it answers); keeps the request's public-only flag; and, when the request asked for it (REQUEST_DIGEST),
 * starts its body with the SHA-256 digest of the request's header and body, as HANDLE.NET servers do. No
 * response is signed (the credential section is always empty).
 */

/**
 * The body of a successful resolution without its request digest: the handle, then the values. For the
 * public, unfiltered view it is encoded once per cache entry (encodeAnswer), so a warm hit only frames it.
 * responseCode 200 (no value through the filters) has no body of its own: it is answered as an error.
 */
export const HDL_RESOLUTION_BODY: AnswerEncoding<Buffer | undefined> = {
  key: 'hdl.resolution-body',
  encode(handle, values, responseCode) {
    if (responseCode !== 1) return undefined;
    const writer = new ByteWriter(64 + 96 * values.length);
    writer.utf8(handle).u32(values.length);
    for (const value of values) writeHandleValue(writer, toWireHandleValue(value));
    return Buffer.from(writer.finish());
  },
};

/** A resolution body with the values left out (a UDP answer too large for a datagram, sent truncated). */
export function emptyResolutionBody(handle: string): Buffer {
  return new ByteWriter(16 + handle.length * 3).utf8(handle).u32(0).finish();
}

/** What every response to `request` shares. */
export interface ResponseFrame {
  readonly request: Message;
  /** The request's bytes, for its digest. */
  readonly requestBytes: Buffer;
  /** Seconds since the epoch: the response expires 12 hours later (HANDLE.NET's default). */
  readonly nowSeconds: number;
  readonly siteInfoSerial: number;
}

const EXPIRY_SECONDS = 12 * 60 * 60;

export function encodeResponse(frame: ResponseFrame, responseCode: number, body: Buffer, truncated = false): Buffer {
  const { envelope, header } = frame.request;
  const wantsDigest = (header.opFlags & OpFlag.REQUEST_DIGEST) !== 0;
  const pieces = wantsDigest ? [requestDigest(frame), body] : [body];
  return encodeMessage({
    envelope: plainEnvelope({
      truncated,
      suggestedMajorVersion: PROTOCOL_MAJOR_VERSION,
      suggestedMinorVersion: PROTOCOL_MINOR_VERSION,
      sessionId: envelope.sessionId,
      requestId: envelope.requestId,
    }),
    header: {
      opCode: header.opCode,
      responseCode,
      opFlags: (OpFlag.AUTHORITATIVE | (header.opFlags & OpFlag.PUBLIC_ONLY) | (wantsDigest ? OpFlag.REQUEST_DIGEST : 0)) >>> 0,
      siteInfoSerial: frame.siteInfoSerial,
      recursionCount: header.recursionCount,
      expiration: frame.nowSeconds + EXPIRY_SECONDS,
    },
    body: pieces,
  });
}

export function encodeErrorResponse(frame: ResponseFrame, responseCode: number, message: string): Buffer {
  return encodeResponse(frame, responseCode, encodeErrorBody(message));
}

function requestDigest(frame: ResponseFrame): Buffer {
  const signed = frame.requestBytes.subarray(ENVELOPE_SIZE, ENVELOPE_SIZE + HEADER_SIZE + frame.request.header.bodyLength);
  return requestDigestBytes({ hash: DigestHash.SHA256, digest: createHash('sha256').update(signed).digest() });
}
