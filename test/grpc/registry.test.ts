import { status } from '@grpc/grpc-js';
import t from 'tap';
import { authMetadata, valueMessage } from '../helpers/grpc-client.js';
import { startBothNode } from '../helpers/grpc-node.js';
import { DEMO } from './grpc-bulk-helpers.js';

t.test('Create, Update, Delete behave as REST PUT and DELETE', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const { clients } = both;
  const demo = both.credentials.demoEnterprise;
  const auth = authMetadata(demo.id, demo.secret);
  const handle = `${DEMO}/W-1`;
  t.same(await clients.unary(clients.registry, 'Create', { handle, values: [valueMessage(1, 'URL', 'a')] }, auth), { ok: true, value: { handle, status: 'WRITE_STATUS_CREATED' } });
  t.match(await clients.unary(clients.registry, 'Create', { handle, values: [valueMessage(1, 'URL', 'a')] }, auth), {
    ok: false,
    status: status.ALREADY_EXISTS,
    code: 'HANDLE_ALREADY_EXISTS',
    responseCode: '101',
  });
  t.match(await clients.unary(clients.registry, 'Create', { handle, values: [valueMessage(1, 'URL', 'b')], indexes: [1] }, auth), { code: 'VALUE_ALREADY_EXISTS' });
  t.same(await clients.unary(clients.registry, 'Update', { handle, values: [valueMessage(2, 'EMAIL', 'x@example.org')], indexes: [2] }, auth), {
    ok: true,
    value: { handle, status: 'WRITE_STATUS_UPDATED' },
  });
  const record = await both.store.getHandle(handle);
  t.same(record!.values.map((v) => v.index), [1, 2, 100]);
  t.same(await clients.unary(clients.registry, 'Update', { handle: `${DEMO}/W-2`, values: [valueMessage(1, 'URL', 'c')] }, auth), {
    ok: true,
    value: { handle: `${DEMO}/W-2`, status: 'WRITE_STATUS_CREATED' },
  });
  t.same(await clients.unary(clients.registry, 'Delete', { handle, indexes: [7] }, auth), { ok: true, value: { handle, status: 'WRITE_STATUS_UNCHANGED' } });
  t.same(await clients.unary(clients.registry, 'Delete', { handle }, auth), { ok: true, value: { handle, status: 'WRITE_STATUS_DELETED' } });
  t.match(await clients.unary(clients.registry, 'Delete', { handle }, auth), { status: status.NOT_FOUND, code: 'HANDLE_NOT_FOUND' });
  const minted = await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/`, values: [valueMessage(1, 'URL', 'm')], mintSuffix: true }, auth);
  t.match(minted, { ok: true, value: { handle: new RegExp(`^${DEMO}/[0-9a-f-]{36}$`), status: 'WRITE_STATUS_CREATED' } });

  // Values are validated by the same code as REST, with the same messages.
  t.match(await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/V`, values: [{ index: 1, type: 'URL', data: { format: 'nope', value: 'x' } }] }, auth), {
    status: status.INVALID_ARGUMENT,
    code: 'VALUE_FORMAT_UNKNOWN',
    details: 'values[0].data.format must be one of string, base64, hex, admin, got "nope"',
  });
  t.match(await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/V`, values: [{ index: 1, type: 'URL' }] }, auth), {
    code: 'VALUE_DATA_INVALID',
    details: 'values[0].data must be a string or an object {format, value}, got nothing',
  });
  t.match(await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/V`, values: [{ index: 1, type: 'URL', data: { format: 'base64' } }] }, auth), {
    code: 'VALUE_DATA_INVALID',
    details: 'values[0].data.value must be a string for format base64, got nothing',
  });
  t.match(await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/V`, values: [{ index: 1, type: 'URL', data: { value: 'bare' }, ttl: 0, permissions: '1111' }] }, auth), {
    ok: true,
  });
  const bare = await both.store.getHandle(`${DEMO}/V`);
  t.match(bare!.values[0], { data: { format: 'string', value: 'bare' }, ttl: 0, permissions: '1111' }, 'empty format = bare string; ttl 0 and permissions kept');
  t.match(await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/V2`, values: [] }, auth), { code: 'VALUES_MISSING' });
  t.match(await clients.unary(clients.registry, 'Create', { handle: '88.999.OTHER/X', values: [valueMessage(1, 'URL', 'x')] }, auth), {
    status: status.PERMISSION_DENIED,
    code: 'PERMISSION_DENIED',
  });
  t.match(await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/X`, values: [valueMessage(1, 'URL', 'x')] }), { status: status.UNAUTHENTICATED, code: 'AUTHENTICATION_REQUIRED' });
});
