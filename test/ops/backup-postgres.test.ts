import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { eventually } from '../helpers/eventually.js';
import { spawnNode } from '../helpers/spawn-node.js';
import { freshSchema, TEST_DATABASE_URL, withDatabase } from '../helpers/test-database.js';
import { cli, FAST_DAYS, FAST_SEAL, verifiedLedger, writeLoop } from './backup-helpers.js';

const pgDump = (() => {
  try {
    return execFileSync('which', ['pg_dump'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();

t.test('PostgreSQL: pg_dump of the node’s schema while it writes; pg_restore after the schema is lost; the ledger verifies and counts match', { skip: pgDump === '' ? 'pg_dump is not installed (README: Backup and restore)' : false }, async (t) => {
  const root = t.testdir();
  const schema = freshSchema(t);
  // The node and the admin commands sign with one key file, kept apart from the database (and from its dump).
  const env = { IDNODE_STORE: 'postgres', IDNODE_DATABASE_URL: TEST_DATABASE_URL, IDNODE_DATABASE_SCHEMA: schema, IDNODE_SIGNING_KEY_FILE: join(root, 'node-key.pem') };
  const node = await spawnNode({ dataDir: join(root, 'data'), t, env: { ...env, ...FAST_SEAL }, args: FAST_DAYS, readyTimeoutMs: 90_000 });
  const writes = writeLoop(node);
  await eventually(async () => (await cli(['ledger', 'export', '--no-rows'], { env })).stdout.includes('"seq": 1'), 'a sealed day', 90_000, 500);
  writes.unpaced();
  const before = writes.acknowledged.length;
  const dump = join(root, 'node.dump');
  // The command the README gives: one schema, custom format, a consistent snapshot (one transaction).
  execFileSync('pg_dump', ['--dbname', TEST_DATABASE_URL, '--schema', schema, '--format', 'custom', '--file', dump]);
  const after = writes.acknowledged.length;
  await writes.stop();
  t.same(await node.stop(), { code: 0, signal: null });
  t.ok(after >= before, `writes went on around the dump (${before} before, ${after} after)`);

  await withDatabase((client) => client.query(`DROP SCHEMA "${schema}" CASCADE`));
  execFileSync('pg_restore', ['--dbname', TEST_DATABASE_URL, '--exit-on-error', dump]);
  const counts = await withDatabase((client) =>
    client.query<{ handles: string; registrations: string }>(`SELECT (SELECT count(*) FROM "${schema}".handles) AS handles, (SELECT sum(count) FROM "${schema}".counters WHERE kind = 'registration') AS registrations`),
  );
  const restoredHandles = Number(counts.rows[0]!.handles);
  t.ok(restoredHandles >= before, 'every write acknowledged before the dump is restored');
  t.equal(Number(counts.rows[0]!.registrations), restoredHandles, 'registration counts match the identifiers exactly');
  const restored = await verifiedLedger(t, join(root, 'verify'), [], env);
  t.ok(restored.entries.length >= 1, 'the restored ledger holds the sealed days and verifies');
});
