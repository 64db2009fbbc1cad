/**
 * `node --import tsx bench/micro/sqlite-bulk-insert.ts`: the SQLite writer's own cost of a bulk chunk, in
 * process and on one thread (no HTTP, no parsing): chunks of idnode's bulk rows encoded as the store encodes
 * them (WritesPacker), then run exactly as the writer thread runs them (runRequests: BEGIN IMMEDIATE, the
 * inserts, COMMIT) on a real file, after `--seed` rows already stored. Reports CPU µs and wall µs per row of
 * the writing alone (the encoding is timed apart), so a change of the writer's SQL or pragmas is measured
 * before it is wired in.
 *
 * Flags: --rows N (100000 written, after the seed) --seed N (100000) --chunk N (2000)
 *        --synchronous full|normal (full, idnode's default)
 *        --variant "pragma; pragma" (repeatable; each on a file of its own, written in turn with the others,
 *        e.g. --variant "" --variant "temp_store = MEMORY"; the pragmas run on the writer's connection; the words
 *        bare (no savepoint), no-public and no-entries (rows without public_json or search entries) change the rows)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MeteringDay } from '../../src/core/clock/metering-day.js';
import { publicAnswerJson } from '../../src/core/resolver/public-answer.js';
import { searchEntriesOf } from '../../src/core/search/search-keys.js';
import type { CreateWrite, WriteContext } from '../../src/core/store/store.js';
import { openStore } from '../../src/store/open-store.js';
import { WritesPacker } from '../../src/store/sqlite/packed-writes.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { openConnection } from '../../src/store/sqlite/sqlite-statements.js';
import { runRequests } from '../../src/store/sqlite/sqlite-write-runs.js';
import { sqliteWrites } from '../../src/store/sqlite/sqlite-writes.js';
import { valuesJsonOf } from '../../src/store/store-rows.js';
import { createdValues } from '../../src/store/write-plan.js';
import { BENCH_PREFIX, storedValuesFactory } from '../lib/workload.js';

const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '100000' },
    chunk: { type: 'string', default: '2000' },
    synchronous: { type: 'string', default: 'full' },
    variant: { type: 'string', multiple: true, default: [''] },
  },
});
const chunk = Number(flags.chunk);
const dir = mkdtempSync(join(tmpdir(), 'idnode-micro-bulk-'));
const nowMs = Date.now();
const context: WriteContext = { nowMs, day: new MeteringDay('UTC').dayOf(nowMs), protocol: 'micro' };
const valuesOf = storedValuesFactory('300:0.NA/88.999.1', nowMs);

/** One chunk of bulk rows, encoded as SqliteStore#writeWhole encodes them. */
function packChunk(tag: string, from: number, count: number, leaveOut: { publicJson: boolean; entries: boolean }) {
  const packer = new WritesPacker(count);
  for (let n = from; n < from + count; n++) {
    const write: CreateWrite = { op: 'create', handle: `${BENCH_PREFIX}/I-${tag}-${n}`, prefix: BENCH_PREFIX, values: valuesOf(n) };
    const values = createdValues(write);
    packer.write(write.handle, write.prefix, valuesJsonOf(values), leaveOut.publicJson ? '' : publicAnswerJson(write.handle, values), false);
    if (leaveOut.entries) continue;
    for (const entry of searchEntriesOf(write.handle, values)) packer.entry(entry.type, entry.key);
  }
  return packer.finish();
}

/** A variant: its own file, opened with its pragmas (";"-separated), written through runRequests. */
async function openVariant(name: string) {
  const store = (await openStore({ store: 'sqlite', dataDir: join(dir, String(Math.random()).slice(2)), sqliteSynchronous: 'normal' })) as SqliteStore;
  const file = store.file;
  await store.close();
  const db = openConnection({ file, synchronous: flags.synchronous === 'normal' ? 'normal' : 'full', busyTimeoutMs: 5000 });
  const parts = name.split(';').map((text) => text.trim()).filter((text) => text !== '');
  // "bare": the chunk in a transaction of its own, without runRequests' savepoint (what a lone job could be).
  const bare = parts.includes('bare');
  // "no-public", "no-entries": rows without their public_json (an empty text) or search entries, to tell what they cost.
  const leaveOut = { publicJson: parts.includes('no-public'), entries: parts.includes('no-entries') };
  for (const pragma of parts.filter((part) => !['bare', 'no-public', 'no-entries'].includes(part))) db.pragma(pragma);
  const writes = sqliteWrites(db);
  let id = 1;
  let cpuMicros = 0;
  let wallMicros = 0;
  return {
    name: name || '(defaults)',
    db,
    write(tag: string, from: number, count: number, timed: boolean): void {
      const packed = packChunk(tag, from, count, leaveOut);
      const cpu = process.cpuUsage();
      const wall = performance.now();
      let result: { ok: boolean; error?: unknown } = { ok: true };
      if (bare) {
        db.exec('BEGIN IMMEDIATE');
        writes.writePacked(packed, context);
        db.exec('COMMIT');
      } else [result] = runRequests(db, writes, [{ id: id++, op: 'writePacked', args: [packed, context] }]) as [{ ok: boolean; error?: unknown }];
      const used = process.cpuUsage(cpu);
      if (timed) {
        wallMicros += (performance.now() - wall) * 1000;
        cpuMicros += used.user + used.system;
      }
      if (!result.ok) throw result.error;
    },
    figures: () => ({ cpuMicros, wallMicros }),
  };
}

try {
  const variants = await Promise.all(flags.variant.map(openVariant));
  // Chunk by chunk, the variants in turn (the order reversed every chunk): the machine's noise falls on all alike.
  const each = (tag: string, total: number, timed: boolean) => {
    for (let from = 0, turn = 0; from < total; from += chunk, turn++) {
      for (const variant of turn % 2 === 0 ? variants : [...variants].reverse()) variant.write(tag, from, Math.min(chunk, total - from), timed);
    }
  };
  each('seed', Number(flags.seed), false);
  const rows = Number(flags.rows);
  each('run', rows, true);
  for (const variant of variants) {
    const { cpuMicros, wallMicros } = variant.figures();
    console.log(`${variant.name} sync=${flags.synchronous} chunk=${chunk}: CPU ${(cpuMicros / rows).toFixed(2)} µs/row, wall ${(wallMicros / rows).toFixed(2)} µs/row`);
    variant.db.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
