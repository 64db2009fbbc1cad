/**
 * The ceiling of a cache miss: a bare node:http server that answers GET /api/handles/{handle} with one
 * better-sqlite3 point read of the body kept in idnode's own file (the public_json column idnode writes beside
 * each handle's values), and nothing else: no framework, no cache, no metering, no parsing of the values.
 *
 *   --file FILE        idnode's SQLite file (WAL, so idnode may run on it meanwhile). A file written by an idnode
 *                      older than the public_json column (to measure that idnode) gets a side table of the same
 *                      bodies, bench_public_json, built once at start from the values as the bare Map server does.
 *   --ready-file FILE  written {"http": url} once listening on 127.0.0.1 at a port the OS chose
 *
 * Run compiled (bench/lib/reference-build.ts), never under tsx, so both sides run plain JavaScript.
 */
import { createServer, type ServerResponse } from 'node:http';
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { toWireValues } from '../../src/core/values/wire-value.js';

const PATH_PREFIX = '/api/handles/';
const JSON_TYPE = 'application/json; charset=utf-8';

const { values: args } = parseArgs({ options: { file: { type: 'string' }, 'ready-file': { type: 'string' } } });
const db = new Database(args.file!, { fileMustExist: true });
const hasColumn = (db.prepare("SELECT count(*) FROM pragma_table_info('handles') WHERE name = 'public_json'").pluck().get() as number) === 1;
if (!hasColumn) {
  const encode = (handle: string, values: readonly HandleValue[]): string =>
    JSON.stringify({ responseCode: 1, handle, values: toWireValues(values.filter((value) => value.permissions[2] === '1')) });
  db.exec('CREATE TABLE IF NOT EXISTS bench_public_json (handle TEXT PRIMARY KEY, public_json TEXT NOT NULL)');
  const insert = db.prepare('INSERT OR REPLACE INTO bench_public_json VALUES (?, ?)');
  const rows = db.prepare<[], { handle: string; values_json: string }>('SELECT handle, values_json FROM handles').all();
  db.transaction(() => {
    for (const row of rows) insert.run(row.handle, encode(row.handle, JSON.parse(row.values_json) as HandleValue[]));
  })();
}
const read = db.prepare<[string], string>(`SELECT public_json FROM ${hasColumn ? 'handles' : 'bench_public_json'} WHERE handle = ?`).pluck();

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

const server = createServer((request, response) => {
  const url = request.url ?? '/';
  if (!url.startsWith(PATH_PREFIX)) return send(response, 404, '{"responseCode":2}');
  const handle = decodeURIComponent(url.slice(PATH_PREFIX.length));
  const body = read.get(handle);
  if (body !== undefined) send(response, 200, body);
  else send(response, 404, JSON.stringify({ responseCode: 100, handle, code: 'HANDLE_NOT_FOUND', message: `${handle} does not exist` }));
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  const readyFile = args['ready-file'];
  if (readyFile !== undefined) {
    writeFileSync(`${readyFile}.tmp`, JSON.stringify({ http: `http://127.0.0.1:${address.port}` }));
    renameSync(`${readyFile}.tmp`, readyFile);
  }
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
