import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IdnodeError } from '../../core/errors/catalogue.js';
import { compiledCounterpart } from '../../runtime/compiled-build.js';
import { storeClosed, storeFailure } from '../store-error.js';
import { isUnavailable, type ConnectionOptions } from './sqlite-statements.js';
import type { WriterFailure, WriterReply, WriterRequest } from './sqlite-writer-messages.js';
import type { SqliteWrites } from './sqlite-writes.js';

// The entry beside this module, compiled (.js) or, under a TypeScript loader, as source (.ts).
const THREAD_ENTRY = new URL(`./sqlite-writer-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * The compiled build starts the entry as it is. Run from TypeScript source (tests, `npm run idnode`), the thread
 * evaluates a one-line boot instead, in which the process's --import preloads do not run (a test runner's
 * TypeScript loader would cost each thread seconds of CPU). It imports the compiled entry when `npm run build`
 * is fresh: booting a TypeScript loader cost every store opened about half a second of CPU, and the test suite
 * opens hundreds. Otherwise the thread must load .ts: tsx registers its hooks for the main thread only, so the
 * thread registers them itself before importing its entry.
 */
function startThread(options: ConnectionOptions): Worker {
  if (THREAD_ENTRY.pathname.endsWith('.js')) return new Worker(THREAD_ENTRY, { workerData: options });
  const compiled = compiledCounterpart(THREAD_ENTRY);
  const boot = compiled
    ? `import(${JSON.stringify(compiled.href)})`
    : `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(THREAD_ENTRY.href)}); })`;
  return new Worker(boot, { eval: true, workerData: options });
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly what: string;
}

/**
 * The SQLite store's writes, run on a thread of their own that owns the write connection. better-sqlite3 is
 * synchronous, so a write on the main thread stalled everything for its whole transaction and fsync; here the
 * main thread goes on (parsing the next bulk chunk, answering reads from its own connection, which WAL never
 * blocks) while the writer commits. Requests run one at a time in the order sent; a call resolves once its
 * transaction has committed (durable, as the connection's synchronous setting says).
 *
 * The thread keeps the process alive only while a call is outstanding, so a store left open does not
 * hold a finished program. Failures arrive as the catalogue's STORE_UNAVAILABLE or INTERNAL_ERROR, naming `what`.
 */
export class SqliteWriter {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #exited: Promise<void>;
  readonly #description: string;
  #nextId = 1;
  /** Requests made in this turn of the event loop, not yet posted (see #send). */
  #outbox: WriterRequest[] = [];
  /** The buffers the queued requests hand over (see call). */
  #outboxTransfer: ArrayBuffer[] = [];
  /** Set when the thread failed or ended on its own: every later call rejects with it. */
  #broken: IdnodeError | undefined;
  #closing = false;

  constructor(options: ConnectionOptions, description: string) {
    this.#description = description;
    this.#worker = startThread(options);
    this.#worker.unref();
    this.#worker.on('message', (replies: readonly WriterReply[]) => {
      for (const reply of replies) this.#settle(reply);
    });
    this.#worker.on('error', (error) => this.#fail(storeFailure(error, `the writer thread of ${description}`, isUnavailable)));
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', (code) => {
        if (!this.#closing) this.#fail(new IdnodeError('STORE_UNAVAILABLE', `the writer thread of ${description} stopped (exit code ${code})`));
        resolve();
      });
    });
  }

  /**
   * Runs one of SqliteWrites' operations on the writer thread. `what` names it in a failure's message; the
   * buffers in `transfer` move to the thread (unusable here afterwards) instead of being copied.
   */
  call<K extends keyof SqliteWrites>(op: K, args: Parameters<SqliteWrites[K]>, what: string, transfer: readonly ArrayBuffer[] = []): Promise<ReturnType<SqliteWrites[K]>> {
    if (this.#closing) return Promise.reject(storeClosed(this.#description));
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    return this.#send({ id: this.#nextId++, op, args } as WriterRequest, what, transfer) as Promise<ReturnType<SqliteWrites[K]>>;
  }

  /** Lets the calls already sent finish, then closes the write connection and ends the thread. Idempotent. */
  async close(): Promise<void> {
    if (this.#closing) return this.#exited;
    this.#closing = true;
    if (this.#broken === undefined) {
      await this.#send({ id: this.#nextId++, op: 'close' }, 'closing').catch(() => undefined);
    }
    await this.#worker.terminate();
    await this.#exited;
  }

  /**
   * Queues `request` and posts everything queued in this turn of the event loop as one message, at its end
   * (setImmediate: after the turn's I/O callbacks and their promises). Concurrent PUTs whose bodies arrive in
   * one turn then cost one message and one wake-up of the thread instead of one each, and reach it together,
   * as one group commit. Order is kept: the queue is posted in the order the calls were made. The buffers in
   * `transfer` move with the batch.
   */
  #send(request: WriterRequest, what: string, transfer: readonly ArrayBuffer[] = []): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(request.id, { resolve, reject, what });
      for (const buffer of transfer) this.#outboxTransfer.push(buffer);
      if (this.#outbox.push(request) === 1) setImmediate(this.#flush);
    });
  }

  readonly #flush = (): void => {
    const batch = this.#outbox;
    const transfer = this.#outboxTransfer;
    this.#outbox = [];
    this.#outboxTransfer = [];
    // A thread that failed has had every pending call rejected (#fail): nothing is waiting for this batch.
    if (this.#broken === undefined) this.#worker.postMessage(batch, transfer);
  };

  #settle(reply: WriterReply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(this.#error(reply.error, pending.what));
  }

  #error(failure: WriterFailure, what: string): IdnodeError {
    if (failure.idnodeCode !== undefined) return new IdnodeError(failure.idnodeCode, failure.message);
    const cause = Object.assign(new Error(failure.message), failure.sqliteCode === undefined ? {} : { code: failure.sqliteCode });
    return storeFailure(cause, `${what} in ${this.#description}`, isUnavailable);
  }

  #fail(error: IdnodeError): void {
    this.#broken ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#worker.unref();
  }
}
