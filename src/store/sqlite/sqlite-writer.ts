import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IdnodeError } from '../../core/errors/catalogue.js';
import { compiledCounterpart } from '../../runtime/compiled-build.js';
import { storeFailure } from '../store-error.js';
import { isUnavailable, type ConnectionOptions } from './sqlite-statements.js';
import type { WriterCall, WriterOutcome, WriterReply } from './sqlite-writer-messages.js';
import type { SqliteWrites } from './sqlite-writes.js';
import type { WriteChannel } from './write-channel.js';
import { WriteCalls } from './write-calls.js';

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

/**
 * The SQLite store's writes, run on a thread of their own that owns the write connection. better-sqlite3 is
 * synchronous, so a write on the main thread stalled everything for its whole transaction and fsync; here the
 * main thread goes on (parsing the next bulk chunk, answering reads from its own connection, which WAL never
 * blocks) while the writer commits. Requests run one at a time in the order sent, the calls of one turn of
 * the event loop posted as one message (WriteCalls); a call resolves once its transaction has committed
 * (durable, as the connection's synchronous setting says). In the primary of `serve --workers N` it is the
 * node's one writer, and also takes the workers' calls (forward, through WriteRelay).
 *
 * The thread keeps the process alive only while a call is outstanding, so a store left open does not
 * hold a finished program. Failures arrive as the catalogue's STORE_UNAVAILABLE or INTERNAL_ERROR, naming `what`.
 */
export class SqliteWriter implements WriteChannel {
  readonly kind = 'thread' as const;
  readonly #worker: Worker;
  readonly #calls: WriteCalls;
  readonly #exited: Promise<void>;
  #closing: Promise<void> | undefined;

  constructor(options: ConnectionOptions, description: string) {
    const worker = startThread(options);
    this.#worker = worker;
    worker.unref();
    this.#calls = new WriteCalls(
      {
        post: (batch, transfer) => worker.postMessage(batch, transfer),
        busy: (busy) => (busy ? worker.ref() : worker.unref()),
      },
      description,
    );
    worker.on('message', (replies: readonly WriterReply[]) => this.#calls.settle(replies));
    worker.on('error', (error) => this.#calls.fail(storeFailure(error, `the writer thread of ${description}`, isUnavailable)));
    this.#exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        if (this.#closing === undefined) this.#calls.fail(new IdnodeError('STORE_UNAVAILABLE', `the writer thread of ${description} stopped (exit code ${code})`));
        resolve();
      });
    });
  }

  call<K extends keyof SqliteWrites>(op: K, args: Parameters<SqliteWrites[K]>, what: string, transfer: readonly ArrayBuffer[] = []): Promise<ReturnType<SqliteWrites[K]>> {
    return this.#calls.call(op, args, what, transfer);
  }

  /** Another process's call (serve --workers, WriteRelay): run with this process's own, its outcome as data. */
  forward(call: WriterCall, transfer: readonly ArrayBuffer[], answer: (outcome: WriterOutcome) => void): void {
    this.#calls.forward(call, transfer, answer);
  }

  /** Lets the calls already sent finish, then closes the write connection and ends the thread. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#calls.close({ op: 'close' });
      await this.#worker.terminate();
      await this.#exited;
    })();
    return this.#closing;
  }
}
