import { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';

/**
 * A message's credential (RFC 3652 §2.2.4, HANDLE.NET's layout): version, a reserved byte, option flags,
 * the signer (handle and index), the credential type (HS_SIGNED, HS_MAC, …) and the signed information
 * (digest algorithm and signature), kept as the opaque bytes of its length-prefixed section.
 */
export interface Credential {
  readonly version: number;
  readonly reserved: number;
  readonly options: number;
  readonly signerHandle: string;
  readonly signerIndex: number;
  readonly type: string;
  readonly signedInfo: Buffer;
}

/** The smallest credential: 4 fixed bytes, an empty signer handle, its index, an empty type, an empty signed info. */
const MINIMUM_CREDENTIAL = 4 + 4 + 4 + 4 + 4;

/** The credential section: its 4-byte length (0: no credential), then the credential. */
export function writeCredentialSection(writer: ByteWriter, credential: Credential | undefined): void {
  if (credential === undefined) {
    writer.u32(0);
    return;
  }
  const start = writer.size;
  writer.u32(0); // the length, patched below
  writer.u8(credential.version).u8(credential.reserved).u16(credential.options);
  writer.utf8(credential.signerHandle).u32(credential.signerIndex).utf8(credential.type).lengthPrefixed(credential.signedInfo);
  writer.patchU32(start, writer.size - start - 4);
}

/**
 * Reads the credential section, which must take every byte left: a length of 0 is no credential; any other
 * length must hold exactly one well-formed credential (ProtocolError otherwise).
 */
export function readCredentialSection(reader: ByteReader): Credential | undefined {
  const bytes = reader.lengthPrefixed('credential');
  reader.expectEnd('message after the credential section');
  if (bytes.length === 0) return undefined;
  const inner = new ByteReader(bytes);
  if (bytes.length < MINIMUM_CREDENTIAL) inner.take(MINIMUM_CREDENTIAL, 'credential');
  const credential: Credential = {
    version: inner.u8('credential version'),
    reserved: inner.u8('credential reserved byte'),
    options: inner.u16('credential options'),
    signerHandle: inner.utf8('credential signer handle'),
    signerIndex: inner.u32('credential signer index'),
    type: inner.utf8('credential type'),
    signedInfo: inner.lengthPrefixed('credential signed info'),
  };
  inner.expectEnd('credential');
  return credential;
}
