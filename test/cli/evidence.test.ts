import Database from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { LEGACY_SIGNING_KEY_META, PUBLIC_KEY_META, keyIdOf } from '../../src/core/ledger/node-key.js';
import { SIGNING_KEY_FILE_NAME } from '../../src/runtime/node-key-vault.js';
import { SQLITE_FILE_NAME } from '../../src/store/open-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runInProcess } from './in-process.js';

const run = (args: string[]) => runInProcess(args, { env: {}, cwd: t.testdirName });
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

// Issue 17, defect 6: the signing key sat in the SQLite file (mode 0644) beside the ledger it signs.

t.test('a new data directory is 0700, the database 0600, and the signing key its own 0600 file, not in the database', async (t) => {
  const dir = join(t.testdir(), 'data');
  const exported = await run(['key', 'export', '--create', '--data-dir', dir, '--json']);
  t.equal(exported.code, 0, exported.stderr);
  t.equal(mode(dir), '700');
  t.equal(mode(join(dir, SQLITE_FILE_NAME)), '600');
  const keyFile = join(dir, SIGNING_KEY_FILE_NAME);
  t.equal(mode(keyFile), '600');
  const store = openSqliteStore({ file: join(dir, SQLITE_FILE_NAME) });
  t.equal(await store.getMeta(LEGACY_SIGNING_KEY_META), undefined, 'no private key in the database');
  t.equal(await store.getMeta(PUBLIC_KEY_META), JSON.parse(exported.stdout).publicKey, 'only the public key, to refuse another one');
  await store.close();

  // Whoever swaps or loses the key file cannot sign this store's ledger with another key.
  unlinkSync(keyFile);
  const other = await run(['ledger', 'seal', '--data-dir', dir]);
  t.equal(other.code, 2);
  t.match(other.stderr, /this store's ledger is signed by key [0-9a-f]{16}…, but .*node-key\.pem holds key [0-9a-f]{16}…/);
});

t.test('signing-key-file names the key; one that others may read is refused', async (t) => {
  const dir = t.testdir();
  const keyFile = join(dir, 'keys', 'ledger.pem');
  const first = await run(['key', 'export', '--create', '--data-dir', join(dir, 'data'), '--signing-key-file', keyFile]);
  t.equal(first.code, 0, first.stderr);
  t.equal(mode(keyFile), '600');
  t.equal(mode(join(dir, 'keys')), '700');
  t.notOk(existsSync(join(dir, 'data', SIGNING_KEY_FILE_NAME)));
  chmodSync(keyFile, 0o644);
  const loose = await run(['key', 'export', '--data-dir', join(dir, 'data'), '--signing-key-file', keyFile]);
  t.equal(loose.code, 2);
  t.match(loose.stderr, /may be read by others \(mode 0644\); make it the owner's only: chmod 600/);
});

t.test('upgrade: the key an earlier version kept in the database moves to the key file and leaves the database', async (t) => {
  const dir = t.testdir();
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const store = openSqliteStore({ file: join(dir, SQLITE_FILE_NAME) });
  await store.initMeta(LEGACY_SIGNING_KEY_META, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  await store.close();
  const exported = await run(['key', 'export', '--data-dir', dir, '--json']);
  t.equal(exported.code, 0, exported.stderr);
  t.equal(JSON.parse(exported.stdout).keyId, keyIdOf(publicKey), 'the same key signs on: earlier entries still verify');
  t.equal(mode(join(dir, SIGNING_KEY_FILE_NAME)), '600');
  const after = openSqliteStore({ file: join(dir, SQLITE_FILE_NAME) });
  t.equal(await after.getMeta(LEGACY_SIGNING_KEY_META), undefined, 'gone from the database');
  // A database that still holds a key other than the file's (a restored backup) is refused, not silently overwritten.
  const { privateKey: stranger } = generateKeyPairSync('ed25519');
  await after.initMeta(LEGACY_SIGNING_KEY_META, stranger.export({ format: 'pem', type: 'pkcs8' }).toString());
  await after.close();
  const refused = await run(['key', 'export', '--data-dir', dir]);
  t.equal(refused.code, 2);
  t.match(refused.stderr, /the store still holds a signing key \(from an earlier version\) other than the one in/);
});

t.test('the attack from the issue: drop the trigger, delete the ledger, inflate a day, re-seal; verify --against an earlier export names it', async (t) => {
  const dir = t.testdir();
  const work = join(dir, 'auditor');
  mkdirSync(work);
  t.equal((await run(['key', 'export', '--create', '--data-dir', dir])).code, 0);
  const seed = openSqliteStore({ file: join(dir, SQLITE_FILE_NAME) });
  await seed.addCounters([
    { day: '2024-02-28', prefix: '88.999.DEMO', protocol: 'rest', kind: 'registration', count: 11 },
    { day: '2024-02-29', prefix: '88.999.DEMO', protocol: 'rest', kind: 'registration', count: 4 },
  ]);
  await seed.close();
  t.equal((await run(['ledger', 'seal', '--data-dir', dir])).code, 0);
  const keyFile = join(work, 'node.pem');
  writeFileSync(keyFile, (await run(['key', 'export', '--data-dir', dir])).stdout);
  const earlier = join(work, 'earlier.json');
  writeFileSync(earlier, (await run(['ledger', 'export', '--data-dir', dir])).stdout);

  const db = new Database(join(dir, SQLITE_FILE_NAME));
  db.exec('DROP TRIGGER ledger_no_delete; DELETE FROM ledger;');
  db.prepare("UPDATE counters SET count = count + 10000000 WHERE day = '2024-02-28' AND kind = 'registration'").run();
  db.close();
  const resealed = await run(['ledger', 'seal', '--data-dir', dir]);
  t.equal(resealed.code, 0, resealed.stderr);
  const now = join(work, 'now.json');
  writeFileSync(now, (await run(['ledger', 'export', '--data-dir', dir])).stdout);

  const alone = await run(['ledger', 'verify', '--public-key', keyFile, now]);
  t.equal(alone.code, 0, 'by itself, a ledger re-sealed with the node key verifies: that is why the earlier copy matters');
  const against = await run(['ledger', 'verify', '--public-key', keyFile, now, '--against', earlier]);
  t.equal(against.code, 1);
  const earlierEntry = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(earlier, 'utf8'))).entries[0];
  t.match(against.stdout, `FAILED 2024-02-28: day 2024-02-28 was sealed again with other content: earlier seq 1, hash ${earlierEntry.hash}`);
  t.match(against.stdout, /; now seq 1, hash [0-9a-f]{64}, sealed at .*; totals changed: registration 11 → 10000011\n/);
  t.match(against.stdout, /FAILED 2024-02-29: day 2024-02-29 was sealed again with other content: .*; totals unchanged\n/, 'the days re-sealed after it differ too (their chain and sealing time), with their totals unchanged');
  t.match(against.stderr, /LEDGER_VERIFICATION_FAILED: .*now\.json does not verify: bad day\(s\) 2024-02-28/);

  // A day dropped from the later export, and an earlier export that is itself forged.
  const document = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(now, 'utf8')));
  document.entries = [];
  writeFileSync(join(work, 'empty.json'), JSON.stringify(document));
  const emptied = await run(['ledger', 'verify', '--public-key', keyFile, join(work, 'empty.json'), '--against', earlier]);
  t.match(emptied.stdout, /FAILED 2024-02-29: day 2024-02-29 was sealed in the earlier export \(seq 2, hash [0-9a-f]{64}.*\) and is missing from this one/);
  const forged = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(earlier, 'utf8')));
  forged.entries[0].totals.registration = 1;
  writeFileSync(join(work, 'forged.json'), JSON.stringify(forged));
  const badEarlier = await run(['ledger', 'verify', '--public-key', keyFile, now, '--against', join(work, 'forged.json')]);
  t.equal(badEarlier.code, 1);
  t.match(badEarlier.stdout, /FAILED 2024-02-28: earlier export .*forged\.json: day 2024-02-28 was changed after sealing/);
  const honest = await run(['ledger', 'verify', '--public-key', keyFile, earlier, '--against', earlier]);
  t.equal(honest.code, 0, honest.stdout);
});
