import t from 'tap';
import { answerJson, publicAnswerJson, publicJsonHasValues, publicValuesOf } from '../../src/core/resolver/public-answer.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';

const base = { ttl: 86400, timestamp: '2024-05-01T00:00:00Z', permissions: '1110', references: [] };
const values: HandleValue[] = [
  { ...base, index: 1, type: 'URL', data: { format: 'string', value: 'https://例え.example/"quoted"\n\u2028' } },
  { ...base, index: 2, type: 'DESC', data: { format: 'base64', value: 'aGVsbG8=' }, permissions: '1111', references: [{ handle: '88.999/ref', index: 3 }, { handle: '0.NA/88.999', index: 200 }] },
  { ...base, index: 3, type: 'BLOB', data: { format: 'hex', value: 'cafe' }, ttl: 0 },
  { ...base, index: 4, type: 'EMAIL', data: { format: 'string', value: 'private@example.com' }, permissions: '1100' },
  { ...base, index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.NA/88.999', index: 200, permissions: '011111110011' } } },
  { ...base, index: 300, type: 'HS_SECKEY', data: { format: 'secret-hash', value: 'x' }, permissions: '1100' } as unknown as HandleValue,
];

t.test('publicAnswerJson is answerJson of the public values, byte for byte, without building wire objects', async (t) => {
  const handle = '88.999/产品-"1"';
  const expected = answerJson(handle, publicValuesOf(values), 1);
  t.equal(publicAnswerJson(handle, values), expected);
  t.equal(publicAnswerJson(handle, values), expected, 'again (the kept HS_ADMIN text)');
  t.notMatch(expected, /private@|HS_SECKEY/);
  t.ok(publicJsonHasValues(expected));
  const none = publicAnswerJson(handle, [values[3]!]);
  t.equal(none, answerJson(handle, [], 200));
  t.notOk(publicJsonHasValues(none));
});
