import { randomBytes } from 'node:crypto';
import pg from 'pg';
import t, { type Test } from 'tap';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { HandleWrite, WriteContext } from '../../src/core/store/store.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { changeChannel, changePayloads, parseChangePayload } from '../../src/store/postgres/postgres-notify.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/postgres-migrations.js';
import { openPostgresStore, type PostgresStoreOptions } from '../../src/store/postgres/postgres-store.js';
import { withDefaultUser } from '../../src/store/postgres/postgres-url.js';
import { valuesJsonOf } from '../../src/store/store-rows.js';
import { freshSchema, TEST_DATABASE_URL, withDatabase } from '../helpers/test-database.js';
import { eventually } from '../helpers/eventually.js';
import { storeConformance } from './conformance.js';

// These tests always run: CI and the development machine provide a database (trust auth).
const URL = TEST_DATABASE_URL;
const CONTEXT: WriteContext = { nowMs: 1_700_000_000_000, day: '2024-05-01', protocol: 'rest' };

const value = (index: number, text = `v${index}`): HandleValue => ({
  index,
  type: 'URL',
  data: { format: 'string', value: text },
  ttl: 86400,
  timestamp: '2024-05-01T00:00:00Z',
  permissions: '1110',
  references: [],
});
const create = (handle: string, values = [value(1)]): HandleWrite => ({ op: 'create', handle, prefix: '88.999.1', values });

const admin = <T>(body: (client: pg.Client) => Promise<T>): Promise<T> => withDatabase(body);

async function open(t: Test, schema: string, options: Partial<PostgresStoreOptions> = {}) {
  const store = await openPostgresStore({ url: URL, schema, poolSize: 4, ...options });
  t.teardown(() => store.close());
  return store;
}

await t.test(`the test database is reachable at ${URL} (set IDNODE_TEST_DATABASE_URL to change it)`, async (t) => {
  try {
    const version = await admin((client) => client.query<{ server_version: string }>('SHOW server_version'));
    t.ok(version.rows[0]?.server_version, `PostgreSQL ${version.rows[0]?.server_version}`);
  } catch (error) {
    t.fail(`cannot reach PostgreSQL at ${URL}: ${(error as Error).message}. Start it, or point IDNODE_TEST_DATABASE_URL at one.`);
  }
});

await storeConformance(t, 'postgres', async () => {
  const schema = `idnode_test_${randomBytes(6).toString('hex')}`;
  const store = await openPostgresStore({ url: URL, schema, poolSize: 4 });
  return { store, cleanup: () => admin((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => {}) };
});

t.test('onForeignChange fires on the other instance, never on the writer', async (t) => {
  const schema = freshSchema(t);
  const a = await open(t, schema);
  const b = await open(t, schema);
  t.not(a.instanceId, b.instanceId);
  const heardByA: (string | undefined)[] = [];
  const heardByB: (string | undefined)[] = [];
  a.onForeignChange((h) => heardByA.push(h));
  const unsubscribe = b.onForeignChange((h) => heardByB.push(h));

  await a.applyWrites([create('88.999.1/one'), create('88.999.1/two'), create('88.999.1/one')], CONTEXT);
  await eventually(() => heardByB.length >= 2, 'b to hear the creations');
  t.same(heardByB.sort(), ['88.999.1/one', '88.999.1/two'], 'each changed handle once per commit; the refused create is no change');

  heardByB.length = 0;
  await a.applyWrites([{ op: 'delete-values', handle: '88.999.1/one', prefix: '88.999.1', indexes: [7] }], CONTEXT);
  await a.applyWrites([{ op: 'delete', handle: '88.999.1/two', prefix: '88.999.1' }, { op: 'merge', handle: '88.999.1/one', prefix: '88.999.1', values: [value(2)], overwrite: true }], CONTEXT);
  await eventually(() => heardByB.length >= 2, 'b to hear the update and the delete');
  t.same(heardByB.sort(), ['88.999.1/one', '88.999.1/two'], 'unchanged outcomes are not announced');

  heardByB.length = 0;
  await b.applyWrites([create('88.999.1/from-b')], CONTEXT);
  await eventually(() => heardByA.includes('88.999.1/from-b'), 'a to hear b');
  t.same(heardByB, [], 'b does not hear itself');

  // A batch whose announcements exceed one 8000-byte payload.
  const many = Array.from({ length: 120 }, (_, i) => `88.999.1/${'长'.repeat(60)}-${i}`);
  heardByB.length = 0;
  await a.applyWrites(many.map((h) => create(h)), CONTEXT);
  await eventually(() => heardByB.length >= many.length, 'b to hear all 120 handles');
  t.same([...heardByB].sort(), [...many].sort());

  unsubscribe();
  heardByB.length = 0;
  await a.applyWrites([create('88.999.1/after-unsubscribe')], CONTEXT);
  // An absence can only be shown by waiting: a notification, were one sent, arrives well within 300 ms.
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.same(heardByB, [], 'unsubscribed');
});

t.test('a throwing listener does not silence the others', async (t) => {
  const schema = freshSchema(t);
  const a = await open(t, schema);
  const b = await open(t, schema);
  const heard: (string | undefined)[] = [];
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));
  b.onForeignChange(() => {
    throw new Error('listener bug');
  });
  b.onForeignChange((h) => heard.push(h));
  await a.applyWrites([create('88.999.1/x')], CONTEXT);
  await eventually(() => heard.length === 1 && warnings.length === 1, 'the second listener and the warning');
  t.match(warnings[0], /listener threw for handle "88\.999\.1\/x": listener bug/);
});

t.test('a lost LISTEN connection is re-established and reported as a gap', async (t) => {
  const schema = freshSchema(t);
  let gaps = 0;
  const a = await open(t, schema);
  const b = await open(t, schema, { onListenGap: () => gaps++ });
  const heard: (string | undefined)[] = [];
  b.onForeignChange((h) => heard.push(h));
  const pid = b.listenBackendPid;
  t.type(pid, 'number');
  await admin((client) => client.query('SELECT pg_terminate_backend($1)', [pid]));
  await eventually(() => gaps === 1, 'the gap to be reported');
  t.not(b.listenBackendPid, pid, 'a new session');
  t.ok(heard.includes(undefined), 'listeners hear "anything may have changed" (caches clear)');
  await a.applyWrites([create('88.999.1/after-gap')], CONTEXT);
  await eventually(() => heard.includes('88.999.1/after-gap'), 'notifications to flow again');
});

t.test('replicas racing on the same handles: one creation each, no lost merge', async (t) => {
  const schema = freshSchema(t);
  const a = await open(t, schema);
  const b = await open(t, schema);
  const handles = Array.from({ length: 20 }, (_, i) => `88.999.1/race-${i}`);
  const results = await Promise.all([
    ...handles.map((h) => a.applyWrites([create(h, [value(1, 'a')])], CONTEXT)),
    ...handles.map((h) => b.applyWrites([create(h, [value(1, 'b')])], CONTEXT)),
    a.applyWrites(handles.map((h) => create(h, [value(1, 'a-batch')])), CONTEXT),
    b.applyWrites([...handles].reverse().map((h) => create(h, [value(1, 'b-batch')])), CONTEXT),
  ]);
  const statuses = results.flat();
  t.equal(statuses.filter((o) => o.status === 'created').length, 20, 'exactly one creation per handle');
  t.equal(statuses.filter((o) => o.status === 'exists').length, 60);
  t.same(await a.listCounters('2024-05-01', '2024-05-01'), [{ day: '2024-05-01', prefix: '88.999.1', protocol: 'rest', kind: 'registration', count: 20 }]);

  const target = '88.999.1/race-0';
  await Promise.all(
    Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).applyWrites([{ op: 'merge', handle: target, prefix: '88.999.1', values: [value(100 + i)], overwrite: true }], CONTEXT)),
  );
  t.equal((await a.getHandle(target))?.values.length, 41, 'every merge kept every other (read-modify-write under FOR UPDATE)');

  await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).addCounters([
    { day: '2024-05-02', prefix: '88.999.1', protocol: 'rest', kind: 'resolution.cache-hit', count: 1 },
    { day: '2024-05-02', prefix: '88.999.2', protocol: 'rest', kind: 'resolution.cache-hit', count: 2 },
  ])));
  t.same((await b.listCounters('2024-05-02', '2024-05-02')).map((r) => r.count), [50, 100], 'additive across replicas');
});

t.test('a statement failing late in applyWrites rolls back the whole call', async (t) => {
  const store = await open(t, freshSchema(t));
  // PostgreSQL text cannot hold NUL: the counter upsert, which runs after the handle insert, fails.
  await t.rejects(store.applyWrites([create('88.999.1/rolled-back')], { ...CONTEXT, protocol: 'bad\u0000protocol' }), { code: 'INTERNAL_ERROR' });
  t.equal(await store.getHandle('88.999.1/rolled-back'), undefined);
  t.same(await store.listCounters('0000-01-01', '9999-12-31'), []);
  t.same(await store.applyWrites([create('88.999.1/rolled-back')], CONTEXT), [{ handle: '88.999.1/rolled-back', status: 'created' }], 'the connection went back to the pool clean');
});

t.test('migrations: replicas opening together, idempotent reopen, newer schema refused', async (t) => {
  const schema = freshSchema(t);
  const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ url: URL, schema, poolSize: 1 })));
  const known = POSTGRES_MIGRATIONS.length;
  const all = Array.from({ length: known }, (_, i) => i + 1);
  for (const store of stores) t.equal(store.schemaVersion, known);
  await stores[0]!.applyWrites([create('88.999.1/kept')], CONTEXT);
  await Promise.all(stores.map((store) => store.close()));
  const versions = () => admin((client) => client.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)).then((r) => r.rows.map((row) => row.version));
  t.same(await versions(), all);

  const again = await open(t, schema);
  t.equal((await again.getHandle('88.999.1/kept'))?.handle, '88.999.1/kept');
  t.same(await versions(), all, 'reopening applied nothing');

  const next = [...POSTGRES_MIGRATIONS, { version: known + 1, sql: 'CREATE TABLE extra (x INTEGER);' }];
  const upgraded = await open(t, schema, { migrations: next });
  t.equal(upgraded.schemaVersion, known + 1);
  t.same(await versions(), [...all, known + 1]);

  const error = (await openPostgresStore({ url: URL, schema }).then(
    () => undefined,
    (e: unknown) => e,
  )) as IdnodeError;
  t.type(error, IdnodeError);
  t.equal(error.code, 'CONFIG_INVALID');
  t.match(error.message, `"${schema}" has schema version ${known + 1}, but this idnode knows versions up to ${known}`);

  const broken = [...next, { version: known + 2, sql: 'CREATE TABLE extra2 (x INTEGER);' }, { version: known + 3, sql: 'NOT SQL' }];
  await t.rejects(openPostgresStore({ url: URL, schema, migrations: broken }), { code: 'INTERNAL_ERROR' });
  t.same(await versions(), [...all, known + 1], 'a failing migration rolls back every version of that open');
  t.equal(await admin((client) => client.query("SELECT to_regclass($1) AS t", [`"${schema}".extra2`])).then((r) => r.rows[0].t), null, 'and its tables');
});

t.test('open: unreachable database and bad schema names are reported clearly', async (t) => {
  const error = (await openPostgresStore({ url: 'postgres://idnode:s3cret@127.0.0.1:1/none', connectTimeoutMs: 2000 }).then(
    () => undefined,
    (e: unknown) => e,
  )) as IdnodeError;
  t.equal(error?.code, 'STORE_UNAVAILABLE');
  t.match(error?.message, /cannot connect to PostgreSQL at postgres:\/\/idnode:\*\*\*@127\.0\.0\.1:1\/none/);
  t.notMatch(error?.message, /s3cret/, 'the password is redacted');
  await t.rejects(openPostgresStore({ url: URL, schema: '' }), { code: 'CONFIG_INVALID' });
  await t.rejects(openPostgresStore({ url: URL, schema: 'x'.repeat(64) }), { code: 'CONFIG_INVALID' });
});

t.test('a store whose database went away reports STORE_UNAVAILABLE', async (t) => {
  const store = await open(t, freshSchema(t), { poolSize: 1 });
  t.equal(await store.getHandle('88.999.1/x'), undefined);
  // The pooled session is the one whose last statement named this test's schema.
  const killed = await admin((client) =>
    client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%' || $1 || '%' AND query NOT LIKE 'LISTEN%'", [store.schema]),
  );
  t.equal(killed.rowCount, 1);
  // The pool may hand out the dead connection once; the next call gets a fresh one.
  const first = await store.getHandle('88.999.1/x').then(() => undefined, (e: unknown) => e as IdnodeError);
  if (first !== undefined) t.equal(first.code, 'STORE_UNAVAILABLE');
  t.equal(await store.getHandle('88.999.1/x'), undefined, 'recovers with a new connection');
});

t.test('change payloads stay under 8000 bytes and round-trip', async (t) => {
  const handles = Array.from({ length: 300 }, (_, i) => `88.999.1/${'😀'.repeat(60)}${i}`);
  const payloads = changePayloads('abcdef0123456789', handles);
  t.ok(payloads.length > 1);
  for (const payload of payloads) t.ok(Buffer.byteLength(payload) < 8000);
  const parsed = payloads.map(parseChangePayload);
  t.same(new Set(parsed.map((p) => p.instanceId)), new Set(['abcdef0123456789']));
  t.same(parsed.flatMap((p) => p.handles), handles);
  t.same(changePayloads('id', []), [], 'nothing to announce, no payload');
  t.equal(changeChannel('idnode_test_abc'), 'idnode.changes:idnode_test_abc');
  t.ok(Buffer.byteLength(changeChannel('长'.repeat(21))) <= 63, 'long schema names are hashed into a valid channel name');
});

t.test('migration 4 builds the reverse-lookup index of the handles stored before it; skipSearchIndexOnCreate skips creates only', async (t) => {
  const schema = freshSchema(t);
  const before = await openPostgresStore({ url: URL, schema, poolSize: 2, migrations: POSTGRES_MIGRATIONS.slice(0, 2) });
  await before.close();
  // Rows as version 2's store wrote them (its writes touch no index; this code's writes need the table).
  const rows = [
    ['88.999.1/a', [value(1, 'https://a/'), value(2, 'https://a/')]],
    ['88.999.1/b', [value(1, 'https://b/'), { ...value(2), type: 'DESC', data: { format: 'string' as const, value: 'd'.repeat(300) } }]],
  ] as const;
  await admin(async (client) => {
    for (const [handle, values] of rows) {
      await client.query(`INSERT INTO "${schema}".handles (handle, prefix, values_json, created_at_ms, updated_at_ms) VALUES ($1, '88.999.1', $2, 0, 0)`, [handle, valuesJsonOf(values)]);
    }
  });
  const store = await open(t, schema);
  t.equal(store.schemaVersion, POSTGRES_MIGRATIONS.length);
  t.strictSame(await store.scanSearchIndex({ type: 'URL', from: '', to: undefined, limit: 10 }), [
    { key: 'https://a/', handle: '88.999.1/a' },
    { key: 'https://b/', handle: '88.999.1/b' },
  ]);
  t.strictSame(await store.scanSearchIndex({ type: 'DESC', from: '', to: undefined, limit: 10 }), [{ key: 'd'.repeat(256), handle: '88.999.1/b' }]);

  const skipping = await open(t, schema, { skipSearchIndexOnCreate: true });
  await skipping.applyWrites([create('88.999.1/c', [value(1, 'https://c/')])], CONTEXT);
  t.equal((await skipping.scanSearchIndex({ type: 'URL', from: 'https://c/', to: undefined, limit: 10 })).length, 0);
  await skipping.applyWrites([{ op: 'replace', handle: '88.999.1/c', prefix: '88.999.1', values: [value(1, 'https://c2/')] }], CONTEXT);
  t.strictSame(await skipping.scanSearchIndex({ type: 'URL', from: 'https://c', to: undefined, limit: 10 }), [{ key: 'https://c2/', handle: '88.999.1/c' }]);
});
