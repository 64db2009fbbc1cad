import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openStore } from '../../src/store/open-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { bulkSeedSqlite } from '../../bench/lib/bulk-seed.js';
import { createBenchEnterprise, seedIdentifiers } from '../../bench/lib/seed.js';

/** A fresh store file with the bench enterprise; its file and the enterprise's id. */
async function freshStore(dir: string): Promise<{ file: string; adminId: string; store: SqliteStore }> {
  const store = (await openStore({ store: 'sqlite', dataDir: dir, sqliteSynchronous: 'normal' })) as SqliteStore;
  const enterprise = await createBenchEnterprise(store, join(dir, 'node-key.pem'));
  return { file: store.file, adminId: enterprise.id, store };
}

/** What a seed leaves in the tables it writes, with the seeding instant taken out (two seeds run at different times). */
function contents(file: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    const untimed = (text: string) => text.replace(/"timestamp":"[^"]+"/g, '"timestamp":"T"');
    return {
      handles: db
        .prepare('SELECT handle, prefix, values_json, public_json, created_at_ms = updated_at_ms AS same FROM handles ORDER BY handle')
        .all()
        .map((row) => {
          const r = row as { values_json: string; public_json: string };
          return { ...r, values_json: untimed(r.values_json), public_json: untimed(r.public_json) };
        }),
      search: db.prepare('SELECT type, key, handle FROM search_index ORDER BY type, key, handle').all(),
      counters: db.prepare('SELECT prefix, protocol, kind, count FROM counters ORDER BY prefix, protocol, kind').all(),
      journal: db.pragma('journal_mode', { simple: true }),
    };
  } finally {
    db.close();
  }
}

t.test('the bulk seed leaves the rows, kept answers, index entries and counters the store writes itself', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'idnode-bulk-seed-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const count = 2_345;

  const bulk = await freshStore(join(dir, 'bulk'));
  await bulk.store.close();
  const seconds = bulkSeedSqlite(bulk.file, count, bulk.adminId, { chunk: 1_000, onProgress: (done) => t.ok(done <= count) });
  t.ok(seconds > 0);

  const reference = await freshStore(join(dir, 'store'));
  await seedIdentifiers(reference.store, count, reference.adminId, { chunk: 500 });
  await reference.store.close();

  const seeded = contents(bulk.file) as { handles: unknown[]; counters: unknown[]; journal: string };
  t.equal(seeded.handles.length, count);
  t.equal(seeded.journal, 'wal', 'the file is back in WAL mode');
  t.same(seeded, contents(reference.file));
});

t.test('the bulk seed refuses a file that already holds its identifiers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'idnode-bulk-seed-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { file, adminId, store } = await freshStore(dir);
  await store.close();
  bulkSeedSqlite(file, 10, adminId);
  t.throws(() => bulkSeedSqlite(file, 10, adminId), /already present/);
});
