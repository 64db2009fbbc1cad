import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import pino from 'pino';
import t from 'tap';
import { httpTopLevelLink } from '../../src/connect/http-top-level-link.js';
import { systemRandom } from '../../src/core/clock/clock.js';
import { GENESIS_HASH, sealEntry } from '../../src/core/ledger/ledger-entry.js';
import { keyIdOf, publicKeyPem } from '../../src/core/ledger/node-key.js';
import { TopLevel } from '../../src/core/top/top-level.js';
import { silentLogger } from '../../src/core/log/logger.js';
import { LOADER_OPTIONS } from '../../src/grpc/proto-definition.js';
import { openMemoryTopStore } from '../../src/store/top/memory-top-store.js';
import { listenTopGrpc, TOP_LEVEL_PROTO } from '../../src/top/top-grpc.js';
import { buildTopServer } from '../../src/top/top-server.js';
import { ManualClock } from '../helpers/audit-node.js';
import { send, type Json } from '../helpers/http.js';

t.test('the top-level node over REST and gRPC, and the node\'s HTTP link to it', async (t) => {
  const clock = new ManualClock(Date.parse('2024-02-01T00:00:00Z'));
  const top = new TopLevel(openMemoryTopStore(), clock, systemRandom, ['resolution.store-read']);
  const account = await top.addNode('Node A', ['88.1']);
  const app = await buildTopServer(top, { logger: pino({ level: 'silent' }), clock, bodyLimitBytes: 1_048_576 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const link = httpTopLevelLink({ url, id: account.id, secret: account.secret, now: () => clock.now() });
  t.equal(link.url, url);
  t.equal(link.nodeId, 'node-1');

  const key = generateKeyPairSync('ed25519');
  t.match(await link.connect(publicKeyPem(key.publicKey)), { nodeId: 'node-1', prefixes: [] });
  await link.homePrefix('88.1', 'AQID');
  const entry = sealEntry({
    seq: 1,
    day: '2024-01-01',
    timeZone: 'Asia/Shanghai',
    rows: [['88.1', 'rest', 'resolution.store-read', 3]],
    previousHash: GENESIS_HASH,
    sealedAtMs: clock.now(),
    clock: 'system',
    keyId: keyIdOf(key.publicKey),
    sign: (data) => sign(null, data, key.privateKey).toString('base64'),
  });
  await link.report(entry);
  await t.rejects(link.report(entry), { code: 'REPORT_REFUSED', message: /the top-level node refused: replayed/ });
  const record = (await link.resolvePrefixHandle('88.1'))!;
  t.match(record, { handle: '0.NA/88.1', values: [{ index: 1, type: 'HS_SITE', data: { format: 'base64', value: 'AQID' } }, { index: 100, type: 'HS_ADMIN' }] });
  t.equal(await link.resolvePrefixHandle('88.7'), undefined);

  // Public reads, refusals and the report page.
  t.match(await send(`${url}/api/handles/88.1/x`), { status: 404, body: { responseCode: 100, message: /prefix handles 0\.NA\/<prefix> only/ } });
  t.match(await send(`${url}/api/handles/nothing`), { status: 404 });
  t.match(await send(`${url}/api/v1/top/connect`, { method: 'POST', json: {} }), { status: 401, body: { code: 'AUTHENTICATION_REQUIRED' } });
  const basic = { authorization: `Basic ${Buffer.from(`node-1:${account.secret}`).toString('base64')}` };
  t.match(await send(`${url}/api/v1/top/state`, { headers: basic }), { status: 200, body: { lastSeq: 1, prefixes: ['88.1'] } });
  t.match(await send(`${url}/api/v1/top/connect`, { method: 'POST', headers: basic, json: { publicKey: publicKeyPem(generateKeyPairSync('ed25519').publicKey) } }), { status: 403, body: { code: 'NODE_KEY_MISMATCH' } });
  t.match(await send(`${url}/api/v1/nowhere`), { status: 404, body: { code: 'ROUTE_NOT_FOUND' } });
  const nodes = await send(`${url}/api/v1/nodes`);
  t.match(nodes.body, { nodes: [{ id: 'node-1', reports: { daysVerified: 1 }, years: [{ countedResolutions: 3 }], refusals: [{ kind: 'replayed' }] }], clock: { mode: 'system' } });
  const page = await (await fetch(`${url}/api/v1/nodes?format=html`)).text();
  t.match(page, /<tr data-node="node-1">[\s\S]*88\.1[\s\S]*data-kind="replayed"/);
  t.match(await send(`${url}/readyz`), { status: 200, body: { status: 'ready', role: 'top-level' } });
  t.match(await send(`${url}/healthz`), { status: 200 });

  // The link's failures: an answer that is no JSON, a 5xx, nothing listening.
  const odd = createServer((request, response) => {
    if (request.url!.startsWith('/text')) response.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    else if (request.url!.startsWith('/bad')) response.writeHead(200, { 'content-type': 'application/json' }).end('{"responseCode":1,"values":[{"index":"x"}]}');
    else if (request.url!.startsWith('/fail')) response.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"boom"}');
    else response.writeHead(418, { 'content-type': 'application/json' }).end('{"responseCode":2,"code":"NOT_A_CODE"}');
  });
  await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
  t.teardown(() => odd.close());
  const oddUrl = `http://127.0.0.1:${(odd.address() as { port: number }).port}`;
  const linkTo = (path: string) => httpTopLevelLink({ url: `${oddUrl}${path}`, id: 'node-1', secret: 'x', now: () => 0 });
  await t.rejects(linkTo('/text').connect('PEM'), { code: 'TOP_LEVEL_UNREACHABLE', message: /without a JSON body/ });
  await t.rejects(linkTo('/fail').report({} as never), { code: 'TOP_LEVEL_UNREACHABLE', message: /failed with HTTP 500: boom/ });
  await t.rejects(linkTo('/teapot').homePrefix('88.1', 'AA=='), { code: 'TOP_LEVEL_UNREACHABLE', message: /refused/ });
  await t.rejects(linkTo('/teapot').resolvePrefixHandle('88.1'), { code: 'TOP_LEVEL_UNREACHABLE' });
  await t.rejects(linkTo('/bad').resolvePrefixHandle('88.1'), { code: 'TOP_LEVEL_UNREACHABLE', message: /values this node cannot read/ });
  const wrong = httpTopLevelLink({ url, id: 'node-1', secret: 'wrong', now: () => 0 });
  await t.rejects(wrong.homePrefix('88.1', 'AA=='), { code: 'AUTHENTICATION_FAILED' });
  await app.close();
  await t.rejects(link.connect('PEM'), { code: 'TOP_LEVEL_UNREACHABLE', message: /cannot reach the top-level node/ });

  // gRPC idnode.v1.TopLevel.
  const grpc = await listenTopGrpc(top, silentLogger, '127.0.0.1', 0);
  t.teardown(() => grpc.server.forceShutdown());
  const loaded = loadPackageDefinition(protoLoader.loadSync([TOP_LEVEL_PROTO], LOADER_OPTIONS)) as Json;
  const client = new loaded.idnode.v1.TopLevel(`127.0.0.1:${grpc.port}`, credentials.createInsecure());
  t.teardown(() => client.close());
  const call = (method: string, request: object) =>
    new Promise<Json>((resolve, reject) => client[method](request, (error: ServiceError | null, response: Json) => (error ? reject(error) : resolve(response))));
  t.match(await call('ListNodes', {}), { nodes: [{ id: 'node-1', prefixes: ['88.1'], daysVerified: 1, lastDay: '2024-01-01', years: [{ year: 2024, countedResolutions: 3 }], refusals: 1 }] });
  t.match(await call('GetPrefixHandle', { prefix: '88.1' }), { handle: '0.NA/88.1', values: [{ index: 1, type: 'HS_SITE' }, { index: 100 }] });
  await t.rejects(call('GetPrefixHandle', { prefix: '88.7' }), { code: 5 });
});
