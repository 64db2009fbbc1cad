import type { HandleValue } from '../core/values/handle-value.js';
import { toWireValue } from '../core/values/wire-value.js';
import type { DataMessage, ValueMessage } from './messages.js';

/**
 * A Value message as the REST wire value it stands for, so the core validates both with the same code and
 * reports the same errors: unset proto3 `optional` fields become absent JSON fields, an empty format with
 * `value` set becomes bare-string data, and a missing `data` stays missing.
 */
export function wireValueOf(message: ValueMessage): Record<string, unknown> {
  const wire: Record<string, unknown> = { index: message.index, type: message.type, data: wireDataOf(message.data) };
  if (message.ttl !== undefined) wire['ttl'] = message.ttl;
  if (message.permissions !== undefined) wire['permissions'] = message.permissions;
  if (message.references.length > 0) wire['references'] = message.references.map((reference) => ({ handle: reference.handle, index: reference.index }));
  return wire;
}

export function wireValuesOf(messages: readonly ValueMessage[]): Record<string, unknown>[] {
  return messages.map(wireValueOf);
}

function wireDataOf(data: DataMessage | null): unknown {
  if (data === null) return undefined;
  const format = data.format === '' ? undefined : data.format;
  if (data.content === 'admin') {
    const admin = data.admin!;
    return { format, value: { handle: admin.handle, index: admin.index, permissions: admin.permissions } };
  }
  if (data.content === 'value' && format === undefined) return data.value;
  return { format, value: data.content === 'value' ? data.value : undefined };
}

/** A stored value as a Value message (every field set): the REST wire value with the admin data in its oneof. */
export function valueMessageOf(value: HandleValue): ValueMessage {
  const { data, references, ...fields } = toWireValue(value);
  return {
    ...fields,
    data: data.format === 'admin' ? { format: 'admin', admin: data.value } : data,
    permissions: value.permissions,
    references: references ?? [],
  };
}

export function valueMessagesOf(values: readonly HandleValue[]): ValueMessage[] {
  return values.map(valueMessageOf);
}
