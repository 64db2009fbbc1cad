import t from 'tap';
import { authMetadata, valueMessage } from '../helpers/grpc-client.js';
import { startBothNode } from '../helpers/grpc-node.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { OTHER_PREFIX } from '../../src/core/metering/counted-prefixes.js';

const DEMO = '88.999.DEMO';

/** The samples of the metered-count metrics, keyed `name{labels}` as the exposition writes them. */
function countSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!/^idnode_(registrations|updates|deletions|refused_writes|resolutions)_total\{/.test(line)) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

const METRIC: Record<string, string> = {
  registration: 'idnode_registrations_total',
  update: 'idnode_updates_total',
  delete: 'idnode_deletions_total',
  refused: 'idnode_refused_writes_total',
};

t.test('/metrics counts registrations, updates, deletions, refusals and resolutions exactly as metering does', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const { url, clients, credentials } = both;
  const demo = credentials.demoEnterprise;
  const auth = { authorization: basic(demo.id, demo.secret) };
  const values = { values: [{ index: 1, type: 'URL', data: 'https://example.com/x' }] };

  // REST: 3 registrations, 1 update, 1 delete, refusals (foreign prefix, bad value), resolutions of every kind.
  for (const suffix of ['A', 'B', 'C']) t.equal((await send(`${url}/api/handles/${DEMO}/${suffix}`, { method: 'PUT', headers: auth, json: values })).status, 201);
  t.equal((await send(`${url}/api/handles/${DEMO}/A`, { method: 'PUT', headers: auth, json: { values: [{ index: 1, type: 'URL', data: 'https://example.com/y' }] } })).status, 200);
  t.equal((await send(`${url}/api/handles/${DEMO}/C`, { method: 'DELETE', headers: auth })).status, 200);
  t.equal((await send(`${url}/api/handles/77.1/X`, { method: 'PUT', headers: auth, json: values })).status >= 400, true, 'a foreign prefix is refused');
  t.equal((await send(`${url}/api/handles/${DEMO}/BAD`, { method: 'PUT', headers: auth, json: { values: [{ index: -1, type: 'URL', data: 'x' }] } })).status, 400);
  for (let i = 0; i < 3; i++) t.equal((await send(`${url}/api/handles/${DEMO}/A`)).status, 200);
  t.equal((await send(`${url}/api/handles/${DEMO}/MISSING`)).status, 404);
  t.ok((await send(`${url}/api/handles/66.6/NOWHERE`)).status >= 400, 'another prefix is not served here');
  t.equal((await send(`${url}/api/handles/0.NA/88.999`)).status, 200, 'a prefix handle: (other)');
  // gRPC: 1 registration, 2 resolutions, 1 refusal.
  const asDemo = authMetadata(demo.id, demo.secret);
  t.equal((await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/G-1`, values: [valueMessage(1, 'URL', 'u')] }, asDemo)).ok, true);
  t.equal((await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/G-1`, values: [valueMessage(1, 'URL', 'u')] }, asDemo)).ok, false);
  for (let i = 0; i < 2; i++) t.equal((await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/G-1` })).ok, true);

  await both.node.metering.flushNow();
  const rows = await both.store.listCounters('2000-01-01', '2999-12-31');
  const expected = new Map<string, number>();
  for (const row of rows) {
    const prefix = row.prefix === OTHER_PREFIX ? OTHER_PREFIX : (both.node.homing.homeOf(row.prefix) ?? OTHER_PREFIX);
    const key = row.kind.startsWith('resolution.')
      ? `idnode_resolutions_total{kind="${row.kind.slice('resolution.'.length)}",prefix="${prefix}",protocol="${row.protocol}"}`
      : `${METRIC[row.kind]}{prefix="${prefix}",protocol="${row.protocol}"}`;
    expected.set(key, (expected.get(key) ?? 0) + row.count);
  }
  const samples = countSamples(await (await fetch(`${url}/metrics`)).text());
  t.same(Object.fromEntries([...samples].sort()), Object.fromEntries([...expected].sort()), 'every counter equals the metered figure of its labels');
  // The workload reached every metric and both protocols, and the prefixes stayed bounded.
  t.equal(samples.get('idnode_registrations_total{prefix="88.999",protocol="rest"}'), 3);
  t.equal(samples.get('idnode_registrations_total{prefix="88.999",protocol="grpc"}'), 1);
  t.equal(samples.get('idnode_updates_total{prefix="88.999",protocol="rest"}'), 1);
  t.equal(samples.get('idnode_deletions_total{prefix="88.999",protocol="rest"}'), 1);
  t.ok((samples.get('idnode_refused_writes_total{prefix="(other)",protocol="rest"}') ?? 0) >= 1, 'the foreign-prefix refusal is (other)');
  t.equal(samples.get('idnode_resolutions_total{kind="not-found",prefix="88.999",protocol="rest"}'), 1);
  t.equal(samples.get('idnode_resolutions_total{kind="store-read",prefix="88.999",protocol="grpc"}'), 1);
  const prefixes = new Set([...samples.keys()].map((key) => /prefix="([^"]*)"/.exec(key)![1]));
  t.same([...prefixes].sort(), ['(other)', '88.999'], 'only homed prefixes and (other) are labels');
});
