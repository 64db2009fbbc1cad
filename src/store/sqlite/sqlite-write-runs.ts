import type Database from 'better-sqlite3';
import { runGroup, type GroupResult } from './sqlite-group-commit.js';
import type { WriterRequest } from './sqlite-writer-messages.js';
import { unpackWrites } from './packed-writes.js';
import { distinctAcross, type SqliteWrites } from './sqlite-writes.js';

type EncodedCall = Parameters<SqliteWrites['writeEncoded']>;

/**
 * Runs the writer's requests as one group commit (runGroup) and returns one result per request, in order.
 * A run of consecutive writeEncoded requests (concurrent PUTs, import chunks) whose handles are all distinct
 * is run as one writeEncodedMany call: the rows of many single PUTs inserted a few statements at a time and
 * their counters upserted once, instead of a savepoint, an insert and an upsert each. The contracts of
 * runGroup hold for each request alone: if the merged call throws, it is rolled back (its own savepoint) and
 * its requests run again one by one, each in a savepoint of its own, so a request that fails fails alone; if
 * SQLite abandons the transaction, every request of it fails; and no result is known before the COMMIT.
 */
export function runRequests(db: Database.Database, writes: SqliteWrites, received: readonly Exclude<WriterRequest, { op: 'close' }>[]): GroupResult[] {
  const requests = received.map(unpacked);
  const runs = runsOf(requests);
  const inSavepoint = db.transaction(<T>(job: () => T): T => job());
  const one = (request: (typeof requests)[number]) => () => {
    const write = writes[request.op] as (...args: unknown[]) => unknown;
    return write(...request.args);
  };
  const merged = (calls: readonly EncodedCall[]) => (): GroupResult[] => {
    try {
      const values = inSavepoint(() => writes.writeEncodedMany(calls)) as unknown[];
      return values.map((value): GroupResult => ({ ok: true, value }));
    } catch (error) {
      if (!db.inTransaction) throw error;
      return calls.map((call): GroupResult => {
        try {
          return { ok: true, value: inSavepoint(() => writes.writeEncoded(...call)) };
        } catch (failure) {
          if (!db.inTransaction) throw failure;
          return { ok: false, error: failure };
        }
      });
    }
  };
  const results = runGroup(
    db,
    runs.map((run) => (run.length === 1 ? one(run[0]!) : merged(run.map((request) => request.args as EncodedCall)))),
  );
  const perRequest: GroupResult[] = [];
  runs.forEach((run, r) => {
    const result = results[r]!;
    if (run.length === 1) perRequest.push(result);
    else if (!result.ok) for (let k = 0; k < run.length; k++) perRequest.push(result);
    else perRequest.push(...(result.value as GroupResult[]));
  });
  return perRequest;
}

type Request = Exclude<WriterRequest, { op: 'close' }>;

/** A writePacked request as the writeEncoded request it stands for (what runsOf merges); any other as it is. */
function unpacked(request: Request): Request {
  if (request.op !== 'writePacked') return request;
  const [packed, context] = request.args;
  return { id: request.id, op: 'writeEncoded', args: [unpackWrites(packed), context] };
}

/** The requests in order, cut into runs: consecutive writeEncoded requests on distinct handles together, anything else alone. */
function runsOf<R extends Exclude<WriterRequest, { op: 'close' }>>(requests: readonly R[]): R[][] {
  const runs: R[][] = [];
  let open: R[] = [];
  const close = () => {
    if (open.length === 0) return;
    if (distinctAcross(open.map((request) => request.args as EncodedCall))) runs.push(open);
    else for (const request of open) runs.push([request]);
    open = [];
  };
  for (const request of requests) {
    if (request.op === 'writeEncoded') {
      open.push(request);
      continue;
    }
    close();
    runs.push([request]);
  }
  close();
  return runs;
}
