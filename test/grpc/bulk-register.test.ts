import { Metadata, status } from '@grpc/grpc-js';
import t from 'tap';
import { countItemsBetweenTurns } from '../helpers/bulk-turns.js';
import { eventually } from '../helpers/eventually.js';
import { serial, valueMessagesOf } from '../helpers/bulk-data.js';
import { authMetadata } from '../helpers/grpc-client.js';
import { countUnder, startBothNode } from '../helpers/grpc-node.js';
import { bulkRegister, counter, DEMO, registerItem, write } from './grpc-bulk-helpers.js';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';

t.test('BulkRegister: 100,000 identifiers streamed, malformed items reported with positions', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal' });
  t.teardown(() => both.close());
  const demo = both.credentials.demoEnterprise;
  const { call, summary } = bulkRegister(both.clients, authMetadata(demo.id, demo.secret));
  const bad = new Map<number, { handle: string; values: unknown[] }>([
    [7, { handle: 'not-an-identifier', values: valueMessagesOf(7) }],
    [40_000, registerItem(40_000, '88.999.OTHER')],
    [40_500, registerItem(40_100)], // the same chunk as its first occurrence
    [70_000, { handle: `${DEMO}/bad-values`, values: [{ index: 1, type: '', data: { format: 'string', value: 'x' } }] }],
    [99_999, registerItem(3)], // 49 chunks later
  ]);
  let position = 0;
  let valid = 0;
  while (position < 100_005) {
    const items = [];
    for (let k = 0; k < 500 && position < 100_005; k++, position++) {
      const replacement = bad.get(position);
      if (replacement) items.push(replacement);
      else items.push(registerItem(valid++));
    }
    await write(call, { items, overwrite: false });
  }
  call.end();
  const { error, value } = await summary;
  t.equal(error, null);
  t.match(value, { received: 100_005, created: 100_000, alreadyExisted: 0, failed: 5, failuresOmitted: 0 });
  t.same(
    value.failures.map((failure: { position: number; error: { code: string } }) => [failure.position, failure.error.code]),
    [
      [7, 'IDENTIFIER_MISSING_SLASH'],
      [40_000, 'PERMISSION_DENIED'],
      [40_500, 'HANDLE_DUPLICATE_IN_REQUEST'],
      [70_000, 'VALUE_TYPE_INVALID'],
      [99_999, 'HANDLE_DUPLICATE_IN_REQUEST'],
    ],
  );
  t.equal(await countUnder(both.store, DEMO), 100_000);
  t.equal(await counter(both, 'registration'), 100_000);
  t.equal(await counter(both, 'refused'), 3);
});

t.test('BulkRegister: a cancelled call keeps its committed chunks whole and drops the rest', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal' });
  t.teardown(() => both.close());
  const demo = both.credentials.demoEnterprise;
  const { call, summary } = bulkRegister(both.clients, authMetadata(demo.id, demo.secret));
  for (let from = 0; from < 5000; from += 500) await write(call, { items: Array.from({ length: 500 }, (_, k) => registerItem(from + k)), overwrite: false });
  const committed = () => both.logs.filter((log) => log['msg'] === 'bulk import chunk committed');
  await eventually(() => committed().length >= 2, 'two committed chunks');
  call.cancel();
  t.equal((await summary).error?.code, status.CANCELLED);
  // The session ends either abandoned (the cancel arrived while items were still read) or finished: grpc-js
  // reports the end of input before the cancel, so a cancel after the last message can commit the tail.
  const ended = () => both.logs.some((log) => /^bulk import (abandoned|finished)/.test(String(log['msg'])));
  await eventually(ended, 'the session to end');
  const chunks = committed().map((log) => log['positions'] as [number, number]);
  t.same(chunks.slice(0, 2), [
    [0, 1999],
    [2000, 3999],
  ]);
  t.ok(chunks.length === 2 || (chunks.length === 3 && chunks[2]![0] === 4000 && chunks[2]![1] === 4999), 'the tail, if committed, whole');
  const stored = chunks.reduce((sum, [from, to]) => sum + to - from + 1, 0);
  t.equal(await countUnder(both.store, DEMO), stored, 'exactly the committed chunks are stored');
  const missing = [];
  for (let i = 0; i < stored; i++) if ((await both.store.getHandle(`${DEMO}/${serial(i)}`)) === undefined) missing.push(i);
  t.same(missing, [], 'every committed item is stored');
  t.equal(await counter(both, 'registration'), stored);

  // Sending the stream again: what the first attempt committed is already-exists, the rest is created.
  const retry = bulkRegister(both.clients, authMetadata(demo.id, demo.secret));
  for (let from = 0; from < 5000; from += 500) await write(retry.call, { items: Array.from({ length: 500 }, (_, k) => registerItem(from + k)) });
  retry.call.end();
  t.match((await retry.summary).value, { received: 5000, created: 5000 - stored, alreadyExisted: stored, failed: 0 });
  t.equal(await counter(both, 'registration'), 5000);
});

t.test('BulkRegister refuses callers who can write nothing, and an empty stream is an empty summary', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const anonymous = bulkRegister(both.clients, authMetadata('300:0.NA/88.999.NOBODY', 'x'));
  anonymous.call.write({ items: [registerItem(1)] });
  anonymous.call.end();
  const refused = await anonymous.summary;
  t.equal(refused.error?.code, status.UNAUTHENTICATED);
  t.equal(refused.error?.metadata.get('idnode-error-code')[0], 'AUTHENTICATION_FAILED');
  const auditor = await both.node.principals.addAuditor(LOCAL_OPERATOR, 'Auditor');
  const audit = bulkRegister(both.clients, authMetadata(auditor.id, auditor.secret));
  audit.call.end({ items: [registerItem(1)] });
  t.equal((await audit.summary).error?.metadata.get('idnode-error-code')[0], 'PERMISSION_DENIED');
  const nobody = bulkRegister(both.clients, new Metadata());
  nobody.call.end({ items: [registerItem(1)] });
  t.equal((await nobody.summary).error?.metadata.get('idnode-error-code')[0], 'AUTHENTICATION_REQUIRED');
  t.equal(await countUnder(both.store, DEMO), 0);
  const operator = both.credentials.operator;
  const empty = bulkRegister(both.clients, authMetadata(operator.id, operator.secret));
  empty.call.end();
  t.same((await empty.summary).value, { received: 0, created: 0, alreadyExisted: 0, updated: 0, failed: 0, failures: [], failuresOmitted: 0 });
});

t.test('BulkRegister lets the event loop turn every 64 items, so the node serves other requests meanwhile', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), synchronous: 'normal' });
  t.teardown(() => both.close());
  const taken = countItemsBetweenTurns(both);
  const demo = both.credentials.demoEnterprise;
  const { call, summary } = bulkRegister(both.clients, authMetadata(demo.id, demo.secret));
  // Messages of 1,000 items, written without waiting: many arrive in one read.
  for (let m = 0; m < 10; m++) call.write({ items: Array.from({ length: 1000 }, (_, k) => registerItem(m * 1000 + k)), overwrite: false });
  call.end();
  const { error, value } = await summary;
  taken.stop();
  t.equal(error, null);
  t.match(value, { created: 10_000 });
  t.ok(taken.most() <= 64, `at most ${taken.most()} items between two turns`);
});
