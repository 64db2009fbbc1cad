import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';

/** The body of an error response (any responseCode other than 1): one length-prefixed UTF-8 message. */
export function encodeErrorBody(message: string): Buffer {
  return new ByteWriter(16 + message.length * 3).utf8(message).finish();
}

/** `body` without any request digest (see splitResponseBody). Bytes that are not UTF-8 are replaced, not refused. */
export function decodeErrorBody(body: Buffer): string {
  const reader = new ByteReader(body);
  const message = reader.lengthPrefixed('error message');
  reader.expectEnd('error response body');
  return message.toString('utf8');
}
