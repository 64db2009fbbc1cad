/**
 * The SQLite store's writer thread (see SqliteWriter): it owns the one write connection and runs requests in
 * arrival order, so the main thread parses and validates while a transaction commits. Requests that arrive
 * while a commit is in progress are run together as one group commit (runRequests, runGroup): one
 * transaction and one fsync for all of them, each whole or not at all, each answered only after that commit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openConnection, type ConnectionOptions } from './sqlite-statements.js';
import { failureOf, type WriterReply, type WriterRequest } from './sqlite-writer-messages.js';
import { sqliteWrites } from './sqlite-writes.js';
import { runRequests } from './sqlite-write-runs.js';

const port = parentPort!;
const db = openConnection(workerData as ConnectionOptions);
// Each request runs in a savepoint, and a multi-row INSERT in a statement journal: both copy every existing
// page they change into a sub-journal, which SQLite keeps in a temporary file by default (a write syscall a
// page). In memory instead: 8-13% less writer CPU per bulk row (bench/micro/sqlite-bulk-insert.ts, 2,000-row
// chunks, interleaved runs). The sub-journal is bounded by one transaction's changed pages.
db.pragma('temp_store = MEMORY');
const writes = sqliteWrites(db);

/** Requests received and not yet run; drained once the messages already delivered have all been queued. */
let queue: WriterRequest[] = [];
let scheduled = false;

// The main thread posts the requests of one turn of its event loop as one message (WriteCalls, TurnBatch).
port.on('message', (batch: readonly WriterRequest[]) => {
  for (const request of batch) queue.push(request);
  if (!scheduled) {
    scheduled = true;
    // After this turn's messages: everything that arrived during the last commit is delivered together.
    setImmediate(drain);
  }
});

function drain(): void {
  scheduled = false;
  const requests = queue;
  queue = [];
  const closeAt = requests.findIndex((request) => request.op === 'close');
  const group = closeAt === -1 ? requests : requests.slice(0, closeAt);
  const results = runRequests(db, writes, group as Exclude<WriterRequest, { op: 'close' }>[]);
  // One message for the whole group: the main thread is woken once for all of its answers.
  const replies: WriterReply[] = group.map((request, k) => {
    const result = results[k]!;
    return result.ok ? { id: request.id, ok: true, value: result.value } : { id: request.id, ok: false, error: failureOf(result.error) };
  });
  if (replies.length > 0) port.postMessage(replies);
  if (closeAt !== -1) {
    db.close();
    port.postMessage([{ id: requests[closeAt]!.id, ok: true, value: undefined }] satisfies WriterReply[]);
    port.close();
  }
}
