import t from 'tap';
import { renderTraceText } from '../../src/trace/render-trace.js';
import { componentsOf, traceHandle, type LookupAnswer } from '../../src/trace/trace.js';
import { restUrlOfSite, prefixOf } from '../../src/trace/trace-lookup.js';
import { encodeSiteInfo, HANDLE_PROTOCOL_VERSION, SITE_DATA_FORMAT_VERSION } from '../../src/core/site/site-info.js';
import { ipAddressBytes } from '../../src/core/site/ip-address.js';
import type { WireValue } from '../../src/core/values/wire-value.js';

const value = (index: number, type: string, data: string): WireValue => ({ index, type, data: { format: 'string', value: data }, ttl: 0, timestamp: '2025-01-01T00:00:00Z' });

/** An in-memory catalogue of items: handle → component handles; absent: not found; 'down': unreachable. */
function lookupOf(items: Record<string, string[] | 'down'>): { lookup: (handle: string) => Promise<LookupAnswer>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    lookup: async (handle) => {
      asked.push(handle);
      const entry = items[handle];
      if (entry === 'down') return { outcome: 'error', message: 'NODE_UNREACHABLE: down', node: `node-of-${prefixOf(handle)}`, via: 'test', latencyMs: 5 };
      if (entry === undefined) return { outcome: 'missing', message: 'response code 100 (handle not found)', via: 'test', latencyMs: 1 };
      return { outcome: 'found', values: [value(1, 'DESC', handle), ...entry.map((component, i) => value(10 + i, 'TRACE.COMPONENT', component))], node: `node-of-${prefixOf(handle)}`, via: 'test', latencyMs: 2 };
    },
  };
}

t.test('a three-level tree across nodes, a shared part traced once', async (t) => {
  const { lookup, asked } = lookupOf({ 'D/B': ['M/A1', 'M/A2'], 'M/A1': ['S/P1', 'S/P2'], 'M/A2': ['S/P2'], 'S/P1': [], 'S/P2': [] });
  const result = await traceHandle('D/B', lookup);
  t.same(asked, ['D/B', 'M/A1', 'S/P1', 'S/P2', 'M/A2'], 'depth first, each identifier once');
  t.same(result.nodes, ['node-of-D', 'node-of-M', 'node-of-S']);
  t.match(result.counts, { found: 5, repeat: 1, missing: 0, cycle: 0 });
  t.equal(result.root.components[1]!.components[0]!.status, 'repeat');
  t.equal(result.totalLatencyMs, 10);
  const text = renderTraceText(result, new Map([['node-of-S', 'supplier']]));
  t.match(text, /^D\/B {2}found {2}at node-of-D {2}2\.0 ms\n├─ M\/A1 .*\n│ {2}├─ S\/P1 {2}found {2}at supplier/);
  t.match(text, /5 lookups across 3 nodes, 10\.0 ms in all; complete\n$/);
});

t.test('a cycle and a missing part are reported, not followed', async (t) => {
  const { lookup, asked } = lookupOf({ 'D/B': ['M/A1', 'M/GONE'], 'M/A1': ['S/P1'], 'S/P1': ['D/B'], 'X/DOWN': 'down' });
  const result = await traceHandle('D/B', lookup);
  t.same(asked, ['D/B', 'M/A1', 'S/P1', 'M/GONE']);
  t.match(result.counts, { found: 3, cycle: 1, missing: 1 });
  t.match(result.root, { components: [{ handle: 'M/A1', components: [{ handle: 'S/P1', components: [{ handle: 'D/B', status: 'cycle' }] }] }, { handle: 'M/GONE', status: 'missing', message: /handle not found/ }] });
  t.match(renderTraceText(result), /D\/B {2}CYCLE[^\n]*\n[^]*M\/GONE {2}MISSING[^]*1 MISSING, 1 CYCLE/);
  const down = await traceHandle('X/DOWN', lookupOf({ 'X/DOWN': 'down' }).lookup);
  t.match(down, { counts: { error: 1 }, root: { status: 'error', message: /NODE_UNREACHABLE/ } });
});

t.test('depth and lookup limits bound any data', async (t) => {
  // An endless chain: N/0 → N/1 → N/2 → …
  const endless = async (handle: string): Promise<LookupAnswer> => ({ outcome: 'found', values: [value(10, 'TRACE.COMPONENT', `N/${Number(handle.slice(2)) + 1}`), value(11, 'TRACE.COMPONENT', `N/x${handle}`)], via: 'test', latencyMs: 0 });
  const deep = await traceHandle('N/0', endless, { maxDepth: 5, maxLookups: 1000 });
  t.ok(deep.lookups <= 1000 && deep.counts['depth-limit'] > 0, 'stopped at the depth limit');
  const wide = await traceHandle('N/0', endless, { maxDepth: 1000, maxLookups: 20 });
  t.equal(wide.lookups, 20);
  t.ok(wide.counts['count-limit'] > 0, 'stopped at the lookup limit');
});

t.test('components and the REST address of a site', async (t) => {
  t.same(componentsOf([value(12, 'TRACE.COMPONENT', 'b'), value(1, 'URL', 'x'), value(10, 'TRACE.COMPONENT', 'a')]), ['a', 'b']);
  const site = encodeSiteInfo({
    dataFormatVersion: SITE_DATA_FORMAT_VERSION,
    protocolVersion: HANDLE_PROTOCOL_VERSION,
    serialNumber: 1,
    primary: true,
    multiPrimary: false,
    hashOption: 'all',
    hashFilter: new Uint8Array(0),
    attributes: [],
    servers: [{ serverId: 1, address: ipAddressBytes('127.0.0.1')!, publicKey: new Uint8Array(0), interfaces: [{ type: 'query', protocol: 'udp', port: 2641 }, { type: 'admin-and-query', protocol: 'http', port: 8123 }] }],
  });
  const hsSite: WireValue = { index: 1, type: 'HS_SITE', data: { format: 'base64', value: site.toString('base64') }, ttl: 0, timestamp: '' };
  t.equal(restUrlOfSite([value(2, 'URL', 'x'), hsSite]), 'http://127.0.0.1:8123');
  t.equal(restUrlOfSite([{ ...hsSite, data: { format: 'base64', value: 'AAAA' } }]), undefined, 'an undecodable site is skipped');
  t.equal(prefixOf('88.1.A/x/y'), '88.1.A');
  t.equal(prefixOf('nohandle'), 'nohandle');
});
