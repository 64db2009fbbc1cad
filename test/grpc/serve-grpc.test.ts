import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, type Client, type ServiceError } from '@grpc/grpc-js';
import t from 'tap';
import { idnodePackageDefinition } from '../../src/grpc/proto-definition.js';
import { REPO_ROOT } from '../helpers/child-node.js';
import { authMetadata, IdnodeClients, valueMessage } from '../helpers/grpc-client.js';
import type { Json } from '../helpers/http.js';
import { send } from '../helpers/http.js';
import { runCli } from '../helpers/run-cli.js';
import { logLines, waitFor } from '../cli/serve-helpers.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';

const TLS_DIR = join(REPO_ROOT, 'test', 'cli', 'fixtures', 'tls');

function readyFile(file: string): { http: string; grpc?: string } {
  return JSON.parse(readFileSync(file, 'utf8')) as { http: string; grpc?: string };
}

// Every subtest starts processes of its own (own data directory, ports chosen at run time; the first one node
// for two checks): most of their time is a child's start, so two run side by side.
t.jobs = 2;

// One node (gRPC beside REST, logging at info) for the two subtests that need nothing else of it.
t.test('idnode serve --grpc-port 0', async (t) => {
  const node = await spawnNode({ dataDir: join(t.testdir(), 'data'), t, args: ['--grpc-port', '0'], logLevel: 'info' });
  const ready = readyFile(node.readyFile);

  await t.test('gRPC beside REST, in the ready file', async (t) => {
    t.match(ready, { http: /^http:\/\/127\.0\.0\.1:\d+$/, grpc: /^127\.0\.0\.1:\d+$/ });
    const demo = firstRunCredentials(node.stderr())!.demo;
    const clients = new IdnodeClients(ready.grpc!);
    t.teardown(() => clients.close());
    const created = await clients.unary(clients.registry, 'Create', { handle: `${demo.prefix}/G-1`, values: [valueMessage(1, 'URL', 'u')] }, authMetadata(demo.id, demo.secret));
    t.match(created, { ok: true, value: { status: 'WRITE_STATUS_CREATED' } });
    const rest = (await (await fetch(`${ready.http}/api/handles/${demo.prefix}/G-1`)).json()) as Json;
    t.equal(rest.values[0].data.value, 'u', 'written over gRPC, read over REST');
    clients.close();
  });

  await t.test('front ends as a list: the ready file, the ready log line and /readyz name the same ones', async (t) => {
    t.same(Object.keys(ready), ['http', 'grpc'], 'one key per front end, in start order');
    const readyz = await send(`${ready.http}/readyz`);
    t.equal(readyz.status, 200);
    t.match(readyz.body, { status: 'ready', store: 'sqlite', clock: { mode: 'system' } }, "today's fields");
    t.same(readyz.body.frontEnds, ready, '/readyz names the front ends serving');
    await waitFor(() => node.stdout().includes('idnode ready'), 'the ready log line');
    const line = logLines(node.stdout()).find((entry) => entry['msg'] === 'idnode ready')!;
    t.same(line['frontEnds'], ready);
    t.equal(line['url'], ready.http);
  });

  t.same(await node.stop(), { code: 0, signal: null }, 'stopped cleanly');
});

t.test('gRPC over TLS with the node certificate', async (t) => {
  const node = await spawnNode({
    dataDir: join(t.testdir(), 'data'),
    t,
    args: ['--grpc-port', '0', '--tls-cert', join(TLS_DIR, 'cert.pem'), '--tls-key', join(TLS_DIR, 'key.pem')],
  });
  const ready = readyFile(node.readyFile);
  const v1 = (loadPackageDefinition(idnodePackageDefinition()) as Json).idnode.v1;
  const resolver: Client & Record<string, Function> = new v1.Resolver(ready.grpc!, credentials.createSsl(readFileSync(join(TLS_DIR, 'cert.pem'))), {
    // The certificate names localhost (and the IP); a host name avoids sending an IP address as SNI.
    'grpc.ssl_target_name_override': 'localhost',
  });
  t.teardown(() => resolver.close());
  const error = await new Promise<ServiceError | null>((resolve) => resolver['Resolve']!.call(resolver, { handle: '88.999.DEMO/none' }, (failure: ServiceError | null) => resolve(failure)));
  t.equal(error?.metadata.get('idnode-error-code')[0], 'HANDLE_NOT_FOUND', 'answered over TLS');
  resolver.close();
  t.same(await node.stop(), { code: 0, signal: null });
});

t.test('a bad grpc-port is a configuration error', async (t) => {
  const run = await runCli(['serve', '--data-dir', join(t.testdir(), 'data'), '--grpc-port', '70000', '--hdl-port', 'off']);
  t.equal(run.code, 2);
  t.match(run.stderr, /invalid configuration: grpc-port \(from --grpc-port\) must be an integer from 0 to 65535, got "70000"/);
});

t.test('--http-port off: gRPC alone; the first-run block has no curl example', async (t) => {
  const node = await spawnNode({ dataDir: join(t.testdir(), 'data'), t, args: ['--http-port', 'off', '--grpc-port', '0'] });
  const ready = readyFile(node.readyFile);
  t.same(Object.keys(ready), ['grpc']);
  t.equal(node.url, '');
  const demo = firstRunCredentials(node.stderr())!.demo;
  t.ok(demo, 'the credentials are still printed once');
  t.notMatch(node.stderr(), 'curl', 'no REST URL to show');
  const clients = new IdnodeClients(ready.grpc!);
  t.teardown(() => clients.close());
  const created = await clients.unary(clients.registry, 'Create', { handle: `${demo.prefix}/G-2`, values: [valueMessage(1, 'URL', 'u')] }, authMetadata(demo.id, demo.secret));
  t.match(created, { ok: true, value: { status: 'WRITE_STATUS_CREATED' } });
  clients.close();
  t.same(await node.stop(), { code: 0, signal: null });
});

t.test('a gRPC port in use fails the start after REST listened: exit 1, REST closed, no ready file', async (t) => {
  const dir = t.testdir();
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => taken.close(resolve)));
  const port = String((taken.address() as AddressInfo).port);
  const run = await runCli(['serve', '--data-dir', join(dir, 'data'), '--http-port', '0', '--grpc-port', port, '--hdl-port', 'off', '--ready-file', join(dir, 'ready.json')]);
  t.equal(run.code, 1);
  t.match(run.stderr, new RegExp(`^error: idnode failed to start: CONFIG_INVALID: cannot listen for gRPC on 127\\.0\\.0\\.1:${port}`, 'm'));
  t.notOk(existsSync(join(dir, 'ready.json')));
  t.notOk(logLines(run.stdout).some((line) => line['level'] === 50), 'every front end started was closed cleanly');
});

t.test('every front end off is a configuration error', async (t) => {
  const run = await runCli(['serve', '--data-dir', join(t.testdir(), 'data'), '--http-port', 'off', '--grpc-port', 'off', '--hdl-port', 'off']);
  t.equal(run.code, 2);
  t.match(run.stderr, 'invalid configuration: every front end is off (http-port (from --http-port), grpc-port (from --grpc-port), hdl-port (from --hdl-port)): the node would serve nothing; turn one on');
});
