import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';
import pino from 'pino';
import t from 'tap';
import { hdlFrontEnd } from '../../src/hdl/hdl-front-end.js';
import { startBothNode } from '../helpers/grpc-node.js';
import { eventually } from '../helpers/eventually.js';
import { resolutionRequest } from '../helpers/hdl-client.js';

// Binding UDP and TCP on one port, and the limits of the listeners.

t.test('a port taken for TCP or for UDP is a configuration error naming the transport', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const logger = pino({ level: 'silent' });
  const parts = { metrics: both.metrics, host: '127.0.0.1' };

  const tcpTaken = createServer();
  await new Promise<void>((resolve) => tcpTaken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => tcpTaken.close(resolve)));
  const tcpPort = (tcpTaken.address() as AddressInfo).port;
  const first = hdlFrontEnd(both.node, { ...parts, logger, port: tcpPort });
  await t.rejects(first.listen(), { code: 'CONFIG_INVALID', message: new RegExp(`^cannot listen for the Handle protocol \\(TCP\\) on 127\\.0\\.0\\.1:${tcpPort}: `) });
  await first.close();

  const { socket: udpTaken, port: udpPort } = await udpPortFreeForTcp();
  t.teardown(() => udpTaken.close());
  const second = hdlFrontEnd(both.node, { ...parts, logger, port: udpPort });
  await t.rejects(second.listen(), { code: 'CONFIG_INVALID', message: new RegExp(`\\(UDP\\) on 127\\.0\\.0\\.1:${udpPort}: .*EADDRINUSE`) });
  await second.close();
  t.same(second.describe!(), {}, 'nothing to add to the site when not listening');
});

/**
 * A UDP socket bound to a port whose TCP twin was free a moment ago, so that the front end fails on UDP and not,
 * by chance, on TCP: another test's server may hold the TCP port of the same number (seen once in a full run).
 */
async function udpPortFreeForTcp(): Promise<{ socket: ReturnType<typeof createSocket>; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const socket = createSocket('udp4');
    const port = await new Promise<number>((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
    const probe = createServer();
    const free = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => probe.close(resolve));
      return { socket, port };
    }
    socket.close();
    if (attempt === 20) throw new Error('no UDP port with a free TCP twin in 20 tries');
  }
}

t.test('datagrams beyond the in-flight limit are dropped and counted; a closing node refuses new connections', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), hdl: { limits: { maxUdpInFlight: 1 } } });
  t.teardown(() => both.close());
  const socket = createSocket('udp4');
  t.teardown(() => socket.close());
  const request = resolutionRequest('88.999.DEMO/none');
  // Every lookup takes a while, so that the datagrams after the first find the limit reached.
  const resolver = both.node.resolver;
  const original = resolver.resolve.bind(resolver);
  resolver.resolve = async (query) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return original(query);
  };
  for (let i = 0; i < 50; i++) socket.send(request, both.hdlPort, '127.0.0.1');
  await eventually(async () => /idnode_hdl_messages_total\{transport="udp",outcome="dropped"\} [1-9]/.test((await both.metrics.exposition()).body), 'a dropped datagram');
  t.pass('dropped at the limit');

  const closing = both.hdl.close();
  await closing;
  const never = hdlFrontEnd(both.node, { logger: pino({ level: 'silent' }), metrics: both.metrics, host: '127.0.0.1', port: 0 });
  await never.close();
  t.pass('a front end that never listened closes at once');
});
