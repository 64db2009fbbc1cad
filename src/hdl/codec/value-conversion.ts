import { wireTimestamp, type HandleValue, type ValueData } from '../../core/values/handle-value.js';
import { adminPermissionMask, adminPermissionString, decodeAdminData, encodeAdminData } from './admin-data.js';
import { PermissionBit, TtlType } from './constants.js';
import type { WireHandleValue } from './handle-value.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const PERMISSION_BITS = [PermissionBit.ADMIN_READ, PermissionBit.ADMIN_WRITE, PermissionBit.PUBLIC_READ, PermissionBit.PUBLIC_WRITE] as const;

/**
 * A stored value as the protocol carries it: the timestamp in POSIX seconds, a relative ttl, the four
 * permission digits (adminRead, adminWrite, publicRead, publicWrite) as the permissions byte, and the data as
 * bytes: string → UTF-8, base64 and hex → the bytes they spell, admin → the HS_ADMIN record.
 */
export function toWireHandleValue(value: HandleValue): WireHandleValue {
  let permissions = 0;
  for (let i = 0; i < 4; i++) if (value.permissions.charCodeAt(i) === 49) permissions |= PERMISSION_BITS[i]!;
  return {
    index: value.index,
    timestamp: Math.floor(Date.parse(value.timestamp) / 1000),
    ttlType: TtlType.RELATIVE,
    ttl: value.ttl,
    permissions,
    type: value.type,
    data: dataBytes(value.data),
    references: value.references,
  };
}

function dataBytes(data: ValueData): Buffer {
  switch (data.format) {
    case 'string':
      return Buffer.from(data.value, 'utf8');
    case 'base64':
      return Buffer.from(data.value, 'base64');
    case 'hex':
      return Buffer.from(data.value, 'hex');
    case 'admin':
      return encodeAdminData({ permissions: adminPermissionMask(data.value.permissions), handle: data.value.handle, index: data.value.index });
  }
}

/**
 * A received value in the node's own shape (for clients and tests): HS_ADMIN data that decodes as a record
 * becomes admin data, other data that is UTF-8 a string, anything else base64. An absolute ttl is kept as
 * it came (the caller may look at ttlType on the wire value).
 */
export function fromWireHandleValue(value: WireHandleValue): HandleValue {
  let permissions = '';
  for (const bit of PERMISSION_BITS) permissions += (value.permissions & bit) !== 0 ? '1' : '0';
  return {
    index: value.index,
    type: value.type,
    data: valueData(value.type, value.data),
    ttl: value.ttl,
    timestamp: wireTimestamp(value.timestamp * 1000),
    permissions,
    references: value.references.map((reference) => ({ handle: reference.handle, index: reference.index })),
  };
}

function valueData(type: string, data: Uint8Array): ValueData {
  if (type === 'HS_ADMIN') {
    try {
      const admin = decodeAdminData(data);
      return { format: 'admin', value: { handle: admin.handle, index: admin.index, permissions: adminPermissionString(admin.permissions) } };
    } catch {
      // Not a record after all: shown as its bytes below.
    }
  }
  try {
    return { format: 'string', value: UTF8.decode(data) };
  } catch {
    return { format: 'base64', value: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
  }
}
