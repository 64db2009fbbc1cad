import { join } from 'node:path';
import t from 'tap';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { runCli } from '../helpers/run-cli.js';
import { runInProcess } from '../cli/in-process.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';
import { freshSchema, TEST_DATABASE_URL, withDatabase } from '../helpers/test-database.js';

const VALUES = { values: [{ index: 1, type: 'URL', data: 'https://example.com/a' }] };

t.test('--database-schema: two nodes on one database, each in its own schema, see nothing of each other', async (t) => {
  const [schemaA, schemaB] = [freshSchema(t), freshSchema(t)];
  const root = t.testdir();
  const keyFile = (schema: string) => join(root, `${schema}.pem`);
  const postgres = (schema: string) => ['--store', 'postgres', '--database-url', TEST_DATABASE_URL, '--database-schema', schema, '--signing-key-file', keyFile(schema)];
  const [a, b] = await Promise.all([
    spawnNode({ dataDir: join(root, 'a'), t, args: postgres(schemaA), readyTimeoutMs: 90_000 }),
    spawnNode({ dataDir: join(root, 'b'), t, args: postgres(schemaB), readyTimeoutMs: 90_000 }),
  ]);
  const tables = await withDatabase((client) =>
    client.query<{ table_schema: string; n: string }>('SELECT table_schema, count(*) AS n FROM information_schema.tables WHERE table_schema = ANY($1) GROUP BY table_schema', [[schemaA, schemaB]]),
  );
  t.equal(tables.rows.length, 2, 'each node created its tables in its own schema');

  // Each is a first run: its own operator and demo credentials.
  const credentialsA = firstRunCredentials(a.stderr())!;
  const credentialsB = firstRunCredentials(b.stderr())!;
  t.ok(credentialsA && credentialsB, 'both nodes issued first-run credentials');
  t.not(credentialsA.demo.secret, credentialsB.demo.secret);
  const putA = await send(`${a.url}/api/handles/88.999.DEMO/only-in-a`, { method: 'PUT', headers: { authorization: basic(credentialsA.demo.id, credentialsA.demo.secret) }, json: VALUES });
  t.equal(putA.status, 201);
  t.equal((await send(`${a.url}/api/handles/88.999.DEMO/only-in-a`)).status, 200);
  t.equal((await send(`${b.url}/api/handles/88.999.DEMO/only-in-a`)).status, 404, 'the other schema’s node does not have it');
  const crossAuth = await send(`${b.url}/api/handles/88.999.DEMO/x`, { method: 'PUT', headers: { authorization: basic(credentialsA.demo.id, credentialsA.demo.secret) }, json: VALUES });
  t.equal(crossAuth.status, 403, 'nor does it know the other node’s credentials');

  // Admin commands find a node's store by the same setting (here the environment variable). Run in this process:
  // what is tested is the setting, not a process's start.
  const admin = (schema: string, args: string[]) => runInProcess(args, { env: { IDNODE_STORE: 'postgres', IDNODE_DATABASE_URL: TEST_DATABASE_URL, IDNODE_DATABASE_SCHEMA: schema, IDNODE_SIGNING_KEY_FILE: keyFile(schema) }, cwd: root });
  const added = await admin(schemaA, ['enterprise', 'add', '--prefix', '88.999.onlya', '--name', 'Only A', '--json']);
  t.equal(added.code, 0, added.stderr);
  const [listA, listB] = await Promise.all([admin(schemaA, ['enterprise', 'list', '--json']), admin(schemaB, ['enterprise', 'list', '--json'])]);
  const prefixes = (run: { stdout: string }) => (JSON.parse(run.stdout) as { prefix: string }[]).map((enterprise) => enterprise.prefix).sort();
  t.same(prefixes(listA), ['88.999.DEMO', '88.999.ONLYA']);
  t.same(prefixes(listB), ['88.999.DEMO']);
  t.match(listB.stderr, `schema "${schemaB}"`, 'the command names the store it used');

  t.same(await a.stop(), { code: 0, signal: null });
  t.same(await b.stop(), { code: 0, signal: null });
});

t.test('a bad --database-schema stops serve before anything opens', async (t) => {
  const run = await runCli(['serve', '--store', 'postgres', '--database-url', TEST_DATABASE_URL, '--database-schema', 'Node-A', '--http-port', '0']);
  t.equal(run.code, 2);
  t.match(run.stderr, /^invalid configuration: database-schema \(from --database-schema\) must be a PostgreSQL schema name/);
});
