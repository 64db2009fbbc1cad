import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { systemRandom } from '../../src/core/clock/clock.js';
import { memoryKeyVault } from '../../src/core/ledger/key-vault.js';
import { NodeKey } from '../../src/core/ledger/node-key.js';
import { fileKeyVault } from '../../src/runtime/key-file.js';
import { configuredKeyVault } from '../../src/runtime/node-key-vault.js';
import { openMemoryStore } from '../../src/store/memory/memory-store.js';

t.test('a key file that cannot be read or written is a configuration error naming it', async (t) => {
  const dir = t.testdir();
  const directory = join(dir, 'a-directory');
  mkdirSync(directory, { mode: 0o700 });
  await t.rejects(fileKeyVault(directory).read(), { code: 'CONFIG_INVALID', message: /cannot use the node signing key file .*a-directory: EISDIR/ });
  writeFileSync(join(dir, 'plain'), 'x');
  await t.rejects(fileKeyVault(join(dir, 'plain', 'key.pem')).create('pem'), { code: 'CONFIG_INVALID', message: /cannot use the node signing key file .*plain\/key\.pem: (ENOTDIR|EEXIST)/ });
  const racing = fileKeyVault(join(dir, 'k', 'key.pem'));
  t.equal(await racing.create('first'), 'first');
  t.equal(await racing.create('second'), 'first', 'the key already there wins');
  t.equal(configuredKeyVault({ store: 'memory', dataDir: dir }).location, 'memory');
  t.equal(configuredKeyVault({ store: 'sqlite', dataDir: dir }).location, join(dir, 'node-key.pem'));
});

t.test('a key that is no Ed25519 private key stops the start', async (t) => {
  const store = openMemoryStore();
  const garbage = memoryKeyVault();
  await garbage.create('not a key');
  await t.rejects(NodeKey.load(store, garbage, systemRandom), { code: 'INTERNAL_ERROR', message: 'the node signing key in memory cannot be read' });
  const rsa = memoryKeyVault();
  await rsa.create(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  await t.rejects(NodeKey.load(store, rsa, systemRandom), { code: 'INTERNAL_ERROR', message: 'the node signing key in memory is rsa, not ed25519' });
  await store.close();
});
