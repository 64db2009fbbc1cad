import t from 'tap';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { industryProblems } from '../../src/core/templates/gbt-4754.js';
import { parseTemplate } from '../../src/core/templates/template.js';
import { assertFollowsTemplate, templateReference, templateVersionOf } from '../../src/core/templates/template-check.js';
import { Templates } from '../../src/core/templates/templates.js';
import { openMemoryStore } from '../../src/store/memory/memory-store.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';

const base = { prefix: '88.999.1', version: '1', industryCategory: 'A' };
const item = (metadata: object, over: object = {}) => ({ name: 'n', idType: 't', idIndex: 2000, required: false, metadata, ...over });
const problemOf = (input: unknown): string => {
  try {
    parseTemplate(input);
  } catch (error) {
    return `${(error as IdnodeError).code}: ${(error as Error).message}`;
  }
  return 'accepted';
};

t.test('GB/T 4754: sections and their division ranges, each level beginning with the one above', async (t) => {
  t.same(industryProblems({ industryCategory: 'K', industrySpecific: '70', industryTrade: '701', industrySubclass: '7010' }), []);
  t.same(industryProblems({ industryCategory: 'T', industrySpecific: '98' }), []);
  t.same(industryProblems({ industryCategory: 'A', industrySpecific: '', industryTrade: null }), [], 'empty levels are absent');
  t.match(industryProblems({ industryCategory: 'a' }), [/section letter A to T, got "a"/]);
  t.match(industryProblems({}), [/got nothing/]);
  t.match(industryProblems({ industryCategory: 'A', industrySpecific: '06' }), [/06 is not a division of section A \(01 to 05\)/]);
  t.match(industryProblems({ industryCategory: 'A', industrySpecific: 1 }), [/industrySpecific must be 2 digits, got 1/]);
  t.match(industryProblems({ industryCategory: 'A', industrySubclass: '0111' }), [/industrySubclass needs industryTrade/]);
  t.match(industryProblems({ industryCategory: 'A', industrySpecific: '01', industryTrade: '011', industrySubclass: '0121' }), [/0121 does not begin with industryTrade 011/]);
});

t.test('templates: every malformed part is named; the accepted form is normalised', async (t) => {
  const parsed = parseTemplate({ ...base, prefix: '88.999.a', items: [item({ type: 'url', minLength: 0, pattern: '' }, { idIndex: '2001', name: ' x ' }), item({ type: 'Number' })] });
  t.same(parsed, { prefix: '88.999.A', version: '1', industryCategory: 'A', items: [item({ type: 'number' }), { name: 'x', idType: 't', idIndex: 2001, required: false, metadata: { type: 'URL', minLength: 0 } }] }, 'sorted by index, url → URL, trimmed name');
  const cases: [unknown, string][] = [
    [null, 'must be an object'],
    [{ ...base, prefix: 'a..b', items: [] }, 'PREFIX_EMPTY_SEGMENT'],
    [{ ...base, version: '' }, 'version must be'],
    [{ ...base, items: new Array(501).fill(item({ type: 'string' })) }, 'items must be a list of 1 to 500'],
    [{ ...base, items: [item({ type: 'string' }, { name: 'a\u0001' })] }, 'items[0].name'],
    [{ ...base, items: [item({ type: 'string' }, { idType: 'HS_ADMIN' })] }, 'items[0].idType'],
    [{ ...base, items: [item({ type: 'string' }, { idIndex: 2147483648 })] }, 'items[0].idIndex'],
    [{ ...base, items: [item([])] }, 'items[0].metadata must be an object'],
    [{ ...base, items: [item({ type: 'string', minLength: -1, maxLength: 1.5 })] }, 'items[0].metadata.minLength must be a non-negative integer'],
    [{ ...base, items: [item({ type: 'string', pattern: 'x'.repeat(257) })] }, 'items[0].metadata.pattern must be a regular expression of at most 256'],
    [{ ...base, items: [item({ type: 'enumeration', options: ['a', 'a'] })] }, 'options lists a text twice'],
    [{ ...base, items: [item({ type: 'enumeration', options: [1] })] }, 'options must list'],
    [{ ...base, items: [item({ type: 'string' }), item({ type: 'x' }, { idIndex: 2000 })] }, 'items[1].idIndex 2000 is already used by items[0]'],
  ];
  for (const [input, expected] of cases) t.match(problemOf(input), expected, expected);
});

const value = (index: number, data: string, type = 't', format: 'string' | 'hex' = 'string'): HandleValue =>
  ({ index, type, data: { format, value: data }, ttl: 86400, timestamp: '2026-01-01T00:00:00Z', permissions: '1110', references: [] }) as HandleValue;

t.test('values against a template: each kind of text', async (t) => {
  const template = parseTemplate({
    ...base,
    items: [item({ type: 'date' }, { idIndex: 2000 }), item({ type: 'number' }, { idIndex: 2001 }), item({ type: 'URL' }, { idIndex: 2002 }), item({ type: 'string', maxLength: 2 }, { idIndex: 2003 })],
  });
  const ok = ['2026-02-28', '2024-02-29 12:30', '2026-01-01T00:00:00.5+08:00', '2026-01-01T23:59Z'];
  for (const date of ok) t.doesNotThrow(() => assertFollowsTemplate('h', [value(2000, date)], template), date);
  for (const date of ['2025-02-29', '2026-13-01', '2026-1-1', '2026-01-01T24:00']) t.throws(() => assertFollowsTemplate('h', [value(2000, date)], template), { code: 'TEMPLATE_VIOLATED' }, date);
  for (const number of ['1', '-1.5', '.5', '1e10', '+3.']) t.doesNotThrow(() => assertFollowsTemplate('h', [value(2001, number)], template), number);
  for (const number of ['', '1,5', 'NaN', '0x10']) t.throws(() => assertFollowsTemplate('h', [value(2001, number)], template), { code: 'TEMPLATE_VIOLATED' }, number);
  t.doesNotThrow(() => assertFollowsTemplate('h', [value(2002, 'urn:isbn:1')], template));
  t.throws(() => assertFollowsTemplate('h', [value(2002, '/relative')], template), { message: /absolute URL/ });
  t.doesNotThrow(() => assertFollowsTemplate('h', [value(2003, '𝒳𝒴')], template), 'lengths count characters, not UTF-16 units');
  t.doesNotThrow(() => assertFollowsTemplate('h', [value(1, 'below 2000 is not checked'), value(1999, 'x')], template));
  const reference = templateReference('1', Date.UTC(2026, 0, 1));
  t.equal(templateVersionOf([value(1, 'x'), reference]), '1');
  t.equal(templateVersionOf([value(1001, '1', 'OTHER')]), undefined, 'another type at 1001 is no reference');
  t.equal(templateVersionOf([]), undefined);
});

t.test('Templates.forWrite: no version, an unparsable identifier, a lookup shared by a batch', async (t) => {
  const store = openMemoryStore();
  const templates = new Templates(store, { homeOf: () => '88.999' }, { now: () => 0 });
  await templates.create({ kind: 'operator', id: 'op' }, { ...base, items: [item({ type: 'string' })] });
  for (const version of [undefined, null, '']) t.equal(await templates.forWrite('88.999.1/x', version), undefined);
  t.equal(await templates.forWrite(7, '1'), undefined, 'the write fails on the identifier instead');
  const seen = new Map();
  t.match(await templates.forWrite('88.999.1/x', '1', seen), { version: '1' });
  t.match(await templates.forWrite('88.999.1/y', '1', seen), { version: '1' });
  t.equal(seen.size, 1);
  await t.rejects(templates.forWrite('88.999.1/x', 1), { code: 'TEMPLATE_INVALID' });
  await t.rejects(templates.delete({ kind: 'anonymous' }, '88.999.1', '1'), { code: 'AUTHENTICATION_REQUIRED' });
  t.equal((await templates.delete({ kind: 'operator', id: 'op' }, '88.999.1', '1').then(() => 'deleted')), 'deleted');
});
