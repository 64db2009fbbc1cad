import type { Principal } from '../auth/principal.js';
import type { ResolutionCache } from '../cache/resolution-cache.js';
import { IdnodeError, isIdnodeError } from '../errors/catalogue.js';
import { parseIdentifier } from '../identifier/identifier.js';
import type { Logger } from '../log/logger.js';
import type { Metering } from '../metering/metering.js';
import type { Registry } from '../registry/registry.js';
import type { HandleRecord, HandleWrite, Store, WriteContext } from '../store/store.js';
import type { HandleValue } from '../values/handle-value.js';
import { describeInput } from '../values/describe-input.js';
import {
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MAX_FAILURES_LISTED,
  type BulkItem,
  type BulkItemResult,
  type BulkItemStatus,
  type BulkOptions,
  type BulkSummary,
} from './bulk-types.js';
import { sameValuesIgnoringTimestamps } from './same-values.js';
import { SeenFilter } from './seen-filter.js';

/** The core services a session writes through. */
export interface BulkDependencies {
  readonly registry: Registry;
  readonly store: Store;
  readonly cache: ResolutionCache;
  readonly metering: Metering;
}

interface Pending {
  readonly position: number;
  readonly line: number | undefined;
  readonly item: BulkItem;
  readonly rawHandle: string;
}

interface Staged {
  readonly chunk: readonly Pending[];
  readonly context: WriteContext;
  readonly results: (BulkItemResult | undefined)[];
  readonly prepared: readonly Prepared[];
}

interface Prepared {
  readonly slot: number;
  readonly handle: string;
  readonly prefix: string;
  readonly values: readonly HandleValue[];
}

/**
 * One batch or streamed import. Items are queued with `add` and written a chunk at a time, each chunk in
 * one store transaction (so a registration is counted iff committed, and a chunk is never half-applied).
 * Every item ends with exactly one result, delivered in position order through options.onResult and
 * totalled in the summary; memory is bounded by one chunk plus the listed failures plus the SeenFilter
 * (about a byte per identifier written).
 *
 * Semantics per item (create, or with overwrite: create-or-replace):
 * - validated exactly as Registry.preparePut validates a PUT (identifier, homing, rights, values, default HS_ADMIN);
 * - absent → created; present with the same values (timestamps aside) → already-exists, nothing written or
 *   counted, which makes a re-sent batch harmless; present with other values → HANDLE_ALREADY_EXISTS, or
 *   with overwrite a replace in a second transaction of the same chunk → updated;
 * - an identifier written earlier by the same session → HANDLE_DUPLICATE_IN_REQUEST. Within a chunk this is
 *   exact. Across chunks it is recognised when the record's created/updated time is one of this session's
 *   write times and the SeenFilter has the identifier; a duplicate whose first occurrence wrote nothing
 *   (already-exists) in an earlier chunk is reported as already-exists again.
 * Refused items are logged and counted (Metering.countRefused); written identifiers are dropped from the cache.
 */
export class BulkSession {
  private pending: Pending[] = [];
  private nextPosition = 0;
  private created = 0;
  private alreadyExisted = 0;
  private updated = 0;
  private failed = 0;
  private readonly failures: BulkItemResult[] = [];
  private failuresOmitted = 0;
  private readonly written = new SeenFilter();
  private readonly writeTimes = new Set<number>();
  private state: 'open' | 'finished' | 'abandoned' | 'broken' = 'open';
  /** The chunk handed to the store and not yet settled (its results delivered, or its failure recorded). */
  private inFlight: Promise<void> | undefined;
  /** The store's error once a commit failed. */
  private failure: unknown;
  private failureReported = false;
  private readonly chunkSize: number;
  private readonly maxFailuresListed: number;
  private readonly principalId: string;

  constructor(
    private readonly deps: BulkDependencies,
    private readonly principal: Principal,
    private readonly options: BulkOptions,
    private readonly log: Logger,
    /** How messages name the whole request: "batch" or "import". */
    private readonly noun: string,
  ) {
    this.chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    this.maxFailuresListed = Math.max(0, options.maxFailuresListed ?? DEFAULT_MAX_FAILURES_LISTED);
    this.principalId = principal.kind === 'anonymous' ? 'anonymous' : principal.id;
  }

  /**
   * Queues one item (`line`: its line in an NDJSON body, for reports). When it fills a chunk, the chunk is
   * validated and handed to the store once the chunk before it has committed, and `add` resolves without
   * waiting for this one: at most one chunk commits while the next is read and validated, which a store
   * that writes off the main thread turns into parallel work. A streaming front end awaits `add` before
   * reading on, which is its back-pressure (two chunks held at most). Rejects with the store's error once a
   * transaction has failed (nothing of that transaction was written; with overwrite, a chunk's creates may
   * be committed and reported while its replaces failed); the session is then unusable.
   */
  async add(item: BulkItem, line?: number): Promise<void> {
    this.assertOpen();
    this.pending.push({ position: this.nextPosition++, line, item, rawHandle: typeof item.handle === 'string' ? item.handle : '' });
    if (this.pending.length >= this.chunkSize) await this.commitPending();
  }

  /** Commits what is queued, waits for every commit, and returns the totals. Rejects like `add`. */
  async finish(): Promise<BulkSummary> {
    this.assertOpen();
    await this.commitPending();
    await this.settleInFlight();
    this.state = 'finished';
    const summary = this.summary();
    this.log.info({ protocol: this.options.protocol, principal: this.principalId, ...counts(summary) }, `bulk ${this.noun} finished`);
    return summary;
  }

  /**
   * The client went away: the queued, uncommitted items are dropped (none of them was acknowledged) and
   * everything committed so far stays. A commit already in progress completes, whole; the promise resolves
   * once it has settled (it never rejects: a failure of that commit is logged).
   */
  async abandon(reason: string): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'abandoned';
    const dropped = this.pending.length;
    this.pending = [];
    this.log.warn({ protocol: this.options.protocol, principal: this.principalId, dropped, ...counts(this.summary()) }, `bulk ${this.noun} abandoned: ${reason}`);
    await this.inFlight;
  }

  /** The totals so far (committed and refused items only; queued ones are not counted yet). */
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

  private assertOpen(): void {
    this.throwUnreportedFailure();
    if (this.state !== 'open') throw new IdnodeError('REQUEST_INVALID', `this bulk ${this.noun} is ${this.state}; no more items are taken`);
  }

  /** Validates the queued chunk now, then hands it to the store once the previous chunk has committed. */
  private async commitPending(): Promise<void> {
    const chunk = this.pending;
    this.pending = [];
    if (chunk.length === 0) return;
    let staged: Staged;
    try {
      staged = this.stage(chunk);
    } catch (error) {
      this.broke(chunk, error);
      throw error;
    }
    await this.settleInFlight();
    this.inFlight = this.write(staged).catch((error: unknown) => this.broke(chunk, error));
  }

  private broke(chunk: readonly Pending[], error: unknown): void {
    this.state = 'broken';
    this.failure = error;
    // Refusals found while preparing the chunk were counted and stand; what the store did commit is in the summary.
    this.log.error(
      { err: error, protocol: this.options.protocol, principal: this.principalId, chunkPositions: [chunk[0]!.position, chunk.at(-1)!.position], ...counts(this.summary()) },
      `bulk ${this.noun} stopped: the store failed; the items of the failed transaction were not written`,
    );
  }

  /** Waits for the chunk in flight, if any; rethrows the store's error if a commit failed. */
  private async settleInFlight(): Promise<void> {
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    if (inFlight !== undefined) await inFlight;
    this.throwUnreportedFailure();
  }

  /** The store's error is thrown once, by the first call after it; later calls find the session broken. */
  private throwUnreportedFailure(): void {
    if (this.failure === undefined || this.failureReported) return;
    this.failureReported = true;
    throw this.failure;
  }

  /** Validates a chunk: its write context, the results of refused items, and the creates to try. */
  private stage(chunk: readonly Pending[]): Staged {
    const context = this.deps.registry.writeContext(this.options.protocol);
    this.writeTimes.add(context.nowMs);
    const results: (BulkItemResult | undefined)[] = new Array(chunk.length);
    const prepared = this.prepareChunk(chunk, context, results);
    return { chunk, context, results, prepared };
  }

  private async write({ chunk, context, results, prepared }: Staged): Promise<void> {
    const { store } = this.deps;
    const creates: HandleWrite[] = prepared.map(({ handle, prefix, values }) => ({ op: 'create', handle, prefix, values }));
    const outcomes = creates.length === 0 ? [] : await store.applyWrites(creates, context);
    const toReplace: Prepared[] = [];
    for (let k = 0; k < prepared.length; k++) {
      const item = prepared[k]!;
      const outcome = outcomes[k]!;
      if (outcome.status === 'created') {
        results[item.slot] = this.wrote(chunk[item.slot]!, item.handle, 'created');
      } else if (outcome.status === 'exists' && outcome.existing !== undefined) {
        results[item.slot] = this.settleExisting(chunk[item.slot]!, item, outcome.existing, toReplace);
      } else {
        throw new IdnodeError('INTERNAL_ERROR', `the store answered "${outcome.status}" to creating ${item.handle}`, { handle: item.handle });
      }
    }
    if (toReplace.length > 0) {
      const replaces: HandleWrite[] = toReplace.map(({ handle, prefix, values }) => ({ op: 'replace', handle, prefix, values }));
      let replaced;
      try {
        replaced = await store.applyWrites(replaces, context);
      } catch (error) {
        // The creates of this chunk are committed: report them, and the replaces as failed, then stop.
        const failure = isIdnodeError(error) ? error : new IdnodeError('INTERNAL_ERROR', 'the store failed while replacing', { cause: error });
        for (const item of toReplace) results[item.slot] = this.refused(chunk[item.slot]!, item.handle, failure);
        this.deliver(results);
        throw error;
      }
      for (let k = 0; k < toReplace.length; k++) {
        const item = toReplace[k]!;
        const status = replaced[k]!.status;
        if (status !== 'created' && status !== 'updated') {
          throw new IdnodeError('INTERNAL_ERROR', `the store answered "${status}" to replacing ${item.handle}`, { handle: item.handle });
        }
        results[item.slot] = this.wrote(chunk[item.slot]!, item.handle, status);
      }
    }
    this.deliver(results);
  }

  /** Validates every item of the chunk; failures go straight into `results`, the rest are returned. */
  private prepareChunk(chunk: readonly Pending[], context: WriteContext, results: (BulkItemResult | undefined)[]): Prepared[] {
    const prepared: Prepared[] = [];
    const firstSlot = new Map<string, number>();
    for (let slot = 0; slot < chunk.length; slot++) {
      const entry = chunk[slot]!;
      const { handle, values, problem } = entry.item;
      if (problem !== undefined) {
        results[slot] = this.refused(entry, entry.rawHandle, problem);
        continue;
      }
      let write: HandleWrite;
      try {
        if (typeof handle !== 'string') throw new IdnodeError('REQUEST_INVALID', `handle must be a string, got ${describeInput(handle)}`);
        write = this.deps.registry.preparePut(
          { principal: this.principal, handle, values, overwrite: false, protocol: this.options.protocol, log: this.log },
          context.nowMs,
        );
      } catch (error) {
        if (!isIdnodeError(error)) throw error;
        results[slot] = this.refused(entry, error.handle ?? entry.rawHandle, error);
        continue;
      }
      if (write.op !== 'create') throw new IdnodeError('INTERNAL_ERROR', `preparing a create of ${write.handle} gave a ${write.op}`);
      const earlier = firstSlot.get(write.handle);
      if (earlier !== undefined) {
        const first = chunk[earlier]!;
        results[slot] = this.refused(
          entry,
          write.handle,
          new IdnodeError('HANDLE_DUPLICATE_IN_REQUEST', `${write.handle} occurs earlier in this ${this.noun}, at ${where(first)}; it is written once`, {
            handle: write.handle,
          }),
        );
        continue;
      }
      firstSlot.set(write.handle, slot);
      prepared.push({ slot, handle: write.handle, prefix: write.prefix, values: write.values });
    }
    return prepared;
  }

  private settleExisting(entry: Pending, item: Prepared, existing: HandleRecord, toReplace: Prepared[]): BulkItemResult | undefined {
    if (this.wroteEarlier(existing)) {
      return this.refused(
        entry,
        item.handle,
        new IdnodeError('HANDLE_DUPLICATE_IN_REQUEST', `${item.handle} was already written earlier in this ${this.noun}; it is written once`, { handle: item.handle }),
      );
    }
    if (sameValuesIgnoringTimestamps(existing.values, item.values)) return result(entry, item.handle, 'already-exists');
    if (this.options.overwrite) {
      toReplace.push(item);
      return undefined;
    }
    return this.refused(
      entry,
      item.handle,
      new IdnodeError('HANDLE_ALREADY_EXISTS', `${item.handle} already exists with other values (overwrite=false)`, { handle: item.handle }),
    );
  }

  /** Whether `record` was written by this session (see the class comment for how exact this is). */
  private wroteEarlier(record: HandleRecord): boolean {
    return (this.writeTimes.has(record.createdAtMs) || this.writeTimes.has(record.updatedAtMs)) && this.written.mightContain(record.handle);
  }

  private wrote(entry: Pending, handle: string, status: 'created' | 'updated'): BulkItemResult {
    this.written.add(handle);
    this.deps.cache.invalidate(handle);
    return result(entry, handle, status);
  }

  private refused(entry: Pending, handle: string, error: IdnodeError): BulkItemResult {
    this.deps.metering.countRefused(prefixOrEmpty(handle), this.options.protocol);
    this.log.warn(
      { handle, position: entry.position, ...(entry.line === undefined ? {} : { line: entry.line }), code: error.code, principal: this.principalId, protocol: this.options.protocol },
      `write refused: ${error.message}`,
    );
    return { ...result(entry, handle, 'failed'), code: error.code, message: error.message };
  }

  private deliver(results: readonly (BulkItemResult | undefined)[]): void {
    let created = 0;
    let alreadyExisted = 0;
    let updated = 0;
    let failed = 0;
    for (const item of results) {
      if (item === undefined) throw new IdnodeError('INTERNAL_ERROR', 'a bulk item was left without a result');
      switch (item.status) {
        case 'created':
          created++;
          break;
        case 'already-exists':
          alreadyExisted++;
          break;
        case 'updated':
          updated++;
          break;
        case 'failed':
          failed++;
          if (this.failures.length < this.maxFailuresListed) this.failures.push(item);
          else this.failuresOmitted++;
          break;
      }
      this.options.onResult?.(item);
    }
    this.created += created;
    this.alreadyExisted += alreadyExisted;
    this.updated += updated;
    this.failed += failed;
    const first = results[0]!;
    const last = results.at(-1)!;
    this.log.info(
      { protocol: this.options.protocol, principal: this.principalId, positions: [first.position, last.position], created, alreadyExisted, updated, failed },
      `bulk ${this.noun} chunk committed`,
    );
  }
}

function result(entry: Pending, handle: string, status: BulkItemStatus): BulkItemResult {
  return entry.line === undefined ? { position: entry.position, handle, status } : { position: entry.position, line: entry.line, handle, status };
}

function where(entry: Pending): string {
  return entry.line === undefined ? `position ${entry.position}` : `line ${entry.line}`;
}

function counts(summary: BulkSummary): Record<string, number> {
  const { received, created, alreadyExisted, updated, failed } = summary;
  return { received, created, alreadyExisted, updated, failed };
}

/** The prefix refusals are counted under: the identifier's, or "" when it does not parse. */
function prefixOrEmpty(handle: string): string {
  try {
    return parseIdentifier(handle).prefix;
  } catch {
    return '';
  }
}
