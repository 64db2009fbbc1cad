import { memoryKeyVault } from '../../src/core/ledger/key-vault.js';
import Database from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import t from 'tap';
import { systemRandom } from '../../src/core/clock/clock.js';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { SetClock } from '../../src/core/clock/set-clock.js';
import { canonicalJson } from '../../src/core/ledger/canonical-json.js';
import { GENESIS_HASH } from '../../src/core/ledger/ledger-entry.js';
import { parsePublicKey } from '../../src/core/ledger/node-key.js';
import { verifyLedger, type LedgerExport } from '../../src/core/ledger/verify-ledger.js';
import { IdNode } from '../../src/core/node.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { send } from '../helpers/http.js';
import { ManualClock, startAuditNode, type AuditNode } from '../helpers/audit-node.js';
import { TEST_CORE_CONFIG } from '../helpers/rest-node.js';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import { virtualRuntime } from '../helpers/virtual-runtime.js';

const value = { values: [{ index: 1, type: 'URL', data: 'https://example.org/x' }] };

/** Registers `count` identifiers and resolves one `resolutions` times, at the clock's current instant. */
async function traffic(node: AuditNode, tag: string, count: number, resolutions: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await send(`${node.url}/api/handles/${node.demoPrefix}/${tag}-${i}`, { method: 'PUT', headers: { authorization: node.auth.demo }, json: value });
  }
  for (let i = 0; i < resolutions; i++) await send(`${node.url}/api/handles/${node.demoPrefix}/${tag}-0`);
}

const verifyWith = (node: AuditNode, document: unknown) => verifyLedger(document, parsePublicKey(node.rest.node.ledger.publicKeyPem, 'the node key'));

t.test('canonical JSON: sorted keys, no whitespace, only JSON values', async (t) => {
  t.equal(canonicalJson({ b: 1, a: [3, { d: 'x', c: null }], é: true }), '{"a":[3,{"c":null,"d":"x"}],"b":1,"é":true}');
  t.throws(() => canonicalJson({ a: undefined }), TypeError);
  t.throws(() => canonicalJson(Number.NaN), TypeError);
  t.throws(() => canonicalJson(() => 1), TypeError);
});

t.test('closed days are sealed once, consecutively from the first day with counts, zero days included', async (t) => {
  const clock = new ManualClock(Date.parse('2024-03-01T10:00:00+08:00'));
  const node = await startAuditNode(t, { clock, config: { ledgerSealDelayMs: 3_600_000 } });
  const ledger = node.rest.node.ledger;
  await traffic(node, 'D1', 3, 4);
  t.same(await ledger.sealClosedDays(LOCAL_OPERATOR), [], 'today is not closed');
  t.match(await ledger.status(LOCAL_OPERATOR), { entries: 0, unsealedClosedDays: 0, verified: true });
  clock.set('2024-03-02T09:00:00+08:00');
  await traffic(node, 'D2', 2, 1);
  clock.set('2024-03-04T00:00:00.000+08:00');
  t.equal((await ledger.status(LOCAL_OPERATOR)).unsealedClosedDays, 3, 'nothing sealed yet: counted from the first day with counts');
  const sealed = await ledger.sealClosedDays(LOCAL_OPERATOR);
  t.same(sealed.map((entry) => [entry.seq, entry.day]), [[1, '2024-03-01'], [2, '2024-03-02'], [3, '2024-03-03']], 'through the last closed day; 03-03 had no traffic');
  t.equal(sealed[0]!.previousHash, GENESIS_HASH);
  t.equal(sealed[1]!.previousHash, sealed[0]!.hash);
  t.match(sealed[0]!.totals, { registration: 3, 'resolution.store-read': 1, 'resolution.cache-hit': 3, update: 0 });
  t.match(sealed[2]!, { rowCount: 0, totals: { registration: 0 }, clock: 'system', timeZone: 'Asia/Shanghai', keyId: ledger.keyId });
  t.same(await ledger.sealClosedDays(LOCAL_OPERATOR), [], 'nothing left to seal');

  const exported = await ledger.export(LOCAL_OPERATOR, { rows: true });
  t.equal(exported.entries.length, 3);
  t.same(exported.entries[0]!.rows, [[node.demoPrefix, 'rest', 'registration', 3], [node.demoPrefix, 'rest', 'resolution.cache-hit', 3], [node.demoPrefix, 'rest', 'resolution.store-read', 1]]);
  const result = verifyWith(node, JSON.parse(JSON.stringify(exported)));
  t.same(result.problems, []);
  t.match(result, { ok: true, entries: 3, firstDay: '2024-03-01', lastDay: '2024-03-03', rowsChecked: 3, simulatedDays: 0 });

  const status = await ledger.status(LOCAL_OPERATOR);
  t.match(status, { entries: 3, firstDay: '2024-03-01', lastDay: '2024-03-03', latestClosedDay: '2024-03-03', unsealedClosedDays: 0, verified: true });
  clock.set('2024-03-06T12:00:00+08:00');
  t.equal((await ledger.status(LOCAL_OPERATOR)).unsealedClosedDays, 2);
});

t.test('verification names the day that was changed, removed or reordered', async (t) => {
  const clock = new ManualClock(Date.parse('2024-05-01T12:00:00+08:00'));
  const node = await startAuditNode(t, { clock, config: { ledgerSealDelayMs: 3_600_000 } });
  for (const day of ['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04']) {
    clock.set(`${day}T12:00:00+08:00`);
    await traffic(node, day, 2, 1);
  }
  clock.set('2024-05-05T00:00:01+08:00');
  t.equal((await node.rest.node.ledger.sealClosedDays(LOCAL_OPERATOR)).length, 4);
  const honest = (await node.rest.node.ledger.export(LOCAL_OPERATOR, { rows: true })) as LedgerExport;
  const copy = (): LedgerExport => JSON.parse(JSON.stringify(honest)) as LedgerExport;
  t.ok(verifyWith(node, copy()).ok, 'the honest export verifies');

  const days = (document: unknown) => verifyWith(node, document).problems.map((problem) => problem.day);

  const changedTotal = copy();
  (changedTotal.entries[1]!.totals as Record<string, number>)['registration'] = 20_000_000;
  t.same([...new Set(days(changedTotal))], ['2024-05-02'], 'a changed total');

  const changedRows = copy();
  changedRows.entries[2]!.rows![0]![3] += 1;
  t.same(days(changedRows), ['2024-05-03'], 'a changed per-prefix row');

  const missing = copy();
  missing.entries.splice(1, 1);
  const missingResult = verifyWith(node, missing);
  t.notOk(missingResult.ok);
  t.ok(missingResult.problems.some((problem) => problem.day === '2024-05-02' && /missing/.test(problem.message)), 'the missing day is named');

  const firstMissing = copy();
  firstMissing.entries.shift();
  t.ok(verifyWith(node, firstMissing).problems.some((problem) => problem.day === '2024-05-01' && /missing/.test(problem.message)));

  const reordered = copy();
  [reordered.entries[1], reordered.entries[2]] = [reordered.entries[2]!, reordered.entries[1]!];
  const reorderedDays = new Set(days(reordered));
  t.ok(reorderedDays.has('2024-05-02') && reorderedDays.has('2024-05-03'), 'both swapped days are named');

  const resealed = copy();
  (resealed.entries[3] as { sealedAt: string }).sealedAt = '2030-01-01T00:00:00.000Z';
  t.same([...new Set(days(resealed))], ['2024-05-04'], 'any field of the body is covered');

  const otherKey = generateKeyPairSync('ed25519').publicKey;
  const foreign = verifyLedger(copy(), otherKey);
  t.equal(new Set(foreign.problems.map((problem) => problem.day)).size, 4, 'another key: every day fails');

  t.match(verifyWith(node, { entries: [] }), { ok: false, problems: [{ message: /not an idnode ledger export/ }] });
  const malformed = copy();
  (malformed.entries[0] as unknown as Record<string, unknown>)['hash'] = 'xyz';
  t.match(verifyWith(node, malformed).problems[0], { day: '2024-05-01', message: /malformed: hash/ });
});

t.test('editing one count in the database makes verification fail, naming the day', async (t) => {
  const clock = new ManualClock(Date.parse('2024-07-10T08:00:00+08:00'));
  const node = await startAuditNode(t, { clock, config: { ledgerSealDelayMs: 3_600_000 } });
  await traffic(node, 'A', 5, 2);
  clock.set('2024-07-11T08:00:00+08:00');
  await traffic(node, 'B', 1, 1);
  clock.set('2024-07-12T08:00:00+08:00');
  await node.rest.node.ledger.sealClosedDays(LOCAL_OPERATOR);
  t.ok(verifyWith(node, await node.rest.node.ledger.export(LOCAL_OPERATOR, { rows: true })).ok);

  const db = new Database(node.rest.dataFile);
  t.teardown(() => db.close());
  t.equal(db.prepare("UPDATE counters SET count = count + 1 WHERE day = '2024-07-10' AND kind = 'registration'").run().changes, 1);
  const result = verifyWith(node, await node.rest.node.ledger.export(LOCAL_OPERATOR, { rows: true }));
  t.notOk(result.ok);
  t.same(result.problems.map((problem) => problem.day), ['2024-07-10']);
  t.match(result.problems[0]!.message, /registration sealed 5, now 6/);
  t.match(await node.rest.node.ledger.status(LOCAL_OPERATOR), { verified: false, problems: [{ day: '2024-07-10' }] });

  t.throws(() => db.prepare("UPDATE ledger SET entry = '{}' WHERE day = '2024-07-10'").run(), /append-only/, 'the ledger table refuses edits');
  t.throws(() => db.prepare('DELETE FROM ledger').run(), /append-only/);
});

t.test('a day seals by itself shortly after it closes (a monotonic delay, even on a fast clock)', async (t) => {
  const clock = new ManualClock(Date.parse('2024-08-01T23:59:00+08:00'));
  const time = new ManualScheduler();
  // Sealing ticks every 150 ms of `time`; a day is sealed once it has been seen closed for 150 ms.
  const node = await startAuditNode(t, { clock, time, config: { ledgerSealDelayMs: 150 } });
  await traffic(node, 'Z', 1, 0);
  await time.advance(400);
  t.equal((await node.rest.node.ledger.entries(LOCAL_OPERATOR)).length, 0, 'the day has not closed');
  clock.set('2024-08-02T00:00:00.000+08:00');
  // The next tick (50 ms on) sees the day closed; the seal delay runs from there.
  await time.advance(199);
  t.equal((await node.rest.node.ledger.entries(LOCAL_OPERATOR)).length, 0, 'closed, but not yet for the seal delay');
  await time.advance(1);
  t.same((await node.rest.node.ledger.entries(LOCAL_OPERATOR)).map((entry) => entry.day), ['2024-08-01']);
});

t.test('two processes sealing at once keep one consistent chain; a set clock marks entries simulated', async (t) => {
  const dir = t.testdir();
  const file = `${dir}/idnode.sqlite`;
  const start = Date.parse('2024-09-01T12:00:00+08:00');
  // Virtual real time, shared by both processes' set clocks and schedulers.
  const time = new ManualScheduler();
  // Both processes are given the node's one key (as replicas share the key file).
  const keyVault = memoryKeyVault();
  const open = async () => {
    const store = openSqliteStore({ file });
    const node = await IdNode.create(
      { ...TEST_CORE_CONFIG, ledgerSealDelayMs: 3_600_000 },
      { store, clock: new SetClock(start, 86_400 * 2, time), random: systemRandom, logger: pino({ level: 'silent' }), keyVault, ...virtualRuntime(time) },
    );
    t.teardown(async () => {
      await node.close();
      await store.close();
    });
    return node;
  };
  const a = await open();
  const b = await open();
  await a.store.addCounters([{ day: '2024-09-01', prefix: '88.999.DEMO', protocol: 'rest', kind: 'registration', count: 7 }]);
  // At 2 days per real second, three days close in a second and a half.
  await time.advance(1500);
  const [sealedA, sealedB] = await Promise.all([a.ledger.sealClosedDays(LOCAL_OPERATOR), b.ledger.sealClosedDays(LOCAL_OPERATOR)]);
  const all = [...sealedA, ...sealedB].map((entry) => entry.seq).sort((x, y) => x - y);
  t.same(all, [...new Set(all)], 'no seq sealed twice');
  const exported = await a.ledger.export(LOCAL_OPERATOR, { rows: true });
  t.ok(exported.entries.length >= 2);
  t.ok(exported.entries.every((entry) => entry.clock === 'simulated'));
  t.equal(a.ledger.keyId, b.ledger.keyId, 'one key per store');
  const result = verifyLedger(exported, parsePublicKey(b.ledger.publicKeyPem, 'key'));
  t.match(result, { ok: true, simulatedDays: exported.entries.length });
});
