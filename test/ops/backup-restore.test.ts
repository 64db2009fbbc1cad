import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { runCli } from '../helpers/run-cli.js';
import { spawnNode } from '../helpers/spawn-node.js';
import { eventually } from '../helpers/eventually.js';
import { TEST_DATABASE_URL } from '../helpers/test-database.js';
import { cli, expectOk, FAST_DAYS, FAST_SEAL, verifiedLedger, writeLoop } from './backup-helpers.js';

t.test('SQLite: idnode backup while the node writes; restore into a new data directory; the ledger verifies and counts match', async (t) => {
  const root = t.testdir();
  const dataDir = join(root, 'data');
  const node = await spawnNode({ dataDir, t, env: FAST_SEAL, args: FAST_DAYS, readyTimeoutMs: 90_000 });
  const writes = writeLoop(node);
  // At least one day closed and sealed by the node itself before the backup.
  await eventually(async () => (await cli(['ledger', 'export', '--no-rows', '--data-dir', dataDir])).stdout.includes('"seq": 1'), 'a sealed day', 90_000, 500);
  writes.unpaced();
  const before = writes.acknowledged.length;
  const backupFile = join(root, 'backup.sqlite');
  // A process of its own, as an operator runs it (VACUUM INTO is synchronous: in this process it would stop the writes).
  const backup = await runCli(['backup', '--data-dir', dataDir, '--to', backupFile, '--json'], { timeoutMs: 90_000 });
  const after = writes.acknowledged.length;
  await writes.stop();
  expectOk(t, backup, 'backup');
  t.ok(after > before, `writes went on during the backup (${before} acknowledged before it, ${after} when it ended)`);
  const summary = JSON.parse(backup.stdout) as { handles: number; ledgerEntries: number };
  t.ok(summary.ledgerEntries >= 1, 'the backup holds the sealed days');

  // One snapshot: every identifier acknowledged before the backup is in it, and each one in it has its count.
  const copy = new Database(backupFile, { readonly: true });
  const handles = new Set((copy.prepare('SELECT handle FROM handles').pluck().all() as string[]));
  const registrations = (copy.prepare("SELECT sum(count) FROM counters WHERE kind = 'registration'").pluck().get() as number);
  copy.close();
  t.equal(handles.size, summary.handles);
  t.ok(writes.acknowledged.slice(0, before).every((name) => handles.has(name)), 'every write acknowledged before the backup is in it');
  t.equal(registrations, handles.size, 'registration counts match the identifiers in the copy exactly');

  const again = await cli(['backup', '--data-dir', dataDir, '--to', backupFile]);
  t.equal(again.code, 1);
  t.match(again.stderr, `REQUEST_INVALID: the backup file ${backupFile} exists; a backup never overwrites`);
  t.same(await node.stop(), { code: 0, signal: null });

  const restoredDir = join(root, 'restored');
  expectOk(t, await cli(['restore', '--from', backupFile, '--data-dir', restoredDir]), 'restore');
  const refused = await cli(['restore', '--from', backupFile, '--data-dir', restoredDir]);
  t.equal(refused.code, 1);
  t.match(refused.stderr, 'already holds a store', 'a restore never overwrites a store');
  // The signing key is not in the store (nor in its backup): it is restored beside it from its own copy.
  copyFileSync(join(dataDir, 'node-key.pem'), join(restoredDir, 'node-key.pem'));
  const restored = await verifiedLedger(t, join(root, 'verify-restored'), ['--data-dir', restoredDir]);
  const original = await verifiedLedger(t, join(root, 'verify-original'), ['--data-dir', dataDir]);
  t.same(restored.entries.map((entry) => entry.hash), original.entries.slice(0, restored.entries.length).map((entry) => entry.hash), 'the restored ledger is the original’s, day for day');
  const copyOfCopy = new Database(join(restoredDir, 'idnode.sqlite'), { readonly: true });
  t.equal(copyOfCopy.prepare('SELECT count(*) FROM handles').pluck().get(), handles.size, 'the restored store holds the backup’s identifiers');
  copyOfCopy.close();
});

t.test('backup and restore refuse what they cannot do', async (t) => {
  const root = t.testdir();
  const none = await cli(['backup', '--data-dir', join(root, 'none'), '--to', join(root, 'b.sqlite')]);
  t.equal(none.code, 1);
  t.match(none.stderr, 'STORE_NOT_FOUND: no idnode store in the data directory');
  const postgres = await cli(['backup', '--store', 'postgres', '--database-url', TEST_DATABASE_URL, '--to', join(root, 'b.sqlite')]);
  t.equal(postgres.code, 1);
  t.match(postgres.stderr, 'is backed up and restored with pg_dump and pg_restore');
  const memory = await cli(['backup', '--store', 'memory', '--to', join(root, 'b.sqlite')]);
  t.match(memory.stderr, 'the memory store keeps nothing to back up');

  // A store to copy, and a target the copy cannot be written to: nothing is left behind.
  const dataDir = join(root, 'store');
  expectOk(t, await cli(['key', 'export', '--data-dir', dataDir, '--create']), 'create');
  const unwritable = await cli(['backup', '--data-dir', dataDir, '--to', join(root, 'no', 'such', 'dir', 'b.sqlite')]);
  t.equal(unwritable.code, 1);
  t.match(unwritable.stderr, 'STORE_UNAVAILABLE: backing up');
  t.notOk(existsSync(join(root, 'no')), 'no partial file');
  writeFileSync(join(root, 'junk.sqlite'), 'not a database');
  const junk = await cli(['restore', '--from', join(root, 'junk.sqlite'), '--data-dir', join(root, 'target')]);
  t.equal(junk.code, 1);
  t.notOk(existsSync(join(root, 'target', 'idnode.sqlite')), 'nothing restored from a file that is not a store');
});

