import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';

/**
 * One handle value as the protocol carries it (RFC 3651 §3.1): index, timestamp (POSIX seconds), ttlType
 * (TtlType) and ttl, the permissions byte (PermissionBit), type, data, and references to other values.
 */
export interface WireHandleValue {
  readonly index: number;
  readonly timestamp: number;
  readonly ttlType: number;
  readonly ttl: number;
  readonly permissions: number;
  readonly type: string;
  readonly data: Uint8Array;
  readonly references: readonly { readonly handle: string; readonly index: number }[];
}

/** The smallest encoded value: fixed fields, empty type and data, no references. */
export const MINIMUM_VALUE_SIZE = 4 + 4 + 1 + 4 + 1 + 4 + 4 + 4;
const MINIMUM_REFERENCE_SIZE = 4 + 4;

export function writeHandleValue(writer: ByteWriter, value: WireHandleValue): void {
  writer.u32(value.index).u32(value.timestamp).u8(value.ttlType).u32(value.ttl).u8(value.permissions);
  writer.utf8(value.type).lengthPrefixed(value.data);
  writer.u32(value.references.length);
  for (const reference of value.references) writer.utf8(reference.handle).u32(reference.index);
}

/** Reads one value; `data` is a view into the reader's bytes. */
export function readHandleValue(reader: ByteReader): WireHandleValue {
  const index = reader.i32('value index');
  const timestamp = reader.u32('value timestamp');
  const ttlType = reader.u8('value ttlType');
  const ttl = reader.i32('value ttl');
  const permissions = reader.u8('value permissions');
  const type = reader.utf8('value type');
  const data = reader.lengthPrefixed('value data');
  const count = reader.count('value references', MINIMUM_REFERENCE_SIZE);
  const references: { handle: string; index: number }[] = [];
  for (let i = 0; i < count; i++) references.push({ handle: reader.utf8('value reference handle'), index: reader.i32('value reference index') });
  return { index, timestamp, ttlType, ttl, permissions, type, data, references };
}
