/**
 * The decoded shapes of the idnode.v1 messages the server reads and writes (see proto-definition.ts for
 * the loader options that produce them). Only what the adapters touch is typed.
 */

export interface ValueMessage {
  index: number;
  type: string;
  /** null when the field was not sent. */
  data: DataMessage | null;
  /** Absent when not sent (proto3 optional). */
  ttl?: number;
  timestamp: string;
  permissions?: string;
  references: ReferenceMessage[];
}

export interface DataMessage {
  format: string;
  value?: string;
  admin?: AdminDataMessage;
  /** Which member of the oneof is set. */
  content?: 'value' | 'admin';
}

export interface AdminDataMessage {
  handle: string;
  index: number;
  permissions: string;
}

export interface ReferenceMessage {
  handle: string;
  index: number;
}

export interface ErrorMessage {
  code: string;
  message: string;
  handle: string;
  responseCode: number;
  grpcStatus: number;
}

export interface ResolveRequestMessage {
  handle: string;
  indexes: number[];
  types: string[];
}

export interface ResolveResponseMessage {
  handle: string;
  values: ValueMessage[];
  responseCode: number;
}

export interface RegisterItemMessage {
  handle: string;
  values: ValueMessage[];
}

export type ItemStatusName = 'ITEM_STATUS_CREATED' | 'ITEM_STATUS_ALREADY_EXISTS' | 'ITEM_STATUS_UPDATED' | 'ITEM_STATUS_FAILED';

export interface ItemResultMessage {
  position: number;
  handle: string;
  status: ItemStatusName;
  error?: ErrorMessage;
}

export interface BulkSummaryMessage {
  received: number;
  created: number;
  alreadyExisted: number;
  updated: number;
  failed: number;
  failures: ItemResultMessage[];
  failuresOmitted: number;
}
