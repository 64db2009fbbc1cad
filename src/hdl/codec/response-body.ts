import { ByteReader } from './byte-reader.js';
import { OpFlag, ResponseCode } from './constants.js';
import type { Header } from './header.js';
import { readRequestDigest, type RequestDigest } from './request-digest.js';

/**
 * A response's body split into the request digest it starts with (only when its header carries
 * OpFlag.REQUEST_DIGEST) and the rest, which the body codec of its opCode and responseCode decodes.
 */
export function splitResponseBody(header: Header, body: Buffer): { digest?: RequestDigest; rest: Buffer } {
  if (header.responseCode === ResponseCode.RESERVED || (header.opFlags & OpFlag.REQUEST_DIGEST) === 0) return { rest: body };
  const reader = new ByteReader(body);
  const digest = readRequestDigest(reader);
  return { digest, rest: body.subarray(reader.offset) };
}
