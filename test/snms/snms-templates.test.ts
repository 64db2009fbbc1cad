import t from 'tap';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { fullTemplate, goodValues, PREFIX_A, PREFIX_B, startSnmsFixture } from './snms-fixture.js';

const fx = await startSnmsFixture(t);
const { call, login, secrets } = fx;
const a = await login(PREFIX_A, secrets.a);
const b = await login(PREFIX_B, secrets.b);
const TEMPLATE = '/snms/api/v5/template';

t.test('template CRUD over SNMS: create, read, list, update, delete', async (t) => {
  const created = await call('POST', TEMPLATE, { token: a, json: fullTemplate('1.0') });
  t.match(created.body, { status: 1, data: { prefix: PREFIX_A, version: '1.0', industryCategory: 'C', industrySubclass: '3811', createdAt: String } });
  t.equal(created.body.data.items.length, 6);
  t.match((await call('POST', TEMPLATE, { token: a, json: fullTemplate('1.0') })).body, { status: -2, code: 'TEMPLATE_ALREADY_EXISTS' });
  t.match((await call('GET', `${TEMPLATE}?prefix=${PREFIX_A}&version=1.0`)).body, { status: 1, data: { version: '1.0', items: [{ idIndex: 2000, name: '产品型号' }] } }, 'reading is public');
  await call('POST', TEMPLATE, { token: a, json: { ...fullTemplate('0.9'), items: [fullTemplate().items[0]] } });
  t.same((await call('GET', `${TEMPLATE}?prefix=${PREFIX_A.toLowerCase()}`)).body.data.map((x: { version: string }) => x.version), ['0.9', '1.0'], 'the versions of a prefix');
  const changed = await call('PUT', TEMPLATE, { token: a, json: { ...fullTemplate('0.9'), industryCategory: 'A', industrySpecific: '01', industryTrade: '011', industrySubclass: '0111' } });
  t.match(changed.body, { status: 1, data: { industryCategory: 'A' } });
  t.match((await call('PUT', TEMPLATE, { token: a, json: fullTemplate('7') })).body, { status: -2, code: 'TEMPLATE_NOT_FOUND' });
  t.match((await call('DELETE', `${TEMPLATE}?prefix=${PREFIX_A}&version=0.9`, { token: a })).body, { status: 1 });
  t.match((await call('DELETE', TEMPLATE, { token: a, json: { prefix: PREFIX_A, version: '0.9' } })).body, { status: -2, code: 'TEMPLATE_NOT_FOUND' });
  t.match((await call('GET', `${TEMPLATE}?prefix=${PREFIX_A}&version=0.9`)).body, { status: -2, code: 'TEMPLATE_NOT_FOUND' });
  t.match((await call('GET', TEMPLATE)).body, { status: -2, code: 'REQUEST_INVALID' }, 'prefix is required');
});

t.test('template rights: -1 without a token, -3 for another enterprise, NOT_HOMED outside', async (t) => {
  t.match((await call('POST', TEMPLATE, { json: fullTemplate('2.0') })).body, { status: -1, code: 'AUTHENTICATION_REQUIRED' });
  t.match((await call('POST', TEMPLATE, { token: b, json: fullTemplate('2.0') })).body, { status: -3, code: 'PERMISSION_DENIED' });
  t.match((await call('DELETE', `${TEMPLATE}?prefix=${PREFIX_A}&version=1.0`, { token: b })).body, { status: -3, code: 'PERMISSION_DENIED' });
  t.match((await call('POST', TEMPLATE, { token: a, json: fullTemplate('2.0', '99.1') })).body, { status: -2, code: 'NOT_HOMED' });
  t.match((await call('POST', TEMPLATE, { token: a, json: fullTemplate("1.1") })).body, { status: 1 });
});

t.test('an invalid template names every problem at once', async (t) => {
  const bad = {
    prefix: PREFIX_A,
    version: '3.0',
    industryCategory: 'C',
    industrySpecific: '01',
    items: [
      { name: '', idType: 'x', idIndex: 1999, required: 'yes', metadata: { type: 'colour' } },
      { name: 'a', idType: 'x', idIndex: 2000, metadata: { type: 'string', minLength: 5, maxLength: 2, pattern: '(' } },
      { name: 'b', idType: 'y', idIndex: 2000, metadata: { type: 'enumeration' } },
      { name: 'c', idType: 'z', idIndex: 2001, metadata: { type: 'number', options: ['1'] } },
    ],
  };
  const answer = await call('POST', TEMPLATE, { token: a, json: bad });
  t.match(answer.body, { status: -2, code: 'TEMPLATE_INVALID' });
  for (const part of ['industrySpecific 01 is not a division of section C', 'items[0].name', 'items[0].idIndex', 'items[0].required', 'items[0].metadata.type', 'items[1].metadata.minLength 5 is greater', 'items[1].metadata.pattern', 'items[2].metadata.options', 'items[2].idIndex 2000 is already used', 'items[3].metadata.options is for enumerations only']) {
    t.match(answer.body.message, part, part);
  }
  const shapes: [unknown, string][] = [
    [[], 'a template must be an object'],
    [{ ...fullTemplate(), version: 'a b' }, 'version must be'],
    [{ ...fullTemplate(), prefix: 1 }, 'prefix must be'],
    [{ ...fullTemplate('3.1'), industryCategory: 'Z' }, 'section letter'],
    [{ ...fullTemplate('3.1'), industryTrade: '391' }, 'industryTrade 391 does not begin with industrySpecific 38'],
    [{ ...fullTemplate('3.1'), industrySpecific: undefined, industryTrade: '381', industrySubclass: undefined }, 'industryTrade needs industrySpecific'],
    [{ ...fullTemplate('3.1'), industrySubclass: '38a' }, 'industrySubclass must be 4 digits'],
    [{ ...fullTemplate('3.1'), items: [] }, 'items must be a list'],
    [{ ...fullTemplate('3.1'), items: [7, { name: 'n', idType: 'HS_ADMIN', idIndex: '2001', metadata: null }] }, 'items[0] must be an object'],
  ];
  for (const [json, message] of shapes) t.match((await call('POST', TEMPLATE, { token: a, json })).body, { status: -2, message }, message);
  t.equal((await fx.rest.store.listTemplates(PREFIX_A)).filter((x) => x.version.startsWith('3')).length, 0, 'nothing stored');
});

t.test('templates over the native REST API, listed in the OpenAPI document', async (t) => {
  const operator = basic(fx.rest.credentials.operator.id, fx.rest.credentials.operator.secret);
  const created = await send(`${fx.url}/api/v1/templates`, { method: 'POST', headers: { authorization: operator }, json: fullTemplate('9.0', PREFIX_B) });
  t.match(created, { status: 201, body: { prefix: PREFIX_B, version: '9.0' } });
  t.match(await send(`${fx.url}/api/v1/templates`, { method: 'POST', headers: { authorization: operator }, json: fullTemplate('9.0', PREFIX_B) }), { status: 409, body: { code: 'TEMPLATE_ALREADY_EXISTS' } });
  t.match(await send(`${fx.url}/api/v1/templates/${PREFIX_B}/9.0`), { status: 200, body: { version: '9.0' } });
  t.match(await send(`${fx.url}/api/v1/templates/${PREFIX_B}`), { status: 200, body: { templates: [{ version: '9.0' }] } });
  t.match(await send(`${fx.url}/api/v1/templates`, { method: 'PUT', headers: { authorization: operator }, json: { ...fullTemplate('9.0', PREFIX_B), industryCategory: 'K', industrySpecific: '70', industryTrade: '701', industrySubclass: '7010' } }), { status: 200, body: { industryCategory: 'K' } });
  t.match(await send(`${fx.url}/api/v1/templates`, { method: 'POST', json: fullTemplate('9.1', PREFIX_B) }), { status: 401, body: { code: 'AUTHENTICATION_REQUIRED' } });
  t.match(await send(`${fx.url}/api/v1/templates`, { method: 'POST', headers: { authorization: operator }, json: { ...fullTemplate('9.1', PREFIX_B), items: 'x' } }), { status: 400, body: { code: 'TEMPLATE_INVALID' } });
  t.match(await send(`${fx.url}/api/v1/templates/${PREFIX_B}/9.0`, { method: 'DELETE', headers: { authorization: operator } }), { status: 200, body: { responseCode: 1 } });
  t.match(await send(`${fx.url}/api/v1/templates/${PREFIX_B}/9.0`), { status: 404, body: { code: 'TEMPLATE_NOT_FOUND', responseCode: 100 } });
  const openapi = (await send(`${fx.url}/openapi.json`)).body;
  for (const path of ['/api/v1/templates', '/api/v1/templates/{prefix}/{version}', '/snms/api/v5/template', '/identity/token', '/identityv2/data/batchCreate']) t.ok(openapi.paths[path], path);
});
