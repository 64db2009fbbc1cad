import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { describeStoreLocation, storeExists } from '../../src/store/open-store.js';
import { runInProcess } from '../cli/in-process.js';
import { freshSchema, TEST_DATABASE_URL, withDatabase } from '../helpers/test-database.js';

/** Every admin command that opens a store, with the arguments it needs besides the store's. */
const ADMIN_COMMANDS: readonly (readonly string[])[] = [
  ['enterprise', 'list'],
  ['enterprise', 'add', '--prefix', '88.999.1', '--name', 'One'],
  ['enterprise', 'revoke', '--prefix', '88.999.1'],
  ['enterprise', 'rotate-secret', '--prefix', '88.999.1'],
  ['operator', 'rotate-secret'],
  ['auditor', 'add', '--name', 'Audit'],
  ['report', '--year', '2024'],
  ['ledger', 'seal'],
  ['ledger', 'export'],
  ['key', 'export'],
];

const run = (args: readonly string[], env: Record<string, string> = {}) => runInProcess(args, { env, cwd: t.testdirName });

t.test('every admin command refuses a data directory without a store, names it, and creates nothing', async (t) => {
  const root = t.testdir({ empty: {} });
  const empty = join(root, 'empty');
  const absent = join(root, 'absent');
  for (const command of ADMIN_COMMANDS) {
    for (const dataDir of [empty, absent]) {
      const result = await run([...command, '--data-dir', dataDir]);
      t.equal(result.code, 1, `${command.join(' ')} on ${dataDir}: exit 1`);
      t.equal(result.stdout, '', 'no answer from a store that is not there');
      t.match(result.stderr, `error: STORE_NOT_FOUND: no idnode store in the data directory ${dataDir} (looked for the SQLite store ${join(dataDir, 'idnode.sqlite')}); nothing was created.`);
      t.match(result.stderr, /start the node there once with `idnode serve`, or pass --create/);
    }
  }
  t.same(readdirSync(empty), [], 'the empty directory is still empty');
  t.notOk(existsSync(absent), 'the missing directory was not created');

  // The default data directory is ./data of the working directory: the case of a command run from the wrong folder.
  const fromElsewhere = await runInProcess(['key', 'export'], { env: {}, cwd: root });
  t.match(fromElsewhere.stderr, `no idnode store in the data directory ${join(root, 'data')}`);
  t.notOk(existsSync(join(root, 'data')), 'no ./data appeared');
});

t.test('--create creates an empty store; later commands find it; each says which store it uses', async (t) => {
  const dataDir = join(t.testdir(), 'node');
  const using = `using the SQLite store ${join(dataDir, 'idnode.sqlite')}\n`;
  const created = await run(['enterprise', 'add', '--prefix', '88.999.1', '--name', 'One', '--json', '--data-dir', dataDir, '--create']);
  t.equal(created.code, 0, created.stderr);
  t.equal(created.stderr, using);
  for (const command of ADMIN_COMMANDS) {
    const result = await run([...command, '--data-dir', dataDir]);
    t.not(result.code === 1 && result.stderr.includes('STORE_NOT_FOUND'), true, `${command.join(' ')} finds the store`);
    t.ok(result.stderr.startsWith(using), `${command.join(' ')} prints the store it uses on stderr`);
  }
});

t.test('the memory store: never there beforehand, described as new', async (t) => {
  t.equal(await storeExists({ store: 'memory' }), false);
  t.equal(describeStoreLocation({ store: 'memory' }), 'a new in-memory store');
});

t.test('PostgreSQL: a schema without a store is refused and not created; --create creates it', async (t) => {
  const schema = freshSchema(t);
  const env = { IDNODE_STORE: 'postgres', IDNODE_DATABASE_URL: TEST_DATABASE_URL, IDNODE_DATABASE_SCHEMA: schema };
  const refused = await run(['enterprise', 'list'], env);
  t.equal(refused.code, 1);
  t.match(refused.stderr, `error: STORE_NOT_FOUND: no idnode store in the schema "${schema}" of the database (looked for the PostgreSQL store in schema "${schema}" at postgres://`);
  const schemas = await withDatabase((client) => client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]));
  t.equal(schemas.rowCount, 0, 'the schema was not created');

  const created = await run(['key', 'export', '--create'], env);
  t.equal(created.code, 0, created.stderr);
  t.match(created.stderr, `using the PostgreSQL store in schema "${schema}" at postgres://`);
  const listed = await run(['enterprise', 'list', '--json'], env);
  t.equal(listed.code, 0, listed.stderr);
  t.same(JSON.parse(listed.stdout), []);

  const unreachable = await run(['enterprise', 'list'], { ...env, IDNODE_DATABASE_URL: 'postgres://127.0.0.1:1/none' });
  t.equal(unreachable.code, 1);
  t.match(unreachable.stderr, /^error: STORE_UNAVAILABLE: looking for an idnode store in schema ".*" of PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/none failed/);
});
