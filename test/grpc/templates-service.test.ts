import { Metadata } from '@grpc/grpc-js';
import t from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import { authMetadata } from '../helpers/grpc-client.js';
import { startBothNode } from '../helpers/grpc-node.js';
import { send } from '../helpers/http.js';
import { fullTemplate } from '../snms/snms-fixture.js';

const PREFIX = '88.999.G';

t.test('idnode.v1.Templates: create, get, list, update, delete; refusals with catalogue codes', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const issued = await both.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: PREFIX, name: 'G' });
  const other = await both.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: '88.999.H', name: 'H' });
  const as = authMetadata(issued.id, issued.secret);
  const call = (method: string, request: object, metadata = as) => both.clients.unary(both.clients.templates, method, request, metadata);

  const created = await call('Create', fullTemplate('1.0', PREFIX));
  t.match(created, { ok: true, value: { prefix: PREFIX, version: '1.0', industrySubclass: '3811', createdAt: String } });
  t.equal(created.ok && created.value.items.length, 6);
  t.match(created.ok && created.value.items[5], { idIndex: 2005, metadata: { type: 'enumeration', options: ['red', 'blue'] } });
  t.match(created.ok && created.value.items[0], { idIndex: 2000, metadata: { minLength: 2, maxLength: 8, pattern: '' } });
  t.match(await call('Create', fullTemplate('1.0', PREFIX)), { ok: false, status: 6, code: 'TEMPLATE_ALREADY_EXISTS' });
  t.match(await call('Create', { ...fullTemplate('1.1', PREFIX), industryCategory: 'Z' }), { ok: false, status: 3, code: 'TEMPLATE_INVALID' });
  t.match(await call('Create', { ...fullTemplate('1.1', PREFIX), items: [{ name: 'n', idType: 't', idIndex: 2000, required: false }] }), { ok: false, code: 'TEMPLATE_INVALID' }, 'an item without metadata');
  t.match(await call('Create', fullTemplate('1.1', PREFIX), authMetadata(other.id, other.secret)), { ok: false, status: 7, code: 'PERMISSION_DENIED' });

  // What gRPC wrote, REST reads identically.
  const viaRest = (await send(`${both.url}/api/v1/templates/${PREFIX}/1.0`)).body;
  const viaGrpc = await call('Get', { prefix: PREFIX, version: '1.0' });
  t.same(viaRest, (await send(`${both.url}/snms/api/v5/template?prefix=${PREFIX}&version=1.0`)).body.data, 'REST and SNMS answer the same template');
  t.match(viaGrpc, { ok: true, value: { version: viaRest.version, createdAt: viaRest.createdAt } });
  t.match(await call('Get', { prefix: PREFIX, version: '9' }), { ok: false, status: 5, code: 'TEMPLATE_NOT_FOUND' });
  t.match(await call('List', { prefix: PREFIX }), { ok: true, value: { templates: [{ version: '1.0' }] } });
  t.match(await call('Update', { ...fullTemplate('1.0', PREFIX), industryCategory: 'K', industrySpecific: '70', industryTrade: '', industrySubclass: '' }), { ok: true, value: { industryCategory: 'K', industryTrade: '' } });
  // A login token is a credential of gRPC too (one authenticator, several schemes).
  const login = await send(`${both.url}/identity/token`, { method: 'POST', json: { username: issued.id, password: issued.secret } });
  const bearer = new Metadata();
  bearer.set('authorization', `Bearer ${login.body.data.token}`);
  t.match(await call('Create', fullTemplate('2.0', PREFIX), bearer), { ok: true, value: { version: '2.0' } });
  t.match(await call('Delete', { prefix: PREFIX, version: '1.0' }), { ok: true });
  t.match(await call('Delete', { prefix: PREFIX, version: '1.0' }), { ok: false, code: 'TEMPLATE_NOT_FOUND' });
});
