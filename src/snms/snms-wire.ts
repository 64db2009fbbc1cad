import { IdnodeError } from '../core/errors/catalogue.js';
import { templateVersionOf } from '../core/templates/template-check.js';
import type { HandleValue } from '../core/values/handle-value.js';
import { describeInput } from '../core/values/describe-input.js';
import { SNMS_OK } from './snms-status.js';

/**
 * The SNMS wire shapes (docs/design.md §4, SNMS-style API), decoded into what the core takes and encoded from
 * what it answers. Decoding only reshapes: identifiers and values are validated by the core, as for every front end.
 */

/** An identifier as an SNMS data call carries it: `{handle, templateVersion, value: [...]}`. */
export interface SnmsDataItem {
  /** The full identifier; a bare suffix is joined to `prefix` when one was sent. */
  readonly handle: unknown;
  readonly templateVersion: unknown;
  /** The values in the HANDLE.NET REST shape the core validates. */
  readonly values: unknown;
}

/**
 * Decodes one data item. `value` entries are `{index, type, auth, data: {format, value}}`: `auth`, when it is a
 * four-digit permission string (adminRead adminWrite publicRead publicWrite), becomes the value's permissions;
 * any other `auth` (SNMS clients send "" or a list of readers) leaves the default. Throws REQUEST_INVALID for an
 * item that is not an object.
 */
export function decodeDataItem(raw: unknown): SnmsDataItem {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new IdnodeError('REQUEST_INVALID', `a data item must be an object {handle, templateVersion, value: [...]}, got ${describeInput(raw)}`);
  }
  const item = raw as Record<string, unknown>;
  const { prefix, handle } = item;
  const joined = typeof handle === 'string' && typeof prefix === 'string' && prefix !== '' && !handle.includes('/') ? `${prefix}/${handle}` : handle;
  const value = item['value'];
  return { handle: joined, templateVersion: item['templateVersion'], values: Array.isArray(value) ? value.map(wireValueOf) : value };
}

function wireValueOf(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const { auth, ...rest } = raw as Record<string, unknown>;
  return typeof auth === 'string' && /^[01]{4}$/.test(auth) ? { ...rest, permissions: auth } : rest;
}

/** The values of a batch body: a bare array, or `{items: [...]}` / `{data: [...]}`. Throws REQUEST_INVALID. */
export function batchItems(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === 'object' && body !== null) {
    const { items, data } = body as Record<string, unknown>;
    if (Array.isArray(items)) return items;
    if (Array.isArray(data)) return data;
  }
  throw new IdnodeError('REQUEST_INVALID', `a batch body must be an array of items, or {"items": [...]}, got ${describeInput(body)}`);
}

export interface SnmsValue {
  index: number;
  type: string;
  auth: string;
  ttl: number;
  timestamp: string;
  data: { format: string; value: unknown };
}

/** The detail of an identifier: `{prefix, handle, templateVersion, value: [...]}` (templateVersion "" when none). */
export function detailOf(handle: string, values: readonly HandleValue[]): { prefix: string; handle: string; templateVersion: string; value: SnmsValue[] } {
  return {
    prefix: handle.slice(0, handle.indexOf('/')),
    handle,
    templateVersion: templateVersionOf(values) ?? '',
    value: values.map((value) => ({ index: value.index, type: value.type, auth: value.permissions, ttl: value.ttl, timestamp: value.timestamp, data: { format: value.data.format, value: value.data.value } })),
  };
}

/** A success answer. */
export function ok(data?: unknown): { status: number; message: string; data?: unknown } {
  return data === undefined ? { status: SNMS_OK, message: 'success' } : { status: SNMS_OK, message: 'success', data };
}
