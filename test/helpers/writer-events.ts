import type { SqliteWriterOptions, WriterStopped } from '../../src/store/sqlite/sqlite-writer.js';

/** A writer thread's ends and restarts as they happen, for a test to wait for (SqliteWriterOptions' hooks). */
export class WriterEvents {
  readonly stopped: WriterStopped[] = [];
  restarts = 0;
  #waiters: (() => void)[] = [];

  readonly hooks: Pick<SqliteWriterOptions, 'onStopped' | 'onRestarted'> = {
    onStopped: (stopped) => {
      this.stopped.push(stopped);
      this.#wake();
    },
    onRestarted: (restarts) => {
      this.restarts = restarts;
      this.#wake();
    },
  };

  /** Resolves once the thread has ended unasked `count` times in all. */
  stops(count: number): Promise<WriterStopped> {
    return this.#until(() => this.stopped.length >= count).then(() => this.stopped[count - 1]!);
  }

  #until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => (done() ? resolve() : this.#waiters.push(check));
      this.#waiters.push(check);
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }
}
