import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { openStore } from '../../src/store/open-store.js';
import { withDefaultUser } from '../../src/store/postgres/postgres-url.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const URL = process.env.IDNODE_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';

t.test('sqlite: <dataDir>/idnode.sqlite, directory created, synchronous passed on', async (t) => {
  const dataDir = join(t.testdir(), 'data', 'node-1');
  const store = (await openStore({ store: 'sqlite', dataDir, sqliteSynchronous: 'normal' })) as SqliteStore;
  t.teardown(() => store.close());
  t.equal(store.kind, 'sqlite');
  t.equal(store.file, join(dataDir, 'idnode.sqlite'));
  t.ok(existsSync(join(dataDir, 'idnode.sqlite')));
  t.equal(store.settings.synchronous, 'normal');
  const defaults = (await openStore({ store: 'sqlite', dataDir: join(t.testdir(), 'other') })) as SqliteStore;
  t.equal(defaults.settings.synchronous, 'full');
  await defaults.close();
});

t.test('postgres: the given schema', async (t) => {
  const schema = `idnode_test_${randomBytes(6).toString('hex')}`;
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: withDefaultUser(URL) });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });
  const store = (await openStore({ store: 'postgres', databaseUrl: URL, databaseSchema: schema })) as PostgresStore;
  t.teardown(() => store.close());
  t.equal(store.kind, 'postgres');
  t.equal(store.schema, schema);
  await store.ping();
});

t.test('memory: a new, empty store each time, nothing on disk', async (t) => {
  const first = await openStore({ store: 'memory' });
  const second = await openStore({ store: 'memory' });
  t.teardown(async () => {
    await first.close();
    await second.close();
  });
  t.equal(first.kind, 'memory');
  t.equal(await first.initMeta('node.first-run', 'one'), 'one');
  t.equal(await second.getMeta('node.first-run'), undefined, 'stores share nothing');
});
