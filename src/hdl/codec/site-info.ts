import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';

/**
 * Bodies of get site info (opCode 2). The request is HANDLE.NET's generic request: one handle, which the
 * server ignores (clients send "/" or nothing in particular). The response body is the site's HS_SITE record
 * (RFC 3651 §3.2.2), kept here as its bytes: the site info encoding itself belongs to the core.
 */
export function encodeSiteInfoRequest(handle = '/'): Buffer {
  return new ByteWriter(16).utf8(handle).finish();
}

/** The handle of the request (ProtocolError when the body is not exactly one length-prefixed string). */
export function decodeSiteInfoRequest(body: Buffer): string {
  const reader = new ByteReader(body);
  const handle = reader.utf8('handle');
  reader.expectEnd('get site info request body');
  return handle;
}
