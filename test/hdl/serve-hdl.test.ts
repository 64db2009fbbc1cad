import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { send } from '../helpers/http.js';
import { decodeSiteInfo } from '../../src/core/site/site-info.js';
import { readAnswer, resolutionRequest, siteInfoRequest, tcpExchange, udpExchange } from '../helpers/hdl-client.js';
import { spawnNode } from '../helpers/spawn-node.js';

// `idnode serve` with the Handle protocol on (a port of the OS's choosing) and off: two processes of their
// own, started side by side.
t.jobs = 2;

t.test('idnode serve --hdl-port 0: in the ready file and /readyz, answering over UDP and TCP', async (t) => {
  const node = await spawnNode({ dataDir: join(t.testdir(), 'data'), t, args: ['--hdl-port', '0'] });
  const ready = JSON.parse(readFileSync(node.readyFile, 'utf8')) as Record<string, string>;
  t.same(Object.keys(ready), ['http', 'hdl'], 'one key per front end, in start order');
  t.match(ready['hdl'], /^127\.0\.0\.1:\d+$/);
  const readyz = await send(`${node.url}/readyz`);
  t.same(readyz.body.frontEnds, ready, '/readyz lists it');
  const port = Number(ready['hdl']!.split(':')[1]);
  t.equal(readAnswer(await udpExchange(port, resolutionRequest('88.999.DEMO/none'))).responseCode, 100, 'UDP');
  t.equal(readAnswer(await tcpExchange(port, resolutionRequest('99.999/x'))).responseCode, 301, 'TCP');
  const site = readAnswer(await udpExchange(port, siteInfoRequest()));
  t.same(
    decodeSiteInfo(site.rest).servers[0]!.interfaces.filter((item) => item.protocol === 'udp' || item.protocol === 'tcp'),
    [{ type: 'query', protocol: 'udp', port }, { type: 'query', protocol: 'tcp', port }],
    'get site info names the Handle protocol interfaces serve bound',
  );
  const metrics = await fetch(`${node.url}/metrics`).then((response) => response.text());
  t.match(metrics, /idnode_hdl_messages_total\{transport="udp",outcome="client_error"\} 1/, 'counted in /metrics');
  t.same(await node.stop(), { code: 0, signal: null });
});

t.test('--hdl-port off: no Handle protocol listener', async (t) => {
  const node = await spawnNode({ dataDir: join(t.testdir(), 'data'), t, args: ['--hdl-port', 'off'] });
  const ready = JSON.parse(readFileSync(node.readyFile, 'utf8')) as Record<string, string>;
  t.same(Object.keys(ready), ['http']);
  t.notOk('hdl' in (await send(`${node.url}/readyz`)).body.frontEnds);
  t.same(await node.stop(), { code: 0, signal: null });
});
