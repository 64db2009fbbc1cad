import t from 'tap';
import { send } from '../helpers/http.js';
import { startRestNode } from '../helpers/rest-node.js';
import {
  basicAuth,
  batches,
  BENCH_PREFIX,
  clientValues,
  getRequest,
  hotSetInOrder,
  missingHandles,
  mixed,
  ndjsonImport,
  registrations,
  seededHandle,
  storedValuesFactory,
  uniformHandles,
  zipfHandles,
} from '../../bench/lib/workload.js';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';

t.test('seeded identifiers are stored exactly as a REST PUT of the same values is', async (t) => {
  const rest = await startRestNode({ dir: t.testdir() });
  t.teardown(() => rest.close());
  const enterprise = await rest.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: BENCH_PREFIX, name: 'bench' });
  const put = await send(`${rest.url}/api/handles/${seededHandle(7)}`, {
    method: 'PUT',
    headers: { authorization: basicAuth(enterprise.id, enterprise.secret) },
    json: { values: clientValues(7) },
  });
  t.equal(put.status, 201);
  const stored = (await rest.store.getHandle(seededHandle(7)))!;
  const seeded = storedValuesFactory(enterprise.id, stored.createdAtMs)(7);
  t.same(seeded, stored.values);
  t.equal(JSON.stringify(seeded).length, JSON.stringify(stored.values).length);
});

t.test('registration requests are each a new identifier with the enterprise credential', async (t) => {
  const next = registrations('x', { id: '300:0.NA/88.999.1', secret: 's' });
  const first = next();
  const second = next();
  t.equal(first.method, 'PUT');
  t.equal(first.path, '/api/handles/88.999.1/R-x-0');
  t.equal(second.path, '/api/handles/88.999.1/R-x-1');
  t.equal(first.headers!['authorization'], 'Basic ' + Buffer.from('300%3A0.NA/88.999.1:s').toString('base64'));
  t.same(JSON.parse(first.body!), { values: clientValues(0) });
  t.equal(seededHandle(42), '88.999.1/PN-00000042');
});

t.test('request sources: hot set, uniform, missing, mixed, batches, NDJSON', async (t) => {
  const hot = hotSetInOrder(3, 100);
  const firstPass = [hot(), hot(), hot()];
  t.equal(new Set(firstPass).size, 3, 'every hot identifier once');
  t.equal(hot(), firstPass[0], 'then around again');
  const zipf = zipfHandles(3, 100, 1);
  for (let i = 0; i < 50; i++) if (!firstPass.includes(zipf())) t.fail('a Zipf draw outside the hot set');
  const uniform = uniformHandles(100, 2);
  t.match(uniform(), /^88\.999\.1\/PN-000000\d\d$/);
  const missing = missingHandles('m');
  t.equal(missing(), '88.999.1/NX-m-0');
  t.equal(missing(), '88.999.1/NX-m-1');
  const always = mixed(1, () => 'a', () => 'b', 3);
  const never = mixed(0, () => 'a', () => 'b', 3);
  t.same([always(), never()], ['a', 'b']);
  t.same(getRequest('88.999.1/X'), { method: 'GET', path: '/api/handles/88.999.1/X', headers: { accept: 'application/json' } });
  const batch = batches('b', 2, { id: '300:0.NA/88.999.1', secret: 's' })();
  t.equal(batch.path, '/api/v1/handles/batch');
  t.same(JSON.parse(batch.body!).items.map((item: { handle: string }) => item.handle), ['88.999.1/B-b-0', '88.999.1/B-b-1']);
  const lines = ndjsonImport('i', 2).toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { handle: string });
  t.same(lines.map((line) => line.handle), ['88.999.1/I-i-0', '88.999.1/I-i-1']);
});
