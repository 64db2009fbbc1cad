import { join } from 'node:path';
import { generateKeyPairSync, sign } from 'node:crypto';
import t from 'tap';
import { canonicalBody, sha256Hex, type LedgerEntry } from '../../src/core/ledger/ledger-entry.js';
import { keyIdOf } from '../../src/core/ledger/node-key.js';
import { eventually } from '../helpers/eventually.js';
import { send, type Json } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { runInProcess } from '../cli/in-process.js';
import { firstRunCredentials, spawnNode, type SpawnedNode } from '../helpers/spawn-node.js';
import { freePort } from '../helpers/free-port.js';

// One simulated day every two real seconds, the same start for every process. (Not faster: the check that
// every sealed day was reported reads the ledger, then the top-level node, and a day sealed in between fails it.)
const CLOCK = ['--clock-start', '2024-03-01T00:00:00+08:00', '--clock-rate', '43200'];
const FAST = { IDNODE_LEDGER_SEAL_DELAY_MS: '200', IDNODE_TOP_LEVEL_RETRY_MAX_MS: '500' };

const nodeBasic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });

t.test('a top-level node and two secondary nodes: homing, reports, the criterion, an outage, and refused reports', async (t) => {
  const root = t.testdir();
  const topDir = join(root, 'top');
  // The accounts are made by the admin CLI in this process (as an operator's `idnode top node …` runs it, before
  // the top-level node starts): the processes of this test are the three nodes.
  const admin = (args: string[]) => runInProcess(['top', 'node', ...args, '--data-dir', topDir], { cwd: root });
  const addA = await admin(['add', '--name', 'Node A', '--prefix', '88.123', '--json']);
  const addB = await admin(['add', '--name', 'Node B', '--prefix', '88.200', '--json']);
  t.equal(addA.code, 0, addA.stderr);
  const accountA = JSON.parse(addA.stdout) as { id: string; secret: string };
  const accountB = JSON.parse(addB.stdout) as { id: string; secret: string };
  t.same([accountA.id, accountB.id], ['node-1', 'node-2']);
  // A refused add changes nothing, so the listing beside it reads the same two nodes.
  const [overlap, listed] = await Promise.all([
    admin(['add', '--name', 'Squatter', '--prefix', '88.123.X']),
    admin(['list']),
  ]);
  t.match(overlap.stderr, /PREFIX_CLAIMED: prefix 88\.123\.X overlaps the prefixes of node node-1/);
  t.match(listed.stdout, /node-1\tNode A\t88\.123\tnever connected/);

  const topPort = String(await freePort());
  const startTop = () => spawnNode({ command: 'top', dataDir: topDir, t, readyTimeoutMs: 120_000, args: ['--http-port', topPort, ...CLOCK] });
  let top = await startTop();
  const secondary = (prefix: string, account: { id: string; secret: string }) =>
    spawnNode({ dataDir: join(root, prefix), t, readyTimeoutMs: 120_000, env: FAST, args: ['--node-prefix', prefix, '--hdl-port', '0', ...CLOCK, '--top-level', top.url, '--top-level-id', account.id, '--top-level-secret', account.secret] });
  const [a, b] = await Promise.all([secondary('88.123', accountA), secondary('88.200', accountB)]);
  // stderr is a pipe of its own: the first-run block may arrive after the ready file appeared.
  await eventually(() => firstRunCredentials(a.stderr()) !== undefined && firstRunCredentials(b.stderr()) !== undefined, 'the first-run credentials', 10_000, 50);
  const operator = (node: SpawnedNode) => {
    const credentials = firstRunCredentials(node.stderr())!;
    return { authorization: basic(credentials.operator.id, credentials.operator.secret) };
  };
  const nodes = async (): Promise<Json[]> => (await send(`${top.url}/api/v1/nodes`)).body.nodes;
  const nodeAt = async (id: string): Promise<Json> => (await nodes()).find((node: Json) => node.id === id);
  // Counts make days to seal: a few resolutions on each node.
  for (const node of [a, b]) for (let k = 0; k < 3; k++) await send(`${node.url}/api/handles/0.NA/88.123`);

  await eventually(async () => (await nodeAt('node-1')).reports.daysVerified >= 2 && (await nodeAt('node-2')).reports.daysVerified >= 2, 'both nodes report sealed days', 30_000, 200);
  const reportA = await nodeAt('node-1');
  t.same(reportA.prefixes.map((prefix: Json) => prefix.prefix), ['88.123', '88.123.DEMO'], 'the node prefix and the enterprise prefix are homed');
  t.ok(reportA.firstConnectedAt && reportA.keyId, 'the key was registered on the first connection');
  t.equal(reportA.years[0].year, 2024);
  t.same(reportA.refusals, []);

  // Prefix handles: at the top-level node, at the own node, and at the other node (looked up at the top-level node).
  for (const url of [top.url, a.url, b.url]) {
    const answer = await send(`${url}/api/handles/0.NA/88.123.DEMO`);
    t.equal(answer.status, 200, `0.NA/88.123.DEMO resolves at ${url}`);
    t.match(answer.body.values, [{ index: 1, type: 'HS_SITE' }, { index: 100, type: 'HS_ADMIN', data: { value: { handle: '0.NA/88.123' } } }]);
  }
  t.equal((await send(`${top.url}/api/handles/0.NA/88.200`)).status, 200);
  t.equal((await send(`${top.url}/api/handles/0.NA/88.777`)).body.responseCode, 100, 'a prefix nobody homes is not found');
  t.equal((await send(`${a.url}/api/handles/0.NA/88.777`)).body.responseCode, 100, 'nor at a node');
  // Another node's claim is refused.
  const claim = await send(`${top.url}/api/v1/top/prefixes/88.123`, { method: 'PUT', headers: nodeBasic(accountB.id, accountB.secret), json: { site: 'AAAA' } });
  t.match(claim, { status: 409, body: { code: 'PREFIX_CLAIMED', message: /belongs to node node-1/ } });

  // The criterion, with its evidence, in each node's eligibility report; the state in /readyz, /metrics and the dashboard.
  for (const node of [a, b]) {
    await eventually(async () => {
      const report = (await send(`${node.url}/api/v1/eligibility`, { headers: operator(node) })).body;
      const criterion = report.awards.flatMap((award: Json) => award.criteria).find((c: Json) => c.metric === 'top-level-connection');
      return criterion.verdict === 'met' && /holds every prefix .* acknowledged every sealed day/.test(criterion.method);
    }, 'the connection criterion is met', 15_000, 200);
  }
  t.match((await send(`${a.url}/readyz`)).body.topLevel, { state: 'connected', nodeId: 'node-1', prefixesHomed: ['88.123', '88.123.DEMO'] });
  t.match(await (await fetch(`${a.url}/metrics`)).text(), /idnode_top_level_connection_info\{state="connected",node_id="node-1"\} 1/);
  t.match(await (await fetch(`${a.url}/dashboard`, { headers: operator(a) })).text(), /data-figure="top-level-prefixes">88\.123, 88\.123\.DEMO/);
  const html = await fetch(`${top.url}/api/v1/nodes`, { headers: { accept: 'text/html' } });
  t.match(await html.text(), /<tr data-node="node-1">/);

  // The top-level node is down for several simulated days: local work goes on, a backlog builds.
  t.same(await top.stop(), { code: 0, signal: null });
  const demo = firstRunCredentials(a.stderr())!.demo;
  const put = await send(`${a.url}/api/handles/${demo.prefix}/DURING-OUTAGE`, { method: 'PUT', headers: { authorization: basic(demo.id, demo.secret) }, json: { values: [{ index: 1, type: 'URL', data: 'x' }] } });
  t.equal(put.status, 201, 'registration goes on');
  t.equal((await send(`${a.url}/api/handles/${demo.prefix}/DURING-OUTAGE`)).status, 200, 'resolution goes on');
  await eventually(async () => {
    const status = (await send(`${a.url}/readyz`)).body.topLevel;
    return status.state === 'retrying' && status.backlog >= 3;
  }, 'a backlog of several days while the top-level node is down', 30_000, 200);
  top = await startTop();
  await eventually(async () => (await send(`${a.url}/readyz`)).body.topLevel.backlog === 0 && (await send(`${b.url}/readyz`)).body.topLevel.backlog === 0, 'the backlog is reported', 30_000, 200);
  const ledger = (await send(`${a.url}/api/v1/ledger`, { headers: operator(a) })).body.entries as LedgerEntry[];
  const held = await nodeAt('node-1');
  t.ok(held.reports.daysVerified >= ledger.length - 1 && held.reports.daysVerified <= ledger.length, 'every sealed day reported (the newest may still be on its way)');
  t.same(held.refusals, [], 'no day was reported twice and none skipped');

  // Forged, tampered and replayed reports are refused, and the refusals are in the connection report.
  const asA = nodeBasic(accountA.id, accountA.secret);
  const replayed = await send(`${top.url}/api/v1/top/reports`, { method: 'POST', headers: asA, json: ledger[0] });
  t.match(replayed, { status: 409, body: { code: 'REPORT_REFUSED', message: /^replayed: / } });
  const tampered = { ...ledger[0]!, totals: { ...ledger[0]!.totals, 'resolution.cache-hit': 1_000_000 } };
  t.match(await send(`${top.url}/api/v1/top/reports`, { method: 'POST', headers: asA, json: tampered }), { status: 409, body: { message: /^tampered: / } });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const last = ledger.at(-1)!;
  const body = { ...last, seq: last.seq + 50, day: '2024-12-30', keyId: keyIdOf(publicKey) };
  const canonical = canonicalBody(body);
  const forged = { ...body, hash: sha256Hex(canonical), signature: sign(null, Buffer.from(canonical), privateKey).toString('base64') };
  t.match(await send(`${top.url}/api/v1/top/reports`, { method: 'POST', headers: asA, json: forged }), { status: 409, body: { message: /^forged: / } });
  const refusals = (await nodeAt('node-1')).refusals.map((refusal: Json) => refusal.kind);
  t.same(refusals, ['replayed', 'tampered', 'forged']);

  await Promise.all([a.stop(), b.stop(), top.stop()]);
});
