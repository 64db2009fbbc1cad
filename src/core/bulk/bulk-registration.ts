import { assertMayRegister } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { IdnodeError } from '../errors/catalogue.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { Registry } from '../registry/registry.js';
import { BulkSession } from './bulk-session.js';
import { MAX_BATCH_ITEMS, type BulkItem, type BulkItemResult, type BulkOptions, type BulkSummary } from './bulk-types.js';

export interface BulkCall extends BulkOptions {
  readonly principal: Principal;
  /** Request-scoped logger (carries the request id); defaults to the service's. */
  readonly log?: Logger;
}

/**
 * Registration of many identifiers at once (docs/design.md §4, native bulk API): a service of the node (IdNode.bulk)
 * shared by every front end: the REST batch and NDJSON import, gRPC RegisterBatch and BulkRegister are thin
 * adapters over `registerBatch` and `openImport`. Every write goes through the Registry: each item is
 * validated and authorised exactly as a single PUT would be; see BulkSession for the per-item semantics.
 */
export class BulkRegistration {
  constructor(
    private readonly registry: Registry,
    private readonly logger: Logger = silentLogger,
  ) {}

  /**
   * Registers up to MAX_BATCH_ITEMS items in one transaction and returns a result per item, in order.
   * Throws IdnodeError (nothing written) when the caller may not write at all (anonymous, auditor) or the
   * batch is too large; a store failure rejects too and writes nothing.
   */
  async registerBatch(items: readonly BulkItem[], call: BulkCall): Promise<{ results: BulkItemResult[]; summary: BulkSummary }> {
    const log = call.log ?? this.logger;
    if (items.length > MAX_BATCH_ITEMS) {
      throw this.refusedWhole(
        new IdnodeError('REQUEST_INVALID', `a batch holds at most ${MAX_BATCH_ITEMS} items, got ${items.length}; send more batches or use the streaming import`),
        call,
        log,
      );
    }
    this.assertMayWrite(call, log);
    const results: BulkItemResult[] = [];
    const session = new BulkSession(this.registry, call.principal, { ...call, chunkSize: Math.max(1, items.length), onResult: (result) => results.push(result) }, log, 'batch');
    // add hands the chunk over only when it is full (at the last item): no promise to await per item.
    for (const item of items) {
      const committing = session.add(item);
      if (committing !== undefined) await committing;
    }
    const summary = await session.finish();
    return { results, summary };
  }

  /**
   * Opens a streamed import: the front end adds items as it decodes them, awaiting each `add` (commits
   * happen there, a chunk at a time), then calls `finish`, or `abandon` when the client goes away. Throws
   * IdnodeError when the caller may not write at all (anonymous, auditor).
   */
  openImport(call: BulkCall): BulkSession {
    const log = call.log ?? this.logger;
    this.assertMayWrite(call, log);
    return new BulkSession(this.registry, call.principal, call, log, 'import');
  }

  /** Refuses the whole request up front for callers who can write nothing, rather than failing every item. */
  private assertMayWrite(call: BulkCall, log: Logger): void {
    try {
      assertMayRegister(call.principal);
    } catch (error) {
      throw this.refusedWhole(error as IdnodeError, call, log);
    }
  }

  /** A refused request counts as one refused write (under no prefix: no item was looked at). */
  private refusedWhole(error: IdnodeError, call: BulkCall, log: Logger): IdnodeError {
    return this.registry.refused(error, { principal: call.principal, protocol: call.protocol, log });
  }
}
