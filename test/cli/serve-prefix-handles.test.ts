import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ipAddressText } from '../../src/core/site/ip-address.js';
import { decodeSiteInfo } from '../../src/core/site/site-info.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';
import { VALUES } from './serve-helpers.js';

t.test('serve describes its bound listeners in the site of every prefix handle; a Handle client resolves its identity\'s, then writes', async (t) => {
  const dataDir = join(t.testdir(), 'data');
  const node = await spawnNode({ dataDir, t, args: ['--store', 'memory', '--grpc-port', '0'] });
  const ready = JSON.parse(readFileSync(node.readyFile, 'utf8')) as Record<string, string>;
  const demo = firstRunCredentials(node.stderr())!.demo;
  t.equal(demo.id, '300:0.NA/88.999.DEMO');

  // The client's first request for the identity 300:0.NA/88.999.DEMO (it gave up on a 400 before).
  const prefixHandle = await send(`${node.url}/api/handles/0.NA/88.999.DEMO`);
  t.equal(prefixHandle.status, 200);
  const site = decodeSiteInfo(Buffer.from(prefixHandle.body.values[0].data.value, 'base64'));
  t.equal(site.servers.length, 1);
  t.equal(ipAddressText(site.servers[0]!.address), '127.0.0.1');
  t.same(site.servers[0]!.interfaces, [{ type: 'admin-and-query', protocol: 'http', port: Number(new URL(node.url).port) }], 'the REST port actually bound (http-port 0)');
  t.same(site.attributes.find((attribute) => attribute.name === 'grpc-port')?.value, ready['grpc']!.split(':').at(-1), 'the gRPC port actually bound');
  t.match(site.attributes[0], { name: 'desc', value: /^idnode \d/ });

  const put = await send(`${node.url}/api/handles/88.999.DEMO/after-prefix-handle`, { method: 'PUT', headers: { authorization: basic(demo.id, demo.secret) }, json: VALUES });
  t.equal(put.status, 201);
  t.same(await node.stop(), { code: 0, signal: null });
});
