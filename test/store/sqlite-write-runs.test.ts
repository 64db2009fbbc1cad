import { join } from 'node:path';
import type Database from 'better-sqlite3';
import t from 'tap';
import type { WriteContext } from '../../src/core/store/store.js';
import { migrateSqlite } from '../../src/store/sqlite/sqlite-migrations.js';
import { openConnection } from '../../src/store/sqlite/sqlite-statements.js';
import { WritesPacker } from '../../src/store/sqlite/packed-writes.js';
import { runRequests } from '../../src/store/sqlite/sqlite-write-runs.js';
import type { WriterRequest } from '../../src/store/sqlite/sqlite-writer-messages.js';
import { sqliteWrites, type EncodedWrites } from '../../src/store/sqlite/sqlite-writes.js';

// The writer's runs (src/store/sqlite/sqlite-write-runs.ts): concurrent encoded writes on distinct handles run as
// one call, with the same rows and counts as one by one; a failing one fails alone; repeated handles are not merged.

const PREFIX = '88.999.1';
const context = (nowMs: number): WriteContext => ({ nowMs, day: '2026-11-29', protocol: 'rest' });

function open(t: Tap.Test) {
  const file = join(t.testdir(), 'w.sqlite');
  const db = openConnection({ file, synchronous: 'full', busyTimeoutMs: 1000 });
  t.teardown(() => db.close());
  migrateSqlite(db, file);
  const handles = () => db.prepare<[], { handle: string; created: number; updated: number }>('SELECT handle, created_at_ms AS created, updated_at_ms AS updated FROM handles ORDER BY handle').all();
  const registrations = () => db.prepare<[], { kind: string; n: number }>('SELECT kind, sum(count) AS n FROM counters GROUP BY kind ORDER BY kind').all();
  const entries = () => db.prepare<[], { key: string; handle: string }>('SELECT key, handle FROM search_index ORDER BY key').all();
  return { db, writes: sqliteWrites(db), handles, registrations, entries };
}

/** One PUT as the store encodes it: a URL value, indexed. */
function put(id: number, suffix: string, op: 'create' | 'replace', nowMs: number, url = `https://x/${suffix}`): Exclude<WriterRequest, { op: 'close' }> {
  const handle = `${PREFIX}/${suffix}`;
  const valuesJson = JSON.stringify([{ index: 1, type: 'URL', data: { format: 'string', value: url }, ttl: 86400, timestamp: '2026-11-29T00:00:00Z', permissions: 'PUBLIC_READ,ADMIN_WRITE', references: [] }]);
  const writes: EncodedWrites = {
    handles: [handle],
    prefixes: [PREFIX],
    valuesJson: [valuesJson],
    publicJson: [`{"responseCode":1,"handle":"${handle}","values":${valuesJson}}`],
    entryOwners: [0],
    entryTypes: ['URL'],
    entryKeys: [url],
    replaces: op === 'replace' ? [0] : [],
  };
  return { id, op: 'writeEncoded', args: [writes, context(nowMs)] };
}

t.test('a run of PUTs on distinct handles: one call, each its own time, counted once each', async (t) => {
  const { db, writes, handles, registrations, entries } = open(t);
  db.exec('BEGIN IMMEDIATE');
  writes.writeEncoded(...(put(0, 'old', 'create', 1).args as Parameters<typeof writes.writeEncoded>));
  db.exec('COMMIT');
  const results = runRequests(db, writes, [put(1, 'a', 'replace', 10), put(2, 'b', 'create', 11), put(3, 'old', 'replace', 12, 'https://x/new'), put(4, 'old-create', 'create', 13)]);
  t.same(
    results.map((result) => result.ok && result.value),
    [[null], [null], ['updated'], [null]],
  );
  t.same(handles(), [
    { handle: `${PREFIX}/a`, created: 10, updated: 10 },
    { handle: `${PREFIX}/b`, created: 11, updated: 11 },
    { handle: `${PREFIX}/old`, created: 1, updated: 12 },
    { handle: `${PREFIX}/old-create`, created: 13, updated: 13 },
  ]);
  t.same(registrations(), [
    { kind: 'registration', n: 4 },
    { kind: 'update', n: 1 },
  ]);
  t.same(
    entries().map((entry) => entry.key),
    ['https://x/a', 'https://x/b', 'https://x/new', 'https://x/old-create'],
    'the replaced value left the index, its new one came in',
  );
});

t.test('a failing PUT in a run fails alone: the others commit, it leaves nothing', async (t) => {
  const { db, writes, handles, registrations } = open(t);
  const bad = put(2, 'bad', 'create', 11);
  (bad.args[0] as unknown as { prefixes: (string | null)[] }).prefixes[0] = null; // NOT NULL refuses the row
  const results = runRequests(db, writes, [put(1, 'a', 'create', 10), bad, put(3, 'c', 'create', 12)]);
  t.same(
    results.map((result) => result.ok),
    [true, false, true],
  );
  t.match(!results[1]!.ok && results[1]!.error, /NOT NULL/);
  t.same(
    handles().map((row) => row.handle),
    [`${PREFIX}/a`, `${PREFIX}/c`],
  );
  t.same(registrations(), [{ kind: 'registration', n: 2 }]);
  t.notOk(db.inTransaction);
});

t.test('the same handle twice is not merged: the second sees the first, in order; other requests stay between', async (t) => {
  const { db, writes, handles, registrations } = open(t);
  const results = runRequests(db, writes, [
    put(1, 'a', 'create', 10),
    put(2, 'a', 'create', 11),
    { id: 3, op: 'addCounters', args: [[{ day: '2026-11-29', prefix: PREFIX, protocol: 'rest', kind: 'resolution.cache-hit', count: 5 }]] },
    put(4, 'a', 'replace', 12),
    put(5, 'b', 'create', 13),
  ]);
  t.same(
    results.map((result) => result.ok),
    [true, true, true, true, true],
  );
  t.equal(results[0]!.ok && (results[0]!.value as unknown[])[0], null);
  t.match(results[1]!.ok && (results[1]!.value as unknown[])[0], { created_at_ms: 10 }, 'the create found the row just written');
  t.same(results[3]!.ok && results[3]!.value, ['updated']);
  t.same(handles(), [
    { handle: `${PREFIX}/a`, created: 10, updated: 12 },
    { handle: `${PREFIX}/b`, created: 13, updated: 13 },
  ]);
  t.same(registrations(), [
    { kind: 'registration', n: 2 },
    { kind: 'resolution.cache-hit', n: 5 },
    { kind: 'update', n: 1 },
  ]);
});

t.test('packed writes (their JSON and entries bound as UTF-8 bytes) store exactly the text of the same writes as strings', async (t) => {
  // Enough creates for grouped and single inserts and entries (INSERT_GROUP), non-ASCII text, an empty
  // public answer, a create that meets an existing row and a replace of one.
  const ids = Array.from({ length: 23 }, (_, k) => `é-${k}`);
  const build = (asPacked: boolean, nowMs: number): Exclude<WriterRequest, { op: 'close' }> => {
    // One key holds a NUL character: stored whole either way.
    const requests = ids.map((suffix, k) => put(k, suffix, k === 5 ? 'replace' : 'create', nowMs, `https://例え.jp/${suffix}/😀${k === 9 ? '\u0000x' : ''}`));
    const packer = new WritesPacker(ids.length);
    const strings = { handles: [] as string[], prefixes: [] as string[], valuesJson: [] as string[], publicJson: [] as string[], entryOwners: [] as number[], entryTypes: [] as string[], entryKeys: [] as string[], replaces: [5] };
    requests.forEach((request, k) => {
      const [writes] = request.args as unknown as [EncodedWrites];
      const publicJson = k === 7 ? '' : (writes.publicJson[0] as string);
      packer.write(writes.handles[0]!, PREFIX, writes.valuesJson[0] as string, publicJson, k === 5);
      packer.entry('URL', writes.entryKeys[0] as string);
      strings.handles.push(writes.handles[0]!);
      strings.prefixes.push(PREFIX);
      strings.valuesJson.push(writes.valuesJson[0] as string);
      strings.publicJson.push(publicJson);
      strings.entryOwners.push(k);
      strings.entryTypes.push('URL');
      strings.entryKeys.push(writes.entryKeys[0] as string);
    });
    return asPacked ? { id: 1, op: 'writePacked', args: [packer.finish(), context(nowMs)] } : { id: 1, op: 'writeEncoded', args: [strings, context(nowMs)] };
  };
  const contents = (db: Database.Database) => ({
    handles: db.prepare('SELECT handle, prefix, values_json, typeof(values_json) AS t1, public_json, typeof(public_json) AS t2, created_at_ms, updated_at_ms FROM handles ORDER BY handle').all(),
    entries: db.prepare('SELECT type, typeof(type) AS t1, key, typeof(key) AS t2, handle FROM search_index ORDER BY type, key, handle').all(),
    counters: db.prepare('SELECT kind, sum(count) AS n FROM counters GROUP BY kind ORDER BY kind').all(),
  });
  const stored = [];
  const answers = [];
  for (const asPacked of [false, true]) {
    const { db, writes } = open(t);
    // Two rows already there: one the create meets (its row answered), one the replace changes.
    runRequests(db, writes, [put(0, ids[3]!, 'create', 1, 'https://x/old'), put(1, ids[5]!, 'create', 1, 'https://x/old5')]);
    const [result] = runRequests(db, writes, [build(asPacked, 20)]);
    answers.push(result!.ok && result!.value);
    stored.push(contents(db));
  }
  t.same(stored[1], stored[0], 'the same rows, search entries and counts');
  t.same(answers[1], answers[0], 'the same answers (created, the existing row, updated)');
  t.match(stored[1], { handles: [{ t1: 'text', t2: 'text' }] }, 'stored as TEXT');
  t.equal((stored[1]!.handles as { handle: string; public_json: string }[]).find((row) => row.handle === `${PREFIX}/é-7`)!.public_json, '', 'an empty text stays an empty text');
  t.ok((stored[1]!.entries as { key: string }[]).some((entry) => entry.key === 'https://例え.jp/é-0/😀'), 'non-ASCII keys round-trip');
  t.ok((stored[1]!.entries as { key: string }[]).some((entry) => entry.key === 'https://例え.jp/é-9/😀\u0000x'), 'a NUL character is kept');
});
