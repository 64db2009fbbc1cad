import type { Logger } from 'pino';
import type { SqliteWriterOptions } from '../store/sqlite/sqlite-writer.js';

/**
 * The log lines of a SQLite writer thread that ended unasked (level error: writes failed, and every write fails
 * until its successor starts) and of its restart (level warn), for serve's own writer and the primary's of
 * `serve --workers N`. The count is also idnode_sqlite_writer_restarts_total.
 */
export function sqliteWriterLog(logger: Logger): SqliteWriterOptions {
  return {
    onStopped: ({ exitCode, error, failedCalls, crashesInARow, restartInMs }) =>
      logger.error(
        { exitCode, ...(error === undefined ? {} : { err: error }), failedCalls, crashesInARow, restartInMs },
        `the SQLite writer thread ${exitCode === undefined ? 'could not be started' : `ended unasked (exit code ${exitCode})`}; ${failedCalls} write call(s) failed with STORE_UNAVAILABLE, outcome unknown; restarting it in ${restartInMs} ms`,
      ),
    onRestarted: (restarts) => logger.warn({ restarts }, 'the SQLite writer thread restarted'),
  };
}
