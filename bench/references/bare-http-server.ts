/**
 * The resolution ceiling: a bare node:http server answering the same JSON as idnode from a Map, with
 * nothing else on the path (no framework, no parsing beyond the URL, no metering, no cache bookkeeping).
 * What idnode achieves as a share of this is the headline of the REST scenarios.
 *
 *   --answers-from FILE  load every identifier of this idnode SQLite file into the Map, encoded once
 *   --writes-to FILE     answer PUT by inserting into this SQLite file (WAL, synchronous FULL, idnode's
 *                        table) and updating the Map: the write ceiling for the read/write mix
 *   --ready-file FILE    written {"http": url} once listening on 127.0.0.1 at a port the OS chose
 *
 * Run compiled (bench/lib/reference-build.ts), never under tsx, so both sides run plain JavaScript.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { migrateSqlite } from '../../src/store/sqlite/sqlite-migrations.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { toWireValues } from '../../src/core/values/wire-value.js';

const PATH_PREFIX = '/api/handles/';
const JSON_TYPE = 'application/json; charset=utf-8';

const { values: args } = parseArgs({
  options: { 'answers-from': { type: 'string' }, 'writes-to': { type: 'string' }, 'ready-file': { type: 'string' } },
});

const answers = new Map<string, string>();
const encode = (handle: string, values: readonly HandleValue[]): string =>
  JSON.stringify({ responseCode: 1, handle, values: toWireValues(values.filter((value) => value.permissions[2] === '1')) });

if (args['answers-from'] !== undefined) {
  const db = new Database(args['answers-from'], { readonly: true });
  const rows = db.prepare<[], { handle: string; values_json: string }>('SELECT handle, values_json FROM handles').iterate();
  for (const row of rows) answers.set(row.handle, encode(row.handle, JSON.parse(row.values_json) as HandleValue[]));
  db.close();
}

let insert: ((handle: string, prefix: string, valuesJson: string, nowMs: number) => void) | undefined;
if (args['writes-to'] !== undefined) {
  const db = new Database(args['writes-to']);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // idnode's own schema (its migrations), so the insert costs what idnode's does and cannot drift from it.
  migrateSqlite(db, args['writes-to']);
  const statement = db.prepare('INSERT OR REPLACE INTO handles (handle, prefix, values_json, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?)');
  insert = (handle, prefix, valuesJson, nowMs) => statement.run(handle, prefix, valuesJson, nowMs, nowMs);
}

function handleOf(url: string): string {
  const query = url.indexOf('?');
  return decodeURIComponent((query < 0 ? url : url.slice(0, query)).slice(PATH_PREFIX.length));
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function resolve(response: ServerResponse, handle: string): void {
  const answer = answers.get(handle);
  if (answer !== undefined) send(response, 200, answer);
  else send(response, 404, JSON.stringify({ responseCode: 100, handle, code: 'HANDLE_NOT_FOUND', message: `${handle} does not exist` }));
}

function register(request: IncomingMessage, response: ServerResponse, handle: string): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { values: HandleValue[] };
    const values = Array.isArray(body) ? (body as HandleValue[]) : body.values;
    insert?.(handle, handle.slice(0, handle.indexOf('/')), JSON.stringify(values), Date.now());
    answers.set(handle, JSON.stringify({ responseCode: 1, handle, values }));
    send(response, 201, JSON.stringify({ responseCode: 1, handle }));
  });
}

const server = createServer((request, response) => {
  const url = request.url ?? '/';
  if (!url.startsWith(PATH_PREFIX)) return send(response, 404, '{"responseCode":2}');
  const handle = handleOf(url);
  if (request.method === 'PUT') return register(request, response, handle);
  return resolve(response, handle);
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  const readyFile = args['ready-file'];
  if (readyFile !== undefined) {
    writeFileSync(`${readyFile}.tmp`, JSON.stringify({ http: `http://127.0.0.1:${address.port}`, entries: answers.size }));
    renameSync(`${readyFile}.tmp`, readyFile);
  }
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
