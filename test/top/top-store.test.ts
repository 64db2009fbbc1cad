import t from 'tap';
import type { TopNodeRecord, TopStore } from '../../src/core/top/top-store.js';
import { openMemoryTopStore } from '../../src/store/top/memory-top-store.js';
import { openSqliteTopStore } from '../../src/store/top/sqlite-top-store.js';

const node = (id: string, createdAtMs: number): TopNodeRecord => ({
  id,
  name: `Node ${id}`,
  prefixes: ['88.1'],
  secret: { hash: Buffer.from('hash'), salt: Buffer.from('salt') },
  createdAtMs,
  revokedAtMs: undefined,
  publicKeyPem: undefined,
  keyId: undefined,
  firstConnectedAtMs: undefined,
});

/** The TopStore contract, run against every implementation. */
const backends: Record<string, (dir: string) => TopStore> = { memory: () => openMemoryTopStore(), sqlite: (dir) => openSqliteTopStore(dir) };

for (const [name, open] of Object.entries(backends)) {
  t.test(`${name} top-level store`, async (t) => {
    const store = open(t.testdir());
    t.ok(await store.insertNode(node('node-2', 20)));
    t.ok(await store.insertNode(node('node-1', 10)));
    t.notOk(await store.insertNode(node('node-1', 30)), 'an id is taken once');
    t.same((await store.listNodes()).map((record) => record.id), ['node-1', 'node-2'], 'by creation');
    const read = (await store.getNode('node-1'))!;
    t.same([Buffer.from(read.secret.hash).toString(), read.prefixes, read.revokedAtMs, read.keyId], ['hash', ['88.1'], undefined, undefined]);
    t.equal(await store.getNode('node-9'), undefined);

    const first = await store.registerNodeKey('node-1', { publicKeyPem: 'PEM1', keyId: 'k1' }, 100);
    t.match(first, { publicKeyPem: 'PEM1', keyId: 'k1', firstConnectedAtMs: 100 });
    t.match(await store.registerNodeKey('node-1', { publicKeyPem: 'PEM2', keyId: 'k2' }, 200), { keyId: 'k1', firstConnectedAtMs: 100 }, 'the first key stays');
    t.equal(await store.registerNodeKey('node-9', { publicKeyPem: 'x', keyId: 'x' }, 1), undefined);

    t.ok(await store.revokeNode('node-2', 50));
    t.notOk(await store.revokeNode('node-2', 60), 'revoked once');
    t.notOk(await store.revokeNode('node-9', 60));
    t.equal((await store.getNode('node-2'))!.revokedAtMs, 50);

    t.match(await store.claimPrefix({ prefix: '88.1.B', nodeId: 'node-1', siteBase64: 'AA==', createdAtMs: 1, updatedAtMs: 1 }), { nodeId: 'node-1', siteBase64: 'AA==' });
    t.match(await store.claimPrefix({ prefix: '88.1.B', nodeId: 'node-1', siteBase64: 'AQ==', createdAtMs: 5, updatedAtMs: 5 }), { siteBase64: 'AQ==', createdAtMs: 1, updatedAtMs: 5 }, 'the owner replaces its site');
    t.match(await store.claimPrefix({ prefix: '88.1.B', nodeId: 'node-2', siteBase64: 'Ag==', createdAtMs: 6, updatedAtMs: 6 }), { nodeId: 'node-1', siteBase64: 'AQ==' }, 'another node changes nothing');
    await store.claimPrefix({ prefix: '88.1', nodeId: 'node-1', siteBase64: 'AA==', createdAtMs: 1, updatedAtMs: 1 });
    t.same((await store.listPrefixes()).map((record) => record.prefix), ['88.1', '88.1.B']);
    t.equal(await store.getPrefix('88.7'), undefined);

    t.ok(await store.appendReport({ nodeId: 'node-1', seq: 2, day: '2024-01-02', entry: '{"b":1}', receivedAtMs: 9 }));
    t.ok(await store.appendReport({ nodeId: 'node-1', seq: 1, day: '2024-01-01', entry: '{"a":1}', receivedAtMs: 8 }));
    t.notOk(await store.appendReport({ nodeId: 'node-1', seq: 1, day: '2024-01-09', entry: 'x', receivedAtMs: 9 }), 'a seq once');
    t.notOk(await store.appendReport({ nodeId: 'node-1', seq: 9, day: '2024-01-01', entry: 'x', receivedAtMs: 9 }), 'a day once');
    t.ok(await store.appendReport({ nodeId: 'node-2', seq: 1, day: '2024-01-01', entry: 'y', receivedAtMs: 9 }), 'per node');
    t.same((await store.listReports('node-1')).map((report) => [report.seq, report.entry]), [[1, '{"a":1}'], [2, '{"b":1}']]);

    await store.addRefusal({ nodeId: 'node-1', atMs: 1, kind: 'forged', reason: 'r1', day: '2024-01-03', seq: 3, entry: '{}' });
    await store.addRefusal({ nodeId: 'node-1', atMs: 2, kind: 'malformed', reason: 'r2', day: undefined, seq: undefined, entry: 'null' });
    t.same(await store.listRefusals('node-1'), [
      { nodeId: 'node-1', atMs: 1, kind: 'forged', reason: 'r1', day: '2024-01-03', seq: 3, entry: '{}' },
      { nodeId: 'node-1', atMs: 2, kind: 'malformed', reason: 'r2', day: undefined, seq: undefined, entry: 'null' },
    ]);
    t.same(await store.listRefusals('node-2'), []);

    await store.close();
    await store.close();
    await t.rejects(store.listNodes(), { code: 'STORE_UNAVAILABLE' }, 'closed');
  });
}

t.test('the SQLite top-level store keeps its data across reopening', async (t) => {
  const dir = t.testdir();
  const store = openSqliteTopStore(dir);
  await store.insertNode(node('node-1', 1));
  await store.close();
  const again = openSqliteTopStore(dir);
  t.equal((await again.listNodes()).length, 1);
  await again.close();
});
