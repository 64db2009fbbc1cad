import type { TemplateRecord, TokenRecord } from '../../src/core/store/store.js';
import { NOW, PREFIX, type WithStore } from './conformance-fixtures.js';

const template = (version: string, over: Partial<TemplateRecord> = {}): TemplateRecord => ({
  prefix: PREFIX,
  version,
  definition: `{"version":"${version}","名":"型号"}`,
  createdAtMs: NOW,
  updatedAtMs: NOW,
  ...over,
});

const token = (byte: number, over: Partial<TokenRecord> = {}): TokenRecord => ({
  hash: Buffer.alloc(32, byte),
  principalId: '300:0.NA/88.999.1',
  stamp: Buffer.alloc(16, 9),
  issuedAtMs: NOW,
  expiresAtMs: NOW + 86_400_000,
  ...over,
});

/** The TemplateStore and TokenStore roles of src/core/store/store.ts. Part of storeConformance, so every backend runs it. */
export async function templatesAndTokensConformance(withStore: WithStore): Promise<void> {
  await withStore('templates: insert once per (prefix, version), read back byte for byte, list in version order', async (t, store) => {
    t.equal(await store.getTemplate(PREFIX, '1.0'), undefined, 'absent before');
    t.equal(await store.insertTemplate(template('2.0')), true);
    t.equal(await store.insertTemplate(template('1.0')), true);
    t.equal(await store.insertTemplate(template('10')), true);
    t.equal(await store.insertTemplate(template('1.0', { definition: '{}' })), false, 'a version exists: nothing changed');
    t.equal(await store.insertTemplate(template('1.0', { prefix: '88.999.2' })), true, 'the same version of another prefix');
    t.strictSame(await store.getTemplate(PREFIX, '1.0'), template('1.0'));
    t.strictSame((await store.listTemplates(PREFIX)).map((row) => row.version), ['1.0', '10', '2.0'], 'byte order of the version');
    t.strictSame(await store.listTemplates('88.999.3'), []);
  });

  await withStore('templates: replace keeps createdAt; delete; both false when absent', async (t, store) => {
    t.equal(await store.replaceTemplate(template('1.0')), false, 'nothing to replace');
    await store.insertTemplate(template('1.0'));
    t.equal(await store.replaceTemplate(template('1.0', { definition: '{"v":2}', createdAtMs: NOW + 9, updatedAtMs: NOW + 5 })), true);
    t.strictSame(await store.getTemplate(PREFIX, '1.0'), template('1.0', { definition: '{"v":2}', updatedAtMs: NOW + 5 }), 'createdAt kept, updatedAt moved');
    t.equal(await store.deleteTemplate(PREFIX, '1.0'), true);
    t.equal(await store.deleteTemplate(PREFIX, '1.0'), false);
    t.equal(await store.getTemplate(PREFIX, '1.0'), undefined);
  });

  await withStore('tokens: kept by hash, read back; expired ones dropped at the next insert; a repeated hash ignored', async (t, store) => {
    t.equal(await store.getToken(Buffer.alloc(32, 1)), undefined);
    await store.insertToken(token(1), NOW);
    await store.insertToken(token(2, { expiresAtMs: NOW + 10 }), NOW);
    t.strictSame(await store.getToken(Buffer.alloc(32, 1)), token(1));
    t.strictSame(await store.getToken(Buffer.alloc(32, 2)), token(2, { expiresAtMs: NOW + 10 }), 'kept until the next insert');
    await store.insertToken(token(1, { principalId: 'other' }), NOW + 10);
    t.equal(await store.getToken(Buffer.alloc(32, 2)), undefined, 'expired (expiresAt ≤ now) and dropped');
    t.equal((await store.getToken(Buffer.alloc(32, 1)))?.principalId, '300:0.NA/88.999.1', 'the first token with a hash stays');
    const got = (await store.getToken(Buffer.alloc(32, 1)))!;
    got.hash.fill(0);
    got.stamp.fill(0);
    t.strictSame(await store.getToken(Buffer.alloc(32, 1)), token(1), 'buffers got back are copies');
  });

  await withStore('login digests: set, replaced, read back', async (t, store) => {
    t.equal(await store.getLoginDigest('300:0.NA/88.999.1'), undefined);
    await store.setLoginDigest('300:0.NA/88.999.1', { stamp: Buffer.alloc(16, 1), digest: Buffer.alloc(32, 2) });
    await store.setLoginDigest('300:0.NA/88.999.1', { stamp: Buffer.alloc(16, 3), digest: Buffer.alloc(32, 4) });
    const kept = await store.getLoginDigest('300:0.NA/88.999.1');
    t.strictSame({ stamp: Buffer.from(kept!.stamp), digest: Buffer.from(kept!.digest) }, { stamp: Buffer.alloc(16, 3), digest: Buffer.alloc(32, 4) });
  });
}
