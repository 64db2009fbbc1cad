/**
 * The registration ceiling: raw better-sqlite3 inserts into idnode's handles table, with idnode's durability
 * (WAL, synchronous FULL: every commit fsynced), one transaction per registration, or per batch for the
 * bulk scenarios. Nothing else: no HTTP, no validation, no authentication, no metering.
 *
 * Driven over stdin/stdout so the parent reads this process's CPU from /proc around each run exactly:
 * it prints "ready"; each line "run <durationMs> <rowsPerTransaction> <tag>" inserts rows for that long
 * and prints one JSON line {rows, wallSec, latenciesMs: [per transaction]}.
 *
 *   --file FILE           the database (created)
 *   --values-json TEXT    the values_json stored in every row (a real seeded identifier's, so rows are the
 *                         size idnode writes)
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { migrateSqlite } from '../../src/store/sqlite/sqlite-migrations.js';

const { values: args } = parseArgs({ options: { file: { type: 'string' }, 'values-json': { type: 'string' } } });
const db = new Database(args.file!);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
// idnode's own schema (its migrations), so a row costs what idnode's does and the two cannot drift apart.
migrateSqlite(db, args.file!);
const insert = db.prepare('INSERT INTO handles (handle, prefix, values_json, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?)');
const valuesJson = args['values-json'] ?? '[]';
const prefix = '88.999.1';
let serial = 0;
const transaction = db.transaction((tag: string, rows: number) => {
  const now = Date.now();
  for (let i = 0; i < rows; i++) insert.run(`${prefix}/RAW-${tag}-${serial++}`, prefix, valuesJson, now, now);
});

function run(durationMs: number, rowsPerTransaction: number, tag: string): { rows: number; wallSec: number; latenciesMs: number[] } {
  const latenciesMs: number[] = [];
  const started = process.hrtime.bigint();
  const end = started + BigInt(durationMs) * 1_000_000n;
  let rows = 0;
  for (let now = started; now < end; ) {
    transaction.immediate(tag, rowsPerTransaction);
    const after = process.hrtime.bigint();
    latenciesMs.push(Number(after - now) / 1e6);
    rows += rowsPerTransaction;
    now = after;
  }
  return { rows, wallSec: Number(process.hrtime.bigint() - started) / 1e9, latenciesMs };
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, duration, rowsPerTransaction, tag] = line.trim().split(' ');
  if (command !== 'run') return;
  process.stdout.write(JSON.stringify(run(Number(duration), Number(rowsPerTransaction), tag ?? 'x')) + '\n');
});
lines.on('close', () => {
  db.close();
  process.exit(0);
});
process.stdout.write('ready\n');
