import t from 'tap';
import { ANONYMOUS, type Principal } from '../../src/core/auth/principal.js';
import { isIdnodeError } from '../../src/core/errors/catalogue.js';
import { KEY_MAX_CHARS, searchEntriesOf, searchEntryChanges, searchKeyOf, truncateKey } from '../../src/core/search/search-keys.js';
import { keyRange, matchesPattern, parseConditions } from '../../src/core/search/search-pattern.js';
import { SCAN_BUDGET, Search } from '../../src/core/search/search.js';
import type { HandleWrite } from '../../src/core/store/store.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { openMemoryStore } from '../../src/store/memory/memory-store.js';

const value = (index: number, type: string, text: string, permissions = '1110'): HandleValue => ({
  index,
  type,
  data: { format: 'string', value: text },
  ttl: 86400,
  timestamp: '2024-05-01T00:00:00Z',
  permissions,
  references: [],
});
const CONTEXT = { nowMs: 0, day: '2024-05-01', protocol: 'test' };
// A bounded companion condition lets a pattern with a leading "*" be parsed on its own.
const condition = (pattern: string, type = 'URL') => parseConditions([[type, pattern], ['EMAIL', 'x']])[0]!;

t.test('patterns: "*" matches any text, also none; everything else itself, the whole value', async (t) => {
  const cases: [string, string, boolean][] = [
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['a*', 'a', true],
    ['a*c', 'ac', true],
    ['a*c', 'abbc', true],
    ['a*c', 'abcb', false],
    ['a*b*c', 'a-b-c', true],
    ['a*b*c', 'a-c-b', false],
    ['a*bc*c', 'abcc', true],
    ['ab*ba', 'aba', false],
    ['a**', 'a', true],
    ['*x', 'ax', true],
    ['*x*', 'x', true],
  ];
  for (const [pattern, text, matches] of cases) t.equal(matchesPattern(condition(pattern, 'URL'), text), matches, `${pattern} ~ ${text}`);
});

t.test('key ranges: from the text before the first "*", up to the next string in code point order', async (t) => {
  t.strictSame(keyRange(condition('https://a/*')), { from: 'https://a/', to: 'https://a0' });
  t.strictSame(keyRange(condition('x\u{10FFFF}*')), { from: 'x\u{10FFFF}', to: 'y' }, 'a last U+10FFFF is dropped');
  t.strictSame(keyRange(condition('\u{10FFFF}*')), { from: '\u{10FFFF}', to: undefined }, 'nothing above');
  t.strictSame(keyRange(condition('a\uD7FF*')), { from: 'a\uD7FF', to: 'a\uE000' }, 'the surrogate range is skipped');
  const long = 'z'.repeat(KEY_MAX_CHARS + 5);
  t.strictSame(keyRange(condition(long)), { from: 'z'.repeat(KEY_MAX_CHARS), to: `${'z'.repeat(KEY_MAX_CHARS - 1)}{` }, 'a long head is truncated like keys');
});

t.test('keys: searchable string values only, truncated by code points, distinct per handle', async (t) => {
  t.equal(truncateKey('short'), 'short');
  t.equal(truncateKey('😀'.repeat(KEY_MAX_CHARS + 1)), '😀'.repeat(KEY_MAX_CHARS));
  t.equal(searchKeyOf({ ...value(1, 'URL', ''), data: { format: 'hex', value: '00' } }), undefined);
  t.equal(searchKeyOf(value(1, 'NOTE', 'x')), undefined);
  t.equal(searchKeyOf({ ...value(300, 'HS_SECKEY', 'x'), data: { format: 'secret-hash', value: 'x' } }), undefined);
  t.strictSame(searchEntriesOf('h', [value(1, 'URL', 'a'), value(2, 'URL', 'a'), value(3, 'EMAIL', 'a'), value(4, 'URL', 'b')]), [
    { type: 'URL', key: 'a', handle: 'h' },
    { type: 'EMAIL', key: 'a', handle: 'h' },
    { type: 'URL', key: 'b', handle: 'h' },
  ]);
  t.strictSame(searchEntryChanges('h', [value(1, 'URL', 'a'), value(2, 'URL', 'b')], [value(1, 'URL', 'b'), value(2, 'URL', 'c')]), {
    removed: [{ type: 'URL', key: 'a', handle: 'h' }],
    added: [{ type: 'URL', key: 'c', handle: 'h' }],
  });
});

t.test('Search: long values, several values of the driving type, rights, the budget and cursors', async (t) => {
  const store = openMemoryStore();
  t.teardown(() => store.close());
  const search = new Search(store);
  const long = `https://long/${'x'.repeat(KEY_MAX_CHARS)}`;
  await store.applyWrites(
    [
      { op: 'create', handle: '88.1/long', prefix: '88.1', values: [value(1, 'URL', `${long}.pdf`), value(2, 'URL', `${long}.html`)] },
      { op: 'create', handle: '88.1/mixed', prefix: '88.1', values: [value(1, 'URL', 'https://m/a', '1100'), value(2, 'URL', 'https://m/b')] },
    ],
    CONTEXT,
  );
  const find = async (principal: Principal, pattern: string) => (await search.search(principal, { conditions: [condition(pattern)], limit: 10 })).handles;
  t.strictSame(await find(ANONYMOUS, `${long}.pdf`), ['88.1/long'], 'a value longer than a key: checked on the record');
  t.strictSame(await find(ANONYMOUS, 'https://long/*'), ['88.1/long'], 'two values under one truncated key: one answer');
  t.strictSame(await find(ANONYMOUS, 'https://m/*'), ['88.1/mixed'], 'anonymous: answered at its public value');
  t.strictSame(await find({ kind: 'enterprise', id: 'e', prefix: '88.1' }, 'https://m/*'), ['88.1/mixed'], 'the owner: answered once');
  t.strictSame(await find({ kind: 'handle-identity', id: '300:88.1/id', prefix: '88.1', grants: { write: false, readPrivate: false, list: false } }, 'https://m/a'), [], 'an identity not granted reading');

  // More entries than one call may read, none matching but the last ones.
  const writes: HandleWrite[] = [];
  for (let i = 0; i < SCAN_BUDGET + 5; i++) {
    writes.push({ op: 'create', handle: `88.2/${String(i).padStart(6, '0')}`, prefix: '88.2', values: [value(1, 'URL', `https://b/${String(i).padStart(6, '0')}${i >= SCAN_BUDGET ? '.pdf' : ''}`)] });
  }
  await store.applyWrites(writes, CONTEXT);
  const broad = [condition('https://b/*.pdf')];
  const first = await search.search(ANONYMOUS, { conditions: broad, limit: 10 });
  t.strictSame(first.handles, [], 'the budget ends the first call');
  t.equal(first.scanned, SCAN_BUDGET);
  t.type(first.cursor, 'string');
  const second = await search.search(ANONYMOUS, { conditions: broad, limit: 10, cursor: first.cursor! });
  t.equal(second.handles.length, 5, 'the cursor resumes');
  t.equal(second.cursor, undefined, 'and the range ends');
  await t.rejects(search.search(ANONYMOUS, { conditions: broad, limit: 10, skip: 0 }), { code: 'SEARCH_TOO_BROAD' }, 'paged by number: refused');
  await t.rejects(search.search(ANONYMOUS, { conditions: broad, limit: 1.5 }), { code: 'SEARCH_LIMIT_INVALID' });
  t.ok(search.totals.scanned >= SCAN_BUDGET + 5);
  t.ok(search.totals.recordsRead >= 5);

  const failed = await search.search(ANONYMOUS, { conditions: broad, limit: 10, cursor: '%%%' }).catch((error: unknown) => error);
  t.ok(isIdnodeError(failed) && failed.code === 'SEARCH_CURSOR_INVALID');
  const above = Buffer.from(JSON.stringify([0, 'https://c', 'x'])).toString('base64url');
  await t.rejects(search.search(ANONYMOUS, { conditions: broad, limit: 10, cursor: above }), { code: 'SEARCH_CURSOR_INVALID' }, 'a key past the range');
});
