import { once } from 'node:events';
import type { ClientWritableStream, Metadata, ServiceError } from '@grpc/grpc-js';
import { serial, valueMessagesOf } from '../helpers/bulk-data.js';
import type { IdnodeClients } from '../helpers/grpc-client.js';
import type { BothNode } from '../helpers/grpc-node.js';
import type { Json } from '../helpers/http.js';

export const DEMO = '88.999.DEMO';

export function registerItem(i: number, prefix = DEMO): { handle: string; values: unknown[] } {
  return { handle: `${prefix}/${serial(i)}`, values: valueMessagesOf(i) };
}

export async function counter(both: BothNode, kind: string, prefix = DEMO): Promise<number> {
  await both.node.metering.flush();
  const rows = await both.store.listCounters('2000-01-01', '2100-01-01');
  return rows.filter((row) => row.kind === kind && row.prefix === prefix).reduce((sum, row) => sum + row.count, 0);
}

/** Opens BulkRegister; `summary` settles with the reply or the error status. */
export function bulkRegister(clients: IdnodeClients, metadata: Metadata): { call: ClientWritableStream<unknown>; summary: Promise<{ error: ServiceError | null; value: Json }> } {
  let settle!: (outcome: { error: ServiceError | null; value: Json }) => void;
  const summary = new Promise<{ error: ServiceError | null; value: Json }>((resolve) => (settle = resolve));
  const call = clients.registry['BulkRegister']!.call(clients.registry, metadata, (error: ServiceError | null, value: unknown) => settle({ error, value })) as ClientWritableStream<unknown>;
  return { call, summary };
}

/** Writes one message, waiting for the stream to drain when it is full. */
export async function write(call: ClientWritableStream<unknown>, message: unknown): Promise<void> {
  if (!call.write(message)) await once(call, 'drain');
}
