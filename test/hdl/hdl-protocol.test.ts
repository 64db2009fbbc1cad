import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import t from 'tap';
import { DigestHash, encodeEnvelope, OpFlag, ResponseCode } from '../../src/hdl/codec/index.js';
import { startBothNode } from '../helpers/grpc-node.js';
import { eventually } from '../helpers/eventually.js';
import { decodeSiteInfo } from '../../src/core/site/site-info.js';
import { readAnswer, request, resolutionRequest, siteInfoRequest, tcpExchange, TcpConnection, udpExchange } from '../helpers/hdl-client.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';

// The protocol's edges over real sockets: malformed and unsupported messages, what is dropped, the TCP
// limits, credentials and the request digest.

const DEMO = '88.999.DEMO';

t.test('malformed and unsupported messages', async (t) => {
  const node = await startBothNode({ dir: t.testdir() });
  t.teardown(() => node.close());
  const valid = resolutionRequest(`${DEMO}/x`, {}, { requestId: 9 });

  const shortBody = Buffer.from(valid.subarray(0, valid.length - 10));
  shortBody.writeUInt32BE(shortBody.length - 20, 16);
  for (const exchange of [udpExchange, tcpExchange]) {
    const answer = readAnswer(await exchange(node.hdlPort, shortBody));
    t.equal(answer.responseCode, ResponseCode.PROTOCOL_ERROR, 'a message cut short: protocol error');
    t.match(answer.error, /^PROTOCOL_MESSAGE_MALFORMED: /);
    t.equal(answer.requestId, 9, 'answered to the request id of its envelope');
  }
  const lying = Buffer.from(valid);
  lying.writeUInt32BE(valid.length, 16);
  t.match(readAnswer(await udpExchange(node.hdlPort, lying)), { responseCode: 4, error: /does not match the \d+ bytes after the envelope/ }, 'a datagram whose envelope announces more');
  const notRequest = Buffer.from(valid);
  notRequest.writeUInt32BE(1, 24);
  t.match(readAnswer(await udpExchange(node.hdlPort, notRequest)), { responseCode: 4, error: /responseCode is 1: a request carries 0/ }, 'a response sent as a request');
  const badBody = request(1, Buffer.from([0, 0, 0, 1, 0x41]));
  t.match(readAnswer(await tcpExchange(node.hdlPort, badBody)), { responseCode: 4, error: /index list count: needs 4 bytes/ }, 'a body that is not a resolution request');
  const notUtf8 = request(1, Buffer.from([0, 0, 0, 2, 0xc3, 0x28, 0, 0, 0, 0, 0, 0, 0, 0]));
  t.match(readAnswer(await udpExchange(node.hdlPort, notUtf8)), { responseCode: 102, error: /^IDENTIFIER_NOT_UTF8/ }, 'a handle that is not UTF-8: invalid handle');

  const create = request(100, Buffer.alloc(8));
  t.match(readAnswer(await udpExchange(node.hdlPort, create)), { responseCode: 5, error: /^OPERATION_NOT_SUPPORTED: opCode 100 is not served here/ }, 'another opCode: operation not supported');
  const compressed = Buffer.from(valid);
  compressed[2] = compressed[2]! | 0x80;
  t.match(readAnswer(await tcpExchange(node.hdlPort, compressed)), { responseCode: 5, error: /compressed or encrypted/ });
  const multiPacket = Buffer.from(valid);
  multiPacket[2] = multiPacket[2]! | 0x20;
  t.match(readAnswer(await udpExchange(node.hdlPort, multiPacket)), { responseCode: 5, error: /multi-packet/ });

  // Shorter than an envelope: nothing to answer to. The next valid request is still answered.
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.send(Buffer.from('hello'), node.hdlPort, '127.0.0.1', () => resolve()));
  socket.close();
  await eventually(async () => /idnode_hdl_messages_total\{transport="udp",outcome="dropped"\} 1/.test((await node.metrics.exposition()).body), 'the dropped datagram is counted');
  t.equal(readAnswer(await udpExchange(node.hdlPort, valid)).responseCode, 100, 'still answering');
  const metrics = (await node.metrics.exposition()).body;
  t.match(metrics, /idnode_hdl_messages_total\{transport="udp",outcome="malformed"\} 3/);
  t.match(metrics, /idnode_hdl_messages_total\{transport="tcp",outcome="malformed"\} 2/);
  t.notOk(node.logs.some((line) => line['code'] === 'PROTOCOL_MESSAGE_MALFORMED'), 'malformed messages are not logged at info');
});

t.test('TCP: an oversized message is refused and the connection closed; an idle one is closed', async (t) => {
  const node = await startBothNode({ dir: t.testdir(), hdl: { limits: { idleTimeoutMs: 300, maxRequestBytes: 1024 } } });
  t.teardown(() => node.close());
  const oversized = encodeEnvelope({ majorVersion: 2, minorVersion: 10, compressed: false, encrypted: false, truncated: false, suggestedMajorVersion: 2, suggestedMinorVersion: 10, sessionId: 0, requestId: 3, sequenceNumber: 0, messageLength: 5000 });
  const connection = await TcpConnection.open(node.hdlPort);
  t.teardown(() => connection.close());
  connection.send(Buffer.concat([oversized, Buffer.alloc(100)]));
  const refusal = readAnswer((await connection.next())!);
  t.match(refusal, { responseCode: 4, requestId: 3, error: /5000 is over this node's limit of 1024 bytes/ });
  t.equal(await connection.next(), undefined, 'then the connection is closed');

  const idle = await TcpConnection.open(node.hdlPort);
  t.teardown(() => idle.close());
  t.equal(readAnswer(await idle.exchange(resolutionRequest(`${DEMO}/x`))).responseCode, 100);
  await eventually(() => idle.closed, 'the idle connection is closed');
  t.pass('closed after the idle timeout');
});

t.test('credentials are parsed, then the request is answered as anonymous; the request digest', async (t) => {
  const node = await startBothNode({ dir: t.testdir() });
  t.teardown(() => node.close());
  const operator = node.credentials.operator;
  await send(`${node.url}/api/handles/${DEMO}/C-1`, {
    method: 'PUT',
    headers: { authorization: basic(operator.id, operator.secret) },
    json: { values: [{ index: 1, type: 'URL', data: 'u' }, { index: 2, type: 'NOTE', data: 'private', permissions: '1100' }] },
  });
  const credential = { version: 0, reserved: 0, options: 0, signerHandle: '0.NA/88.999', signerIndex: 300, type: 'HS_SIGNED', signedInfo: Buffer.from('SHA-256 signature') };
  const signed = readAnswer(await udpExchange(node.hdlPort, resolutionRequest(`${DEMO}/C-1`, {}, { credential, opFlags: 0 })));
  t.same(signed.values!.map((value) => value.index), [1, 100], 'the public values only, whoever signs (not the private one)');
  t.equal(signed.message.credential, undefined, 'the answer is not signed');
  const badCredential = Buffer.concat([resolutionRequest(`${DEMO}/C-1`).subarray(0, -4), Buffer.from('0000000300ffff', 'hex')]);
  badCredential.writeUInt32BE(badCredential.length - 20, 16);
  t.match(readAnswer(await udpExchange(node.hdlPort, badCredential)), { responseCode: 4, error: /credential: needs 20 bytes/ }, 'a malformed credential is a protocol error');

  const asked = resolutionRequest(`${DEMO}/C-1`, {}, { opFlags: OpFlag.REQUEST_DIGEST | OpFlag.PUBLIC_ONLY });
  const answer = readAnswer(await tcpExchange(node.hdlPort, asked));
  t.ok((answer.message.header.opFlags & OpFlag.REQUEST_DIGEST) !== 0, 'the answer says it carries a digest');
  t.equal(answer.digest!.hash, DigestHash.SHA256);
  const headerAndBody = asked.subarray(20, asked.length - 4);
  t.equal(Buffer.from(answer.digest!.digest).toString('hex'), createHash('sha256').update(headerAndBody).digest('hex'), 'SHA-256 of the request header and body');
  t.equal(answer.handle, `${DEMO}/C-1`, 'then the body');
  const refused = readAnswer(await udpExchange(node.hdlPort, resolutionRequest(`${DEMO}/none`, {}, { opFlags: OpFlag.REQUEST_DIGEST })));
  t.match(refused, { responseCode: 100, error: /^HANDLE_NOT_FOUND/ }, 'an error answer carries it too');
  t.ok(refused.digest);
});

t.test('get site info (opCode 2): this node\'s site, over UDP and TCP', async (t) => {
  const node = await startBothNode({ dir: t.testdir() });
  t.teardown(() => node.close());
  // As serve does once every front end is bound.
  node.node.site.describe({ host: '127.0.0.1', description: 'idnode test', contributions: [node.hdl.describe!()] });
  const site = node.node.site.current();
  for (const exchange of [udpExchange, tcpExchange]) {
    const answer = readAnswer(await exchange(node.hdlPort, siteInfoRequest({ requestId: 21 })));
    t.equal(answer.responseCode, 1);
    t.equal(answer.requestId, 21);
    t.equal(answer.message.header.opCode, 2);
    t.equal(answer.message.header.siteInfoSerial, site.serialNumber, 'the serial number in the header');
    t.same(answer.rest, node.node.site.currentBytes(), 'the body is the site record');
    const decoded = decodeSiteInfo(answer.rest);
    t.same(
      decoded.servers[0]!.interfaces.map((item) => [item.protocol, item.type, item.port]),
      [['udp', 'query', node.hdlPort], ['tcp', 'query', node.hdlPort]],
      'naming the Handle protocol\'s own interfaces',
    );
  }
  const malformed = readAnswer(await udpExchange(node.hdlPort, request(2, Buffer.from([0, 0, 0, 9]))));
  t.equal(malformed.responseCode, 4, 'a body that is not a handle: protocol error');
  t.match((await node.metrics.exposition()).body, /idnode_requests_total\{frontend="hdl",operation="get-site-info",outcome="ok"\} 2/);
});
