/**
 * The SQLite store's writer thread (see SqliteWriter): it owns the one write connection and runs each
 * request in arrival order, so the main thread parses and validates while a transaction commits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isIdnodeError } from '../../core/errors/catalogue.js';
import { openConnection, type ConnectionOptions } from './sqlite-statements.js';
import type { WriterFailure, WriterReply, WriterRequest } from './sqlite-writer-messages.js';
import { sqliteWrites } from './sqlite-writes.js';

const port = parentPort!;
const db = openConnection(workerData as ConnectionOptions);
const writes = sqliteWrites(db);

port.on('message', (request: WriterRequest) => {
  if (request.op === 'close') {
    db.close();
    port.postMessage({ id: request.id, ok: true, value: undefined } satisfies WriterReply);
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    const write = writes[request.op] as (...args: unknown[]) => unknown;
    reply = { id: request.id, ok: true, value: write(...request.args) };
  } catch (error) {
    reply = { id: request.id, ok: false, error: failureOf(error) };
  }
  port.postMessage(reply);
});

function failureOf(error: unknown): WriterFailure {
  if (isIdnodeError(error)) return { message: error.message, idnodeCode: error.code };
  const code = (error as { code?: unknown } | null)?.code;
  return { message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { sqliteCode: code } : {}) };
}
