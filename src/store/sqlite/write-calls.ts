import { IdnodeError } from '../../core/errors/catalogue.js';
import { storeClosed, storeFailure } from '../store-error.js';
import { isUnavailable } from './sqlite-statements.js';
import { failureOf, type WriterCall, type WriterFailure, type WriterOutcome, type WriterReply, type WriterRequest } from './sqlite-writer-messages.js';
import type { SqliteWrites } from './sqlite-writes.js';
import { TurnBatch } from './turn-batch.js';
import type { WriteCallOptions } from './write-channel.js';

/** The other end of a WriteCalls: a writer thread, or a process that relays to one. */
export interface WriteLink {
  /** Sends one turn's requests, in order; the buffers in `transfer` may move with them. */
  post(batch: readonly WriterRequest[], transfer: readonly ArrayBuffer[]): void;
  /** true when the first call is outstanding, false when none is left (a thread is ref'd only while busy). */
  busy(busy: boolean): void;
}

interface Pending {
  answer(outcome: WriterOutcome): void;
  fail(error: IdnodeError): void;
}

/**
 * The bookkeeping that both kinds of WriteChannel share (SqliteWriter, ForwardedWriter): numbering requests,
 * sending the calls of one turn as one message (TurnBatch), matching replies to callers, raising a failure as
 * the catalogue's error, and failing everything outstanding when the other end is gone, for good (fail) or
 * until a new one takes its place (interrupt, relink: a restarted writer thread). A reply is the writer's, sent
 * after the COMMIT: nothing resolves before it.
 */
export class WriteCalls {
  readonly #pending = new Map<number, Pending>();
  readonly #outbox: TurnBatch<WriterRequest>;
  #link: WriteLink;
  #nextId = 1;
  /** Set when the other end failed or went away for good: every later call rejects with it. */
  #broken: IdnodeError | undefined;
  /** Set while the other end is gone and its successor not yet linked: every call until then rejects with it. */
  #down: IdnodeError | undefined;
  #closing = false;
  #drained: (() => void) | undefined;
  readonly #unknownOutcomes = new Set<() => void>();

  constructor(
    link: WriteLink,
    private readonly description: string,
  ) {
    this.#link = link;
    // Only the requests still outstanding go: those made before the link broke were failed (fail, interrupt)
    // and must not run on a successor, whose caller was told they failed.
    this.#outbox = new TurnBatch((batch, transfer) => {
      const outstanding = batch.filter((request) => this.#pending.has(request.id));
      if (outstanding.length > 0) this.#link.post(outstanding, transfer);
    });
  }

  /** A call of the store's: resolves with its value once committed, or rejects with the catalogue's error. */
  call<K extends keyof SqliteWrites>(op: K, args: Parameters<SqliteWrites[K]>, what: string, options: WriteCallOptions = {}): Promise<ReturnType<SqliteWrites[K]>> {
    const refusal = this.#refusal();
    if (refusal !== undefined) return Promise.reject(refusal);
    return new Promise((resolve, reject) => {
      this.#send(
        { op, args } as WriterCall,
        options.transfer ?? [],
        {
          answer: (outcome) => (outcome.ok ? resolve(outcome.value as ReturnType<SqliteWrites[K]>) : reject(this.#error(outcome.error, what))),
          fail: reject,
        },
        options.now === true,
      );
    });
  }

  /**
   * A call relayed for another process (WriteRelay): its outcome as plain data, whatever happens, for the
   * caller there to raise (a refusal here, closing, down or broken, answers at once as a failure).
   */
  forward(call: WriterCall, transfer: readonly ArrayBuffer[], answer: (outcome: WriterOutcome) => void): void {
    const refusal = this.#refusal();
    if (refusal !== undefined) return answer({ ok: false, error: failureOf(refusal) });
    this.#send(call, transfer, { answer, fail: (error) => answer({ ok: false, error: failureOf(error) }) });
  }

  /** Replies from the writer, in any grouping; one for an unknown id (already failed) is ignored. */
  settle(replies: readonly WriterReply[]): void {
    for (const reply of replies) {
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) continue;
      this.#pending.delete(reply.id);
      this.#idleCheck();
      pending.answer(reply);
    }
  }

  /** The other end failed or went away for good: every outstanding call fails with `error`, and so does every later one. */
  fail(error: IdnodeError): void {
    this.#broken ??= error;
    this.#failOutstanding(error);
  }

  /**
   * The other end went away and another will take its place (relink): every outstanding call fails with
   * `error`, and so does every call made until then, at once rather than queued. Returns how many were outstanding.
   */
  interrupt(error: IdnodeError): number {
    this.#down = error;
    return this.#failOutstanding(error);
  }

  /**
   * Calls `listener` whenever calls failed with the other end gone (fail, interrupt): each may have committed,
   * unacknowledged, so whatever a cache holds may be stale. Returns the unsubscribe function.
   */
  onUnknownOutcomes(listener: () => void): () => void {
    this.#unknownOutcomes.add(listener);
    return () => this.#unknownOutcomes.delete(listener);
  }

  /** Later calls go to `link`, the successor of the end that was interrupted. */
  relink(link: WriteLink): void {
    this.#link = link;
    this.#down = undefined;
    if (this.#pending.size > 0) link.busy(true);
  }

  get broken(): boolean {
    return this.#broken !== undefined;
  }

  /**
   * Refuses later calls (STORE_UNAVAILABLE, closed) and resolves once every call already made is answered.
   * `last`, when given and the link is up, is sent after them (the writer thread's close) and waited for too.
   */
  async close(last?: WriterCall): Promise<void> {
    this.#closing = true;
    if (last !== undefined && (this.#broken ?? this.#down) === undefined) {
      await new Promise<void>((resolve) => this.#send(last, [], { answer: () => resolve(), fail: () => resolve() }));
    }
    if (this.#pending.size > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
  }

  /** Why a call made now is refused at once, if it is. */
  #refusal(): IdnodeError | undefined {
    return this.#closing ? storeClosed(this.description) : (this.#broken ?? this.#down);
  }

  #failOutstanding(error: IdnodeError): number {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    this.#idleCheck();
    // Told before the callers hear of their failure (a cache is cleared before a retry can read it).
    if (pending.length > 0) {
      for (const listener of this.#unknownOutcomes) {
        try {
          listener();
        } catch (error) {
          // One that throws keeps neither the others nor the callers from hearing.
          process.emitWarning(`an onUnknownOutcomes listener threw: ${error instanceof Error ? error.message : String(error)}`, 'IdnodeStoreWarning');
        }
      }
    }
    for (const one of pending) one.fail(error);
    return pending.length;
  }

  #send(call: WriterCall, transfer: readonly ArrayBuffer[], pending: Pending, now = false): void {
    const id = this.#nextId++;
    if (this.#pending.size === 0) this.#link.busy(true);
    this.#pending.set(id, pending);
    this.#outbox.push({ ...call, id } as WriterRequest, transfer, now);
  }

  #idleCheck(): void {
    if (this.#pending.size > 0) return;
    this.#link.busy(false);
    this.#drained?.();
    this.#drained = undefined;
  }

  #error(failure: WriterFailure, what: string): IdnodeError {
    if (failure.idnodeCode !== undefined) return new IdnodeError(failure.idnodeCode, failure.message);
    const cause = Object.assign(new Error(failure.message), failure.sqliteCode === undefined ? {} : { code: failure.sqliteCode });
    return storeFailure(cause, `${what} in ${this.description}`, isUnavailable);
  }
}
