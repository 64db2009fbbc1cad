import type Database from 'better-sqlite3';

/** One request's result in a group: its value, or what it threw. */
export type GroupResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/**
 * Group commit: runs `jobs` in order in as few transactions as possible — normally one — and returns one
 * result per job once its transaction has committed (durable, as the connection's synchronous setting says):
 * a job's result is never known before its commit is.
 *
 * Each job runs inside a savepoint of the group's BEGIN IMMEDIATE transaction (better-sqlite3 turns a
 * transaction function called inside a transaction into a savepoint), so a job that throws is rolled back
 * alone and the others still commit. If SQLite abandons the whole transaction on an error (a full disk, an
 * I/O error: `inTransaction` is then false), the jobs that ran before it in that transaction are failed with
 * that error, and the jobs after it start a new transaction. A failed COMMIT fails every job of its transaction.
 */
export function runGroup(db: Database.Database, jobs: readonly (() => unknown)[]): GroupResult[] {
  const results: GroupResult[] = new Array(jobs.length);
  const inSavepoint = db.transaction((job: () => unknown) => job());
  let first = 0; // the first job of the open transaction
  while (first < jobs.length) {
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      for (let k = first; k < jobs.length; k++) results[k] = { ok: false, error };
      return results;
    }
    let next = first;
    let abandoned = false;
    for (; next < jobs.length; next++) {
      try {
        results[next] = { ok: true, value: inSavepoint(jobs[next]!) };
      } catch (error) {
        results[next] = { ok: false, error };
        if (!db.inTransaction) {
          // SQLite rolled back the whole transaction: the jobs before this one in it are lost as well.
          for (let k = first; k < next; k++) if (results[k]!.ok) results[k] = { ok: false, error };
          abandoned = true;
          next++;
          break;
        }
      }
    }
    if (!abandoned) {
      try {
        db.exec('COMMIT');
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        for (let k = first; k < next; k++) results[k] = { ok: false, error };
      }
    }
    first = next;
  }
  return results;
}
