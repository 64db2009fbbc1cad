import { principalId, type Principal } from '../auth/principal.js';
import { IdnodeError, isIdnodeError } from '../errors/catalogue.js';
import type { Logger } from '../log/logger.js';
import type { Registry, Writer } from '../registry/registry.js';
import type { CreateWrite, HandleRecord, HandleWrite, WriteChunk, WriteContext } from '../store/store.js';
import { describeInput } from '../values/describe-input.js';
import { BulkTally, type Chunk, type Outcome, type Refusal } from './bulk-tally.js';
import { DEFAULT_CHUNK_SIZE, DEFAULT_MAX_FAILURES_LISTED, type BulkItem, type BulkOptions, type BulkSummary } from './bulk-types.js';
import { sameValuesIgnoringTimestamps } from './same-values.js';
import { SeenFilter } from './seen-filter.js';

/**
 * The chunk being filled, its items validated as they are added: what a chunk holds until it commits is
 * then the prepared writes alone, not the decoded items (their objects die young, which cut the import's
 * garbage-collection work), and a chunk is handed to the store as soon as it is full.
 */
interface Staged {
  readonly chunk: Chunk;
  /** The chunk's `lines`, filled as items are added. */
  readonly lines: (number | undefined)[];
  readonly context: WriteContext;
  /** Per item; undefined until settled. */
  readonly outcomes: (Outcome | undefined)[];
  /** The creates to try (only creates are added), gathered where the store can encode them as they come; and the item each stands for. */
  readonly writes: WriteChunk;
  readonly slots: number[];
  /** The slot of each identifier among the creates (a repeat within the chunk is refused). */
  readonly firstSlot: Map<string, number>;
  /**
   * Items refused while staging, counted (Registry.refused) only when the chunk is handed over, as when
   * the chunk was validated whole: an abandoned import's dropped items are not counted.
   */
  readonly refusals: { readonly slot: number; readonly refusal: Refusal }[];
}

/**
 * One batch or streamed import. Items are queued with `add`, validated a chunk at a time through
 * Registry.preparePut, and committed through Registry.commit, each chunk in one store transaction (so a
 * registration is counted iff committed, and a chunk is never half-applied); the session itself only
 * chunks, validates ahead and applies back-pressure, and never reaches the store, the cache or metering.
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
 * Refused items are counted and logged through Registry.refused; Registry.commit drops written identifiers
 * from the cache.
 */
export class BulkSession {
  /** The chunk being filled; undefined until an item comes. */
  private staging: Staged | undefined;
  private nextPosition = 0;
  private readonly tally: BulkTally;
  private readonly written = new SeenFilter();
  private readonly writeTimes = new Set<number>();
  private state: 'open' | 'finished' | 'abandoned' | 'broken' = 'open';
  /**
   * The chunks handed to the store and not yet settled (their results delivered, or their failure recorded),
   * oldest first; each settles after the one before it, and none rejects.
   */
  private readonly inFlight: Promise<void>[] = [];
  /**
   * How many chunks may be in flight at once: two where the store commits calls in the order they are made
   * and a chunk commits in one call (no overwrite: a replace takes a second call, after the chunk's creates
   * answered), so the store is handed chunk N+1 while chunk N commits and never waits for the round trip of
   * its answer (serve --workers: to the primary's writer and back); else one.
   */
  private readonly depth: number;
  /** The store's error once a commit failed (the first, when more than one did). */
  private failure: unknown;
  private failureReported = false;
  private readonly chunkSize: number;
  private readonly principalId: string;
  private readonly writer: Writer;

  constructor(
    private readonly registry: Registry,
    private readonly principal: Principal,
    private readonly options: BulkOptions,
    private readonly log: Logger,
    /** How messages name the whole request: "batch" or "import". */
    private readonly noun: string,
  ) {
    this.chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    this.depth = registry.commitsInCallOrder && options.overwrite !== true ? 2 : 1;
    this.tally = new BulkTally(Math.max(0, options.maxFailuresListed ?? DEFAULT_MAX_FAILURES_LISTED), options.onResult);
    this.principalId = principalId(principal);
    this.writer = { principal, protocol: options.protocol, log };
  }

  /**
   * Validates and queues one item (`line`: its line in an NDJSON body, for reports). When it fills a chunk,
   * the chunk is handed to the store once fewer than `depth` chunks are in flight (one, or two where the
   * store commits in call order), and the returned promise settles without waiting for this one: the next
   * chunk is read and validated while the store commits, which a store that writes off the main thread turns
   * into parallel work. Returns undefined when the item was only queued (no chunk was handed over), so a
   * streaming front end awaits only when there is something to wait for; awaiting the promise before reading
   * on is its back-pressure (depth + 1 chunks held at most). Never throws: returns a rejected promise with the
   * store's error once a transaction has failed (nothing of that transaction was written; with overwrite, a
   * chunk's creates may be committed and reported while its replaces failed; with two in flight, the chunk
   * handed over after the failed one commits or fails whole, and is reported, before the error is), and
   * REQUEST_INVALID once the session is no longer open.
   */
  add(item: BulkItem, line?: number): Promise<void> | undefined {
    if (this.failure !== undefined && this.inFlight.length > 0) return this.drain().then(() => this.assertOpen());
    try {
      this.assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    const staging = (this.staging ??= this.startChunk());
    try {
      this.stage(staging, item, line);
    } catch (error) {
      this.staging = undefined;
      this.broke(staging.chunk, error);
      return Promise.reject(error);
    }
    this.nextPosition++;
    return staging.outcomes.length >= this.chunkSize ? this.commitPending() : undefined;
  }

  /** Commits what is queued, waits for every commit, and returns the totals. Rejects like `add`. */
  async finish(): Promise<BulkSummary> {
    if (this.failure !== undefined) await this.drain();
    this.assertOpen();
    await this.commitPending();
    await this.settleInFlight(0);
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
    const dropped = this.staging?.outcomes.length ?? 0;
    this.staging = undefined;
    this.log.warn({ protocol: this.options.protocol, principal: this.principalId, dropped, ...counts(this.summary()) }, `bulk ${this.noun} abandoned: ${reason}`);
    await this.drain();
  }

  /** The totals so far (committed and refused items only; queued ones are not counted yet). */
  summary(): BulkSummary {
    return this.tally.summary();
  }

  private assertOpen(): void {
    this.throwUnreportedFailure();
    if (this.state !== 'open') throw new IdnodeError('REQUEST_INVALID', `this bulk ${this.noun} is ${this.state}; no more items are taken`);
  }

  /** Counts the queued chunk's refusals, then hands it to the store once fewer than `depth` chunks are in flight. */
  private async commitPending(): Promise<void> {
    const staged = this.staging;
    if (staged === undefined) return;
    this.staging = undefined;
    const { chunk } = staged;
    for (const { slot, refusal } of staged.refusals) this.countRefusal(chunk, slot, refusal);
    await this.settleInFlight(this.depth - 1);
    const previous = this.inFlight.at(-1);
    this.inFlight.push(this.write(staged, previous).catch((error: unknown) => this.broke(chunk, error)));
  }

  private broke(chunk: Chunk, error: unknown): void {
    this.state = 'broken';
    this.failure ??= error;
    // Refusals found while preparing the chunk were counted and stand; what the store did commit is in the summary.
    this.log.error(
      {
        err: error,
        protocol: this.options.protocol,
        principal: this.principalId,
        chunkPositions: [chunk.firstPosition, chunk.firstPosition + chunk.lines.length - 1],
        ...counts(this.summary()),
      },
      `bulk ${this.noun} stopped: the store failed; the items of the failed transaction were not written`,
    );
  }

  /**
   * Waits until at most `left` chunks are in flight; rethrows the store's error if a commit failed, once every
   * chunk in flight has settled (so what they committed is reported first).
   */
  private async settleInFlight(left: number): Promise<void> {
    while (this.inFlight.length > left) await this.inFlight.shift();
    if (this.failure !== undefined) await this.drain();
    this.throwUnreportedFailure();
  }

  /** Waits for every chunk in flight to settle. Never rejects. */
  private async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.inFlight.shift();
  }

  /** The store's error is thrown once, by the first call after it; later calls find the session broken. */
  private throwUnreportedFailure(): void {
    if (this.failure === undefined || this.failureReported) return;
    this.failureReported = true;
    throw this.failure;
  }

  /** A new chunk, starting at the next position, with the write context (time, day) its items share. */
  private startChunk(): Staged {
    const context = this.registry.writeContext(this.options.protocol);
    this.writeTimes.add(context.nowMs);
    const lines: (number | undefined)[] = [];
    return { chunk: { firstPosition: this.nextPosition, lines }, lines, context, outcomes: [], writes: this.registry.startWriteChunk(this.chunkSize), slots: [], firstSlot: new Map(), refusals: [] };
  }

  /**
   * Validates one item into the chunk: a refusal goes into its outcomes (counted when the chunk is handed
   * over), anything else becomes a create to try. A repeated identifier within a chunk is refused here, so
   * the creates name distinct identifiers.
   */
  private stage(staged: Staged, item: BulkItem, line: number | undefined): void {
    const { chunk, context, outcomes, writes, slots, firstSlot } = staged;
    const slot = outcomes.length;
    staged.lines.push(line);
    outcomes.push(undefined);
    const { handle, values, problem, template } = item;
    // How a refusal names an item whose identifier did not parse: as received, or "" for a non-string.
    const rawHandle = typeof handle === 'string' ? handle : '';
    const refuse = (name: string, error: IdnodeError): void => {
      const refusal: Refusal = { handle: name, error };
      outcomes[slot] = refusal;
      staged.refusals.push({ slot, refusal });
    };
    if (problem !== undefined) return refuse(rawHandle, problem);
    let write: HandleWrite;
    try {
      if (typeof handle !== 'string') throw new IdnodeError('REQUEST_INVALID', `handle must be a string, got ${describeInput(handle)}`);
      write = this.registry.preparePut(
        { principal: this.principal, handle, values, overwrite: false, protocol: this.options.protocol, log: this.log, ...(template === undefined ? {} : { template }) },
        context.nowMs,
      );
    } catch (error) {
      if (!isIdnodeError(error)) throw error;
      return refuse(error.handle ?? rawHandle, error);
    }
    if (write.op !== 'create') throw new IdnodeError('INTERNAL_ERROR', `preparing a create of ${write.handle} gave a ${write.op}`);
    const earlier = firstSlot.get(write.handle);
    if (earlier !== undefined) {
      return refuse(
        write.handle,
        new IdnodeError('HANDLE_DUPLICATE_IN_REQUEST', `${write.handle} occurs earlier in this ${this.noun}, at ${where(chunk, earlier)}; it is written once`, {
          handle: write.handle,
        }),
      );
    }
    firstSlot.set(write.handle, slot);
    writes.add(write);
    slots.push(slot);
  }

  /**
   * Commits a staged chunk and settles it once `previous` (the chunk handed over before it, if still in
   * flight) has: results go out in position order, and an identifier that chunk wrote is known as this
   * session's before this chunk's answers are judged.
   */
  private async write({ chunk, context, outcomes, writes, slots }: Staged, previous: Promise<void> | undefined): Promise<void> {
    const creates = writes.writes as readonly CreateWrite[];
    let stored;
    try {
      stored = await this.registry.commit(creates, context, this.writer);
    } finally {
      await previous;
    }
    const toReplace: number[] = [];
    for (let k = 0; k < creates.length; k++) {
      const create = creates[k]!;
      const outcome = stored[k]!;
      if (outcome.status === 'created') {
        outcomes[slots[k]!] = this.wrote(create.handle, 'created');
      } else if (outcome.status === 'exists' && outcome.existing !== undefined) {
        const settled = this.settleExisting(chunk, slots[k]!, create, outcome.existing);
        if (settled === undefined) toReplace.push(k);
        else outcomes[slots[k]!] = settled;
      } else {
        throw new IdnodeError('INTERNAL_ERROR', `the store answered "${outcome.status}" to creating ${create.handle}`, { handle: create.handle });
      }
    }
    if (toReplace.length > 0) {
      const replaces: HandleWrite[] = toReplace.map((k) => ({ ...creates[k]!, op: 'replace' }));
      let replaced;
      try {
        replaced = await this.registry.commit(replaces, context, this.writer);
      } catch (error) {
        // The creates of this chunk are committed: report them, and the replaces as failed, then stop.
        const failure = isIdnodeError(error) ? error : new IdnodeError('INTERNAL_ERROR', 'the store failed while replacing', { cause: error });
        for (const k of toReplace) outcomes[slots[k]!] = this.refused(chunk, slots[k]!, creates[k]!.handle, failure);
        this.deliver(chunk, outcomes, creates, slots);
        throw error;
      }
      for (let r = 0; r < toReplace.length; r++) {
        const create = creates[toReplace[r]!]!;
        const status = replaced[r]!.status;
        if (status !== 'created' && status !== 'updated') {
          throw new IdnodeError('INTERNAL_ERROR', `the store answered "${status}" to replacing ${create.handle}`, { handle: create.handle });
        }
        outcomes[slots[toReplace[r]!]!] = this.wrote(create.handle, status);
      }
    }
    this.deliver(chunk, outcomes, creates, slots);
  }

  /** An existing record met by a create: duplicate, identical (already-exists), to replace (undefined), or a conflict. */
  private settleExisting(chunk: Chunk, slot: number, create: CreateWrite, existing: HandleRecord): Outcome | undefined {
    const handle = create.handle;
    if (this.wroteEarlier(existing)) {
      return this.refused(
        chunk,
        slot,
        handle,
        new IdnodeError('HANDLE_DUPLICATE_IN_REQUEST', `${handle} was already written earlier in this ${this.noun}; it is written once`, { handle }),
      );
    }
    if (sameValuesIgnoringTimestamps(existing.values, create.values)) return 'already-exists';
    if (this.options.overwrite) return undefined;
    return this.refused(chunk, slot, handle, new IdnodeError('HANDLE_ALREADY_EXISTS', `${handle} already exists with other values (overwrite=false)`, { handle }));
  }

  /** Whether `record` was written by this session (see the class comment for how exact this is). */
  private wroteEarlier(record: HandleRecord): boolean {
    return (this.writeTimes.has(record.createdAtMs) || this.writeTimes.has(record.updatedAtMs)) && this.written.mightContain(record.handle);
  }

  private wrote(handle: string, status: 'created' | 'updated'): Outcome {
    this.written.add(handle);
    return status;
  }

  /** A refused item, counted and logged at once (its result follows in deliver). */
  private refused(chunk: Chunk, slot: number, handle: string, error: IdnodeError): Refusal {
    const refusal: Refusal = { handle, error };
    this.countRefusal(chunk, slot, refusal);
    return refusal;
  }

  private countRefusal(chunk: Chunk, slot: number, { handle, error }: Refusal): void {
    const line = chunk.lines[slot];
    const position = chunk.firstPosition + slot;
    this.registry.refused(error, this.writer, handle, line === undefined ? { position } : { position, line });
  }

  /** Totals a settled chunk (see BulkTally) and logs its counts. */
  private deliver(chunk: Chunk, outcomes: readonly (Outcome | undefined)[], creates: readonly CreateWrite[], slots: readonly number[]): void {
    for (const outcome of outcomes) if (outcome === undefined) throw new IdnodeError('INTERNAL_ERROR', 'a bulk item was left without a result');
    const counted = this.tally.addChunk(chunk, outcomes as readonly Outcome[], creates, slots);
    this.log.info(
      { protocol: this.options.protocol, principal: this.principalId, positions: [chunk.firstPosition, chunk.firstPosition + outcomes.length - 1], ...counted },
      `bulk ${this.noun} chunk committed`,
    );
  }
}

function where(chunk: Chunk, slot: number): string {
  const line = chunk.lines[slot];
  return line === undefined ? `position ${chunk.firstPosition + slot}` : `line ${line}`;
}

function counts(summary: BulkSummary): Record<string, number> {
  const { received, created, alreadyExisted, updated, failed } = summary;
  return { received, created, alreadyExisted, updated, failed };
}
