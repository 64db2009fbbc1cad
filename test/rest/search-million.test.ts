import t from 'tap';
import type { HandleWrite } from '../../src/core/store/store.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { send } from '../helpers/http.js';
import { PREFIX_A, PREFIX_B, startFixture } from './rest-fixture.js';

/**
 * Reverse lookup over 1,000,000 identifiers (issue 13): seeded straight through the SQLite store's bulk create
 * path (Store.applyWrites, 20,000 a transaction: what the import does, without HTTP), then searched over REST
 * with wildcards, paging and read rights. Identifier i lies under A (i % 10 < 9) or B; it holds a URL, every
 * tenth a CHECKSUM, every thousandth a private EMAIL.
 */
const COUNT = 1_000_000;
const CHUNK = 20_000;
const fx = await startFixture(t);
const { rest, auth } = fx;

const pad = (i: number) => String(i).padStart(7, '0');
const prefixOf = (i: number) => (i % 10 < 9 ? PREFIX_A : PREFIX_B);
const handleOf = (i: number) => `${prefixOf(i)}/M-${pad(i)}`;
const stamp = '2024-05-01T00:00:00Z';
const stringValue = (index: number, type: string, text: string, permissions = '1110'): HandleValue => ({
  index,
  type,
  data: { format: 'string', value: text },
  ttl: 86400,
  timestamp: stamp,
  permissions,
  references: [],
});

const started = performance.now();
const context = { nowMs: Date.parse(stamp), day: '2024-05-01', protocol: 'test-seed' };
// One chunk commits on the SQLite writer thread while the next is built here.
let committing: Promise<unknown> = Promise.resolve();
for (let start = 0; start < COUNT; start += CHUNK) {
  const writes: HandleWrite[] = [];
  for (let i = start; i < start + CHUNK; i++) {
    const values = [stringValue(1, 'URL', `https://m.example.com/item/${pad(i)}`)];
    if (i % 10 === 0) values.push(stringValue(2, 'CHECKSUM', `sha1:${pad(i).split('').reverse().join('')}`));
    if (i % 1000 === 0) values.push(stringValue(3, 'EMAIL', `owner-${pad(i)}@m.example`, '1100'));
    writes.push({ op: 'create', handle: handleOf(i), prefix: prefixOf(i), values });
  }
  await committing;
  committing = rest.store.applyWrites(writes, context);
}
await committing;

t.comment(`seeded ${COUNT} identifiers in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const hrls = async (query: string, authorization?: string): Promise<string[]> => {
  const reply = await send(`${rest.url}/hrls/handles?${query}`, authorization ? { headers: { authorization } } : {});
  if (reply.status !== 200) throw new Error(`hrls ?${query}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
};
const range = (from: number, to: number, keep: (i: number) => boolean = () => true) => {
  const handles: string[] = [];
  for (let i = from; i < to; i++) if (keep(i)) handles.push(handleOf(i));
  return handles;
};

t.test('wildcards at the end, in the middle, and at the start bounded by another condition', async (t) => {
  t.strictSame(await hrls('URL=https://m.example.com/item/0123456'), [handleOf(123456)], 'exact');
  t.strictSame(await hrls('URL=https://m.example.com/item/098765*'), range(987650, 987660), 'trailing *');
  t.strictSame(await hrls('URL=https://m.example.com/item/0512*9&limit=1000'), range(512000, 513000, (i) => i % 10 === 9), 'middle *');
  // A leading "*" (every URL) bounded by the checksum of identifier 424250 (its digits reversed: 0524240).
  t.strictSame(await hrls('URL=*/item/*50&CHECKSUM=sha1:0524240'), [handleOf(424250)], 'leading * with another condition');
  t.strictSame(await hrls('URL=*/item/*51&CHECKSUM=sha1:0524240'), [], 'leading * not matching');
  t.strictSame(await hrls('CHECKSUM=sha1:05242*&URL=*'), range(0, COUNT, (i) => pad(i).endsWith('24250')), 'the bounded condition drives whatever its position');
});

t.test('a pattern whose range is too broad: hrls refuses it, the native search answers a partial page with a cursor', async (t) => {
  const query = 'URL=https://m.example.com/item/0*7*3*1*9&limit=1000';
  const refused = await send(`${rest.url}/hrls/handles?${query}`);
  t.equal(refused.status, 400);
  t.equal(refused.body.code, 'SEARCH_TOO_BROAD');
  const partial = await send(`${rest.url}/api/v1/search?${query}`);
  t.equal(partial.status, 200);
  t.equal(partial.body.more, true);
  t.ok(partial.body.handles.length < 1000, `${partial.body.handles.length} handles within the budget`);
  t.strictSame(partial.body.handles, range(0, 100000, (i) => /^0.*7.*3.*1.*9$/.test(pad(i))).slice(0, partial.body.handles.length));
});

t.test('paging through 10,000 results by cursor: every one once, in order', async (t) => {
  const expected = range(300000, 310000);
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const query = new URLSearchParams({ URL: 'https://m.example.com/item/030*', limit: '1000', ...(cursor === undefined ? {} : { cursor }) });
    const reply = await send(`${rest.url}/api/v1/search?${query}`);
    t.equal(reply.status, 200);
    seen.push(...reply.body.handles);
    cursor = reply.body.cursor;
    if (!reply.body.more) break;
  }
  t.equal(seen.length, expected.length);
  t.strictSame(seen, expected, 'no duplicate, no gap');
  t.strictSame(await hrls('URL=https://m.example.com/item/030*&limit=1000&page=9'), expected.slice(9000), 'hrls page 9 is the last thousand');
});

t.test('read rights: private EMAIL values are found by their owners only', async (t) => {
  t.strictSame(await hrls('EMAIL=owner-*&limit=1000'), [], 'anonymous');
  t.strictSame(await hrls('EMAIL=owner-*&limit=1000', auth.auditor), [], 'auditor');
  // Every thousandth identifier: i % 10 === 0, so all lie under A.
  const owned = range(0, COUNT, (i) => i % 1000 === 0);
  t.strictSame(await hrls('EMAIL=owner-*&limit=1000', auth.a), owned, 'the owner, A');
  t.strictSame(await hrls('EMAIL=owner-*&limit=1000', auth.b), [], 'another enterprise, B');
  t.strictSame(await hrls('EMAIL=owner-*&limit=1000', auth.operator), owned, 'the operator');
});
