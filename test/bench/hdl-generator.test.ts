import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import t from 'tap';
import { AnswerChecker, InFlightSlots, parseGeneratorReport } from '../../bench/lib/hdl-accounting.js';
import { runHdlLoad, type HdlLoadCommand } from '../../bench/lib/hdl-generator.js';
import { MessageFramer } from '../../src/hdl/client/message-framer.js';

/** A message of `bodyBytes` after the 20-byte envelope, request id `id`, filled with `fill`. */
function message(id: number, bodyBytes: number, fill = 0xab): Buffer {
  const buffer = Buffer.alloc(20 + bodyBytes, fill);
  buffer.writeUInt16BE(0x0201, 0);
  buffer.writeUInt16BE(0, 2);
  buffer.writeUInt32BE(0, 4);
  buffer.writeUInt32BE(id, 8);
  buffer.writeUInt32BE(0, 12);
  buffer.writeUInt32BE(bodyBytes, 16);
  return buffer;
}

t.test('an answer matches the checked one whatever its request id, and only then', async (t) => {
  const checker = new AnswerChecker(message(7, 40));
  t.ok(checker.matches(message(7, 40)));
  t.ok(checker.matches(message(123456, 40)), 'another request id');
  t.notOk(checker.matches(message(7, 41)), 'another length');
  const changed = message(7, 40);
  changed[59] = 0;
  t.notOk(checker.matches(changed), 'the last byte differs');
  const flagged = message(7, 40);
  flagged[2] = 0x20;
  t.notOk(checker.matches(flagged), 'an envelope byte before the request id differs');
  const later = message(7, 40);
  later.writeUInt32BE(1_800_000_000, 36);
  t.ok(checker.matches(later), 'another expiration time (the header field at 36..40)');
  later[40] = 0;
  t.notOk(checker.matches(later), 'the byte after it is compared');
  t.ok(new AnswerChecker(message(7, 0)).matches(message(9, 0)), 'an envelope alone');
});

t.test('in-flight slots pair answers with requests and tell late ones apart', async (t) => {
  const slots = new InFlightSlots(4);
  const first = slots.issue(1, 100);
  t.equal(first % 4, 1, 'an id names its slot');
  t.equal(slots.inFlight, 1);
  t.equal(slots.settle(first + 4, 105), -1, 'an id never sent');
  t.equal(slots.settle(first, 112.5), 1);
  t.equal(slots.lastLatencyMs, 12.5);
  t.equal(slots.settle(first, 113), -1, 'a duplicate answer');
  const second = slots.issue(1, 200);
  t.not(second, first, 'the next request of a slot has another id');
  t.equal(second % 4, 1);
  slots.issue(2, 450);
  t.same(slots.expire(800, 500), [1], 'only what waited longer than the timeout');
  t.equal(slots.settle(second, 900), -1, 'an answer after its request expired is stray');
  t.equal(slots.inFlight, 1);
  t.throws(() => new InFlightSlots(0), { code: 'CONFIG_INVALID' });
  const one = new InFlightSlots(1);
  const ids = new Set(Array.from({ length: 5 }, (_, i) => one.issue(0, i)));
  t.equal(ids.size, 5);
});

t.test('the framer cuts a TCP stream into messages however it was split', async (t) => {
  const stream = Buffer.concat([message(1, 3), message(2, 0), message(3, 300)]);
  for (const cut of [1, 7, 20, 23, 24, 44, 200]) {
    const framer = new MessageFramer(1024);
    const ids: number[] = [];
    framer.push(stream.subarray(0, cut), (m) => ids.push(m.readUInt32BE(8)));
    framer.push(stream.subarray(cut), (m) => ids.push(m.readUInt32BE(8)));
    t.same(ids, [1, 2, 3], `cut at ${cut}`);
    t.equal(framer.buffered, 0);
  }
  const framer = new MessageFramer(100);
  t.throws(() => framer.push(message(1, 200), () => undefined), /announces 220 bytes/);
});

t.test("the generator's report becomes a LoadRun, and anything else is refused", async (t) => {
  const report = {
    counts: { sent: 110, answered: 100, wrong: 3, timedOut: 5, stray: 1 },
    wallSec: 0.5,
    latency: { count: 103, p50Ms: 0.2, p99Ms: 1, p999Ms: 2, maxMs: 3 },
    cpuShare: 0.4,
    waitShare: 0.05,
  };
  t.same(parseGeneratorReport(JSON.stringify(report)), {
    ops: 100,
    responses: 103,
    sent: 110,
    wallSec: 0.5,
    latency: report.latency,
    generatorCpuShare: 0.4,
    generatorWaitShare: 0.05,
    unexpected: 8,
    statuses: { answered: 100, 'wrong bytes': 3, 'timed out': 5, stray: 1 },
  });
  const none = parseGeneratorReport(JSON.stringify({ ...report, counts: { sent: 0, answered: 0, wrong: 0, timedOut: 0, stray: 0 }, latency: { count: 0, p50Ms: null, p99Ms: null, p999Ms: null, maxMs: null } }));
  t.ok(Number.isNaN(none.latency.p99Ms), 'no answers: NaN percentiles');
  t.throws(() => parseGeneratorReport('Error: boom'), { code: 'INTERNAL_ERROR', message: /something other than its report/ });
  t.throws(() => parseGeneratorReport(JSON.stringify({ error: 'connect ECONNREFUSED' })), { message: /generator failed: connect ECONNREFUSED/ });
  t.throws(() => parseGeneratorReport(JSON.stringify({ ...report, counts: { ...report.counts, sent: 100 } })), { message: /more requests \(108\) than it sent \(100\)/ });
  t.throws(() => parseGeneratorReport(JSON.stringify({ ...report, wallSec: -1, counts: { sent: 1 } })), { message: /lacks counts.answered, counts.wrong, counts.timedOut, counts.stray, wallSec/ });
  t.throws(() => parseGeneratorReport('null'), { message: /lacks/ });
});

/**
 * A stub Handle node on UDP and TCP answering every request with `answer` (its request id copied in), except
 * that `misbehave(n)` may make the n-th request (from 1) get a wrong answer or none.
 */
async function stubNode(answer: Buffer, misbehave: (n: number) => 'ok' | 'wrong' | 'drop' = () => 'ok') {
  let n = 0;
  const reply = (request: Buffer): Buffer | undefined => {
    const what = misbehave(++n);
    if (what === 'drop') return undefined;
    const out = Buffer.from(answer);
    request.copy(out, 8, 8, 12);
    if (what === 'wrong') out[out.length - 1] = out[out.length - 1]! ^ 1;
    return out;
  };
  const udp = createSocket('udp4');
  udp.on('message', (request, from) => {
    const out = reply(request);
    if (out) udp.send(out, from.port, from.address);
  });
  udp.bind(0, '127.0.0.1');
  await once(udp, 'listening');
  const sockets = new Set<Socket>();
  const tcp = createServer((socket) => {
    sockets.add(socket);
    const framer = new MessageFramer(1 << 20);
    socket.on('data', (chunk) => framer.push(chunk, (request) => {
      const out = reply(request);
      if (out) socket.write(out);
    }));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  tcp.listen(0, '127.0.0.1');
  await once(tcp, 'listening');
  return {
    udpPort: udp.address().port,
    tcpPort: (tcp.address() as AddressInfo).port,
    requests: () => n,
    close: async () => {
      udp.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => tcp.close(resolve));
    },
  };
}

const REQUEST = message(0, 23, 0x11);
const ANSWER = message(0, 200, 0x22);

function command(transport: 'udp' | 'tcp', port: number, extra: Partial<HdlLoadCommand>): HdlLoadCommand {
  return { transport, host: '127.0.0.1', port, request: REQUEST.toString('hex'), answer: ANSWER.toString('hex'), inFlight: 16, connections: 2, lossTimeoutMs: 200, drainMs: 500, ...extra };
}

t.test('UDP: every answer counted and checked, a lost one timed out and its slot reused', async (t) => {
  const node = await stubNode(ANSWER, (n) => (n === 10 ? 'drop' : n % 50 === 0 ? 'wrong' : 'ok'));
  t.teardown(node.close);
  const run = parseGeneratorReport(JSON.stringify(await runHdlLoad(command('udp', node.udpPort, { amount: 500 }))));
  t.equal(run.sent, 500, 'exactly the amount');
  t.equal(run.statuses['timed out'], 1, 'the dropped request');
  t.equal(run.statuses['wrong bytes'], 10, 'every 50th answer was altered');
  t.equal(run.ops, 489);
  t.equal(run.unexpected, 11);
  t.equal(run.latency.count, 499);
  t.equal(node.requests(), 500);
  t.ok(run.generatorCpuShare > 0 && run.generatorCpuShare < 2, `its own CPU share (${run.generatorCpuShare})`);
  t.ok(run.generatorWaitShare >= 0);

  const timed = parseGeneratorReport(JSON.stringify(await runHdlLoad(command('udp', node.udpPort, { durationMs: 300 }))));
  t.ok(timed.ops > 0, `${timed.ops} answers in a timed run`);
  t.ok(timed.wallSec >= 0.3 && timed.wallSec < 2, `wall time ${timed.wallSec}`);
  t.equal(timed.sent, timed.ops + timed.unexpected, 'every request sent is accounted for');
});

t.test('TCP: pipelined over several connections, the same accounting', async (t) => {
  const node = await stubNode(ANSWER, (n) => (n % 100 === 0 ? 'wrong' : 'ok'));
  t.teardown(node.close);
  const run = parseGeneratorReport(JSON.stringify(await runHdlLoad(command('tcp', node.tcpPort, { amount: 1000, inFlight: 32, connections: 3 }))));
  t.equal(run.sent, 1000);
  t.equal(run.ops, 990);
  t.equal(run.statuses['wrong bytes'], 10);
  t.equal(run.unexpected, 10);
  t.equal(run.latency.count, 1000);

  const timed = parseGeneratorReport(JSON.stringify(await runHdlLoad(command('tcp', node.tcpPort, { durationMs: 300 }))));
  t.ok(timed.ops > 0);
  t.equal(timed.sent, timed.ops + timed.unexpected);
});

t.test('TCP: a node that stops answering is timed out after the drain; one that is not there fails the run', async (t) => {
  const node = await stubNode(ANSWER, (n) => (n > 20 ? 'drop' : 'ok'));
  t.teardown(node.close);
  const run = parseGeneratorReport(JSON.stringify(await runHdlLoad(command('tcp', node.tcpPort, { amount: 100, inFlight: 8, connections: 1, drainMs: 200 }))));
  t.equal(run.ops, 20);
  t.equal(run.sent, 28, 'eight more in flight when it went silent');
  t.equal(run.statuses['timed out'], 8);
  await t.rejects(runHdlLoad(command('tcp', 1, { amount: 10 })), /ECONNREFUSED/);
});

t.test('duplicate answers are stray; a closed or garbled TCP stream ends the run', async (t) => {
  // UDP: every answer sent twice: the second is to no request in flight.
  const twice = createSocket('udp4');
  twice.on('message', (request, from) => {
    const out = Buffer.from(ANSWER);
    request.copy(out, 8, 8, 12);
    twice.send(out, from.port, from.address);
    twice.send(out, from.port, from.address);
  });
  twice.bind(0, '127.0.0.1');
  await once(twice, 'listening');
  t.teardown(() => twice.close());
  const doubled = parseGeneratorReport(JSON.stringify(await runHdlLoad(command('udp', twice.address().port, { amount: 100, inFlight: 4 }))));
  t.equal(doubled.ops, 100);
  t.ok(doubled.statuses['stray']! >= 1, `${doubled.statuses['stray']} stray answers`);

  // TCP: the node closes every connection after reading: the run ends, what was in flight timed out.
  const closing = createServer((socket) => socket.on('error', () => undefined).on('data', () => socket.destroy())).listen(0, '127.0.0.1');
  await once(closing, 'listening');
  t.teardown(() => closing.close());
  const closed = parseGeneratorReport(JSON.stringify(await runHdlLoad(command('tcp', (closing.address() as AddressInfo).port, { amount: 100, inFlight: 4, connections: 2 }))));
  t.equal(closed.ops, 0);
  t.equal(closed.statuses['timed out'], 4);

  // TCP: an answer announcing more than a message may hold.
  const garbled = createServer((socket) => {
    socket.on('error', () => undefined);
    const huge = message(0, 0);
    huge.writeUInt32BE(0x7fffffff, 16);
    socket.write(huge);
  }).listen(0, '127.0.0.1');
  await once(garbled, 'listening');
  t.teardown(() => garbled.close());
  await t.rejects(runHdlLoad(command('tcp', (garbled.address() as AddressInfo).port, { amount: 10, connections: 1 })), /announces/);

});
