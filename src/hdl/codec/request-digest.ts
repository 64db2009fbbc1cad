import type { ByteReader } from './byte-reader.js';
import { DigestHash } from './constants.js';
import { ProtocolError } from './protocol-error.js';

/**
 * The digest of the request that a response starts its body with when its header carries
 * OpFlag.REQUEST_DIGEST (HANDLE.NET ≥ 2.1): a hash code byte, then the digest (the old MD5 form, code 0,
 * is a length-prefixed digest instead).
 */
export interface RequestDigest {
  readonly hash: number;
  readonly digest: Uint8Array;
}

const DIGEST_SIZE: Readonly<Record<number, number>> = { [DigestHash.MD5]: 16, [DigestHash.SHA1]: 20, [DigestHash.SHA256]: 32 };

export function readRequestDigest(reader: ByteReader): RequestDigest {
  const at = reader.offset;
  const hash = reader.u8('request digest hash');
  if (hash === DigestHash.MD5_OLD_FORMAT) {
    // The old form's first length byte was just read as the hash code: read the whole length again.
    const rest = reader.take(3, 'request digest length');
    const length = (rest[0]! << 16) | (rest[1]! << 8) | rest[2]!;
    return { hash, digest: reader.take(length, 'request digest') };
  }
  const size = DIGEST_SIZE[hash];
  if (size === undefined) throw new ProtocolError(`request digest hash code ${hash} at offset ${at} is not MD5 (1), SHA-1 (2) or SHA-256 (3)`, at);
  return { hash, digest: reader.take(size, 'request digest') };
}

/** The digest as it starts a response body. */
export function requestDigestBytes(digest: RequestDigest): Buffer {
  const bytes = Buffer.allocUnsafe(1 + digest.digest.length);
  bytes[0] = digest.hash;
  bytes.set(digest.digest, 1);
  return bytes;
}
