import { status } from '@grpc/grpc-js';
import t from 'tap';
import { decodeSiteInfo } from '../../src/core/site/site-info.js';
import { send } from '../helpers/http.js';
import { authMetadata, valueMessage } from '../helpers/grpc-client.js';
import { startBothNode } from '../helpers/grpc-node.js';

const DEMO = '88.999.DEMO';

t.test('the Handle client flow over gRPC and REST: resolve the identity\'s prefix handle, then write as that identity', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const { clients } = both;
  const demo = both.credentials.demoEnterprise;
  t.equal(demo.id, `300:0.NA/${DEMO}`);

  // gRPC: the same answer as REST, values and all.
  const resolved = await clients.unary(clients.resolver, 'Resolve', { handle: `0.NA/${DEMO}` });
  t.ok(resolved.ok);
  const answer = resolved.ok ? resolved.value : undefined;
  t.equal(answer.handle, `0.NA/${DEMO}`);
  t.equal(answer.responseCode, 1);
  t.same(answer.values.map((value: { index: number; type: string }) => [value.index, value.type]), [[1, 'HS_SITE'], [100, 'HS_ADMIN'], [101, 'HS_ADMIN']]);
  t.match(answer.values[2], { data: { format: 'admin', admin: { handle: `0.NA/${DEMO}`, index: 300 } } });
  t.same(decodeSiteInfo(Buffer.from(answer.values[0].data.value, 'base64')), both.node.site.current());
  const rest = await send(`${both.url}/api/handles/0.NA/${DEMO}`);
  t.equal(rest.status, 200);
  t.same(rest.body.values.map((value: { data: unknown }) => value.data).slice(1), [
    { format: 'admin', value: { handle: '0.NA/88.999', index: 300, permissions: '111111111111' } },
    { format: 'admin', value: { handle: `0.NA/${DEMO}`, index: 300, permissions: '110011111111' } },
  ]);

  const created = await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/via-grpc`, values: [valueMessage(1, 'URL', 'https://example.org/g')] }, authMetadata(demo.id, demo.secret));
  t.same(created, { ok: true, value: { handle: `${DEMO}/via-grpc`, status: 'WRITE_STATUS_CREATED' } });
  const viaRest = await send(`${both.url}/api/handles/${DEMO}/via-rest`, {
    method: 'PUT',
    headers: { authorization: `Basic ${Buffer.from(`${demo.id.replace(':', '%3A')}:${demo.secret}`).toString('base64')}` },
    json: { values: [{ index: 1, type: 'URL', data: 'https://example.org/r' }] },
  });
  t.equal(viaRest.status, 201);
});

t.test('over gRPC too: another node\'s prefix handle and an unknown one are not found (no top-level node), and writes to 0.NA/… are refused', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const { clients } = both;
  const operator = both.credentials.operator;
  t.match(await clients.unary(clients.resolver, 'Resolve', { handle: '0.NA/99.1' }), { status: status.NOT_FOUND, code: 'HANDLE_NOT_FOUND' });
  t.match(await clients.unary(clients.resolver, 'Resolve', { handle: '0.NA/88.999.NONE' }), { status: status.NOT_FOUND, code: 'HANDLE_NOT_FOUND' });
  t.match(await clients.unary(clients.registry, 'Create', { handle: '0.NA/88.999', values: [valueMessage(1, 'URL', 'x')] }, authMetadata(operator.id, operator.secret)), {
    status: status.PERMISSION_DENIED,
    code: 'PREFIX_HANDLE_DERIVED',
  });
});
