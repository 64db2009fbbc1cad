import t from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { OpFlag, ResponseCode } from '../../src/hdl/codec/index.js';
import { startBothNode, type BothNode } from '../helpers/grpc-node.js';
import { readAnswer, resolutionRequest, tcpExchange, TcpConnection, udpExchange } from '../helpers/hdl-client.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';

// Resolution (opCode 1) over real UDP and TCP sockets on 127.0.0.1: answers, filters, errors, truncation,
// several requests per connection, metering, the warm path, credentials and the request digest.

const DEMO = '88.999.DEMO';
const NOW = Date.UTC(2025, 6, 1, 4, 0, 0);

async function seed(node: BothNode, handle: string, values: unknown[]): Promise<void> {
  const operator = node.credentials.operator;
  const reply = await send(`${node.url}/api/handles/${handle}`, { method: 'PUT', headers: { authorization: basic(operator.id, operator.secret) }, json: { values } });
  if (reply.status >= 300) throw new Error(`seeding ${handle}: ${JSON.stringify(reply.body)}`);
}

const VALUES = [
  { index: 1, type: 'URL', data: 'https://example.org/1' },
  { index: 2, type: 'EMAIL', data: 'someone@example.org' },
  { index: 3, type: 'SECRET', data: 'hidden', permissions: '1100' },
];

t.test('resolution over UDP and TCP', async (t) => {
  const node = await startBothNode({ dir: t.testdir(), clock: { now: () => NOW } });
  t.teardown(() => node.close());
  await seed(node, `${DEMO}/R-1`, VALUES);

  for (const [transport, exchange] of [['udp', udpExchange], ['tcp', tcpExchange]] as const) {
    const answer = readAnswer(await exchange(node.hdlPort, resolutionRequest(`${DEMO}/R-1`, {}, { requestId: 77 })));
    t.equal(answer.responseCode, 1, `${transport}: success`);
    t.equal(answer.requestId, 77, `${transport}: the request id is echoed`);
    t.equal(answer.handle, `${DEMO}/R-1`);
    t.same(answer.values!.map((value) => [value.index, value.type, value.data, value.permissions]), [
      [1, 'URL', { format: 'string', value: 'https://example.org/1' }, '1110'],
      [2, 'EMAIL', { format: 'string', value: 'someone@example.org' }, '1110'],
      [100, 'HS_ADMIN', { format: 'admin', value: { handle: '0.NA/88.999', index: 300, permissions: '011111110011' } }, '1110'],
    ], `${transport}: the public values only, as stored (the operator's write added HS_ADMIN)`);
    t.notOk(answer.values!.some((value) => value.type === 'SECRET'), `${transport}: the private value is not given`);
    t.ok((answer.message.header.opFlags & OpFlag.AUTHORITATIVE) !== 0, `${transport}: authoritative`);
    t.equal(answer.message.envelope.majorVersion, 2);
  }

  const byIndex = readAnswer(await udpExchange(node.hdlPort, resolutionRequest(`${DEMO}/R-1`, { indexes: [2] })));
  t.same(byIndex.values!.map((value) => value.index), [2], 'the index filter');
  const byType = readAnswer(await tcpExchange(node.hdlPort, resolutionRequest(`${DEMO}/R-1`, { types: ['URL'] })));
  t.same(byType.values!.map((value) => value.index), [1], 'the type filter');
  const privateOnly = readAnswer(await udpExchange(node.hdlPort, resolutionRequest(`${DEMO}/R-1`, { types: ['SECRET'] })));
  t.equal(privateOnly.responseCode, ResponseCode.VALUES_NOT_FOUND, 'no value visible through the filters: 200');
  t.match(privateOnly.error, 'has no value matching the index and type filters');
});

t.test('error answers: 100, 102, 301, 3, 2', async (t) => {
  const node = await startBothNode({ dir: t.testdir(), clock: { now: () => NOW } });
  t.teardown(() => node.close());
  const cases = [
    { handle: `${DEMO}/none`, code: 100, error: 'HANDLE_NOT_FOUND: 88.999.DEMO/none does not exist' },
    { handle: 'no-slash', code: 102, error: /^IDENTIFIER_MISSING_SLASH: / },
    { handle: '99.999/elsewhere', code: 301, error: /^NOT_HOMED: / },
  ];
  for (const exchange of [udpExchange, tcpExchange]) {
    for (const { handle, code, error } of cases) {
      const answer = readAnswer(await exchange(node.hdlPort, resolutionRequest(handle)));
      t.equal(answer.responseCode, code, `${handle}: ${code}`);
      t.match(answer.error, error);
    }
  }
  const refused = node.logs.find((line) => line['code'] === 'NOT_HOMED');
  t.match(refused, { level: 30, transport: 'udp', opCode: 1 }, 'a refusal is logged at info with what the front end knows');

  const resolver = node.node.resolver;
  const original = resolver.resolve.bind(resolver);
  resolver.resolve = async () => {
    throw new IdnodeError('STORE_UNAVAILABLE', 'the store could not be reached');
  };
  const busy = readAnswer(await udpExchange(node.hdlPort, resolutionRequest(`${DEMO}/x`)));
  t.equal(busy.responseCode, 3, 'STORE_UNAVAILABLE: server too busy');
  resolver.resolve = async () => {
    throw new Error('a bug');
  };
  const internal = readAnswer(await tcpExchange(node.hdlPort, resolutionRequest(`${DEMO}/x`)));
  t.equal(internal.responseCode, 2, 'an unexpected error: 2');
  t.equal(internal.error, 'INTERNAL_ERROR: internal error', 'its cause never reaches the caller');
  t.ok(node.logs.some((line) => line['level'] === 50 && (line['err'] as { message?: string } | undefined)?.message === 'a bug'), 'logged as an error with its cause');
  resolver.resolve = original;

  const metrics = (await node.metrics.exposition()).body;
  t.match(metrics, /idnode_hdl_messages_total\{transport="udp",outcome="client_error"\} 3/);
  t.match(metrics, /idnode_hdl_messages_total\{transport="udp",outcome="server_error"\} 1/);
  t.match(metrics, /idnode_hdl_messages_total\{transport="tcp",outcome="server_error"\} 1/);
  t.match(metrics, /idnode_requests_total\{frontend="hdl",operation="resolve",outcome="client_error"\} 6/);
});

t.test('an answer too large for a datagram is truncated over UDP, whole over TCP', async (t) => {
  const node = await startBothNode({ dir: t.testdir(), clock: { now: () => NOW } });
  t.teardown(() => node.close());
  const many = Array.from({ length: 12 }, (_, i) => ({ index: i + 1, type: 'URL', data: `https://example.org/a/rather/long/path/${i}` }));
  await seed(node, `${DEMO}/BIG`, many);
  const datagram = await udpExchange(node.hdlPort, resolutionRequest(`${DEMO}/BIG`, {}, { requestId: 5 }));
  t.ok(datagram.length <= 512, `the datagram fits HANDLE.NET's 512 bytes (${datagram.length})`);
  const truncated = readAnswer(datagram);
  t.equal(truncated.truncated, true, 'TC is set');
  t.equal(truncated.responseCode, 1);
  t.same(truncated.values, [], 'without values');
  t.equal(truncated.requestId, 5);
  const whole = readAnswer(await tcpExchange(node.hdlPort, resolutionRequest(`${DEMO}/BIG`, {}, { requestId: 5 })));
  t.equal(whole.truncated, false, 'the TCP retry');
  t.equal(whole.values!.length, 13, 'every value (and HS_ADMIN)');
  t.match((await node.metrics.exposition()).body, /idnode_hdl_messages_total\{transport="udp",outcome="truncated"\} 1/);
});

t.test('several requests on one TCP connection are answered in order', async (t) => {
  const node = await startBothNode({ dir: t.testdir(), clock: { now: () => NOW } });
  t.teardown(() => node.close());
  await seed(node, `${DEMO}/T-1`, VALUES.slice(0, 1));
  const connection = await TcpConnection.open(node.hdlPort);
  t.teardown(() => connection.close());
  const handles = [`${DEMO}/T-1`, `${DEMO}/none`, `${DEMO}/T-1`, 'bad', `${DEMO}/T-1`];
  // All in one write, the last one split across two: framing is by the envelope's length alone.
  const bytes = Buffer.concat(handles.map((handle, i) => resolutionRequest(handle, {}, { requestId: 100 + i })));
  connection.send(bytes.subarray(0, bytes.length - 7));
  await new Promise((resolve) => setTimeout(resolve, 20));
  connection.send(bytes.subarray(bytes.length - 7));
  const answers = [];
  for (let i = 0; i < handles.length; i++) answers.push(readAnswer((await connection.next())!));
  t.same(answers.map((answer) => [answer.requestId, answer.responseCode]), [[100, 1], [101, 100], [102, 1], [103, 102], [104, 1]]);
  t.equal(connection.closed, false, 'the connection stays open');
});

t.test('resolutions are metered under hdl, through the same cache; the public answer is encoded once', async (t) => {
  const node = await startBothNode({ dir: t.testdir(), clock: { now: () => NOW } });
  t.teardown(() => node.close());
  await seed(node, `${DEMO}/M-1`, VALUES.slice(0, 1));
  await udpExchange(node.hdlPort, resolutionRequest(`${DEMO}/M-1`));
  const first = await node.node.resolver.resolve({ handle: `${DEMO}/M-1`, principal: { kind: 'anonymous' }, protocol: 'test' });
  const kept = first.answer.encodings['hdl.resolution-body'];
  t.ok(Buffer.isBuffer(kept), 'the hdl body is kept beside the cache entry');
  await tcpExchange(node.hdlPort, resolutionRequest(`${DEMO}/M-1`));
  const second = await node.node.resolver.resolve({ handle: `${DEMO}/M-1`, principal: { kind: 'anonymous' }, protocol: 'test' });
  t.equal(second.answer.encodings['hdl.resolution-body'], kept, 'a warm hit reuses it (not re-encoded)');
  await node.node.metering.flush();
  const report = await node.node.meteringReports.daily(LOCAL_OPERATOR, { from: '2025-07-01', to: '2025-07-01', byProtocol: true });
  const hdl = report.rows.filter((row) => row.protocol === 'hdl');
  t.equal(hdl.length, 1, 'one row under protocol hdl');
  t.match(hdl[0], { prefix: DEMO, protocol: 'hdl' });
  t.match(hdl[0], { resolutions: 2, resolutionStoreReads: 1, resolutionCacheHits: 1 }, 'the UDP miss read the store, the TCP hit came from the cache');
});
