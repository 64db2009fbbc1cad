import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { Monotonic } from '../../core/clock/monotonic.js';
import type { Cancel, Scheduler } from '../../core/clock/scheduler.js';
import { IdnodeError } from '../../core/errors/catalogue.js';
import { startModuleThread } from '../../runtime/module-thread.js';
import { nextRestart, WRITER_RESTARTS, type RestartBackoff } from '../../runtime/restart-backoff.js';
import { systemMonotonic } from '../../runtime/system-monotonic.js';
import { systemScheduler } from '../../runtime/system-scheduler.js';
import type { ConnectionOptions } from './sqlite-statements.js';
import type { WriterCall, WriterOutcome, WriterReply } from './sqlite-writer-messages.js';
import type { SqliteWrites } from './sqlite-writes.js';
import type { WriteCallOptions, WriteChannel } from './write-channel.js';
import { WriteCalls, type WriteLink } from './write-calls.js';

// The entry beside this module, compiled (.js) or, under a TypeScript loader, as source (.ts).
const THREAD_ENTRY = new URL(`./sqlite-writer-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** Why the writer thread ended unasked, and what happens next (for the log: SqliteWriterOptions.onStopped). */
export interface WriterStopped {
  /** The thread's exit code (1 after an uncaught error); absent when the successor could not even be started. */
  readonly exitCode?: number;
  /** The uncaught error that ended it, if one did (an out-of-memory in the thread ends it with one too). */
  readonly error?: Error;
  /** The calls outstanding, failed with STORE_UNAVAILABLE: whether each committed is unknown. */
  readonly failedCalls: number;
  /** Ends in a row, each within the back-off's stable run of its start (1: the first of a run). */
  readonly crashesInARow: number;
  /** When its successor starts; until then every call fails at once with STORE_UNAVAILABLE. */
  readonly restartInMs: number;
}

export interface SqliteWriterOptions {
  /** The restarts' waits (default WRITER_RESTARTS: at once, then 100 ms doubling up to 5 s). */
  readonly backoff?: RestartBackoff;
  /** Runs the wait before a restart (default the system's timers, which keep no process alive). */
  readonly scheduler?: Scheduler;
  /** Measures how long a thread ran, which decides whether its end continues a run of crashes. */
  readonly monotonic?: Monotonic;
  /** Told each time the thread ended unasked (the node logs it, level error). */
  readonly onStopped?: (stopped: WriterStopped) => void;
  /** Told each time a successor thread was started. */
  readonly onRestarted?: (restarts: number) => void;
}

/**
 * The SQLite store's writes, run on a thread of their own that owns the write connection. better-sqlite3 is
 * synchronous, so a write on the main thread stalled everything for its whole transaction and fsync; here the
 * main thread goes on (parsing the next bulk chunk, answering reads from its own connection, which WAL never
 * blocks) while the writer commits. Requests run one at a time in the order sent, the calls of one turn of
 * the event loop posted as one message (WriteCalls); a call resolves once its transaction has committed
 * (durable, as the connection's synchronous setting says). In the primary of `serve --workers N` it is the
 * node's one writer, and also takes the workers' calls (forward, through WriteRelay).
 *
 * A thread that ends unasked (an uncaught error, a terminate, an out-of-memory in the thread) is replaced by
 * a new one on the same file after a back-off (`backoff`: at once, then 100 ms doubling up to 5 s while it
 * keeps ending). The calls it had not answered fail with STORE_UNAVAILABLE: each one's transaction committed
 * whole or not at all, and its caller was not acknowledged. While no thread runs, every call fails at once with
 * STORE_UNAVAILABLE rather than waiting; once the successor is started, calls go to it and wait for it to open
 * its connection, as the first thread's first calls do (docs/architecture.md, "Group commit").
 *
 * The thread keeps the process alive only while a call is outstanding, so a store left open does not
 * hold a finished program. Failures arrive as the catalogue's STORE_UNAVAILABLE or INTERNAL_ERROR, naming `what`.
 */
export class SqliteWriter implements WriteChannel {
  readonly kind = 'thread' as const;
  readonly #calls: WriteCalls;
  readonly #backoff: RestartBackoff;
  readonly #scheduler: Scheduler;
  readonly #monotonic: Monotonic;
  #worker!: Worker;
  #exited!: Promise<void>;
  #startedAt = 0;
  #crashes = 0;
  #restarts = 0;
  #cancelRestart: Cancel | undefined;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly description: string,
    private readonly options: SqliteWriterOptions = {},
  ) {
    this.#backoff = options.backoff ?? WRITER_RESTARTS;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#monotonic = options.monotonic ?? systemMonotonic;
    this.#calls = new WriteCalls(this.#start(), description);
  }

  /** Threads started after one ended unasked, since this writer was opened (idnode_sqlite_writer_restarts_total). */
  get restarts(): number {
    return this.#restarts;
  }

  call<K extends keyof SqliteWrites>(op: K, args: Parameters<SqliteWrites[K]>, what: string, options?: WriteCallOptions): Promise<ReturnType<SqliteWrites[K]>> {
    return this.#calls.call(op, args, what, options);
  }

  onUnknownOutcomes(listener: () => void): () => void {
    return this.#calls.onUnknownOutcomes(listener);
  }

  /** Another process's call (serve --workers, WriteRelay): run with this process's own, its outcome as data. */
  forward(call: WriterCall, transfer: readonly ArrayBuffer[], answer: (outcome: WriterOutcome) => void): void {
    this.#calls.forward(call, transfer, answer);
  }

  /**
   * Lets the calls already sent finish, then closes the write connection and ends the thread; during a
   * restart's wait, cancels the restart instead. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#cancelRestart?.();
      this.#cancelRestart = undefined;
      await this.#calls.close({ op: 'close' });
      await this.#worker.terminate();
      await this.#exited;
    })();
    return this.#closing;
  }

  /**
   * For tests only (nothing in src calls it): ends the thread unasked, as a crash would. 'throw' posts a message
   * that is not a batch, so the thread's message handler throws outside any call's transaction (an uncaught
   * error: the thread's 'error' event, exit code 1); 'terminate' stops it from here (no error). The thread
   * keeps the process alive until it has ended, as it does while a call is outstanding.
   */
  crashThreadForTests(how: 'throw' | 'terminate'): void {
    this.#worker.ref();
    if (how === 'throw') this.#worker.postMessage(null);
    else void this.#worker.terminate();
  }

  /** Starts a thread and returns the link to it; its end, unless closing, fails what it had not answered and schedules its successor. */
  #start(): WriteLink {
    // Before the start, which may throw: a thread that could not start ran 0 ms, and continues a run of crashes.
    this.#startedAt = this.#monotonic.now();
    const worker = startModuleThread(THREAD_ENTRY, this.connection);
    this.#worker = worker;
    worker.unref();
    let uncaught: Error | undefined;
    worker.on('message', (replies: readonly WriterReply[]) => this.#calls.settle(replies));
    // Always followed by 'exit', which fails the calls outstanding.
    worker.on('error', (error) => (uncaught = error));
    this.#exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        this.#ended(code, uncaught);
        resolve();
      });
    });
    return {
      post: (batch, transfer) => worker.postMessage(batch, transfer),
      busy: (busy) => (busy ? worker.ref() : worker.unref()),
    };
  }

  /** `exitCode` undefined: the successor could not be started at all (new Worker threw: no memory or threads left). */
  #ended(exitCode: number | undefined, error: Error | undefined): void {
    const how = exitCode === undefined ? 'could not be started' : `stopped (exit code ${exitCode}${error === undefined ? '' : `: ${error.message}`})`;
    const why = `the writer thread of ${this.description} ${how}`;
    if (this.#closing !== undefined) {
      // Ended while closing: whatever it had not answered (its close included) fails, and nothing restarts.
      this.#calls.fail(new IdnodeError('STORE_UNAVAILABLE', why, { cause: error }));
      return;
    }
    const { crashes, delayMs } = nextRestart(this.#backoff, this.#crashes, this.#monotonic.now() - this.#startedAt);
    this.#crashes = crashes;
    const failure = new IdnodeError('STORE_UNAVAILABLE', `${why}; it restarts in ${delayMs} ms`, { cause: error });
    const failedCalls = this.#calls.interrupt(failure);
    try {
      this.options.onStopped?.({ ...(exitCode === undefined ? {} : { exitCode }), ...(error === undefined ? {} : { error }), failedCalls, crashesInARow: crashes, restartInMs: delayMs });
    } finally {
      // Restarted whatever the hook did.
      if (delayMs === 0) this.#restart();
      else {
        // The scheduler runs tasks every interval: this one cancels itself at its first run.
        const cancel = this.#scheduler.every(delayMs, () => {
          cancel();
          this.#restart();
        });
        this.#cancelRestart = cancel;
      }
    }
  }

  #restart(): void {
    this.#cancelRestart = undefined;
    if (this.#closing !== undefined) return;
    let link: WriteLink;
    try {
      link = this.#start();
    } catch (error) {
      // Treated as a thread that ended at once: the next attempt backs off further.
      return this.#ended(undefined, error instanceof Error ? error : new Error(String(error)));
    }
    this.#calls.relink(link);
    this.#restarts++;
    this.options.onRestarted?.(this.#restarts);
  }
}
