import type { IdnodeError } from '../errors/catalogue.js';
import type { CreateWrite } from '../store/store.js';
import type { BulkItemResult, BulkItemStatus, BulkSummary } from './bulk-types.js';

/** A chunk of queued items: item k has position firstPosition + k. */
export interface Chunk {
  readonly firstPosition: number;
  /** The NDJSON line of each item (one entry per item: undefined when items did not come from lines). */
  readonly lines: readonly (number | undefined)[];
}

/** An item refused before or after reaching the store. */
export interface Refusal {
  readonly handle: string;
  readonly error: IdnodeError;
}

/** What became of one item of a chunk: its status, or its refusal. */
export type Outcome = Exclude<BulkItemStatus, 'failed'> | Refusal;

/** A settled chunk's counts by status. */
export interface ChunkCounts {
  readonly created: number;
  readonly alreadyExisted: number;
  readonly updated: number;
  readonly failed: number;
}

/**
 * The running totals of a bulk session and the failures it lists (the first `maxFailuresListed`; the rest
 * only counted), fed one settled chunk at a time. Result objects are built for failures, and for every item
 * only when the caller asked for them (onResult): an import of millions builds none for its created items.
 */
export class BulkTally {
  private created = 0;
  private alreadyExisted = 0;
  private updated = 0;
  private failed = 0;
  private readonly failures: BulkItemResult[] = [];
  private failuresOmitted = 0;

  constructor(
    private readonly maxFailuresListed: number,
    private readonly onResult: ((result: BulkItemResult) => void) | undefined,
  ) {}

  /**
   * Adds a settled chunk: `outcomes` holds one outcome per item, `creates` the creates tried and `slots` the
   * item each stood for (which names the identifier in its result). Returns the chunk's own counts.
   */
  addChunk(chunk: Chunk, outcomes: readonly Outcome[], creates: readonly CreateWrite[], slots: readonly number[]): ChunkCounts {
    const onResult = this.onResult;
    const handles = onResult === undefined ? undefined : handlesBySlot(outcomes.length, creates, slots);
    let created = 0;
    let alreadyExisted = 0;
    let updated = 0;
    let failed = 0;
    for (let slot = 0; slot < outcomes.length; slot++) {
      const outcome = outcomes[slot]!;
      switch (outcome) {
        case 'created':
          created++;
          break;
        case 'already-exists':
          alreadyExisted++;
          break;
        case 'updated':
          updated++;
          break;
        default: {
          failed++;
          const item = { ...result(chunk, slot, outcome.handle, 'failed'), code: outcome.error.code, message: outcome.error.message };
          if (this.failures.length < this.maxFailuresListed) this.failures.push(item);
          else this.failuresOmitted++;
          onResult?.(item);
          continue;
        }
      }
      onResult?.(result(chunk, slot, handles![slot]!, outcome));
    }
    this.created += created;
    this.alreadyExisted += alreadyExisted;
    this.updated += updated;
    this.failed += failed;
    return { created, alreadyExisted, updated, failed };
  }

  /** The totals so far. */
  summary(): BulkSummary {
    return {
      received: this.created + this.alreadyExisted + this.updated + this.failed,
      created: this.created,
      alreadyExisted: this.alreadyExisted,
      updated: this.updated,
      failed: this.failed,
      failures: [...this.failures],
      failuresOmitted: this.failuresOmitted,
    };
  }
}

/** The identifier of each item that reached the store, by its slot. */
function handlesBySlot(length: number, creates: readonly CreateWrite[], slots: readonly number[]): (string | undefined)[] {
  const handles: (string | undefined)[] = new Array(length);
  for (let k = 0; k < creates.length; k++) handles[slots[k]!] = creates[k]!.handle;
  return handles;
}

function result(chunk: Chunk, slot: number, handle: string, status: BulkItemStatus): BulkItemResult {
  const position = chunk.firstPosition + slot;
  const line = chunk.lines[slot];
  return line === undefined ? { position, handle, status } : { position, line, handle, status };
}
