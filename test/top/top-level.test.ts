import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import t from 'tap';
import { systemRandom } from '../../src/core/clock/clock.js';
import { GENESIS_HASH, sealEntry, type LedgerEntry, type SealedRow } from '../../src/core/ledger/ledger-entry.js';
import { keyIdOf, publicKeyPem } from '../../src/core/ledger/node-key.js';
import { checkReport } from '../../src/core/top/check-report.js';
import { TopLevel } from '../../src/core/top/top-level.js';
import { openMemoryTopStore } from '../../src/store/top/memory-top-store.js';
import { ManualClock } from '../helpers/audit-node.js';

interface Signer {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const signer = (): Signer => generateKeyPairSync('ed25519');

/** A chain of `days` sealed days from 2024-01-01 by `key`, each with `count` store reads (plus `extra` on the last). */
function chain(key: Signer, days: number, count = 1, extra = 0): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (let k = 0; k < days; k++) {
    const rows: SealedRow[] = [['88.1', 'rest', 'resolution.store-read', count + (k === days - 1 ? extra : 0)], ['88.1', 'rest', 'registration', 2]];
    entries.push(
      sealEntry({
        seq: k + 1,
        day: `2024-01-${String(k + 1).padStart(2, '0')}`,
        timeZone: 'Asia/Shanghai',
        rows,
        previousHash: entries.at(-1)?.hash ?? GENESIS_HASH,
        sealedAtMs: Date.parse('2024-02-01T00:00:00Z'),
        clock: 'simulated',
        keyId: keyIdOf(key.publicKey),
        sign: (data) => sign(null, data, key.privateKey).toString('base64'),
      }),
    );
  }
  return entries;
}

t.test('checkReport accepts the next day and names what is wrong with any other', async (t) => {
  const key = signer();
  const days = chain(key, 4);
  t.match(checkReport(days[0], key.publicKey, []), { accepted: true });
  t.match(checkReport(days[1], key.publicKey, days.slice(0, 1)), { accepted: true });
  t.match(checkReport({ format: 'x', day: '2024-01-01', seq: 1 }, key.publicKey, []), { accepted: false, kind: 'malformed', day: '2024-01-01', seq: 1 });
  t.match(checkReport('text', key.publicKey, []), { kind: 'malformed', reason: /not a sealed ledger entry/ });
  t.match(checkReport({ ...days[0]!, totals: { ...days[0]!.totals, registration: 99 } }, key.publicKey, []), { kind: 'tampered', reason: /changed after it was signed/ });
  const other = signer();
  t.match(checkReport(chain(other, 1)[0], key.publicKey, []), { kind: 'forged', reason: /names signing key/ });
  t.match(checkReport({ ...days[0]!, signature: days[1]!.signature }, key.publicKey, []), { kind: 'forged', reason: /not signed by the node's registered key/ });
  t.match(checkReport(days[0], key.publicKey, days.slice(0, 2)), { kind: 'replayed', reason: /reported already/ });
  const resealed = chain(key, 1, 5)[0]!;
  t.match(checkReport(resealed, key.publicKey, days.slice(0, 2)), { kind: 'conflict', reason: /two different versions of day 2024-01-01/, held: { hash: days[0]!.hash } });
  t.match(checkReport(days[3], key.publicKey, days.slice(0, 2)), { kind: 'gap', reason: /the next day expected is day 2024-01-03 \(seq 3\)/ });
  t.match(checkReport(days[2], key.publicKey, []), { kind: 'gap', reason: /next day expected is seq 1/ });
  const unlinked = chain(key, 3, 7)[2]!;
  t.match(checkReport(unlinked, key.publicKey, days.slice(0, 2)), { kind: 'chain', reason: /does not follow on from day 2024-01-02/ });
});

t.test('the top-level node: accounts, keys, prefixes, reports and the connection report', async (t) => {
  const clock = new ManualClock(Date.parse('2024-02-01T00:00:00Z'));
  const top = new TopLevel(openMemoryTopStore(), clock, systemRandom, ['resolution.store-read', 'resolution.cache-hit']);
  await t.rejects(top.addNode(' ', ['88.1']), { code: 'REQUEST_INVALID' });
  await t.rejects(top.addNode('A', []), { code: 'REQUEST_INVALID' });
  await t.rejects(top.addNode('A', ['88..1']), { code: 'PREFIX_EMPTY_SEGMENT' });
  const a = await top.addNode('Node A', ['88.1']);
  const b = await top.addNode('Node B', ['88.2']);
  t.same([a.id, b.id], ['node-1', 'node-2']);
  await t.rejects(top.addNode('C', ['88.1.5']), { code: 'PREFIX_CLAIMED', message: /overlaps the prefixes of node node-1/ });

  await t.rejects(top.authenticate('node-1', 'wrong'), { code: 'AUTHENTICATION_FAILED' });
  await t.rejects(top.authenticate('node-9', a.secret), { code: 'AUTHENTICATION_FAILED' });
  const nodeA = await top.authenticate('node-1', a.secret);
  const nodeB = await top.authenticate('node-2', b.secret);

  const key = signer();
  const days = chain(key, 3, 4);
  await t.rejects(top.report(nodeA, days[0]), { code: 'REPORT_REFUSED', message: /^no-key: node node-1 has not connected yet/ });
  await t.rejects(top.connect(nodeA, 42), { code: 'REQUEST_INVALID' });
  await t.rejects(top.connect(nodeA, 'not a key'), { code: 'REQUEST_INVALID' });
  const state = await top.connect(nodeA, publicKeyPem(key.publicKey));
  t.match(state, { nodeId: 'node-1', keyId: keyIdOf(key.publicKey), firstConnectedAt: '2024-02-01T00:00:00.000Z', prefixes: [] });
  t.notOk('lastSeq' in state);
  await t.rejects(top.connect(nodeA, publicKeyPem(signer().publicKey)), { code: 'NODE_KEY_MISMATCH' });

  await t.rejects(top.homePrefix(nodeA, '88.1', ''), { code: 'REQUEST_INVALID' });
  await t.rejects(top.homePrefix(nodeA, '88.1', 'not base64!'), { code: 'REQUEST_INVALID' });
  await t.rejects(top.homePrefix(nodeA, '88.3', 'AA=='), { code: 'PERMISSION_DENIED', message: /under 88\.1 only/ });
  await t.rejects(top.homePrefix(nodeB, '88.1.X', 'AA=='), { code: 'PREFIX_CLAIMED', message: /belongs to node node-1/ });
  await top.homePrefix(nodeA, '88.1', 'AA==');
  clock.ms += 1000;
  const again = await top.homePrefix(nodeA, '88.1', 'AQID');
  t.match(again, { siteBase64: 'AQID', nodeId: 'node-1' }, 'homing again replaces the site');
  await top.homePrefix(nodeA, '88.1.demo', 'AQID');
  const handle = (await top.prefixHandle('88.1.DEMO'))!;
  t.match(handle, { handle: '0.NA/88.1.DEMO', values: [{ index: 1, type: 'HS_SITE', data: { value: 'AQID' } }, { index: 100, data: { value: { handle: '0.NA/88.1' } } }] });
  t.equal(await top.prefixHandle('88.7'), undefined);

  t.same(await top.report(nodeA, days[0]), { seq: 1, day: '2024-01-01' });
  t.same(await top.report(nodeA, days[1]), { seq: 2, day: '2024-01-02' });
  await t.rejects(top.report(nodeA, days[1]), { message: /^replayed: / });
  await t.rejects(top.report(nodeA, chain(key, 2, 4, 1)[1]), { message: /^conflict: / });
  await t.rejects(top.report(nodeA, { big: 'x'.repeat(70_000) }), { message: /^malformed: / });
  t.match(await top.state(nodeA), { lastSeq: 2, lastDay: '2024-01-02', prefixes: ['88.1', '88.1.DEMO'] });

  const report = await top.connectionReport();
  const [first, second] = report.nodes;
  t.match(first, {
    id: 'node-1',
    prefixes: [{ prefix: '88.1' }, { prefix: '88.1.DEMO' }],
    reports: { daysVerified: 2, firstDay: '2024-01-01', lastDay: '2024-01-02', lastSeq: 2, simulatedDays: 2 },
    years: [{ year: 2024, days: 2, registrations: 4, countedResolutions: 8 }],
  });
  t.same(first!.refusals.map((refusal) => refusal.kind), ['no-key', 'replayed', 'conflict', 'malformed']);
  t.match(first!.conflicts, [{ day: '2024-01-02', seq: 2, held: { hash: days[1]!.hash } }]);
  t.match(second, { id: 'node-2', prefixes: [], reports: { daysVerified: 0 }, years: [] });

  await top.revokeNode('node-2');
  await t.rejects(top.revokeNode('node-2'), { code: 'PRINCIPAL_REVOKED' });
  await t.rejects(top.revokeNode('node-9'), { code: 'REQUEST_INVALID' });
  await t.rejects(top.authenticate('node-2', b.secret), { code: 'AUTHENTICATION_FAILED' }, 'a revoked account cannot connect');
  t.match((await top.connectionReport()).nodes[1], { revokedAt: '2024-02-01T00:00:01.000Z' });
  t.equal((await top.listNodes()).length, 2);
});

t.test('an account id taken already is skipped, and a day appended by a concurrent request is refused as replayed', async (t) => {
  const store = openMemoryTopStore();
  const clock = new ManualClock(0);
  const top = new TopLevel(store, clock, systemRandom, []);
  // Another writer took node-2 while the store held one account.
  await store.insertNode({ id: 'node-2', name: 'Other', prefixes: ['88.9'], secret: { hash: Buffer.alloc(32), salt: Buffer.alloc(16) }, createdAtMs: 0, revokedAtMs: undefined, publicKeyPem: undefined, keyId: undefined, firstConnectedAtMs: undefined });
  t.equal((await top.addNode('Second', ['88.2'])).id, 'node-3', 'the next free id');

  const key = signer();
  const racing = { ...store, appendReport: async () => false };
  const raced = new TopLevel(racing, clock, systemRandom, []);
  const account = await raced.addNode('Racer', ['88.5']);
  const node = await raced.authenticate(account.id, account.secret);
  await raced.connect(node, publicKeyPem(key.publicKey));
  await t.rejects(raced.report(node, chain(key, 1)[0]), { code: 'REPORT_REFUSED', message: /^replayed: day 2024-01-01/ });
});
