import type { BulkItem, BulkItemResult, BulkItemStatus, BulkSummary } from '../core/bulk/bulk-types.js';
import { itemErrorMessageOf } from './grpc-errors.js';
import type { BulkSummaryMessage, ItemResultMessage, ItemStatusName, RegisterItemMessage } from './messages.js';
import { wireValuesOf } from './value-messages.js';

const STATUS: Record<BulkItemStatus, ItemStatusName> = {
  created: 'ITEM_STATUS_CREATED',
  'already-exists': 'ITEM_STATUS_ALREADY_EXISTS',
  updated: 'ITEM_STATUS_UPDATED',
  failed: 'ITEM_STATUS_FAILED',
};

export function bulkItemOf(message: RegisterItemMessage): BulkItem {
  return { handle: message.handle, values: wireValuesOf(message.values) };
}

export function itemResultMessageOf(result: BulkItemResult): ItemResultMessage {
  const message: ItemResultMessage = { position: result.position, handle: result.handle, status: STATUS[result.status] };
  if (result.code !== undefined) message.error = itemErrorMessageOf(result.code, result.message ?? '', result.handle);
  return message;
}

export function summaryMessageOf(summary: BulkSummary): BulkSummaryMessage {
  return {
    received: summary.received,
    created: summary.created,
    alreadyExisted: summary.alreadyExisted,
    updated: summary.updated,
    failed: summary.failed,
    failures: summary.failures.map(itemResultMessageOf),
    failuresOmitted: summary.failuresOmitted,
  };
}
