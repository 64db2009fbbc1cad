import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { prng } from '../helpers/prng.js';
import t from 'tap';
import { startBothNode } from '../helpers/grpc-node.js';
import { readAnswer, resolutionRequest, tcpExchange, udpExchange } from '../helpers/hdl-client.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';

// Many thousands of random and mutated packets at the UDP and TCP listeners, bounded in count and time,
// while valid requests keep being answered; the process neither crashes nor grows its memory.

const PACKETS = 20_000;
const TIME_LIMIT_MS = 4_000;
const HANDLE = '88.999.DEMO/FUZZ';


t.test('random and mutated packets at both listeners', async (t) => {
  const node = await startBothNode({ dir: t.testdir() });
  t.teardown(() => node.close());
  const operator = node.credentials.operator;
  await send(`${node.url}/api/handles/${HANDLE}`, { method: 'PUT', headers: { authorization: basic(operator.id, operator.secret) }, json: { values: [{ index: 1, type: 'URL', data: 'https://example.org/' }] } });
  const random = prng(13);
  const int = (n: number) => Math.floor(random() * n);
  const valid = resolutionRequest(HANDLE, { indexes: [1], types: ['URL'] });

  /** A packet: random bytes, a valid request mutated, or a valid envelope over garbage. */
  const packet = (): Buffer => {
    switch (int(4)) {
      case 0:
        return Buffer.from(Array.from({ length: int(600) }, () => int(256)));
      case 1: {
        const mutated = Buffer.from(valid);
        for (let i = 0, n = 1 + int(4); i < n; i++) mutated[int(mutated.length)] = int(256);
        return mutated;
      }
      case 2: {
        const cut = Buffer.from(valid.subarray(0, int(valid.length)));
        if (cut.length >= 20 && random() < 0.5) cut.writeUInt32BE(cut.length - 20, 16);
        return cut;
      }
      default: {
        const body = Buffer.from(Array.from({ length: int(200) }, () => int(256)));
        const bytes = Buffer.concat([valid.subarray(0, 20), body]);
        bytes.writeUInt32BE(random() < 0.8 ? body.length : int(1 << 30), 16);
        return bytes;
      }
    }
  };

  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const udp = createSocket('udp4');
  let udpAnswers = 0;
  udp.on('message', () => udpAnswers++);
  const tcpSockets = new Set<Socket>();
  const openTcp = () => {
    const socket = connect({ host: '127.0.0.1', port: node.hdlPort });
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.on('close', () => tcpSockets.delete(socket));
    tcpSockets.add(socket);
    return socket;
  };
  let sent = 0;
  let validAnswered = 0;
  const started = Date.now();
  while (sent < PACKETS && Date.now() - started < TIME_LIMIT_MS) {
    for (let i = 0; i < 200; i++, sent++) {
      const bytes = packet();
      if (i % 2 === 0) udp.send(bytes, node.hdlPort, '127.0.0.1');
      else {
        const socket = [...tcpSockets].find((candidate) => !candidate.destroyed && candidate.writable) ?? openTcp();
        socket.write(bytes);
        if (tcpSockets.size < 8 && random() < 0.05) openTcp();
      }
    }
    // Valid requests keep being answered in between, over both transports.
    const [overUdp, overTcp] = await Promise.all([udpExchange(node.hdlPort, valid), tcpExchange(node.hdlPort, valid)]);
    if (readAnswer(overUdp).responseCode === 1 && readAnswer(overTcp).responseCode === 1) validAnswered += 2;
    else t.fail('a valid request was not answered with its values');
    await sleep(1);
  }
  for (const socket of tcpSockets) socket.destroy();
  udp.close();
  t.ok(sent >= 5_000, `${sent} packets sent in ${Date.now() - started} ms`);
  t.ok(validAnswered >= 20, `${validAnswered} valid requests answered throughout`);
  t.ok(udpAnswers > 0, `${udpAnswers} UDP answers to the garbage (protocol errors)`);

  // Answered still, after all of it.
  t.equal(readAnswer(await udpExchange(node.hdlPort, valid)).responseCode, 1);
  t.equal(readAnswer(await tcpExchange(node.hdlPort, valid)).responseCode, 1);
  await sleep(200);
  global.gc?.();
  const growth = process.memoryUsage().heapUsed - heapBefore;
  t.ok(growth < 64 * 1024 * 1024, `heap grew by ${(growth / 1048576).toFixed(1)} MiB (bounded)`);
  const metrics = (await node.metrics.exposition()).body;
  t.match(metrics, /idnode_hdl_messages_total\{transport="udp",outcome="malformed"\} [1-9]/);
  t.match(metrics, /idnode_hdl_messages_total\{transport="udp",outcome="dropped"\} [1-9]/);
  t.match(metrics, /idnode_hdl_messages_total\{transport="tcp",outcome="malformed"\} [1-9]/);
});
