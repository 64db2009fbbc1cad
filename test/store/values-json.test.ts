import t from 'tap';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { validateValues } from '../../src/core/values/validate-values.js';
import { recordFromRow, valuesJsonOf } from '../../src/store/store-rows.js';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

function validated(input: unknown[]): HandleValue[] {
  return validateValues(input, { nowMs: NOW, maxValues: 100, maxDataBytes: 65536 });
}

t.test('the stored encoding is exactly JSON.stringify of the values, for every format and awkward text', async (t) => {
  const cases: unknown[][] = [
    [{ index: 1, type: 'URL', data: 'https://example.com/p?q="x"&r=\\1' }],
    [{ index: 2, type: 'DESC\u2028"quoted"', data: { format: 'string', value: '标识 \u{1F600} tab\tnew\nline' }, ttl: 0, permissions: '1111' }],
    [{ index: 3, type: 'HEX', data: { format: 'hex', value: 'DEADbeef' } }],
    [{ index: 4, type: 'B64', data: { format: 'base64', value: 'AAEC/w==' } }],
    [{ index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.na/88.999.1', index: 300, permissions: '011111110011' } } }],
    [{ index: 5, type: 'REF', data: 'x', references: [{ handle: '88.999.1/A', index: 1 }, { handle: '88.999.1/B"', index: '7' }] }],
    [{ index: 300, type: 'HS_SECKEY', data: 'secret' }, { index: 7, type: 'URL', data: '' }],
  ];
  for (const [n, input] of cases.entries()) {
    const values = validated(input);
    t.equal(valuesJsonOf(values), JSON.stringify(values), `case ${n}`);
    t.same(recordFromRow('88.999.1/X', { prefix: '88.999.1', values_json: valuesJsonOf(values), created_at_ms: NOW, updated_at_ms: NOW }).values, values);
  }
});

t.test('one admin value shared by many identifiers is encoded once and stays right when another follows', async (t) => {
  const [first] = validated([{ index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.NA/88.999.1', index: 300, permissions: '011111110011' } } }]);
  const [second] = validated([{ index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.NA/88.999.2', index: 301, permissions: '011111110011' } } }]);
  for (const value of [first!, first!, second!, first!]) t.equal(valuesJsonOf([value]), JSON.stringify([value]));
});
