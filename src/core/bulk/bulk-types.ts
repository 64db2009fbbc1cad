import type { ErrorCode, IdnodeError } from '../errors/catalogue.js';
import type { MetadataTemplate } from '../templates/template.js';

/** One identifier to register, as decoded from the wire; validated by the session, never before. */
export interface BulkItem {
  /** As received (anything that is not a string fails with REQUEST_INVALID). */
  readonly handle: unknown;
  /** The REST wire values (a decoded JSON array), exactly as PUT /api/handles takes them. */
  readonly values: unknown;
  /** Set when the front end could not decode the item (a line that is not JSON, say): it fails with this error. */
  readonly problem?: IdnodeError;
  /** The metadata template the item is registered against (see PutRequest.template), already resolved. */
  readonly template?: MetadataTemplate;
}

/**
 * - created: the identifier did not exist and now does (counted as a registration).
 * - already-exists: it exists with the same values, timestamps aside (an identical retry): nothing written, nothing counted.
 * - updated: overwrite was on and it existed with other values, which were replaced (counted as an update).
 * - failed: refused, with a catalogue code; nothing written (counted as refused).
 */
export type BulkItemStatus = 'created' | 'already-exists' | 'updated' | 'failed';

export interface BulkItemResult {
  /** 0-based position of the item in the batch or stream, in the order received. */
  readonly position: number;
  /** 1-based line of the NDJSON body, for items read from one; absent otherwise. */
  readonly line?: number;
  /** Normalised when the identifier parsed; else as received ("" when it was not a string). */
  readonly handle: string;
  readonly status: BulkItemStatus;
  /** Set iff status is failed. */
  readonly code?: ErrorCode;
  readonly message?: string;
}

/** Totals of a batch or an import; `failures` lists the first failed items (see maxFailuresListed). */
export interface BulkSummary {
  /** Items received, including failed ones (blank NDJSON lines are not items). */
  readonly received: number;
  readonly created: number;
  readonly alreadyExisted: number;
  readonly updated: number;
  readonly failed: number;
  /** The first failed items, in position order. */
  readonly failures: readonly BulkItemResult[];
  /** Failed items not listed in `failures` (the list is bounded so that memory stays flat). */
  readonly failuresOmitted: number;
}

export interface BulkOptions {
  /** false (the default of every bulk path): create only; true: an existing identifier with other values is replaced. */
  readonly overwrite: boolean;
  /** The front end (rest, grpc, cli): recorded in counters and logs. */
  readonly protocol: string;
  /** Items per transaction (default DEFAULT_CHUNK_SIZE). */
  readonly chunkSize?: number;
  /** Most failures kept for the summary (default DEFAULT_MAX_FAILURES_LISTED). */
  readonly maxFailuresListed?: number;
  /** Called with every item's result, in position order, once its chunk has been settled. */
  readonly onResult?: (result: BulkItemResult) => void;
}

/** Most items one batch request (REST or gRPC) may carry. */
export const MAX_BATCH_ITEMS = 2000;
/** Items per transaction of a streamed import: large enough to amortise a commit, small enough to bound memory. */
export const DEFAULT_CHUNK_SIZE = 2000;
export const DEFAULT_MAX_FAILURES_LISTED = 1000;
