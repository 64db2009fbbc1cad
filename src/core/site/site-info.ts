import { IdnodeError } from '../errors/catalogue.js';

/**
 * A Handle site (RFC 3651 §3.2.2): the data of an HS_SITE value, and what the Handle protocol's "get site
 * info" (opcode 2) answers with. Byte for byte as HANDLE.NET encodes it (net.handle.hdllib.Encoder
 * encodeSiteInfoRecord), all integers big-endian:
 *
 *   Version            int2   data format version (1)
 *   ProtocolVersion    2 × u8 major, minor
 *   SerialNumber       int2   changes whenever the site's description changes
 *   PrimaryMask        u8     0x80 primary site, 0x40 multi-primary
 *   HashOption         u8     0 by prefix, 1 by suffix, 2 by whole handle
 *   HashFilter         int4 length + bytes
 *   Attributes         int4 count, then per attribute: name, value (each int4 length + UTF-8)
 *   Servers            int4 count, then per server:
 *     ServerID         int4
 *     Address          16 bytes (IPv6; an IPv4 address is zero-padded on the left: ::a.b.c.d)
 *     PublicKeyRecord  int4 length + bytes (empty: the server signs nothing)
 *     Interfaces       int4 count, then per interface: type u8, protocol u8, port int4
 *
 * Pure: no I/O. Both directions refuse what HANDLE.NET would not round-trip (IdnodeError SITE_INFO_MALFORMED
 * naming the field): decode a truncated record, trailing bytes, unknown enumerations or counts larger than
 * the bytes could hold; encode a field out of its range.
 */

export const SITE_DATA_FORMAT_VERSION = 1;

/** The protocol version HANDLE.NET's servers put in their site records (and speak): 2.10. */
export const HANDLE_PROTOCOL_VERSION: ProtocolVersion = Object.freeze({ major: 2, minor: 10 });

export const ADDRESS_BYTES = 16;

export interface ProtocolVersion {
  readonly major: number;
  readonly minor: number;
}

/** Which part of a handle picks the server of a multi-server site. */
export type HashOption = 'prefix' | 'suffix' | 'all';

/** What an interface accepts: administration (writes), queries (resolution), both, or nothing. */
export type InterfaceType = 'out-of-service' | 'admin' | 'query' | 'admin-and-query';

/** The transport of an interface; `http` and `https` carry the Handle protocol (and HANDLE.NET's REST API). */
export type InterfaceProtocol = 'udp' | 'tcp' | 'http' | 'https';

export interface ServiceInterface {
  readonly type: InterfaceType;
  readonly protocol: InterfaceProtocol;
  readonly port: number;
}

export interface SiteAttribute {
  /** E.g. "desc" (a description), "domain" (the host name of a server whose address is all zeros). */
  readonly name: string;
  readonly value: string;
}

export interface SiteServer {
  readonly serverId: number;
  /** Exactly 16 bytes (see ipAddressBytes). */
  readonly address: Uint8Array;
  /** HANDLE.NET's public key record; empty when the server signs nothing. */
  readonly publicKey: Uint8Array;
  readonly interfaces: readonly ServiceInterface[];
}

export interface SiteInfo {
  readonly dataFormatVersion: number;
  readonly protocolVersion: ProtocolVersion;
  readonly serialNumber: number;
  readonly primary: boolean;
  readonly multiPrimary: boolean;
  readonly hashOption: HashOption;
  readonly hashFilter: Uint8Array;
  readonly attributes: readonly SiteAttribute[];
  readonly servers: readonly SiteServer[];
}

const PRIMARY_SITE = 0x80;
const MULTI_PRIMARY = 0x40;
const HASH_OPTIONS: readonly HashOption[] = ['prefix', 'suffix', 'all'];
const INTERFACE_TYPES: readonly InterfaceType[] = ['out-of-service', 'admin', 'query', 'admin-and-query'];
const INTERFACE_PROTOCOLS: readonly InterfaceProtocol[] = ['udp', 'tcp', 'http', 'https'];
// The least bytes one element of each list takes, so a count the remaining bytes cannot hold is refused
// before anything is allocated for it.
const MIN_ATTRIBUTE_BYTES = 8;
const MIN_SERVER_BYTES = 4 + ADDRESS_BYTES + 4 + 4;
const INTERFACE_BYTES = 6;

function malformed(message: string): IdnodeError {
  return new IdnodeError('SITE_INFO_MALFORMED', message);
}

/** The bytes of `info` (see the layout above). Throws SITE_INFO_MALFORMED for a field out of its range. */
export function encodeSiteInfo(info: SiteInfo): Buffer {
  const attributes = info.attributes.map((attribute) => ({ name: Buffer.from(attribute.name, 'utf8'), value: Buffer.from(attribute.value, 'utf8') }));
  let size = 2 + 2 + 2 + 1 + 1 + 4 + info.hashFilter.length + 4 + 4;
  for (const attribute of attributes) size += 8 + attribute.name.length + attribute.value.length;
  for (const server of info.servers) size += MIN_SERVER_BYTES + server.publicKey.length + INTERFACE_BYTES * server.interfaces.length;

  const out = Buffer.alloc(size);
  let at = 0;
  at = out.writeUInt16BE(checkRange(info.dataFormatVersion, 0, 0xffff, 'dataFormatVersion'), at);
  at = out.writeUInt8(checkRange(info.protocolVersion.major, 0, 0xff, 'protocolVersion.major'), at);
  at = out.writeUInt8(checkRange(info.protocolVersion.minor, 0, 0xff, 'protocolVersion.minor'), at);
  at = out.writeUInt16BE(checkRange(info.serialNumber, 0, 0xffff, 'serialNumber'), at);
  at = out.writeUInt8((info.primary ? PRIMARY_SITE : 0) | (info.multiPrimary ? MULTI_PRIMARY : 0), at);
  at = out.writeUInt8(codeOf(HASH_OPTIONS, info.hashOption, 'hashOption'), at);
  at = writeBytes(out, at, info.hashFilter);
  at = out.writeInt32BE(attributes.length, at);
  for (const attribute of attributes) {
    at = writeBytes(out, at, attribute.name);
    at = writeBytes(out, at, attribute.value);
  }
  at = out.writeInt32BE(info.servers.length, at);
  info.servers.forEach((server, s) => {
    at = out.writeInt32BE(checkRange(server.serverId, -0x80000000, 0x7fffffff, `servers[${s}].serverId`), at);
    if (server.address.length !== ADDRESS_BYTES) {
      throw malformed(`servers[${s}].address must be ${ADDRESS_BYTES} bytes, got ${server.address.length}`);
    }
    out.set(server.address, at);
    at += ADDRESS_BYTES;
    at = writeBytes(out, at, server.publicKey);
    at = out.writeInt32BE(server.interfaces.length, at);
    server.interfaces.forEach((face, i) => {
      const name = `servers[${s}].interfaces[${i}]`;
      at = out.writeUInt8(codeOf(INTERFACE_TYPES, face.type, `${name}.type`), at);
      at = out.writeUInt8(codeOf(INTERFACE_PROTOCOLS, face.protocol, `${name}.protocol`), at);
      at = out.writeInt32BE(checkRange(face.port, 0, 0xffff, `${name}.port`), at);
    });
  });
  return out;
}

/**
 * The site `bytes` encode (exactly: trailing bytes are refused, as HANDLE.NET refuses them). Throws
 * SITE_INFO_MALFORMED naming the field that is truncated or out of range. The result shares no memory
 * with `bytes`.
 */
export function decodeSiteInfo(bytes: Uint8Array): SiteInfo {
  const reader = new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const dataFormatVersion = reader.uint16('version');
  const major = reader.uint8('protocol version');
  const minor = reader.uint8('protocol version');
  const serialNumber = reader.uint16('serial number');
  const mask = reader.uint8('primary mask');
  const hashOption = enumerated(HASH_OPTIONS, reader.uint8('hash option'), 'hash option');
  const hashFilter = reader.bytes('hash filter');
  const attributes: SiteAttribute[] = [];
  const attributeCount = reader.count('attribute count', MIN_ATTRIBUTE_BYTES);
  for (let i = 0; i < attributeCount; i++) {
    attributes.push({ name: reader.text(`attributes[${i}].name`), value: reader.text(`attributes[${i}].value`) });
  }
  const servers: SiteServer[] = [];
  const serverCount = reader.count('server count', MIN_SERVER_BYTES);
  for (let s = 0; s < serverCount; s++) {
    const serverId = reader.int32(`servers[${s}].serverId`);
    const address = reader.fixed(ADDRESS_BYTES, `servers[${s}].address`);
    const publicKey = reader.bytes(`servers[${s}].publicKey`);
    const interfaces: ServiceInterface[] = [];
    const interfaceCount = reader.count(`servers[${s}] interface count`, INTERFACE_BYTES);
    for (let i = 0; i < interfaceCount; i++) {
      const name = `servers[${s}].interfaces[${i}]`;
      const type = enumerated(INTERFACE_TYPES, reader.uint8(`${name}.type`), `${name}.type`);
      const protocol = enumerated(INTERFACE_PROTOCOLS, reader.uint8(`${name}.protocol`), `${name}.protocol`);
      const port = reader.int32(`${name}.port`);
      if (port < 0 || port > 0xffff) throw malformed(`site info ${name}.port must be 0 to 65535, got ${port}`);
      interfaces.push({ type, protocol, port });
    }
    servers.push({ serverId, address, publicKey, interfaces });
  }
  reader.end();
  return {
    dataFormatVersion,
    protocolVersion: { major, minor },
    serialNumber,
    primary: (mask & PRIMARY_SITE) !== 0,
    multiPrimary: (mask & MULTI_PRIMARY) !== 0,
    hashOption,
    hashFilter,
    attributes,
    servers,
  };
}

function writeBytes(out: Buffer, at: number, bytes: Uint8Array): number {
  at = out.writeInt32BE(bytes.length, at);
  out.set(bytes, at);
  return at + bytes.length;
}

function checkRange(value: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw malformed(`site info ${field} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

function codeOf<T>(names: readonly T[], name: T, field: string): number {
  const code = names.indexOf(name);
  if (code < 0) throw malformed(`site info ${field} must be one of ${names.join(', ')}, got ${String(name)}`);
  return code;
}

function enumerated<T>(names: readonly T[], code: number, field: string): T {
  const name = names[code];
  if (name === undefined) throw malformed(`site info ${field} ${code} is none of ${names.map((each, i) => `${i} (${String(each)})`).join(', ')}`);
  return name;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Reads the record front to back; every read checks that its bytes are there. */
class Reader {
  private at = 0;

  constructor(private readonly buffer: Buffer) {}

  private need(length: number, field: string): void {
    const left = this.buffer.length - this.at;
    if (length > left) {
      throw malformed(`site info is truncated: ${field} needs ${length} bytes at offset ${this.at}, only ${left} left`);
    }
  }

  uint8(field: string): number {
    this.need(1, field);
    return this.buffer.readUInt8(this.at++);
  }

  uint16(field: string): number {
    this.need(2, field);
    const value = this.buffer.readUInt16BE(this.at);
    this.at += 2;
    return value;
  }

  int32(field: string): number {
    this.need(4, field);
    const value = this.buffer.readInt32BE(this.at);
    this.at += 4;
    return value;
  }

  fixed(length: number, field: string): Uint8Array {
    this.need(length, field);
    const copy = Buffer.from(this.buffer.subarray(this.at, this.at + length));
    this.at += length;
    return copy;
  }

  /** An int4 length, then that many bytes. */
  bytes(field: string): Uint8Array {
    const length = this.int32(`${field} length`);
    if (length < 0) throw malformed(`site info ${field} has a negative length (${length})`);
    return this.fixed(length, field);
  }

  text(field: string): string {
    try {
      return UTF8.decode(this.bytes(field));
    } catch (error) {
      if (error instanceof IdnodeError) throw error;
      throw malformed(`site info ${field} is not valid UTF-8`);
    }
  }

  /** An int4 count of elements each at least `minBytes` long: refused when the remaining bytes cannot hold them. */
  count(field: string, minBytes: number): number {
    const count = this.int32(field);
    const left = this.buffer.length - this.at;
    if (count < 0 || count * minBytes > left) {
      throw malformed(`site info ${field} ${count} does not fit the ${left} bytes left`);
    }
    return count;
  }

  end(): void {
    const left = this.buffer.length - this.at;
    if (left > 0) throw malformed(`site info has ${left} unexpected bytes after its last server, at offset ${this.at}`);
  }
}
