import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';

/**
 * The data of an HS_ADMIN value (RFC 3651 §3.2.5): the 16-bit permission mask, the admin's handle and the
 * index of its key value. The mask read as 12 binary digits, most significant first, is HANDLE.NET's
 * permission string (e.g. 0x07f3 is "011111110011").
 */
export interface WireAdminData {
  readonly permissions: number;
  readonly handle: string;
  readonly index: number;
}

export function encodeAdminData(admin: WireAdminData): Buffer {
  const writer = new ByteWriter(10 + admin.handle.length * 3);
  writer.u16(admin.permissions).utf8(admin.handle).u32(admin.index);
  return Buffer.from(writer.finish());
}

/** Throws ProtocolError unless `data` is exactly one HS_ADMIN record. */
export function decodeAdminData(data: Uint8Array): WireAdminData {
  const reader = new ByteReader(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  const admin = { permissions: reader.u16('HS_ADMIN permissions'), handle: reader.utf8('HS_ADMIN handle'), index: reader.i32('HS_ADMIN index') };
  reader.expectEnd('HS_ADMIN data');
  return admin;
}

/** The 12-digit permission string of a mask, and back. */
export function adminPermissionString(mask: number): string {
  return (mask & 0x0fff).toString(2).padStart(12, '0');
}

export function adminPermissionMask(permissions: string): number {
  return Number.parseInt(permissions, 2) & 0x0fff;
}
