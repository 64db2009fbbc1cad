import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import t from 'tap';
import { formatHostPort, parseHostPort } from '../../src/hdl/client/address.js';
import { exchangeTcp } from '../../src/hdl/client/exchange.js';
import { readAnswer, resolutionRequest, resolveOverHdl } from '../../src/hdl/client/hdl-resolve.js';
import { responseCodeMeaning } from '../../src/hdl/client/response-codes.js';

const LOCAL = { host: '127.0.0.1', port: 1 };

t.test('addresses', async (t) => {
  t.same(parseHostPort('127.0.0.1:2641'), { host: '127.0.0.1', port: 2641 });
  t.same(parseHostPort('node.example.cn'), { host: 'node.example.cn', port: 2641 }, 'the Handle port by default');
  t.same(parseHostPort('[::1]:99'), { host: '::1', port: 99 });
  t.same(parseHostPort('[::1]'), { host: '::1', port: 2641 });
  t.match(parseHostPort('[x]:1'), /in brackets is not an IPv6 address/);
  t.match(parseHostPort('::1'), /must be HOST:PORT/);
  t.match(parseHostPort('h:0'), /port must be from 1 to 65535/);
  t.equal(formatHostPort({ host: '::1', port: 99 }), '[::1]:99');
  t.equal(formatHostPort({ host: 'h', port: 1 }), 'h:1');
});

t.test('response code meanings', async (t) => {
  t.equal(responseCodeMeaning(100), 'RC_HANDLE_NOT_FOUND: handle not found');
  t.equal(responseCodeMeaning(3), 'RC_SERVER_BUSY: server too busy to respond');
  t.equal(responseCodeMeaning(777), 'a response code RFC 3652 does not define');
});

t.test('an answer that is not a well-formed message is a protocol error naming where it came from', async (t) => {
  const request = resolutionRequest({ handle: 'a/b', indexes: [], types: [] }, 5);
  t.throws(() => readAnswer(request.subarray(0, 30), 'udp', LOCAL, 'a/b'), { code: 'PROTOCOL_MESSAGE_MALFORMED', message: /^the UDP answer from 127\.0\.0\.1:1 is not a well-formed Handle message: / });
  const broken = Buffer.from(request);
  broken.writeUInt32BE(0, 24); // response code 0 in an answer: a body that is no error body
  broken.writeUInt32BE(9, 20 + 4);
  t.throws(() => readAnswer(broken, 'tcp', LOCAL, 'a/b'), { code: 'PROTOCOL_MESSAGE_MALFORMED', message: /TCP answer/ });
});

t.test('TCP: an answer announcing more than a message may hold; a TCP failure after a truncated UDP answer', async (t) => {
  const request = resolutionRequest({ handle: 'a/b', indexes: [], types: [] }, 5);
  const huge = Buffer.from(request.subarray(0, 20));
  huge.writeUInt32BE(0x7fffffff, 16);
  const server = createServer((socket) => socket.on('error', () => undefined).end(huge)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  t.teardown(() => server.close());
  await t.rejects(exchangeTcp({ host: '127.0.0.1', port }, request, 2000), { code: 'NODE_UNREACHABLE', message: /announces \d+ bytes, more than/ });

  // UDP on the same port answers "truncated"; TCP then sends the oversized answer: that failure is TCP's own.
  const udp = createSocket('udp4');
  udp.on('message', (packet, from) => {
    const truncated = Buffer.from(packet);
    truncated[2] = 0x20;
    truncated.writeUInt32BE(truncated.length - 20, 16);
    udp.send(truncated, from.port, from.address);
  });
  udp.bind(port, '127.0.0.1');
  await once(udp, 'listening');
  t.teardown(() => udp.close());
  await t.rejects(resolveOverHdl({ host: '127.0.0.1', port }, { handle: 'a/b', indexes: [], types: [], timeoutMs: 2000 }), {
    code: 'NODE_UNREACHABLE',
    message: /^cannot resolve over TCP at 127\.0\.0\.1:\d+: a message announces/,
  });
});
