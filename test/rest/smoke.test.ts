import t from 'tap';
import { send } from '../helpers/http.js';
import { basic, startRestNode } from '../helpers/rest-node.js';

t.test('register and resolve, served warm from the cache', async (t) => {
  const rest = await startRestNode({ dir: t.testdir() });
  t.teardown(() => rest.close());
  const demo = rest.credentials.demoEnterprise;
  const put = await send(`${rest.url}/api/handles/${demo.prefix}/PN-1?overwrite=false`, {
    method: 'PUT',
    headers: { authorization: basic(demo.id, demo.secret) },
    json: { values: [{ index: 1, type: 'URL', data: 'https://example.org/1' }] },
  });
  t.equal(put.status, 201);
  const cold = await send(`${rest.url}/api/handles/${demo.prefix!.toLowerCase()}/PN-1`);
  t.equal(cold.status, 200);
  t.equal(cold.body.handle, `${demo.prefix}/PN-1`);
  t.equal(cold.body.values.length, 2, 'the value written and the default HS_ADMIN');
  const warm = await send(`${rest.url}/api/handles/${demo.prefix}/PN-1`);
  t.same(warm.body, cold.body);
  t.equal(rest.node.cache.stats().hits, 1);
  const openapi = await send(`${rest.url}/openapi.json`);
  t.ok(openapi.body.paths['/api/handles/{*}']);
});
