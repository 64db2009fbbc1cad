import { DEFAULT_PERMISSIONS, SECRET_HASH_FORMAT, type HandleValue } from './handle-value.js';

/** HS_ADMIN data on the wire; `index` is always a number on output (input may send a digit string). */
export interface WireAdminData {
  handle: string;
  index: number;
  permissions: string;
}

export type WireData =
  | { format: 'string' | 'base64' | 'hex'; value: string }
  | { format: 'admin'; value: WireAdminData };

export interface WireReference {
  handle: string;
  index: number;
}

/**
 * One value as the HANDLE.NET JSON REST API serves it (technical manual ch. 14), key order included, so
 * JSON.stringify gives the same text as HANDLE.NET: index, type, data, ttl, timestamp, then `permissions`
 * only when not the default 1110 and `references` only when non-empty. This is the output shape;
 * validateValues accepts a looser input (bare-string data, digit-string indexes, extra fields).
 */
export interface WireValue {
  index: number;
  type: string;
  data: WireData;
  ttl: number;
  timestamp: string;
  permissions?: string;
  references?: WireReference[];
}

/**
 * Fresh objects throughout: the result shares nothing with `value`, so callers may mutate it. Throws for a
 * stored secret key: resolution never hands one to an encoder (shownValues), and this is the backstop.
 */
export function toWireValue(value: HandleValue): WireValue {
  const data = value.data;
  if (data.format === SECRET_HASH_FORMAT) throw new Error(`the ${value.type} value at index ${value.index} reached an encoder: secret keys are never shown`);
  const wire: WireValue = {
    index: value.index,
    type: value.type,
    data:
      data.format === 'admin'
        ? { format: 'admin', value: { handle: data.value.handle, index: data.value.index, permissions: data.value.permissions } }
        : { format: data.format, value: data.value },
    ttl: value.ttl,
    timestamp: value.timestamp,
  };
  if (value.permissions !== DEFAULT_PERMISSIONS) wire.permissions = value.permissions;
  if (value.references.length > 0) {
    wire.references = value.references.map((reference) => ({ handle: reference.handle, index: reference.index }));
  }
  return wire;
}

export function toWireValues(values: readonly HandleValue[]): WireValue[] {
  const wire: WireValue[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) wire[i] = toWireValue(values[i]!);
  return wire;
}
