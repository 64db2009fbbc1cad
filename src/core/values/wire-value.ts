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

// The registry shares one HS_ADMIN value among the identifiers it creates within a second: its text is kept.
let lastValue: HandleValue | undefined;
let lastJson = '';

/**
 * JSON.stringify(toWireValue(value)), written directly: no intermediate objects, which matters where every
 * create of a bulk import encodes its public answer (the stores keep it beside the values). Strings are
 * escaped by JSON.stringify; index and ttl are integers; format is one of a fixed set. Throws as toWireValue
 * does for a stored secret key.
 */
export function wireValueJson(value: HandleValue): string {
  if (value === lastValue) return lastJson;
  const data = value.data;
  if (data.format === SECRET_HASH_FORMAT) throw new Error(`the ${value.type} value at index ${value.index} reached an encoder: secret keys are never shown`);
  const dataJson =
    data.format === 'admin'
      ? `{"format":"admin","value":{"handle":${JSON.stringify(data.value.handle)},"index":${data.value.index},"permissions":${JSON.stringify(data.value.permissions)}}}`
      : `{"format":"${data.format}","value":${JSON.stringify(data.value)}}`;
  let json = `{"index":${value.index},"type":${JSON.stringify(value.type)},"data":${dataJson},"ttl":${value.ttl},"timestamp":${JSON.stringify(value.timestamp)}`;
  if (value.permissions !== DEFAULT_PERMISSIONS) json += `,"permissions":${JSON.stringify(value.permissions)}`;
  if (value.references.length > 0) {
    json += ',"references":[';
    for (let k = 0; k < value.references.length; k++) {
      const reference = value.references[k]!;
      json += `${k > 0 ? ',' : ''}{"handle":${JSON.stringify(reference.handle)},"index":${reference.index}}`;
    }
    json += ']';
  }
  json += '}';
  if (data.format === 'admin') {
    lastValue = value;
    lastJson = json;
  }
  return json;
}
