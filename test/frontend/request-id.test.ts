import t from 'tap';
import { freshRequestId, requestIdOf } from '../../src/frontend/request-id.js';

t.test("a caller's id is kept when acceptable", async (t) => {
  for (const id of ['trace-42', 'a', 'A.b_c:d-e', 'x'.repeat(128)]) t.equal(requestIdOf(id), id);
});

t.test('anything else is replaced by a fresh id, never refused', async (t) => {
  for (const offered of [undefined, '', 'x'.repeat(129), 'has space', 'new\nline', 'ünïcode', ['trace-1', 'trace-2'], Buffer.from('trace-42'), 42]) {
    const id = requestIdOf(offered);
    t.not(id, offered);
    t.match(id, /^[0-9a-f]{8}-[0-9a-z]+$/, `${JSON.stringify(offered)} → ${id}`);
  }
});

t.test('fresh ids are unique and share the process tag', async (t) => {
  const ids = Array.from({ length: 1000 }, () => freshRequestId());
  t.equal(new Set(ids).size, ids.length);
  t.equal(new Set(ids.map((id) => id.split('-')[0])).size, 1);
  t.equal(requestIdOf(ids[0]), ids[0], 'a fresh id is itself acceptable');
});
