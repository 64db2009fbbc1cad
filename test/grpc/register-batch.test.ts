import { status } from '@grpc/grpc-js';
import t from 'tap';
import { authMetadata, valueMessage } from '../helpers/grpc-client.js';
import { countUnder, startBothNode } from '../helpers/grpc-node.js';
import { counter, DEMO, registerItem } from './grpc-bulk-helpers.js';

t.test('RegisterBatch: 100,000 identifiers in batches of 2,000; a re-sent batch registers nothing', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal' });
  t.teardown(() => both.close());
  const { clients } = both;
  const demo = both.credentials.demoEnterprise;
  const auth = authMetadata(demo.id, demo.secret);
  const batch = (from: number) => Array.from({ length: 2000 }, (_, k) => registerItem(from + k));
  let created = 0;
  for (let from = 0; from < 100_000; from += 2000) {
    const reply = await clients.unary(clients.registry, 'RegisterBatch', { items: batch(from) }, auth);
    if (!reply.ok) t.fail(`batch at ${from}: ${JSON.stringify(reply)}`);
    else created += reply.value.summary.created;
  }
  t.equal(created, 100_000);
  t.equal(await countUnder(both.store, DEMO), 100_000);
  const again = await clients.unary(clients.registry, 'RegisterBatch', { items: batch(98_000) }, auth);
  t.ok(again.ok);
  const value = again.ok ? again.value : undefined;
  t.match(value.summary, { received: 2000, created: 0, alreadyExisted: 2000, failed: 0 });
  t.equal(value.results.length, 2000);
  t.ok(value.results.every((result: { status: string; position: number }, k: number) => result.status === 'ITEM_STATUS_ALREADY_EXISTS' && result.position === k));
  t.equal(await counter(both, 'registration'), 100_000, 'zero new registrations');

  const mixed = await clients.unary(
    clients.registry,
    'RegisterBatch',
    { items: [registerItem(100_001), registerItem(1, '88.999.OTHER'), { handle: 'x', values: [] }, { ...registerItem(0), values: [valueMessage(1, 'URL', 'other')] }], overwrite: false },
    auth,
  );
  t.same(
    mixed.ok && mixed.value.results.map((r: { status: string; error: { code: string } | null }) => [r.status, r.error?.code]),
    [
      ['ITEM_STATUS_CREATED', undefined],
      ['ITEM_STATUS_FAILED', 'PERMISSION_DENIED'],
      ['ITEM_STATUS_FAILED', 'IDENTIFIER_MISSING_SLASH'],
      ['ITEM_STATUS_FAILED', 'HANDLE_ALREADY_EXISTS'],
    ],
  );
  t.match(mixed.ok && mixed.value.results[1].error, { responseCode: 401, grpcStatus: status.PERMISSION_DENIED, handle: '88.999.OTHER/SN-000001' });
  t.match(await clients.unary(clients.registry, 'RegisterBatch', { items: batch(0).concat([registerItem(5)]) }, auth), { status: status.INVALID_ARGUMENT, code: 'REQUEST_INVALID' });
});
