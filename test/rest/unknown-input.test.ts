import t from 'tap';
import { send } from '../helpers/http.js';
import { basic, startRestNode } from '../helpers/rest-node.js';

const rest = await startRestNode({ dir: t.testdir() });
t.teardown(() => rest.close());
const { url, credentials } = rest;
const operator = { authorization: basic(credentials.operator.id, credentials.operator.secret) };
const demo = { authorization: basic(credentials.demoEnterprise.id, credentials.demoEnterprise.secret) };

t.test('an unknown JSON field is refused, named, and nothing changes', async (t) => {
  const added = await send(`${url}/api/v1/enterprises`, { method: 'POST', headers: operator, json: { prefix: '88.999.Q', name: 'Q Ltd', quota: 5 } });
  t.equal(added.status, 400);
  t.match(added.body, { code: 'REQUEST_INVALID', message: 'unknown field "quota"; known: prefix, name' });
  const list = await send(`${url}/api/v1/enterprises`, { headers: operator });
  t.notOk(JSON.stringify(list.body).includes('88.999.Q'), 'no enterprise was added');
  t.equal((await send(`${url}/api/v1/enterprises`, { method: 'POST', headers: operator, json: { prefix: '88.999.Q', name: 'Q Ltd' } })).status, 201, 'the known fields alone are taken');
  // The HANDLE.NET write body stays open: its clients send fields idnode has no use for.
  const put = await send(`${url}/api/handles/88.999.DEMO/OPEN`, { method: 'PUT', headers: demo, json: { values: [{ index: 1, type: 'URL', data: 'x' }], extra: true } });
  t.equal(put.status, 201);
});

t.test('an unknown query parameter or list filter is refused, named with what the endpoint knows', async (t) => {
  const list = await send(`${url}/api/handles?prefix=88.999.DEMO&colour=red`, { headers: demo });
  t.equal(list.status, 400);
  t.match(list.body, { code: 'REQUEST_INVALID', message: 'unknown query parameter "colour"; known: prefix, page, pageSize' });
  const report = await send(`${url}/api/v1/eligibility?yaer=2024`, { headers: operator });
  t.match(report.body, { code: 'REQUEST_INVALID', message: 'unknown query parameter "yaer"; known: year, policy, format, lang' });
  const none = await send(`${url}/api/v1/enterprises?status=revoked`, { headers: operator });
  t.equal(none.status, 400);
  t.match(none.body, { message: 'unknown query parameter "status"; this endpoint takes none' });
  t.equal((await send(`${url}/api/handles?prefix=88.999.DEMO&page=0`, { headers: demo })).status, 200, 'known parameters still pass');
});

t.test('the import endpoint says what it takes, and refuses an empty body', async (t) => {
  const csv = await fetch(`${url}/api/v1/import`, { method: 'POST', headers: { ...demo, 'content-type': 'text/csv' }, body: 'handle,1:URL\n88.999.DEMO/C1,https://x\n' });
  t.equal(csv.status, 415);
  t.match(await csv.json(), { code: 'BODY_UNSUPPORTED_MEDIA_TYPE', message: 'content type text/csv is not supported by POST /api/v1/import; send application/x-ndjson' });
  const empty = await fetch(`${url}/api/v1/import`, { method: 'POST', headers: { ...demo, 'content-type': 'application/x-ndjson' }, body: '' });
  t.equal(empty.status, 400);
  t.match(await empty.json(), { code: 'BODY_MALFORMED_JSON', message: /the import body holds no line; POST \/api\/v1\/import needs one/ });
  const blank = await fetch(`${url}/api/v1/import`, { method: 'POST', headers: { ...demo, 'content-type': 'application/x-ndjson' }, body: '\n\n' });
  t.equal(blank.status, 400, 'blank lines are no line either');
  const batch = await fetch(`${url}/api/v1/handles/batch`, { method: 'POST', headers: { ...demo, 'content-type': 'text/csv' }, body: 'a,b' });
  t.match(await batch.json(), { message: 'content type text/csv is not supported by POST /api/v1/handles/batch; send application/json' });
  const one = await fetch(`${url}/api/v1/import`, { method: 'POST', headers: { ...demo, 'content-type': 'application/x-ndjson' }, body: '{"handle":"88.999.DEMO/N1","values":[{"index":1,"type":"URL","data":"x"}]}\n' });
  t.equal(one.status, 200);
  t.match(await one.json(), { summary: { received: 1, created: 1 } });
});
