import t from 'tap';
import { ipAddressText } from '../../src/core/site/ip-address.js';
import { NodeSite, type SiteContribution } from '../../src/core/site/node-site.js';
import { decodeSiteInfo, HANDLE_PROTOCOL_VERSION } from '../../src/core/site/site-info.js';

function clockAt(startMs: number) {
  let now = startMs;
  return { clock: { now: () => now }, advance: (ms: number) => (now += ms) };
}

const REST: SiteContribution = { interfaces: [{ type: 'admin-and-query', protocol: 'http', port: 8000 }] };
const GRPC: SiteContribution = { attributes: [{ name: 'grpc-port', value: '8001' }] };
const HDL: SiteContribution = {
  interfaces: [
    { type: 'query', protocol: 'tcp', port: 2641 },
    { type: 'query', protocol: 'udp', port: 2641 },
  ],
};

t.test('before serve describes it, the site has no server; afterwards one server with every front end\'s interfaces', async (t) => {
  const { clock, advance } = clockAt(1_700_000_000_000);
  const site = new NodeSite(clock);
  t.same(site.current().servers, []);
  t.equal(site.describedAt(), 1_700_000_000_000);
  t.same(decodeSiteInfo(site.currentBytes()), site.current(), 'currentBytes encodes current');

  advance(5000);
  const info = site.describe({ host: '192.0.2.7', description: 'idnode 1.2.3', contributions: [REST, GRPC, HDL, {}] });
  t.equal(site.current(), info);
  t.same(info.protocolVersion, HANDLE_PROTOCOL_VERSION);
  t.match(info, { dataFormatVersion: 1, primary: true, multiPrimary: false, hashOption: 'all' });
  t.same(info.attributes, [
    { name: 'desc', value: 'idnode 1.2.3' },
    { name: 'grpc-port', value: '8001' },
  ]);
  t.equal(info.servers.length, 1);
  const server = info.servers[0]!;
  t.equal(server.serverId, 1);
  t.equal(ipAddressText(server.address), '192.0.2.7');
  t.equal(server.publicKey.length, 0, 'no key: the node signs no answers');
  t.same(server.interfaces, [...REST.interfaces!, ...HDL.interfaces!]);
  t.equal(site.describedAt(), 1_700_000_005_000);
  t.same(decodeSiteInfo(site.currentBytes()), info);
});

t.test('the serial number follows the content: equal descriptions equal serials, a changed one another; listeners hear of changes only', async (t) => {
  const { clock } = clockAt(0);
  const one = new NodeSite(clock);
  const two = new NodeSite(clock);
  let changes = 0;
  one.onChange(() => changes++);
  const description = { host: '127.0.0.1', description: 'idnode', contributions: [REST] };
  const first = one.describe(description);
  t.equal(changes, 1);
  t.equal(two.describe(description).serialNumber, first.serialNumber, 'same on another start');
  t.ok(first.serialNumber >= 1 && first.serialNumber <= 32767);
  t.equal(one.describe(description), first, 'describing the same again changes nothing');
  t.equal(changes, 1);
  const moved = one.describe({ ...description, contributions: [{ interfaces: [{ type: 'admin-and-query', protocol: 'http', port: 8080 }] }] });
  t.not(moved.serialNumber, first.serialNumber, 'another port, another serial');
  t.equal(changes, 2);
});

t.test('a wildcard host gives an all-zero address; a host name gives zeros and a domain attribute', async (t) => {
  const site = new NodeSite(clockAt(0).clock);
  t.equal(ipAddressText(site.describe({ host: '0.0.0.0', description: 'd', contributions: [REST] }).servers[0]!.address), '0.0.0.0');
  t.equal(ipAddressText(site.describe({ host: '::', description: 'd', contributions: [REST] }).servers[0]!.address), '0.0.0.0');
  const named = site.describe({ host: 'node.example.cn', description: 'd', contributions: [REST] });
  t.equal(ipAddressText(named.servers[0]!.address), '0.0.0.0');
  t.same(named.attributes.at(-1), { name: 'domain', value: 'node.example.cn' });
  // The record cannot tell ::1 from ::0.0.0.1 (IPv4, zero-padded): it reads back as IPv4, as HANDLE.NET reads it.
  t.equal(ipAddressText(site.describe({ host: '::1', description: 'd', contributions: [REST] }).servers[0]!.address), '0.0.0.1');
});
