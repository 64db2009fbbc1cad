import t from 'tap';
import { runInProcess } from '../cli/in-process.js';

t.test('idnode top node add, list and revoke manage the accounts in the data directory', async (t) => {
  const cwd = t.testdir();
  const run = (args: string[]) => runInProcess(['top', 'node', ...args, '--data-dir', 'top'], { cwd });
  const added = await run(['add', '--name', 'Node A', '--prefix', '88.123', '--prefix', '88.124']);
  t.equal(added.code, 0, added.stderr);
  t.match(added.stdout, /^Node account node-1\n {2}secret: \S+\n\(shown once: start the node with --top-level-id node-1 --top-level-secret <secret>\)\n$/);
  const json = await run(['add', '--name', 'Node B', '--prefix', '88.200', '--json']);
  t.match(JSON.parse(json.stdout), { id: 'node-2', secret: /^[A-Za-z0-9_-]{43}$/ });
  const refused = await run(['add', '--name', 'C', '--prefix', '88.200.1']);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /error: PREFIX_CLAIMED: prefix 88\.200\.1 overlaps the prefixes of node node-2/);
  t.equal((await run(['revoke', 'node-2'])).stdout, 'Revoked node account node-2\n');
  t.match((await run(['revoke', 'node-2'])).stderr, /PRINCIPAL_REVOKED/);
  t.match((await run(['revoke', 'node-9'])).stderr, /REQUEST_INVALID: no node account node-9/);
  const listed = await run(['list']);
  t.match(listed.stdout, /^node-1\tNode A\t88\.123,88\.124\tnever connected\nnode-2\tNode B\t88\.200\trevoked /);
  const listedJson = JSON.parse((await run(['list', '--json'])).stdout) as { id: string; revokedAt?: string }[];
  t.same(listedJson.map((node) => [node.id, node.revokedAt !== undefined]), [['node-1', false], ['node-2', true]]);
  t.equal((await run(['add', '--name', 'Again', '--prefix', '88.200'])).code, 0, 'a revoked account\'s prefixes are free again');
});

t.test('idnode top refuses a bad setting before it opens anything', async (t) => {
  const cwd = t.testdir();
  const run = await runInProcess(['top', '--data-dir', 'top', '--http-port', 'x'], { cwd });
  t.equal(run.code, 2);
  t.match(run.stderr, /invalid configuration: http-port \(from --http-port\)/);
});

t.test('idnode top with every listener off fails to start, naming both settings', async (t) => {
  const { top } = await import('../../src/cli/top.js');
  const { loadConfig } = await import('../../src/config/load-config.js');
  const { EventEmitter } = await import('node:events');
  const cwd = t.testdir();
  let stderr = '';
  const io = { env: {}, cwd, stdout: () => {}, stderr: (text: string) => void (stderr += text), exit: () => {} };
  const config = loadConfig({ cwd, flags: { dataDir: 'top', httpPort: 'off', grpcPort: 'off', logLevel: 'silent' } });
  t.equal(await top(config, io, new EventEmitter()), 1);
  t.match(stderr, /idnode top failed to start: CONFIG_INVALID: http-port and grpc-port are both off/);
});

t.test('idnode top in process: serves REST and gRPC, writes the ready file, stops cleanly on SIGTERM', async (t) => {
  const { top } = await import('../../src/cli/top.js');
  const { loadConfig } = await import('../../src/config/load-config.js');
  const { EventEmitter } = await import('node:events');
  const { existsSync, readFileSync } = await import('node:fs');
  const { eventually } = await import('../helpers/eventually.js');
  const cwd = t.testdir();
  const io = { env: {}, cwd, stdout: () => {}, stderr: () => {}, exit: () => {} };
  const config = loadConfig({ cwd, flags: { dataDir: 'top', httpPort: '0', grpcPort: '0', readyFile: 'ready.json', logLevel: 'silent', clockStart: '2024-03-01T00:00:00+08:00', clockRate: '10' } });
  const signals = new EventEmitter();
  const running = top(config, io, signals);
  await eventually(() => existsSync(`${cwd}/ready.json`), 'the ready file', 20_000, 20);
  const ready = JSON.parse(readFileSync(`${cwd}/ready.json`, 'utf8')) as { http: string; grpc: string };
  t.match(ready, { http: /^http:\/\/127\.0\.0\.1:\d+$/, grpc: /^127\.0\.0\.1:\d+$/ });
  t.match(await (await fetch(`${ready.http}/readyz`)).json(), { status: 'ready', clock: { mode: 'simulated' } });
  signals.emit('SIGTERM', 'SIGTERM');
  t.equal(await running, 0);
  t.notOk(existsSync(`${cwd}/ready.json`), 'the ready file is removed');
});
