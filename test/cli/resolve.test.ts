import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import t from 'tap';
import { startBothNode } from '../helpers/grpc-node.js';
import { startHdlStub } from '../helpers/hdl-stub-node.js';
import { send } from '../helpers/http.js';
import { basic, startRestNode, type RestNode } from '../helpers/rest-node.js';
import { runInProcess } from './in-process.js';

const run = (args: string[]) => runInProcess(args, { cwd: t.testdirName });

const SMALL = '88.999.DEMO/small';
const LARGE = '88.999.DEMO/large';
const SECRET_ONLY = '88.999.DEMO/private';

async function register(node: Pick<RestNode, 'url' | 'credentials'>, handle: string, values: unknown[]): Promise<void> {
  const { id, secret } = node.credentials.demoEnterprise;
  const sent = await send(`${node.url}/api/handles/${handle}`, { method: 'PUT', headers: { authorization: basic(id, secret) }, json: { values } });
  if (sent.status !== 201) throw new Error(`registering ${handle}: ${sent.status} ${JSON.stringify(sent.body)}`);
}

async function startNode(t: Tap.Test): Promise<RestNode> {
  const node = await startRestNode({ dir: t.testdir() });
  t.teardown(() => node.close());
  await register(node, SMALL, [
    { index: 1, type: 'URL', data: 'https://example.com/small' },
    { index: 2, type: 'EMAIL', data: 'ops@example.com', ttl: 3600 },
    { index: 3, type: 'NOTE', data: 'line one\nline two' },
  ]);
  // Over 512 bytes once encoded: HANDLE.NET's UDP limit, so the UDP answer is truncated.
  await register(node, LARGE, [
    { index: 1, type: 'URL', data: `https://example.com/${'x'.repeat(600)}` },
    { index: 2, type: 'BLOB', data: { format: 'hex', value: '00ff10' } },
  ]);
  await register(node, SECRET_ONLY, [{ index: 1, type: 'URL', data: 'https://example.com/p', permissions: '1100' }]);
  return node;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Tap {
    type Test = import('tap').Test;
  }
}

t.test('over the Handle protocol: a table, JSON, filters, values not found', async (t) => {
  const node = await startNode(t);
  const stub = await startHdlStub(node.node);
  t.teardown(stub.close);
  const hdl = ['--hdl', `${stub.host}:${stub.port}`];

  const table = await run(['resolve', ...hdl, SMALL]);
  t.equal(table.code, 0, table.stderr);
  t.equal(table.stderr, '');
  const lines = table.stdout.split('\n');
  t.equal(lines[0], `${SMALL}: 4 values (Handle protocol, UDP ${stub.host}:${stub.port})`);
  t.match(lines[1], /^index\s+type\s+data\s+ttl\s+permissions\s+timestamp$/);
  t.match(lines[2], /^1\s+URL\s+https:\/\/example\.com\/small\s+86400\s+1110\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  t.match(lines[3], /^2\s+EMAIL\s+ops@example\.com\s+3600\s+1110\s/);
  t.match(lines[4], /^3\s+NOTE\s+line one\\u000aline two\s/, 'a control character cannot break the table');
  t.match(lines[5], /^100\s+HS_ADMIN\s+admin 0\.NA\/88\.999\.DEMO index 300 permissions \d{12}\s/);
  t.equal(stub.seen.tcp, 0, 'answered over UDP');

  const json = await run(['resolve', ...hdl, '--json', SMALL]);
  t.equal(json.code, 0, json.stderr);
  const answer = JSON.parse(json.stdout);
  t.same(Object.keys(answer), ['responseCode', 'handle', 'values', 'via']);
  t.equal(answer.via, 'udp');
  const rest = await send(`${node.url}/api/handles/${SMALL}`);
  t.same(answer.values, rest.body.values, 'the same values, in the same shape, as the REST API serves');

  const filtered = await run(['resolve', ...hdl, '--json', '--index', '2', '--type', 'URL', SMALL]);
  t.same(JSON.parse(filtered.stdout).values.map((value: { index: number }) => value.index), [1, 2], 'a value matching any index or type');
  const byType = await run(['resolve', ...hdl, '--type', 'EMAIL', '--type', 'NOTE', SMALL]);
  t.match(byType.stdout, /^88\.999\.DEMO\/small: 2 values/);

  const none = await run(['resolve', ...hdl, '--type', 'NOPE', SMALL]);
  t.equal(none.code, 0, 'values not found is an answer, not a failure');
  t.equal(none.stdout, `${SMALL}: no value matches the filters (response code 200) (Handle protocol, UDP ${stub.host}:${stub.port})\n`);
  const noneJson = await run(['resolve', ...hdl, '--json', '--type', 'URL', SECRET_ONLY]);
  t.same(JSON.parse(noneJson.stdout), { responseCode: 200, handle: SECRET_ONLY, values: [], via: 'udp' }, 'its only URL value is not public');
});

t.test('a truncated UDP answer, or none, is asked again over TCP', async (t) => {
  const node = await startNode(t);
  const stub = await startHdlStub(node.node);
  t.teardown(stub.close);
  const large = await run(['resolve', '--hdl', `${stub.host}:${stub.port}`, '--json', LARGE]);
  t.equal(large.code, 0, large.stderr);
  const answer = JSON.parse(large.stdout);
  t.equal(answer.via, 'tcp');
  t.equal(answer.values[0].data.value.length, 'https://example.com/'.length + 600);
  t.same(answer.values[1].data, { format: 'base64', value: 'AP8Q' }, 'binary data that is not UTF-8');
  t.same(stub.seen, { udp: 1, tcp: 1 });
  const text = await run(['resolve', '--hdl', `${stub.host}:${stub.port}`, LARGE]);
  t.match(text.stdout, /\(Handle protocol, TCP 127\.0\.0\.1:\d+\)/);
  t.match(text.stdout, /^2\s+BLOB\s+base64:AP8Q\s/m);

  const silent = await startHdlStub(node.node, { udp: 'silent' });
  t.teardown(silent.close);
  const started = Date.now();
  const fallback = await run(['resolve', '--hdl', `${silent.host}:${silent.port}`, '--timeout', '200', '--json', SMALL]);
  t.equal(fallback.code, 0, fallback.stderr);
  t.equal(JSON.parse(fallback.stdout).via, 'tcp');
  t.ok(Date.now() - started >= 200, 'after the UDP timeout');
  t.same(silent.seen, { udp: 1, tcp: 1 });
});

t.test('error answers: the response code, its meaning and the message, exit 1', async (t) => {
  const node = await startNode(t);
  const stub = await startHdlStub(node.node);
  t.teardown(stub.close);
  const hdl = ['--hdl', `${stub.host}:${stub.port}`];

  const missing = await run(['resolve', ...hdl, '88.999.DEMO/nope']);
  t.equal(missing.code, 1);
  t.equal(missing.stdout, '');
  t.equal(missing.stderr, 'error: Handle response code 100 (RC_HANDLE_NOT_FOUND: handle not found): 88.999.DEMO/nope does not exist\n');

  const missingJson = await run(['resolve', ...hdl, '--json', '88.999.DEMO/nope']);
  t.equal(missingJson.code, 1);
  t.same(JSON.parse(missingJson.stdout), {
    responseCode: 100,
    meaning: 'RC_HANDLE_NOT_FOUND: handle not found',
    handle: '88.999.DEMO/nope',
    message: '88.999.DEMO/nope does not exist',
    via: 'udp',
  });

  const notHomed = await run(['resolve', ...hdl, '77.1/x']);
  t.equal(notHomed.code, 1);
  t.match(notHomed.stderr, /^error: Handle response code 301 \(RC_SERVER_NOT_RESP: server not responsible for the handle \(not homed here\)\): /);
  const invalid = await run(['resolve', ...hdl, 'no-slash']);
  t.match(invalid.stderr, /^error: Handle response code 102 \(RC_INVALID_HANDLE: invalid handle \(encoding or syntax error\)\): /);

  const viaRest = await run(['resolve', '--url', node.url, '88.999.DEMO/nope']);
  t.equal(viaRest.code, 1);
  t.equal(viaRest.stderr, missing.stderr, 'the same error line over REST');
});

t.test('over REST: the same output', async (t) => {
  const node = await startNode(t);
  const stub = await startHdlStub(node.node);
  t.teardown(stub.close);
  const overRest = await run(['resolve', '--url', `${node.url}/`, '--json', '--index', '1', '--index', '3', SMALL]);
  t.equal(overRest.code, 0, overRest.stderr);
  const overHdl = await run(['resolve', '--hdl', `${stub.host}:${stub.port}`, '--json', '--index', '1', '--index', '3', SMALL]);
  t.same({ ...JSON.parse(overRest.stdout), via: 'x' }, { ...JSON.parse(overHdl.stdout), via: 'x' });
  t.equal(JSON.parse(overRest.stdout).via, 'rest');
  const table = await run(['resolve', '--url', node.url, LARGE]);
  t.match(table.stdout, new RegExp(`^${LARGE}: 3 values \\(REST ${node.url}\\)\\n`));
  t.match(table.stdout, /^2\s+BLOB\s+hex:00ff10\s/m, 'REST keeps the stored format');
  const none = await run(['resolve', '--url', node.url, '--type', 'NOPE', SMALL]);
  t.equal(none.code, 0);
  t.match(none.stdout, /no value matches the filters/);
});

t.test('an unreachable node, or something that is not one: NODE_UNREACHABLE, exit 1', async (t) => {
  // A port with nothing on it: UDP is refused (ICMP), then TCP too.
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const refused = await run(['resolve', '--hdl', `127.0.0.1:${closedPort}`, '--timeout', '500', SMALL]);
  t.equal(refused.code, 1);
  t.match(refused.stderr, new RegExp(`^error: NODE_UNREACHABLE: cannot resolve over TCP at 127\\.0\\.0\\.1:${closedPort}: connect ECONNREFUSED .*\\(and over UDP: `));

  const rest = await run(['resolve', '--url', `http://127.0.0.1:${closedPort}`, SMALL]);
  t.equal(rest.code, 1);
  t.match(rest.stderr, /^error: NODE_UNREACHABLE: cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/handles\/88\.999\.DEMO\/small: /);

  // Something that answers HTTP, but not as a Handle node.
  const other = await tcpServer(t, (socket) => socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\nconnection: close\r\n\r\nnot here\n'));
  const notHandle = await run(['resolve', '--url', `http://127.0.0.1:${other}`, SMALL]);
  t.equal(notHandle.code, 1);
  t.match(notHandle.stderr, /answered HTTP 404 without a HANDLE\.NET JSON body/);

  // A TCP listener that accepts and says nothing; UDP silent: both time out.
  const mutePort = await tcpServer(t, () => undefined);
  const muteUdp = createSocket('udp4').bind(mutePort, '127.0.0.1');
  await once(muteUdp, 'listening');
  t.teardown(() => muteUdp.close());
  const timedOut = await run(['resolve', '--hdl', `127.0.0.1:${mutePort}`, '--timeout', '100', SMALL]);
  t.equal(timedOut.code, 1);
  t.match(timedOut.stderr, /no TCP answer within 100 ms \(and over UDP: no UDP answer within 100 ms\)/);
  const restTimeout = await run(['resolve', '--url', `http://127.0.0.1:${mutePort}`, '--timeout', '100', SMALL]);
  t.match(restTimeout.stderr, /no answer within 100 ms/);
});

/** A TCP server on 127.0.0.1 calling `onConnection`, closed (its connections too) at the end of `t`; resolves with its port. */
async function tcpServer(t: Tap.Test, onConnection: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket.on('error', () => undefined));
    onConnection(socket);
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

t.test("against a real node's Handle protocol front end: UDP, truncation to TCP, filters, errors", async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  await register(both, SMALL, [{ index: 1, type: 'URL', data: 'https://example.com/small' }, { index: 2, type: 'EMAIL', data: 'ops@example.com' }]);
  await register(both, LARGE, [{ index: 1, type: 'URL', data: `https://example.com/${'x'.repeat(600)}` }]);
  const hdl = ['--hdl', `127.0.0.1:${both.hdlPort}`];
  const rest = await send(`${both.url}/api/handles/${SMALL}`);

  const small = await run(['resolve', ...hdl, '--json', SMALL]);
  t.equal(small.code, 0, small.stderr);
  t.same(JSON.parse(small.stdout), { ...rest.body, via: 'udp' }, 'what REST serves, over UDP');
  const large = await run(['resolve', ...hdl, '--json', LARGE]);
  t.equal(large.code, 0, large.stderr);
  t.equal(JSON.parse(large.stdout).via, 'tcp', 'a truncated UDP answer asked again over TCP');
  t.equal(JSON.parse(large.stdout).values[0].data.value.length, 620);
  const filtered = await run(['resolve', ...hdl, '--type', 'EMAIL', SMALL]);
  t.match(filtered.stdout, /^88\.999\.DEMO\/small: 1 value \(Handle protocol, UDP 127\.0\.0\.1:\d+\)\nindex.*\n2\s+EMAIL\s+ops@example\.com\s/);
  const none = await run(['resolve', ...hdl, '--json', '--index', '9', SMALL]);
  t.equal(none.code, 0, none.stderr);
  t.same(JSON.parse(none.stdout), { responseCode: 200, handle: SMALL, values: [], via: 'udp' });

  const missing = await run(['resolve', ...hdl, '88.999.DEMO/nope']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /^error: Handle response code 100 \(RC_HANDLE_NOT_FOUND: handle not found\): .*88\.999\.DEMO\/nope/);
  const notHomed = await run(['resolve', ...hdl, '--json', '77.1/x']);
  t.equal(notHomed.code, 1);
  t.match(JSON.parse(notHomed.stdout), { responseCode: 301, via: 'udp' });
  const invalid = await run(['resolve', ...hdl, 'no-slash']);
  t.match(invalid.stderr, /^error: Handle response code 102 /);
});

t.test('usage errors exit 2', async (t) => {
  for (const args of [
    ['resolve'],
    ['resolve', '--hdl', 'nohost:', 'a/b'],
    ['resolve', '--hdl', '127.0.0.1:70000', 'a/b'],
    ['resolve', '--hdl', '[nope]:1', 'a/b'],
    ['resolve', '--hdl', '127.0.0.1:1', '--url', 'http://x', 'a/b'],
    ['resolve', '--url', 'ftp://x', 'a/b'],
    ['resolve', '--url', 'not a url', 'a/b'],
    ['resolve', '--index', '0', 'a/b'],
    ['resolve', '--index', 'x', 'a/b'],
    ['resolve', '--timeout', '0', 'a/b'],
  ]) {
    const result = await run(args);
    t.equal(result.code, 2, `${args.join(' ')}: ${result.stderr.split('\n')[0]}`);
    t.equal(result.stdout, '');
  }
});
