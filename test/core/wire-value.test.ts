import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { prng } from '../helpers/prng.js';
import t from 'tap';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { validateValues, type ValidateValuesOptions } from '../../src/core/values/validate-values.js';
import { toWireValue, toWireValues, type WireValue } from '../../src/core/values/wire-value.js';

const OPTIONS: ValidateValuesOptions = { nowMs: Date.UTC(2024, 5, 1, 12, 0, 0), maxValues: 64, maxDataBytes: 4096 };

const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/handle-rest-examples.json', import.meta.url), 'utf8'),
) as { resolve_ok: { body: { values: WireValue[] } } };


t.test('the fixture resolve_ok values come out exactly as HANDLE.NET serves them', async (t) => {
  const served = fixtures.resolve_ok.body.values;
  // validateValues stamps "now"; give each value the fixture's timestamp back, and keep the fixture's order.
  const validated = validateValues(served, OPTIONS);
  const values: HandleValue[] = served.map((wire) => ({ ...validated.find((v) => v.index === wire.index)!, timestamp: wire.timestamp }));
  t.equal(JSON.stringify(toWireValues(values)), JSON.stringify(served), 'byte-identical JSON, key order included');
  t.strictSame(toWireValues(values), served);
  t.equal(JSON.stringify(toWireValue(values[0]!)), JSON.stringify(served[0]), 'HS_ADMIN with a numeric index');
});

t.test('permissions and references appear only when they carry information', async (t) => {
  const [plain, secret, referring] = validateValues(
    [
      { index: 1, type: 'URL', data: 'https://example.org/' },
      { index: 2, type: 'HS_SECKEY', data: 'secret' },
      { index: 3, type: 'URL', data: { format: 'hex', value: 'AB' }, permissions: '1111', references: [{ handle: '88.x/y', index: '4' }], ttl: 5 },
    ],
    OPTIONS,
  );
  t.strictSame(Object.keys(toWireValue(plain!)), ['index', 'type', 'data', 'ttl', 'timestamp']);
  t.strictSame(toWireValue(secret!), {
    index: 2,
    type: 'HS_SECKEY',
    data: { format: 'string', value: 'secret' },
    ttl: 86400,
    timestamp: '2024-06-01T12:00:00Z',
    permissions: '1100',
  });
  const wire = toWireValue(referring!);
  t.strictSame(Object.keys(wire), ['index', 'type', 'data', 'ttl', 'timestamp', 'permissions', 'references']);
  t.equal(
    JSON.stringify(wire),
    '{"index":3,"type":"URL","data":{"format":"hex","value":"ab"},"ttl":5,"timestamp":"2024-06-01T12:00:00Z","permissions":"1111","references":[{"handle":"88.X/y","index":4}]}',
  );
});

t.test('the wire form shares nothing with the stored value', async (t) => {
  const [admin, referring] = validateValues(
    [
      { index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.NA/88', index: 200, permissions: '011111110011' } } },
      { index: 101, type: 'URL', data: 'x', references: [{ handle: '88/a', index: 1 }] },
    ],
    OPTIONS,
  );
  const snapshot = structuredClone([admin, referring]);
  const wire = toWireValues([admin!, referring!]);
  (wire[0]!.data.value as { index: number }).index = 999;
  wire[1]!.references![0]!.index = 999;
  wire[1]!.references!.push({ handle: '88/b', index: 2 });
  t.strictSame([admin, referring], snapshot);
  t.strictSame(toWireValues([]), []);
});

t.test('round trip: validateValues(toWireValues(v)) equals v', async (t) => {
  const rand = prng(0x3a11);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const texts = ['', 'https://example.org/item/1', '产品 😀 e\u0301', 'line\nbreak\u0000', 'x'.repeat(300)];
  const failures: string[] = [];
  const n = 1000;
  for (let k = 0; k < n; k++) {
    const count = 1 + Math.floor(rand() * 8);
    const used = new Set<number>();
    const input: Record<string, unknown>[] = [];
    for (let c = 0; c < count; c++) {
      let index = pick([1, 2, 3, 100, 300, 2000, 2147483647, 1 + Math.floor(rand() * 100000)]);
      while (used.has(index) || index === 1001) index = 1 + Math.floor(rand() * 1000000);
      used.add(index);
      const kind = index === 100 ? 'admin' : index === 300 ? pick(['HS_SECKEY', 'HS_PUBKEY']) : pick(['URL', 'EMAIL', 'product.型号', 'HS_SECKEY', 'admin', 'hex', 'base64']);
      const raw: Record<string, unknown> = { index: rand() < 0.3 ? String(index) : index };
      if (kind === 'admin') {
        raw['type'] = 'HS_ADMIN';
        raw['data'] = { format: 'admin', value: { handle: pick(['0.na/88.123', '88.abc/Admin', '0.NA/21.T11998']), index: pick([200, '300', 1]), permissions: pick(['011111110011', '111111111111', '000000000000']) } };
      } else if (kind === 'hex') {
        raw['type'] = 'BLOB';
        raw['data'] = { format: 'hex', value: pick(['', '00', 'DEADbeef', 'ff'.repeat(40)]) };
      } else if (kind === 'base64') {
        raw['type'] = 'BLOB';
        raw['data'] = { format: 'base64', value: Buffer.from(pick(texts)).toString('base64') };
      } else {
        raw['type'] = kind;
        raw['data'] = rand() < 0.5 ? pick(texts) : { format: 'string', value: pick(texts) };
      }
      if (rand() < 0.5) raw['ttl'] = pick([0, 60, 86400, 2147483647]);
      if (rand() < 0.5) raw['permissions'] = kind === 'HS_SECKEY' ? pick(['1100', '1000', '0000']) : pick(['1110', '1111', '1100', '0010']);
      if (rand() < 0.3) raw['references'] = rand() < 0.2 ? [] : [{ handle: pick(['88.x/a', '0.na/88']), index: pick([1, '2']) }];
      if (rand() < 0.2) raw['ttlType'] = 0;
      input.push(raw);
    }
    const values = validateValues(input, OPTIONS);
    const again = validateValues(toWireValues(values), OPTIONS);
    const viaJson = validateValues(JSON.parse(JSON.stringify(toWireValues(values))), OPTIONS);
    if (!isDeepStrictEqual(again, values)) failures.push(`direct: ${JSON.stringify(input)}`);
    if (!isDeepStrictEqual(viaJson, values)) failures.push(`via JSON text: ${JSON.stringify(input)}`);
  }
  t.strictSame(failures, [], `${n} generated value lists`);
});

t.test('round trip ignores the timestamp: a later write restamps', async (t) => {
  const values = validateValues([{ index: 1, type: 'URL', data: 'x' }], OPTIONS);
  const later = validateValues(toWireValues(values), { ...OPTIONS, nowMs: OPTIONS.nowMs + 5000 });
  t.equal(later[0]!.timestamp, '2024-06-01T12:00:05Z');
  t.strictSame({ ...later[0], timestamp: values[0]!.timestamp }, values[0]);
});
