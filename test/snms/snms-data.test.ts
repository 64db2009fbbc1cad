import t from 'tap';
import { send } from '../helpers/http.js';
import { fullTemplate, goodValues, PREFIX_A, PREFIX_B, START_MS, startSnmsFixture } from './snms-fixture.js';

const fx = await startSnmsFixture(t);
const { call, login, secrets } = fx;
const a = await login(PREFIX_A, secrets.a);
const b = await login(PREFIX_B, secrets.b);
await call('POST', '/snms/api/v5/template', { token: a, json: fullTemplate('1.0') });
const DAY = '2026-05-01';

async function counts(prefix = PREFIX_A): Promise<Record<string, number>> {
  await fx.rest.node.metering.flush();
  const rows = await fx.rest.store.sumCounters({ fromDay: DAY, toDay: DAY, prefix, groupBy: ['protocol'] });
  return Object.fromEntries(rows.filter((row) => row.protocol === 'snms').map((row) => [row.kind, row.count]));
}

t.test('POST /identityv2/data registers against a template; the reference is at 1001; detail answers it', async (t) => {
  const created = await call('POST', '/identityv2/data', { token: a, json: { handle: `${PREFIX_A}/P-1`, templateVersion: '1.0', value: goodValues() } });
  t.match(created.body, { status: 1, data: { handle: `${PREFIX_A}/P-1`, result: 'created' } });
  const detail = await call('GET', `/identityv2/data/detail?handle=${PREFIX_A}/P-1`, { token: a });
  t.match(detail.body, { status: 1, data: { prefix: PREFIX_A, handle: `${PREFIX_A}/P-1`, templateVersion: '1.0' } });
  const byIndex = new Map(detail.body.data.value.map((value: { index: number }) => [value.index, value]));
  t.match(byIndex.get(1001), { type: 'METADATA_TEMPLATE', data: { format: 'string', value: '1.0' } });
  t.match(byIndex.get(2000), { type: 'product.model', auth: '1110', data: { format: 'string', value: 'M100' } });
  t.ok(byIndex.get(100), 'the default HS_ADMIN, as for every front end');
  t.match((await call('POST', '/identityv2/data', { token: a, json: { prefix: PREFIX_A, handle: 'P-2', value: goodValues() } })).body, { status: 1 }, 'a bare suffix with prefix; no template named');
  t.match((await call('GET', `/identityv2/data/detail?handle=${PREFIX_A}/P-2`)).body, { status: 1, data: { templateVersion: '' } }, 'anonymous: public values');
  t.match((await call('POST', '/identityv2/data', { token: a, json: { handle: `${PREFIX_A}/P-1`, templateVersion: '1.0', value: goodValues() } })).body, { status: -2, code: 'HANDLE_ALREADY_EXISTS' });
  t.match(await counts(), { registration: 2, refused: 1 }, 'counted under protocol snms');
});

t.test('a template violated in each way: one error naming every item, nothing written', async (t) => {
  const values = [
    { index: 2001, type: 'product.batch', data: { format: 'string', value: 'X1' } },
    { index: 2002, type: 'product.weight', data: { format: 'string', value: 'heavy' } },
    { index: 2003, type: 'product.date', data: { format: 'string', value: '2026-02-30' } },
    { index: 2004, type: 'product.manual', data: { format: 'string', value: 'not a url' } },
    { index: 2005, type: 'product.colour', data: { format: 'string', value: 'green' } },
    { index: 2006, type: 'extra', data: { format: 'string', value: 'x' } },
  ];
  const answer = await call('POST', '/identityv2/data', { token: a, json: { handle: `${PREFIX_A}/BAD-1`, templateVersion: '1.0', value: values } });
  t.match(answer.body, { status: -2, code: 'TEMPLATE_VIOLATED', handle: `${PREFIX_A}/BAD-1` });
  for (const part of ['"产品型号" (index 2000) is required', '"批次" (index 2001) does not match the pattern', '"重量" (index 2002) must be a decimal number', '"生产日期" (index 2003) must be a date', '"说明书" (index 2004) must be an absolute URL', '"颜色" (index 2005) must be one of "red", "blue"', 'index 2006 is not an item']) {
    t.match(answer.body.message, part, part);
  }
  const lengths: [unknown, string][] = [
    [{ index: 2000, type: 'product.model', data: { format: 'string', value: 'M' } }, 'at least 2'],
    [{ index: 2000, type: 'product.model', data: { format: 'string', value: 'M123456789' } }, 'at most 8'],
    [{ index: 2000, type: 'model', data: { format: 'string', value: 'M12' } }, 'must have type "product.model"'],
    [{ index: 2000, type: 'product.model', data: { format: 'hex', value: '00' } }, 'must hold string data'],
  ];
  for (const [value, message] of lengths) {
    t.match((await call('POST', '/identityv2/data', { token: a, json: { handle: `${PREFIX_A}/BAD-2`, templateVersion: '1.0', value: [value] } })).body, { status: -2, code: 'TEMPLATE_VIOLATED', message: new RegExp(message) }, message);
  }
  t.match((await call('POST', '/identityv2/data', { token: a, json: { handle: `${PREFIX_A}/BAD-3`, templateVersion: '4.0', value: goodValues() } })).body, { status: -2, code: 'TEMPLATE_NOT_FOUND' });
  t.match((await call('POST', '/identityv2/data', { token: a, json: { handle: `${PREFIX_A}/BAD-3`, templateVersion: 'a b', value: goodValues() } })).body, { status: -2, code: 'TEMPLATE_INVALID' });
  t.match((await call('POST', '/identityv2/data', { token: a, json: { handle: `${PREFIX_A}/BAD-3`, value: [{ index: 1001, type: 'METADATA_TEMPLATE', data: '1.0' }] } })).body, { status: -2, code: 'VALUE_INDEX_RESERVED' }, 'only the server writes 1001');
  for (const suffix of ['BAD-1', 'BAD-2', 'BAD-3']) t.equal(await fx.rest.store.getHandle(`${PREFIX_A}/${suffix}`), undefined, `${suffix} not written`);
});

t.test('a new template version never invalidates identifiers registered under an older one', async (t) => {
  const stricter = fullTemplate('2.0');
  stricter.items[0] = { ...stricter.items[0]!, metadata: { type: 'string', minLength: 6, maxLength: 8 } };
  t.match((await call('POST', '/snms/api/v5/template', { token: a, json: stricter })).body, { status: 1 });
  t.match((await call('GET', `/identityv2/data/detail?handle=${PREFIX_A}/P-1`)).body, { status: 1, data: { templateVersion: '1.0' } });
  t.match((await call('PUT', '/identityv2/data', { token: a, json: { handle: `${PREFIX_A}/P-1`, templateVersion: '1.0', value: goodValues('M200') } })).body, { status: 1, data: { result: 'updated' } }, 'still written under 1.0');
  t.match((await call('PUT', '/identityv2/data', { token: a, json: { handle: `${PREFIX_A}/P-1`, templateVersion: '2.0', value: goodValues('M200') } })).body, { status: -2, code: 'TEMPLATE_VIOLATED' }, 'not under 2.0');
  t.match((await call('PUT', '/identityv2/data', { token: a, json: { handle: `${PREFIX_A}/P-1`, templateVersion: '2.0', value: goodValues('M20000') } })).body, { status: 1 });
  t.match((await call('GET', `/identityv2/data/detail?handle=${PREFIX_A}/P-1`)).body, { data: { templateVersion: '2.0' } });
});

t.test('update, delete, detail: valid and invalid input, rights', async (t) => {
  t.match((await call('PUT', '/identityv2/data', { token: b, json: { handle: `${PREFIX_A}/P-2`, value: goodValues() } })).body, { status: -3, code: 'PERMISSION_DENIED' });
  t.match((await call('PUT', '/identityv2/data', { json: { handle: `${PREFIX_A}/P-2`, value: goodValues() } })).body, { status: -1, code: 'AUTHENTICATION_REQUIRED' });
  t.match((await call('PUT', '/identityv2/data', { token: a, json: { handle: `${PREFIX_A}/P-2`, value: 'x' } })).body, { status: -2, code: 'VALUES_MISSING' });
  t.match((await call('PUT', '/identityv2/data', { token: a, json: { handle: 5, value: goodValues() } })).body, { status: -2, code: 'REQUEST_INVALID' });
  t.match((await call('PUT', '/identityv2/data', { token: a, json: [] })).body, { status: -2, code: 'REQUEST_INVALID' });
  t.match((await call('PUT', '/identityv2/data', { token: a, json: { handle: 'no-slash', value: goodValues() } })).body, { status: -2, code: 'IDENTIFIER_MISSING_SLASH' });
  t.match((await call('PUT', '/identityv2/data', { token: a, json: { handle: '99.1/x', value: goodValues() } })).body, { status: -2, code: 'NOT_HOMED' });
  t.match((await call('DELETE', `/identityv2/data?handle=${PREFIX_A}/P-2`, { token: b })).body, { status: -3 });
  t.match((await call('DELETE', `/identityv2/data?handle=${PREFIX_A}/P-2`, { token: a })).body, { status: 1, data: { result: 'deleted' } });
  t.match((await call('DELETE', '/identityv2/data', { token: a, json: { handle: `${PREFIX_A}/P-2` } })).body, { status: -2, code: 'HANDLE_NOT_FOUND' });
  t.match((await call('DELETE', '/identityv2/data', { token: a })).body, { status: -2, code: 'REQUEST_INVALID' });
  t.match((await call('GET', `/identityv2/data/detail?handle=${PREFIX_A}/P-2`)).body, { status: -2, code: 'HANDLE_NOT_FOUND' });
  t.match((await call('GET', '/identityv2/data/detail')).body, { status: -2, code: 'REQUEST_INVALID' });
  t.match((await call('GET', '/identityv2/data/detail?handle=x')).body, { status: -2, code: 'IDENTIFIER_MISSING_SLASH' });
  t.match((await call('GET', '/identityv2/nothing')).body, { code: 'ROUTE_NOT_FOUND' });
});

const item = (n: number, prefix = PREFIX_A) => ({ handle: `${prefix}/B-${n}`, templateVersion: '1.0', value: goodValues(`M${n % 1000}`.padEnd(2, '0')) });

t.test('batchCreate: exactly 2,000 items; 2,001 refused whole; a result per item; templates checked per item', async (t) => {
  const before = await counts();
  const items = Array.from({ length: 2000 }, (_, n) => item(n));
  items[5] = { ...items[5]!, templateVersion: 'missing' };
  items[6] = { ...items[6]!, value: [] };
  items[7] = { ...item(7, PREFIX_B) };
  const answer = await call('POST', '/identityv2/data/batchCreate', { token: a, json: items });
  t.match(answer.body, { status: 1, data: { total: 2000, created: 1997, alreadyExisted: 0, failed: 3 } });
  t.equal(answer.body.data.results.length, 2000);
  t.match(answer.body.data.results[5], { status: 'failed', code: 'TEMPLATE_NOT_FOUND', snmsStatus: -2 });
  t.match(answer.body.data.results[6], { status: 'failed', code: 'VALUES_MISSING' });
  t.match(answer.body.data.results[7], { status: 'failed', code: 'TEMPLATE_NOT_FOUND' }, 'a template of another prefix is not found for it');
  t.match((await fx.rest.store.getHandle(`${PREFIX_A}/B-1999`))?.values.find((value) => value.index === 1001), { data: { value: '1.0' } });
  const after = await counts();
  t.equal(after['registration']! - (before['registration'] ?? 0), 1997, 'each created item counted once');

  const over = await call('POST', '/identityv2/data/batchCreate', { token: a, json: { items: Array.from({ length: 2001 }, (_, n) => item(5000 + n)) } });
  t.match(over.body, { status: -2, code: 'REQUEST_INVALID', message: /at most 2000/ });
  t.equal(await fx.rest.store.getHandle(`${PREFIX_A}/B-5000`), undefined, 'nothing of it written');
  t.match((await call('POST', '/identityv2/data/batchCreate', { json: [item(1)] })).body, { status: -1, code: 'AUTHENTICATION_REQUIRED' });
  t.match((await call('POST', '/identityv2/data/batchCreate', { token: a, json: { nothing: 1 } })).body, { status: -2, code: 'REQUEST_INVALID' });
  t.match((await call('POST', '/identityv2/data/batchCreate', { token: a, json: [7, { handle: 1 }] })).body, { status: 1, data: { failed: 2, results: [{ code: 'REQUEST_INVALID' }, { code: 'REQUEST_INVALID' }] } });
});

t.test('a batch retried after a time-out creates nothing twice and counts nothing twice', async (t) => {
  const items = Array.from({ length: 2000 }, (_, n) => item(10_000 + n));
  const before = (await counts())['registration'] ?? 0;
  // The client gives up before the answer (as on a time-out); the node commits whatever it committed.
  const controller = new AbortController();
  const first = fetch(`${fx.url}/identityv2/data/batchCreate`, { method: 'POST', headers: { authorization: `Bearer ${a}`, 'content-type': 'application/json' }, body: JSON.stringify(items), signal: controller.signal });
  setTimeout(() => controller.abort(), 5);
  await first.then(
    () => undefined,
    () => undefined,
  );
  const retried = await call('POST', '/identityv2/data/batchCreate', { token: a, json: items });
  t.equal(retried.body.status, 1);
  t.equal(retried.body.data.created + retried.body.data.alreadyExisted, 2000, 'every item created or already there');
  t.equal(retried.body.data.failed, 0);
  const again = await call('POST', '/identityv2/data/batchCreate', { token: a, json: items });
  t.match(again.body.data, { created: 0, alreadyExisted: 2000 }, 'a second retry: every item already exists');
  t.ok(again.body.data.results.every((result: { status: string }) => result.status === 'already-exists'));
  t.equal(((await counts())['registration'] ?? 0) - before, 2000, 'exactly 2,000 registrations counted');
});

t.test('batchUpdate and batchDelete: a result per item', async (t) => {
  const updated = await call('POST', '/identityv2/data/batchUpdate', { token: a, json: [{ ...item(1), value: goodValues('M777') }, item(2), item(900_000), { handle: `${PREFIX_B}/x`, value: goodValues() }] });
  t.match(updated.body, { status: 1, data: { total: 4, updated: 1, alreadyExisted: 1, created: 1, failed: 1 } });
  t.match(updated.body.data.results[3], { status: 'failed', code: 'PERMISSION_DENIED', snmsStatus: -3 });
  const deleted = await call('POST', '/identityv2/data/batchDelete', { token: a, json: [`${PREFIX_A}/B-1`, { handle: `${PREFIX_A}/B-2` }, `${PREFIX_A}/none`, 3, `${PREFIX_B}/x`] });
  t.match(deleted.body, { status: 1, data: { total: 5, deleted: 2, failed: 3 } });
  t.match(deleted.body.data.results, [{ status: 'deleted' }, { status: 'deleted' }, { code: 'HANDLE_NOT_FOUND' }, { code: 'REQUEST_INVALID' }, { code: 'PERMISSION_DENIED', snmsStatus: -3 }]);
  t.match((await call('POST', '/identityv2/data/batchDelete', { token: a, json: Array.from({ length: 2001 }, (_, n) => `${PREFIX_A}/B-${n}`) })).body, { status: -2, code: 'REQUEST_INVALID' });
  t.ok(await fx.rest.store.getHandle(`${PREFIX_A}/B-3`), 'an oversized delete batch deletes nothing');
  t.match((await call('POST', '/identityv2/data/batchDelete', { token: a, json: [] })).body, { status: 1, data: { total: 0 } }, 'an empty batch is nothing to do');
    t.match((await call('POST', '/identityv2/data/batchDelete', { json: [] })).body, { status: -1, code: 'AUTHENTICATION_REQUIRED' }, 'an anonymous one is refused before its body is read');
  void START_MS;
  void send;
});
