import { join } from 'node:path';
import t from 'tap';
import { openConnection } from '../../src/store/sqlite/sqlite-statements.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { sqliteWrites } from '../../src/store/sqlite/sqlite-writes.js';

/**
 * sqliteWrites is what the writer thread runs; the store's conformance suite exercises every write through the
 * thread, where the coverage tool does not see function entries. Here the same functions run on this thread,
 * against a store's migrated file, and what each reports is checked against the rows it leaves.
 */

/** A migrated store file in the test's directory, and the writer thread's writes on a connection of this thread. */
async function migratedWrites(t: Tap.Test): Promise<{ db: ReturnType<typeof openConnection>; writes: ReturnType<typeof sqliteWrites> }> {
  const file = join(t.testdir(), 'idnode.sqlite');
  await openSqliteStore({ file }).close();
  const db = openConnection({ file, synchronous: 'normal', busyTimeoutMs: 5000 });
  t.teardown(() => db.close());
  return { db, writes: sqliteWrites(db) };
}

/** Encoded creates of `handles` under 88.999.1, one URL value each. */
const encoded = (handles: string[]) => ({
  handles,
  prefixes: handles.map(() => '88.999.1'),
  valuesJson: handles.map((handle) => `[{"index":1,"type":"URL","data":{"format":"string","value":"https://example.com/${handle}"},"ttl":86400,"permissions":"1110","timestamp":0,"references":[]}]`),
  publicJson: handles.map((handle) => `{"responseCode":1,"handle":"${handle}","values":[]}`),
  entryOwners: [],
  entryTypes: [],
  entryKeys: [],
  replaces: [],
});

t.test('the writer thread\'s writes, run in-process: each reports whether it changed a row, and leaves that row', async (t) => {
  const { db, writes } = await migratedWrites(t);
  const secret = { hash: Buffer.alloc(32, 1), salt: Buffer.alloc(16, 2) };
  const other = { hash: Buffer.alloc(32, 3), salt: Buffer.alloc(16, 4) };

  t.equal(writes.addHomedPrefix({ prefix: '88.999', source: 'api', createdAtMs: 1 }), true, 'a prefix homed');
  t.equal(writes.addHomedPrefix({ prefix: '88.999', source: 'api', createdAtMs: 2 }), false, 'homed once');
  t.equal(writes.removeHomedPrefix('88.999'), true, 'and unhomed');
  t.equal(writes.removeHomedPrefix('88.999'), false, 'once');

  const principal = { id: '300:0.NA/88.999.1', role: 'enterprise' as const, prefix: '88.999.1', name: 'Demo', secret, createdAtMs: 1, revokedAtMs: undefined };
  t.equal(writes.insertPrincipal(principal), true, 'a principal inserted');
  t.equal(writes.insertPrincipal(principal), false, 'not twice');
  t.equal(writes.updatePrincipalSecret(principal.id, other), true, 'its secret replaced');
  t.equal(writes.revokePrincipal(principal.id, 5), true, 'revoked');
  t.equal(writes.reinstatePrincipal(principal.id, secret), true, 'reinstated with a new secret');
  t.same(db.prepare('SELECT revoked_at_ms, secret_salt FROM principals WHERE id = ?').get(principal.id), { revoked_at_ms: null, secret_salt: secret.salt });
  t.equal(writes.updatePrincipalSecret('300:0.NA/absent', other), false, 'an unknown principal changes nothing');

  writes.insertToken({ hash: Buffer.alloc(32, 5), principalId: principal.id, stamp: secret.salt, issuedAtMs: 10, expiresAtMs: 20 }, 10);
  writes.insertToken({ hash: Buffer.alloc(32, 6), principalId: principal.id, stamp: secret.salt, issuedAtMs: 30, expiresAtMs: 40 }, 30);
  t.equal(db.prepare('SELECT count(*) FROM tokens').pluck().get(), 1, 'issuing a token drops the expired ones');
  writes.setLoginDigest(principal.id, { stamp: secret.salt, digest: Buffer.from('ab') });
  writes.setLoginDigest(principal.id, { stamp: secret.salt, digest: Buffer.from('cd') });
  t.equal(db.prepare('SELECT count(*) FROM login_digests').pluck().get(), 1, 'one login digest a principal');

  t.equal(writes.appendLedgerEntry({ seq: 1, day: '2025-01-01', entry: '{}' }), true, 'a ledger entry appended');
  t.equal(writes.appendLedgerEntry({ seq: 1, day: '2025-01-01', entry: '{"x":1}' }), false, 'a sequence number once');

  const template = { prefix: '88.999.1', version: '1', definition: '{}', createdAtMs: 1, updatedAtMs: 1 };
  t.equal(writes.insertTemplate(template), true, 'a template inserted');
  t.equal(writes.insertTemplate(template), false, 'a version once');
  t.equal(writes.replaceTemplate({ ...template, definition: '{"a":1}', updatedAtMs: 2 }), true, 'replaced');
  t.equal(writes.deleteTemplate('88.999.1', '1'), true, 'deleted');
  t.equal(writes.deleteTemplate('88.999.1', '1'), false, 'once');

  t.equal(writes.initMeta('k', 'first'), 'first', 'a meta value set when absent');
  t.equal(writes.initMeta('k', 'second'), 'first', 'and kept');
  writes.setMeta('k', 'third');
  t.equal(writes.initMeta('k', 'fourth'), 'third', 'set overwrites');
  t.equal(writes.deleteMeta('k'), true);
  t.equal(writes.deleteMeta('k'), false);

  writes.addCounters([
    { day: '2025-01-01', prefix: '88.999.1', protocol: 'rest', kind: 'registration', count: 2 },
    { day: '2025-01-01', prefix: '88.999.1', protocol: 'rest', kind: 'registration', count: 3 },
  ]);
  writes.addCounters([]);
  t.equal(db.prepare("SELECT count FROM counters WHERE kind = 'registration'").pluck().get(), 5, 'counter deltas added up');

  // Encoded creates and replaces, as the main thread sends them: one call, then two merged into one.
  const encoded = (handles: string[], replaces: number[] = []) => ({
    handles,
    prefixes: handles.map(() => '88.999.1'),
    valuesJson: handles.map(() => '[{"index":1,"type":"URL","data":{"format":"string","value":"https://example.com/"},"ttl":86400,"permissions":"1110","timestamp":0,"references":[]}]'),
    publicJson: handles.map((handle) => `{"responseCode":1,"handle":"${handle}","values":[]}`),
    entryOwners: [],
    entryTypes: [],
    entryKeys: [],
    replaces,
  });
  const context = { nowMs: 100, day: '2025-01-02', protocol: 'rest' };
  t.same(writes.writeEncoded(encoded(['88.999.1/A', '88.999.1/B']), context), [null, null], 'two rows created');
  const again = writes.writeEncoded(encoded(['88.999.1/A', '88.999.1/C'], [0]), context);
  t.same(again, ['updated', null], 'a replace updates the row that exists, a create inserts');
  const many = writes.writeEncodedMany([
    [encoded(['88.999.1/D']), context],
    [encoded(['88.999.1/B']), { ...context, nowMs: 200 }],
  ]);
  t.equal(many[0]![0], null, 'merged calls: the first creates');
  t.match(many[1]![0], { values_json: String }, 'the second finds the row that exists and writes nothing');
  t.equal(db.prepare('SELECT count(*) FROM handles').pluck().get(), 4);
});

t.test('a grouped insert that meets existing rows tells exactly which rows it created, rowids reused or not', async (t) => {
  const { db, writes } = await migratedWrites(t);
  const context = { nowMs: 100, day: '2025-01-02', protocol: 'rest' };
  const first = Array.from({ length: 25 }, (_, k) => `88.999.1/A${k}`);
  t.same(writes.writeEncoded(encoded(first), context), first.map(() => null), '25 rows created (two groups of ten and five single inserts)');
  // The row with the largest rowid and one in the middle deleted: a new row may take the deleted largest rowid again.
  db.prepare('DELETE FROM handles WHERE handle IN (?, ?)').run('88.999.1/A24', '88.999.1/A12');
  // Three groups of ten: new and existing rows mixed, the deleted ones created anew.
  const second = [...Array.from({ length: 10 }, (_, k) => `88.999.1/B${k}`), ...first.slice(5, 25), '88.999.1/C'];
  const results = writes.writeEncoded(encoded(second), { ...context, nowMs: 200 });
  const created = second.filter((_, k) => results[k] === null);
  t.same(created, [...second.slice(0, 10), '88.999.1/A12', '88.999.1/A24', '88.999.1/C'], 'created: exactly the rows that were absent');
  for (const [k, handle] of second.entries()) {
    if (results[k] !== null) t.match(results[k], { created_at_ms: 100 }, `${handle}: the existing row is answered, unchanged`);
  }
  t.equal(db.prepare('SELECT count(*) FROM handles').pluck().get(), 36);
  t.equal(db.prepare("SELECT sum(count) FROM counters WHERE kind = 'registration'").pluck().get(), 25 + 13, 'registrations counted for the created rows only');
});

t.test('near the largest rowid, a call inserts row by row and still tells exactly which rows it created', async (t) => {
  const { db, writes } = await migratedWrites(t);
  const context = { nowMs: 100, day: '2025-01-02', protocol: 'rest' };
  t.same(writes.writeEncoded(encoded(['88.999.1/old']), context), [null]);
  // A row with SQLite's largest rowid: new rows then get unused rowids at random, which tell nothing.
  db.prepare('UPDATE handles SET rowid = 9223372036854775807 WHERE handle = ?').run('88.999.1/old');
  const handles = [...Array.from({ length: 9 }, (_, k) => `88.999.1/N${k}`), '88.999.1/old'];
  const results = writes.writeEncoded(encoded(handles), { ...context, nowMs: 200 });
  t.same(handles.filter((_, k) => results[k] === null), handles.slice(0, 9), 'created: the nine absent rows');
  t.match(results[9], { created_at_ms: 100 }, 'the existing row is answered, unchanged');
});
