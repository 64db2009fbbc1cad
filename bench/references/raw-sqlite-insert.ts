/**
 * The registration ceiling: raw better-sqlite3 inserts into idnode's handles table, with idnode's durability
 * (WAL, synchronous FULL: every commit fsynced), one transaction per registration, or per batch for the
 * bulk scenarios. Nothing else: no HTTP, no validation, no authentication, no metering.
 *
 * Two kinds of row. The five-column row (handle, prefix, values_json, times) is the classic ceiling. The
 * full row is what idnode itself writes per identifier: the same five columns plus the kept public answer
 * (public_json) and the identifier's reverse-lookup entries (search_index), so a comparison with it leaves
 * out SQLite's own cost of idnode's larger rows and counts only what idnode adds around the insert.
 *
 * Driven over stdin/stdout so the parent reads this process's CPU from /proc around each run exactly:
 * it prints "ready"; each line "run <durationMs> <rowsPerTransaction> <tag> [full]" inserts rows (full rows
 * with "full") for that long and prints one JSON line {rows, wallSec, latenciesMs: [per transaction]}.
 *
 *   --file FILE             the database (created)
 *   --values-json TEXT      the values_json stored in every row (a real seeded identifier's, so rows are the
 *                           size idnode writes)
 *   --public-json TEXT      the public_json of full rows (that identifier's)
 *   --search-entries JSON   that identifier's entries, [[type, key], ...]: a full row gets each, its key
 *                           made unique by the row's serial (idnode's keys differ per identifier too)
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { migrateSqlite } from '../../src/store/sqlite/sqlite-migrations.js';

const { values: args } = parseArgs({
  options: { file: { type: 'string' }, 'values-json': { type: 'string' }, 'public-json': { type: 'string' }, 'search-entries': { type: 'string' } },
});
const db = new Database(args.file!);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
// idnode's own schema (its migrations), so a row costs what idnode's does and the two cannot drift apart.
migrateSqlite(db, args.file!);
const insert = db.prepare('INSERT INTO handles (handle, prefix, values_json, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?)');
const insertFull = db.prepare('INSERT INTO handles (handle, prefix, values_json, created_at_ms, updated_at_ms, public_json) VALUES (?, ?, ?, ?, ?, ?)');
const insertEntry = db.prepare('INSERT INTO search_index (type, key, handle) VALUES (?, ?, ?)');
const valuesJson = args['values-json'] ?? '[]';
const publicJson = args['public-json'] ?? '{}';
const entries = JSON.parse(args['search-entries'] ?? '[]') as [type: string, key: string][];
const prefix = '88.999.1';
let serial = 0;
const transaction = db.transaction((tag: string, rows: number) => {
  const now = Date.now();
  for (let i = 0; i < rows; i++) insert.run(`${prefix}/RAW-${tag}-${serial++}`, prefix, valuesJson, now, now);
});
const fullTransaction = db.transaction((tag: string, rows: number) => {
  const now = Date.now();
  for (let i = 0; i < rows; i++) {
    const n = serial++;
    const handle = `${prefix}/RAW-${tag}-${n}`;
    insertFull.run(handle, prefix, valuesJson, now, now, publicJson);
    // Zero-padded: keys arrive in order, as idnode's bulk identifiers' keys do.
    for (const [type, key] of entries) insertEntry.run(type, `${key}-${String(n).padStart(10, '0')}`, handle);
  }
});

function run(durationMs: number, rowsPerTransaction: number, tag: string, full: boolean): { rows: number; wallSec: number; latenciesMs: number[] } {
  const commit = full ? fullTransaction : transaction;
  const latenciesMs: number[] = [];
  const started = process.hrtime.bigint();
  const end = started + BigInt(durationMs) * 1_000_000n;
  let rows = 0;
  for (let now = started; now < end; ) {
    commit.immediate(tag, rowsPerTransaction);
    const after = process.hrtime.bigint();
    latenciesMs.push(Number(after - now) / 1e6);
    rows += rowsPerTransaction;
    now = after;
  }
  return { rows, wallSec: Number(process.hrtime.bigint() - started) / 1e9, latenciesMs };
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, duration, rowsPerTransaction, tag, kind] = line.trim().split(' ');
  if (command !== 'run') return;
  process.stdout.write(JSON.stringify(run(Number(duration), Number(rowsPerTransaction), tag ?? 'x', kind === 'full')) + '\n');
});
lines.on('close', () => {
  db.close();
  process.exit(0);
});
process.stdout.write('ready\n');
