import Database from 'better-sqlite3';
import { join } from 'node:path';
import t from 'tap';
import type { HandleWrite, WriteContext } from '../../src/core/store/store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

// The writer thread's messages (src/store/sqlite/sqlite-writer.ts): the calls of one event-loop turn cross as one
// message and their answers come back as one. Each call is still answered alone, in order, with its own outcome,
// and a call made before close() in the same turn is answered before the store closes.

const CONTEXT: WriteContext = { nowMs: 1_700_000_000_000, day: '2024-05-01', protocol: 'rest' };
const create = (handle: string, value = 'x'): HandleWrite => ({
  op: 'create',
  handle,
  prefix: '88.999.1',
  values: [{ index: 1, type: 'URL', data: { format: 'string', value }, ttl: 86400, timestamp: '2024-05-01T00:00:00Z', permissions: '1110', references: [] }],
});

t.test('the calls of one turn: each answered with its own outcome, a conflict alone refused, all durable', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const store = openSqliteStore({ file });
  t.teardown(() => store.close());
  await store.applyWrites([create('88.999.1/taken')], CONTEXT);
  // All made synchronously, in one turn: they travel together.
  const calls = Array.from({ length: 40 }, (_, k) => store.applyWrites([create(k === 17 ? '88.999.1/taken' : `88.999.1/n${k}`)], CONTEXT));
  const outcomes = await Promise.all(calls);
  outcomes.forEach((outcome, k) => {
    if (k === 17) t.equal(outcome[0]!.status, 'exists', 'the one on a taken handle is refused');
    else t.same(outcome, [{ handle: `88.999.1/n${k}`, status: 'created' }], `call ${k} created its own handle`);
  });
  const reopened = openSqliteStore({ file });
  t.teardown(() => reopened.close());
  for (let k = 0; k < 40; k++) if (k !== 17) t.ok(await reopened.getHandle(`88.999.1/n${k}`), `n${k} is in the file`);
});

t.test('calls of separate turns, and a call made just before close, are answered', async (t) => {
  const store = openSqliteStore({ file: join(t.testdir(), 'idnode.sqlite') });
  const first = await store.applyWrites([create('88.999.1/a')], CONTEXT);
  await new Promise((resolve) => setImmediate(resolve));
  const second = await store.applyWrites([create('88.999.1/b')], CONTEXT);
  t.same([first, second], [[{ handle: '88.999.1/a', status: 'created' }], [{ handle: '88.999.1/b', status: 'created' }]]);
  const last = store.applyWrites([create('88.999.1/c')], CONTEXT);
  const closed = store.close();
  t.same(await last, [{ handle: '88.999.1/c', status: 'created' }], 'the call before close is answered');
  await closed;
  await t.rejects(store.applyWrites([create('88.999.1/d')], CONTEXT), { code: 'STORE_UNAVAILABLE' }, 'a call after close is refused');
});

t.test('a bulk chunk goes to the writer at once: it commits while its caller keeps the turn busy, after what the turn sent before it', async (t) => {
  const file = join(t.testdir(), 'idnode.sqlite');
  const store = openSqliteStore({ file });
  t.teardown(() => store.close());
  await store.applyWrites([create('88.999.1/warm')], CONTEXT);
  const reader = new Database(file, { readonly: true });
  t.teardown(() => reader.close());
  const count = reader.prepare<[], { n: number }>("SELECT count(*) AS n FROM handles WHERE handle IN ('88.999.1/single', '88.999.1/bulk-1', '88.999.1/bulk-2')").pluck();
  // A single write (a PUT) waits for the turn's end; the chunk after it takes it along.
  const single = store.applyWrites([create('88.999.1/single')], CONTEXT);
  const chunk = store.applyWrites([create('88.999.1/bulk-1'), create('88.999.1/bulk-2')], CONTEXT);
  // The event loop is held, as an import holds it while it parses the next chunk: only a chunk already sent
  // can commit. Bounded: 10 s, far beyond a commit's milliseconds.
  const deadline = Date.now() + 10_000;
  let seen = count.get() as unknown as number;
  while (seen < 3 && Date.now() < deadline) seen = count.get() as unknown as number;
  t.equal(seen, 3, 'the chunk and the single write before it committed while the turn was still running');
  t.same(await single, [{ handle: '88.999.1/single', status: 'created' }]);
  t.same(
    (await chunk).map((outcome) => outcome.status),
    ['created', 'created'],
  );
  // A single write alone is still held for the turn's end (to travel with concurrent ones).
  const later = store.applyWrites([create('88.999.1/later')], CONTEXT);
  const spinUntil = Date.now() + 200;
  while (Date.now() < spinUntil);
  t.equal(reader.prepare("SELECT count(*) FROM handles WHERE handle = '88.999.1/later'").pluck().get(), 0, 'not sent before the turn ended');
  t.same(await later, [{ handle: '88.999.1/later', status: 'created' }]);
});
