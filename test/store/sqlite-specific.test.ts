import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import t from 'tap';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { HandleWrite, WriteContext } from '../../src/core/store/store.js';
import { migrateSqlite, SQLITE_MIGRATIONS } from '../../src/store/sqlite/sqlite-migrations.js';
import { valuesJsonOf } from '../../src/store/store-rows.js';
import { KEY_MAX_CHARS } from '../../src/core/search/search-keys.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { childEnv, fixtureNodeArgs } from '../helpers/child-node.js';

const CONTEXT: WriteContext = { nowMs: 1_700_000_000_000, day: '2024-05-01', protocol: 'cli' };
const write = (handle: string): Extract<HandleWrite, { op: 'create' }> => ({
  op: 'create',
  handle,
  prefix: '88.999.1',
  values: [{ index: 1, type: 'URL', data: { format: 'string', value: 'x' }, ttl: 86400, timestamp: '2024-05-01T00:00:00Z', permissions: '1110', references: [] }],
});

t.test('an acknowledged write survives SIGKILL of the process right after it', async (t) => {
  const file = join(t.testdir(), 'crash', 'idnode.sqlite');
  const handle = '88.999.1/survivor-中文';
  const fixture = fileURLToPath(new URL('./fixtures/sqlite-commit-then-hang.mjs', import.meta.url));
  const child = spawn(process.execPath, [...fixtureNodeArgs(fixture, new URL('../../src/store/sqlite/sqlite-store.ts', import.meta.url)), file, handle], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('committed')) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`child exited before committing; output: ${output}`)));
  });
  t.equal(await exited, 'SIGKILL');
  t.match(output, /committed created/);

  const store = openSqliteStore({ file });
  t.teardown(() => store.close());
  t.equal((await store.getHandle(handle))?.handle, handle, 'the write is there after reopening');
  t.same(await store.listCounters('2024-05-01', '2024-05-01'), [{ day: '2024-05-01', prefix: '88.999.1', protocol: 'cli', kind: 'registration', count: 1 }], 'and so is its counter');
});

t.test('settings: WAL, synchronous full by default, busy timeout, parent directory created', async (t) => {
  const dir = t.testdir();
  const full = openSqliteStore({ file: join(dir, 'a', 'b', 'idnode.sqlite') });
  t.same(full.settings, { journalMode: 'wal', synchronous: 'full', busyTimeoutMs: 5000, schemaVersion: SQLITE_MIGRATIONS.length });
  t.equal(full.kind, 'sqlite');
  await full.close();
  const normal = openSqliteStore({ file: join(dir, 'a', 'b', 'idnode.sqlite'), synchronous: 'normal', busyTimeoutMs: 250 });
  t.same(normal.settings, { journalMode: 'wal', synchronous: 'normal', busyTimeoutMs: 250, schemaVersion: SQLITE_MIGRATIONS.length });
  await normal.close();
});

t.test('migrations: reopening is idempotent, new versions are applied, a newer database is refused', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const first = openSqliteStore({ file });
  await first.applyWrites([write('88.999.1/kept')], CONTEXT);
  await first.close();

  const peek = () => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all() as { version: number; applied_at: string }[];
    } finally {
      db.close();
    }
  };
  const known = SQLITE_MIGRATIONS.length;
  const versions = Array.from({ length: known }, (_, i) => i + 1);
  const applied = peek();
  t.same(applied.map((row) => row.version), versions);
  t.match(applied[0]!.applied_at, /^\d{4}-\d\d-\d\dT/);

  const again = openSqliteStore({ file });
  t.equal((await again.getHandle('88.999.1/kept'))?.handle, '88.999.1/kept');
  await again.close();
  t.same(peek(), applied, 'reopening applied nothing');

  const next = [...SQLITE_MIGRATIONS, { version: known + 1, sql: 'CREATE TABLE extra (x INTEGER) STRICT;' }];
  const upgraded = openSqliteStore({ file, migrations: next });
  t.equal(upgraded.settings.schemaVersion, known + 1);
  t.equal((await upgraded.getHandle('88.999.1/kept'))?.handle, '88.999.1/kept', 'data kept across the upgrade');
  await upgraded.close();
  t.same(peek().map((row) => row.version), [...versions, known + 1]);

  const error = t.throws(() => openSqliteStore({ file })) as IdnodeError;
  t.type(error, IdnodeError);
  t.equal(error.code, 'CONFIG_INVALID');
  t.match(error.message, `schema version ${known + 1}, but this idnode knows versions up to ${known}`);
  t.match(error.message, file);

  const broken = [...next, { version: known + 2, sql: 'CREATE TABLE extra2 (x INTEGER) STRICT;' }, { version: known + 3, sql: 'THIS IS NOT SQL' }];
  t.throws(() => openSqliteStore({ file, migrations: broken }), { code: 'CONFIG_INVALID' });
  t.same(peek().map((row) => row.version), [...versions, known + 1], 'a failing migration rolls back every version of that open');
  t.throws(() => openSqliteStore({ file, migrations: [{ version: 2, sql: '' }] }), { code: 'INTERNAL_ERROR' }, 'versions must count from 1');
});

t.test('a file that is not a database is refused with the file named', async (t) => {
  const file = join(t.testdir(), 'not-a-db.sqlite');
  writeFileSync(file, 'hello, this is not SQLite'.repeat(100));
  t.throws(() => openSqliteStore({ file }), { code: 'CONFIG_INVALID', message: /cannot open the SQLite database .*not-a-db\.sqlite/ });
});

t.test('a second process on the same file: writes are seen, a held lock times out as STORE_UNAVAILABLE', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const server = openSqliteStore({ file, busyTimeoutMs: 100 });
  const cli = openSqliteStore({ file, busyTimeoutMs: 100 });
  t.teardown(async () => {
    await server.close();
    await cli.close();
  });
  await cli.applyWrites([write('88.999.1/from-cli')], CONTEXT);
  t.equal((await server.getHandle('88.999.1/from-cli'))?.handle, '88.999.1/from-cli');
  t.equal(await cli.insertPrincipal({ id: '300:88.999.1/a', role: 'enterprise', prefix: '88.999.1', name: 'A', secret: { hash: Buffer.from('h'), salt: Buffer.from('s') }, createdAtMs: 1, revokedAtMs: undefined }), true);
  t.equal((await server.getPrincipal('300:88.999.1/a'))?.name, 'A');

  const locker = new Database(file);
  locker.exec('BEGIN IMMEDIATE');
  await t.rejects(server.applyWrites([write('88.999.1/blocked')], CONTEXT), { code: 'STORE_UNAVAILABLE' });
  await t.rejects(server.addCounters([{ day: '2024-05-01', prefix: '88.999.1', protocol: 'rest', kind: 'resolution.cache-hit', count: 1 }]), { code: 'STORE_UNAVAILABLE' });
  t.equal((await server.getHandle('88.999.1/from-cli'))?.handle, '88.999.1/from-cli', 'reads go on under WAL while another connection writes');
  locker.exec('ROLLBACK');
  locker.close();
  t.same(await server.applyWrites([write('88.999.1/blocked')], CONTEXT), [{ handle: '88.999.1/blocked', status: 'created' }], 'works once the lock is released');
});

t.test('migration 5 builds the reverse-lookup index of the handles stored before it', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const db = new Database(file);
  migrateSqlite(db, file, SQLITE_MIGRATIONS.slice(0, 3));
  const insert = db.prepare('INSERT INTO handles (handle, prefix, values_json, created_at_ms, updated_at_ms) VALUES (?, ?, ?, 0, 0)');
  const url = (index: number, text: string, type = 'URL') => ({ index, type, data: { format: 'string' as const, value: text }, ttl: 86400, timestamp: '2024-05-01T00:00:00Z', permissions: '1110', references: [] });
  insert.run('88.999.1/a', '88.999.1', valuesJsonOf([url(1, 'https://a/'), url(2, 'https://a/'), url(3, 'IM-1', 'product.model'), url(4, 'd'.repeat(300), 'DESC')]));
  insert.run('88.999.1/b', '88.999.1', valuesJsonOf([url(1, 'https://b/'), { ...url(2, 'AA==', 'URL'), data: { format: 'base64' as const, value: 'AA==' } }]));
  db.close();
  const store = openSqliteStore({ file });
  t.teardown(() => store.close());
  t.equal(store.settings.schemaVersion, SQLITE_MIGRATIONS.length);
  t.strictSame(await store.scanSearchIndex({ type: 'URL', from: '', to: undefined, limit: 10 }), [
    { key: 'https://a/', handle: '88.999.1/a' },
    { key: 'https://b/', handle: '88.999.1/b' },
  ]);
  t.strictSame(await store.scanSearchIndex({ type: 'DESC', from: '', to: undefined, limit: 10 }), [{ key: 'd'.repeat(KEY_MAX_CHARS), handle: '88.999.1/a' }]);
  t.strictSame(await store.scanSearchIndex({ type: 'product.model', from: '', to: undefined, limit: 10 }), []);
});

t.test('skipSearchIndexOnCreate (the bench\'s comparison): created handles are not indexed, other writes still are', async (t) => {
  const store = openSqliteStore({ file: join(t.testdir(), 'idnode.sqlite'), skipSearchIndexOnCreate: true });
  t.teardown(() => store.close());
  await store.applyWrites([write('88.999.1/skipped')], CONTEXT);
  t.strictSame(await store.scanSearchIndex({ type: 'URL', from: '', to: undefined, limit: 10 }), []);
  await store.applyWrites([{ op: 'replace', handle: '88.999.1/skipped', prefix: '88.999.1', values: [{ ...write('x').values[0]!, data: { format: 'string', value: 'y' } }] }], CONTEXT);
  t.strictSame(await store.scanSearchIndex({ type: 'URL', from: '', to: undefined, limit: 10 }), [{ key: 'y', handle: '88.999.1/skipped' }]);
});
