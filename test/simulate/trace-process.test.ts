import { join } from 'node:path';
import t from 'tap';
import { startCluster, stopAll } from '../../src/simulate/cluster.js';
import { basicAuth, expectJson } from '../../src/simulate/http.js';
import { simNodes } from '../../src/simulate/workload.js';
import { NODE_CLI_ARGS } from '../helpers/child-node.js';
import { runInProcess } from '../cli/in-process.js';

// Three secondary nodes (recursion on) and the top-level node as real processes, started once for every subtest.

t.test('idnode trace follows a product through three nodes', async (t) => {
  const dir = t.testdir();
  const nodes = simNodes(3);
  const children: import('node:child_process').ChildProcess[] = [];
  t.teardown(() => stopAll(children, 5000));
  const cluster = await startCluster(
    {
      cli: { command: process.execPath, args: NODE_CLI_ARGS },
      dir: join(dir, 'cluster'),
      nodes: nodes.map((node) => ({ name: node.name, nodePrefix: node.nodePrefix })),
      clock: { startMs: Date.parse('2025-03-01T00:00:00+08:00'), rate: 1, realStartMs: Date.now() },
      recursive: true,
      readyTimeoutMs: 180_000,
    },
    (child) => children.push(child),
  );
  const [supplier, manufacturer, distributor] = await Promise.all(
    cluster.nodes.map((node, i) =>
      expectJson(`${node.url}/api/v1/enterprises`, 201, { method: 'POST', authorization: basicAuth(node.operator.id, node.operator.secret), json: { prefix: nodes[i]!.enterprisePrefix, name: nodes[i]!.role } }),
    ),
  );
  const register = async (node: number, enterprise: { id: string; secret: string }, items: [string, string[]][]) => {
    const body = { items: items.map(([handle, components]) => ({ handle, values: [{ index: 1, type: 'DESC', data: handle }, ...components.map((component, i) => ({ index: 10 + i, type: 'TRACE.COMPONENT', data: component }))] })) };
    const answer = await expectJson(`${cluster.nodes[node]!.url}/api/v1/handles/batch`, 200, { method: 'POST', authorization: basicAuth(enterprise.id, enterprise.secret), json: body });
    t.equal(answer.summary.created, items.length, `node ${node + 1} registered ${items.length}`);
  };
  await register(0, supplier, [
    ['88.301.SUP/P1', []],
    ['88.301.SUP/P2', []],
    ['88.301.SUP/LOOP', ['88.303.DST/LOOP']],
  ]);
  await register(1, manufacturer, [
    ['88.302.MFG/A1', ['88.301.SUP/P1', '88.301.SUP/P2']],
    ['88.302.MFG/A2', ['88.301.SUP/P2', '88.301.SUP/GONE']],
    ['88.302.MFG/LOOP', ['88.301.SUP/LOOP']],
  ]);
  await register(2, distributor, [
    ['88.303.DST/B1', ['88.302.MFG/A1', '88.302.MFG/A2']],
    ['88.303.DST/LOOP', ['88.302.MFG/LOOP']],
  ]);
  const names = new Map(cluster.nodes.map((node, i) => [node.url, nodes[i]!.role]));
  const trace = (args: string[]) => runInProcess(['trace', ...args], { cwd: dir });

  t.test('through a node that homes none of it (recursion), and through the top-level node', async (t) => {
    for (const how of [['--url', cluster.nodes[0]!.url], ['--top-level', cluster.top.url]]) {
      const run = await trace([...how, '--json', '88.303.DST/B1']);
      t.equal(run.code, 1, `${how[0]}: a part is missing, so exit 1`);
      const result = JSON.parse(run.stdout);
      t.same(result.nodes.map((url: string) => names.get(url)), ['distributor', 'manufacturer', 'supplier'], `${how[0]}: every hop names its node`);
      t.match(result.root, {
        handle: '88.303.DST/B1',
        status: 'found',
        components: [
          { handle: '88.302.MFG/A1', status: 'found', components: [{ handle: '88.301.SUP/P1', status: 'found' }, { handle: '88.301.SUP/P2', status: 'found' }] },
          { handle: '88.302.MFG/A2', status: 'found', components: [{ handle: '88.301.SUP/P2', status: 'repeat' }, { handle: '88.301.SUP/GONE', status: 'missing' }] },
        ],
      });
      t.ok(result.root.latencyMs > 0 && result.root.components[0].latencyMs > 0, 'each hop has its latency');
      t.match(result.counts, { found: 5, missing: 1, repeat: 1, cycle: 0 });
    }
    const complete = await trace(['--url', cluster.nodes[2]!.url, '88.302.MFG/A1']);
    t.equal(complete.code, 0, complete.stderr);
    t.match(complete.stdout, /^88\.302\.MFG\/A1 {2}found {2}at http:\/\/127\.0\.0\.1:\d+ {2}[\d.]+ ms\n├─ 88\.301\.SUP\/P1 {2}found[^\n]*\n└─ 88\.301\.SUP\/P2 {2}found[^\n]*\n3 lookups across 2 nodes, [\d.]+ ms in all; complete\n$/);
  });

  t.test('a cycle across three nodes and a missing part are reported, not followed', async (t) => {
    const cycle = await trace(['--url', cluster.nodes[1]!.url, '88.303.DST/LOOP']);
    t.equal(cycle.code, 1);
    t.match(cycle.stdout, /88\.303\.DST\/LOOP {2}found[^\n]*\n└─ 88\.302\.MFG\/LOOP {2}found[^\n]*\n {3}└─ 88\.301\.SUP\/LOOP {2}found[^\n]*\n {6}└─ 88\.303\.DST\/LOOP {2}CYCLE/);
    t.match(cycle.stdout, /3 lookups across 3 nodes, [\d.]+ ms in all; 1 CYCLE/);
    const missing = await trace(['--url', cluster.nodes[0]!.url, '88.302.MFG/NOTHING']);
    t.equal(missing.code, 1);
    t.match(missing.stdout, /^88\.302\.MFG\/NOTHING {2}MISSING .*handle not found/);
    const unknown = await trace(['--top-level', cluster.top.url, '88.999.NOBODY/X']);
    t.match(unknown.stdout, /88\.999\.NOBODY\/X {2}MISSING {2}[\d.]+ ms {2}\(no node homes prefix 88\.999\.NOBODY/);
    const limited = await trace(['--url', cluster.nodes[0]!.url, '--max-depth', '1', '88.303.DST/B1']);
    t.match(limited.stdout, /not followed \(depth limit\)/);
  });
});
