import t from 'tap';
import { itemsOf } from '../helpers/bulk-data.js';
import { countUnder, startBothNode } from '../helpers/grpc-node.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';

const DEMO = '88.999.DEMO';

async function registrations(node: Awaited<ReturnType<typeof startBothNode>>, kind = 'registration'): Promise<number> {
  await node.node.metering.flush();
  const rows = await node.store.listCounters('2000-01-01', '2100-01-01');
  return rows.filter((row) => row.kind === kind && row.prefix === DEMO).reduce((sum, row) => sum + row.count, 0);
}

t.test('100,000 identifiers through POST /api/v1/handles/batch; a re-sent batch registers nothing', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal' });
  t.teardown(() => both.close());
  const demo = both.credentials.demoEnterprise;
  const authorization = basic(demo.id, demo.secret);
  let created = 0;
  for (let from = 0; from < 100_000; from += 2000) {
    const reply = await send(`${both.url}/api/v1/handles/batch`, { method: 'POST', headers: { authorization }, json: { items: itemsOf(DEMO, from, from + 2000) } });
    if (reply.status !== 200) t.fail(`batch at ${from}: ${reply.status} ${JSON.stringify(reply.body)}`);
    created += reply.body.summary.created;
  }
  t.equal(created, 100_000);
  t.equal(await countUnder(both.store, DEMO), 100_000);
  t.equal(await registrations(both), 100_000);

  // The client timed out and sends the same batch again.
  const again = await send(`${both.url}/api/v1/handles/batch`, { method: 'POST', headers: { authorization }, json: { items: itemsOf(DEMO, 40_000, 42_000) } });
  t.equal(again.status, 200);
  t.same(again.body.summary, { received: 2000, created: 0, alreadyExisted: 2000, updated: 0, failed: 0, failures: [], failuresOmitted: 0 });
  t.ok(again.body.results.every((result: { status: string }) => result.status === 'already-exists'));
  t.equal(await registrations(both), 100_000, 'zero new registrations');
  t.equal(await registrations(both, 'refused'), 0);
});

t.test('partial success: a result per item, with codes, in order', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal' });
  t.teardown(() => both.close());
  const demo = both.credentials.demoEnterprise;
  const authorization = basic(demo.id, demo.secret);
  const [a, b] = itemsOf(DEMO, 0, 2);
  const reply = await send(`${both.url}/api/v1/handles/batch`, {
    method: 'POST',
    headers: { authorization },
    json: { items: [a, { handle: '88.999.OTHER/x', values: a!.values }, 'not an item', { handle: `${DEMO}/`, values: a!.values }, b, a] },
  });
  t.equal(reply.status, 200);
  t.same(
    reply.body.results.map((r: { position: number; status: string; code?: string }) => [r.position, r.status, r.code]),
    [
      [0, 'created', undefined],
      [1, 'failed', 'PERMISSION_DENIED'],
      [2, 'failed', 'REQUEST_INVALID'],
      [3, 'failed', 'IDENTIFIER_EMPTY_SUFFIX'],
      [4, 'created', undefined],
      [5, 'failed', 'HANDLE_DUPLICATE_IN_REQUEST'],
    ],
  );
  t.equal(reply.body.results[2].message, 'an item must be an object {"handle": ..., "values": [...]}, got "not an item"');
  t.equal(reply.body.summary.failed, 4);

  const overwrite = await send(`${both.url}/api/v1/handles/batch?overwrite=true`, {
    method: 'POST',
    headers: { authorization },
    json: { items: [{ handle: a!.handle, values: [{ index: 1, type: 'URL', data: 'https://changed' }] }] },
  });
  t.equal(overwrite.body.results[0].status, 'updated');
});

t.test('whole-request refusals use the REST error shape', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal' });
  t.teardown(() => both.close());
  const demo = both.credentials.demoEnterprise;
  const anonymous = await send(`${both.url}/api/v1/handles/batch`, { method: 'POST', json: { items: itemsOf(DEMO, 0, 1) } });
  t.equal(anonymous.status, 401);
  t.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="handle"');
  t.match(anonymous.body, { responseCode: 402, code: 'AUTHENTICATION_REQUIRED' });
  const tooMany = await send(`${both.url}/api/v1/handles/batch`, { method: 'POST', headers: { authorization: basic(demo.id, demo.secret) }, json: { items: itemsOf(DEMO, 0, 2001) } });
  t.equal(tooMany.status, 400);
  t.match(tooMany.body, { code: 'REQUEST_INVALID', message: /at most 2000 items, got 2001/ });
  const noItems = await send(`${both.url}/api/v1/handles/batch`, { method: 'POST', headers: { authorization: basic(demo.id, demo.secret) }, json: { values: [] } });
  t.equal(noItems.status, 400);
  t.equal(noItems.body.code, 'REQUEST_INVALID');
  t.equal(await countUnder(both.store, DEMO), 0);
});
