import t from 'tap';
import { send } from '../helpers/http.js';
import { basic, startRestNode } from '../helpers/rest-node.js';

// An anonymous GET without a query string takes the warm path in front of fastify; "?" (an empty query)
// makes the same request go through fastify's route. Both must answer alike, count alike and be timed alike.
t.test('the warm path and the fastify route give the same answers', async (t) => {
  const rest = await startRestNode({ dir: t.testdir() });
  t.teardown(() => rest.close());
  const demo = rest.credentials.demoEnterprise;
  const put = await send(`${rest.url}/api/handles/${demo.prefix}/W-1`, {
    method: 'PUT',
    headers: { authorization: basic(demo.id, demo.secret) },
    json: [
      { index: 1, type: 'URL', data: 'https://example.org/w' },
      { index: 2, type: 'EMAIL', data: 'private@example.org', permissions: '1100' },
    ],
  });
  t.equal(put.status, 201);

  const paths = [
    `${demo.prefix}/W-1`,
    `${demo.prefix!.toLowerCase()}/W-1`,
    `${demo.prefix}/absent`,
    '99.999/not-homed',
    '88..999/bad-prefix',
    `${demo.prefix}/%E4%B8%AD%E6%96%87`,
    `${demo.prefix}/`,
  ];
  for (const path of paths) {
    const warm = await send(`${rest.url}/api/handles/${path}`);
    const routed = await send(`${rest.url}/api/handles/${path}?`);
    t.equal(warm.status, routed.status, `${path}: status`);
    t.same(warm.body, routed.body, `${path}: body`);
    t.equal(warm.headers.get('content-type'), routed.headers.get('content-type'), `${path}: content type`);
    t.ok(warm.headers.get('x-request-id'), `${path}: a request id`);
  }
  const found = await send(`${rest.url}/api/handles/${demo.prefix}/W-1`);
  t.same(found.body.values.map((value: { index: number }) => value.index), [1, 100], 'anonymous callers do not see the private value');
  const echoed = await fetch(`${rest.url}/api/handles/${demo.prefix}/W-1`, { headers: { 'x-request-id': 'trace-42' } });
  t.equal(echoed.headers.get('x-request-id'), 'trace-42');

  await rest.node.metering.flush();
  const rows = await rest.store.listCounters('2000-01-01', '2999-12-31');
  const resolutions = rows.filter((row) => row.kind.startsWith('resolution.') && row.prefix === demo.prefix).reduce((sum, row) => sum + row.count, 0);
  t.equal(resolutions, 2 * 4 + 2, 'every resolution of a homed, valid identifier is counted once, whichever path answered');

  const exposition = await (await fetch(`${rest.url}/metrics`)).text();
  const count = Number(/idnode_request_duration_seconds_count\{frontend="rest",operation="resolve"\} (\d+)/.exec(exposition)?.[1]);
  t.equal(count, paths.length * 2 + 2, 'both paths record the resolve operation');
});

t.test('requests with credentials or filters go through fastify', async (t) => {
  const rest = await startRestNode({ dir: t.testdir() });
  t.teardown(() => rest.close());
  const demo = rest.credentials.demoEnterprise;
  await send(`${rest.url}/api/handles/${demo.prefix}/W-2`, {
    method: 'PUT',
    headers: { authorization: basic(demo.id, demo.secret) },
    json: [{ index: 2, type: 'EMAIL', data: 'private@example.org', permissions: '1100' }],
  });
  const owner = await send(`${rest.url}/api/handles/${demo.prefix}/W-2`, { headers: { authorization: basic(demo.id, demo.secret) } });
  t.same(owner.body.values.map((value: { index: number }) => value.index), [2, 100], 'the owner sees the private value');
  const filtered = await send(`${rest.url}/api/handles/${demo.prefix}/W-2?type=EMAIL`);
  t.same(filtered.body, { responseCode: 200, handle: `${demo.prefix}/W-2`, values: [] });
  const badUtf8 = await send(`${rest.url}/api/handles/${demo.prefix}/%FF`);
  t.equal(badUtf8.body.code, 'IDENTIFIER_NOT_UTF8');
});
