import { readFileSync } from 'node:fs';
import t from 'tap';
import { CATALOGUE, IdnodeError, type ErrorCode } from '../../src/core/errors/catalogue.js';
import { HTTP_STATUS } from '../../src/rest/http-status.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { validateValues, type ValidateValuesOptions } from '../../src/core/values/validate-values.js';

// 2024-01-02T03:04:05.678Z: the milliseconds must not reach the wire.
const NOW = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const STAMP = '2024-01-02T03:04:05Z';
const OPTIONS: ValidateValuesOptions = { nowMs: NOW, maxValues: 32, maxDataBytes: 100 };

const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/handle-rest-examples.json', import.meta.url), 'utf8'),
) as { create: { body: { values: unknown[] } } };

/** One value with sensible fields; `fields` override or (with undefined) remove them. */
function value(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = { index: 1, type: 'URL', data: 'https://example.org/', ...fields };
  for (const key of Object.keys(base)) if (base[key] === undefined) delete base[key];
  return base;
}

function errorOf(input: unknown, options: ValidateValuesOptions = OPTIONS): IdnodeError {
  try {
    validateValues(input, options);
  } catch (error) {
    if (error instanceof IdnodeError) return error;
    throw error;
  }
  throw new Error(`expected an IdnodeError for ${JSON.stringify(input)}`);
}

function codeOf(input: unknown, options: ValidateValuesOptions = OPTIONS): ErrorCode | 'OK' {
  try {
    validateValues(input, options);
    return 'OK';
  } catch (error) {
    if (error instanceof IdnodeError) return error.code;
    throw error;
  }
}

/** The single value validateValues makes of `fields` (as the only element). */
function one(fields: Record<string, unknown>, options: ValidateValuesOptions = OPTIONS): HandleValue {
  const values = validateValues([value(fields)], options);
  if (values.length !== 1) throw new Error('expected one value');
  return values[0]!;
}

const CONTROL_CHARACTERS: string[] = [];
for (let cp = 0; cp <= 0x9f; cp++) if (cp <= 0x1f || cp >= 0x7f) CONTROL_CHARACTERS.push(String.fromCharCode(cp));

t.test('all value codes map to invalid value (202) / HTTP 400', async (t) => {
  const error = errorOf([]);
  t.equal(HTTP_STATUS[error.code], 400);
  t.equal(error.handleCode, 202);
  for (const code of Object.keys(CATALOGUE) as ErrorCode[]) {
    if (code.startsWith('VALUE') && code !== 'VALUE_ALREADY_EXISTS') {
      t.equal(CATALOGUE[code].handleCode, 202, code);
      t.equal(HTTP_STATUS[code], 400, code);
    }
  }
});

t.test('the list itself', async (t) => {
  for (const input of [undefined, null, {}, 'x', 1, [], { values: [value()] }]) {
    const error = errorOf(input);
    t.equal(error.code, 'VALUES_MISSING', JSON.stringify(input) ?? 'undefined');
    t.match(error.message, /^values must be a non-empty array/);
  }
  t.match(errorOf(undefined).message, 'got nothing');
  t.match(errorOf([]).message, 'got an array of 0');
  t.match(errorOf({ values: [] }).message, 'got an object');

  const many = (n: number): unknown[] => Array.from({ length: n }, (_, k) => value({ index: k + 1 }));
  t.equal(validateValues(many(32), OPTIONS).length, 32, 'exactly maxValues');
  const error = errorOf(many(33));
  t.equal(error.code, 'VALUES_TOO_MANY');
  t.match(error.message, 'values holds 33 values; the limit is 32');

  for (const bad of [null, 1, 'x', true, [value()]]) {
    const error = errorOf([value(), bad]);
    t.equal(error.code, 'VALUE_NOT_OBJECT');
    t.match(error.message, /^values\[1\] must be an object, got /);
  }
  t.match(errorOf([value(), [1, 2]]).message, 'got an array of 2');
  t.match(errorOf([value(), 'x']).message, 'got "x"');
});

t.test('defaults and the full shape', async (t) => {
  t.strictSame(one({ index: 7, type: 'EMAIL', data: 'a@example.org' }), {
    index: 7,
    type: 'EMAIL',
    data: { format: 'string', value: 'a@example.org' },
    ttl: 86400,
    timestamp: STAMP,
    permissions: '1110',
    references: [],
  });
  t.strictSame(
    one({
      index: '8',
      type: 'product.model',
      data: { format: 'string', value: 'XK-200', extra: 1 },
      ttl: 60,
      permissions: '1111',
      references: [{ handle: '88.abc/ref', index: 2 }],
      ttlType: 0,
      timestamp: '1999-01-01T00:00:00Z',
      unknown: { nested: true },
    }),
    {
      index: 8,
      type: 'product.model',
      data: { format: 'string', value: 'XK-200' },
      ttl: 60,
      timestamp: STAMP,
      permissions: '1111',
      references: [{ handle: '88.ABC/ref', index: 2 }],
    },
    'given fields kept, extra fields (ttlType, timestamp, unknown) dropped',
  );
});

t.test('timestamp: set by the server, whole seconds, follows nowMs', async (t) => {
  t.equal(one({ timestamp: '2000-01-01T00:00:00Z' }).timestamp, STAMP, 'a client timestamp is ignored');
  const times = [NOW, NOW + 321, NOW + 1000, Date.UTC(2030, 11, 31, 23, 59, 59, 999), NOW, 0];
  const expected = [STAMP, STAMP, '2024-01-02T03:04:06Z', '2030-12-31T23:59:59Z', STAMP, '1970-01-01T00:00:00Z'];
  times.forEach((nowMs, k) => {
    const values = validateValues([value({ index: 1 }), value({ index: 2 })], { ...OPTIONS, nowMs });
    t.equal(values[0]!.timestamp, expected[k], `nowMs ${nowMs}`);
    t.equal(values[1]!.timestamp, expected[k]);
  });
});

t.test('sorted by index', async (t) => {
  const input = [5, '1', 100, 3, 2147483647, 2].map((index) =>
    index === 100
      ? value({ index, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.NA/88', index: 200, permissions: '011111110011' } } })
      : value({ index }),
  );
  t.strictSame(
    validateValues(input, OPTIONS).map((v) => v.index),
    [1, 2, 3, 5, 100, 2147483647],
  );
  t.strictSame(
    validateValues([value({ index: 1 }), value({ index: 2 }), value({ index: 9 })], OPTIONS).map((v) => v.index),
    [1, 2, 9],
  );
  const big = Array.from({ length: 30 }, (_, k) => value({ index: 1000 - k * 7 }));
  t.strictSame(
    validateValues(big, OPTIONS).map((v) => v.index),
    big.map((v) => v['index'] as number).sort((a, b) => a - b),
  );
});

t.test('index', async (t) => {
  const good: [unknown, number][] = [
    [1, 1],
    [2, 2],
    [2147483647, 2147483647],
    ['1', 1],
    ['2147483647', 2147483647],
    ['0042', 42],
    [1.0, 1],
  ];
  for (const [index, expected] of good) t.equal(one({ index }).index, expected, `index ${JSON.stringify(index)}`);

  const bad: unknown[] = [
    undefined, null, true, {}, [], [1], 0, -1, -0, 1.5, 2147483648, 4294967297, Number.NaN, Number.POSITIVE_INFINITY,
    '', '0', '000', ' 1', '1 ', '+1', '-1', '1.0', '1e3', '0x10', '2147483648', '99999999999999999999', '١', '１', 10n,
  ];
  for (const index of bad) {
    const error = errorOf([value({ index: 1 }), value({ index })]);
    t.equal(error.code, 'VALUE_INDEX_INVALID', `index ${String(index)}`);
    t.match(error.message, /^values\[1\]\.index must be an integer from 1 to 2147483647, got /);
  }
  t.match(errorOf([value({ index: 'x' })]).message, 'values[0].index must be an integer from 1 to 2147483647, got "x"');
  t.match(errorOf([value({ index: undefined })]).message, 'got nothing');
  t.match(errorOf([value({ index: 1.5 })]).message, 'got 1.5');
  t.match(errorOf([value({ index: 10n })]).message, 'got 10');
  t.match(errorOf([value({ index: null })]).message, 'got null');
  t.match(errorOf([value({ index: true })]).message, 'got true');
  t.match(errorOf([value({ index: () => 1 })]).message, 'got a function');
  t.match(errorOf([value({ index: Symbol('s') })]).message, 'got a symbol');
  const long = '9'.repeat(200);
  const message = errorOf([value({ index: long })]).message;
  t.match(message, `got "${'9'.repeat(80)}…"`, 'long input is cut');
  t.ok(message.length < 200);
});

t.test('duplicate indexes', async (t) => {
  const error = errorOf([value({ index: 1 }), value({ index: 2 }), value({ index: 1 })]);
  t.equal(error.code, 'VALUE_INDEX_DUPLICATE');
  t.equal(error.message, 'values[2].index 1 is already used by values[0]');
  t.equal(codeOf([value({ index: 1 }), value({ index: '1' })]), 'VALUE_INDEX_DUPLICATE', 'number and digit string');
  t.equal(codeOf([value({ index: '007' }), value({ index: 7 })]), 'VALUE_INDEX_DUPLICATE', 'leading zeros');
  // Larger lists take the Map path.
  const big = Array.from({ length: 25 }, (_, k) => value({ index: k + 1 }));
  t.equal(validateValues(big, OPTIONS).length, 25);
  big.push(value({ index: 4 }));
  t.equal(errorOf(big).message, 'values[25].index 4 is already used by values[3]');
});

t.test('reserved indexes', async (t) => {
  const admin = { format: 'admin', value: { handle: '0.NA/88.123', index: 200, permissions: '011111110011' } };
  t.equal(one({ index: 100, type: 'HS_ADMIN', data: admin }).type, 'HS_ADMIN');
  t.equal(one({ index: 101, type: 'HS_ADMIN', data: admin }).index, 101, 'HS_ADMIN at other indexes is allowed');
  t.equal(one({ index: 300, type: 'HS_PUBKEY', data: { format: 'base64', value: 'AAEC' } }).type, 'HS_PUBKEY');
  t.equal(one({ index: 300, type: 'HS_SECKEY', data: 'secret' }).type, 'HS_SECKEY');
  t.equal(one({ index: 5, type: 'HS_SECKEY', data: 'secret' }).index, 5, 'HS_SECKEY at other indexes is allowed');

  const cases: [Record<string, unknown>, string][] = [
    [{ index: 100, type: 'URL' }, 'values[0].type must be HS_ADMIN at the reserved index 100, got "URL"'],
    [{ index: '100', type: 'hs_admin', data: admin }, 'values[0].type must be HS_ADMIN at the reserved index 100, got "hs_admin"'],
    [{ index: 300, type: 'URL' }, 'values[0].type must be HS_SECKEY or HS_PUBKEY at the reserved index 300, got "URL"'],
    [{ index: 300, type: 'HS_ADMIN', data: admin }, 'values[0].type must be HS_SECKEY or HS_PUBKEY at the reserved index 300, got "HS_ADMIN"'],
    [{ index: 1001, type: 'URL' }, 'values[0].index 1001 is reserved for the metadata-template reference, which only the server writes'],
    [{ index: '1001', type: 'HS_TEMPLATE_REF' }, 'values[0].index 1001 is reserved for the metadata-template reference, which only the server writes'],
    [{ index: 1001, type: '' }, 'values[0].index 1001 is reserved'],
  ];
  for (const [fields, message] of cases) {
    const error = errorOf([value(fields)]);
    t.equal(error.code, 'VALUE_INDEX_RESERVED', message);
    t.match(error.message, message);
  }
});

t.test('type', async (t) => {
  for (const type of ['URL', 'EMAIL', 'product.model', '产品.型号', 'x', ' ', 'a b', 'é'.repeat(127) + 'a', '中'.repeat(85), '😀'.repeat(63) + 'abc', 'A'.repeat(255)]) {
    t.equal(one({ type }).type, type, `type of ${Buffer.byteLength(type)} bytes`);
  }
  const bad: [unknown, string][] = [
    [undefined, 'values[0].type must be a non-empty string, got nothing'],
    [null, 'got null'],
    ['', 'values[0].type must be a non-empty string, got ""'],
    [7, 'got 7'],
    [['URL'], 'got an array of 1'],
    ['A'.repeat(256), 'values[0].type is 256 bytes of UTF-8; the limit is 255'],
    ['é'.repeat(128), '256 bytes'],
    ['中'.repeat(85) + 'a', '256 bytes'],
    ['😀'.repeat(64), '256 bytes'],
    ['a\ud800', 'values[0].type is not valid UTF-8 (it holds an unpaired surrogate), got "a\\ud800"'],
    ['\udc00URL', 'not valid UTF-8'],
  ];
  for (const [type, message] of bad) {
    const error = errorOf([value({ type })]);
    t.equal(error.code, 'VALUE_TYPE_INVALID', message);
    t.match(error.message, message);
  }
  t.equal(CONTROL_CHARACTERS.length, 65);
  const failures: string[] = [];
  for (const ch of CONTROL_CHARACTERS) {
    for (const type of [`${ch}`, `URL${ch}`, `a${ch}b`]) {
      const error = errorOf([value({ type })]);
      if (error.code !== 'VALUE_TYPE_INVALID' || !error.message.startsWith('values[0].type must not contain control characters')) {
        failures.push(`${JSON.stringify(type)}: ${error.code} ${error.message}`);
      }
    }
  }
  t.strictSame(failures, [], 'every control character');
});

t.test('data: string', async (t) => {
  t.strictSame(one({ data: 'bare' }).data, { format: 'string', value: 'bare' }, 'a bare string is format string');
  t.strictSame(one({ data: '' }).data, { format: 'string', value: '' }, 'empty bare string');
  t.strictSame(one({ data: { format: 'string', value: '' } }).data, { format: 'string', value: '' });
  const text = '产品 😀 e\u0301 \u0000 \n tabs\t';
  t.strictSame(one({ data: { format: 'string', value: text } }).data, { format: 'string', value: text }, 'any well-formed text, controls included');

  const cases: [unknown, ErrorCode, string][] = [
    [undefined, 'VALUE_DATA_INVALID', 'values[0].data must be a string or an object {format, value}, got nothing'],
    [null, 'VALUE_DATA_INVALID', 'got null'],
    [42, 'VALUE_DATA_INVALID', 'got 42'],
    [['x'], 'VALUE_DATA_INVALID', 'got an array of 1'],
    [{ value: 'x' }, 'VALUE_FORMAT_UNKNOWN', 'values[0].data.format must be one of string, base64, hex, admin, got nothing'],
    [{ format: 'STRING', value: 'x' }, 'VALUE_FORMAT_UNKNOWN', 'got "STRING"'],
    [{ format: 'utf8', value: 'x' }, 'VALUE_FORMAT_UNKNOWN', 'got "utf8"'],
    [{ format: 1, value: 'x' }, 'VALUE_FORMAT_UNKNOWN', 'got 1'],
    [{ format: 'string' }, 'VALUE_DATA_INVALID', 'values[0].data.value must be a string for format string, got nothing'],
    [{ format: 'string', value: 5 }, 'VALUE_DATA_INVALID', 'got 5'],
    [{ format: 'string', value: { a: 1 } }, 'VALUE_DATA_INVALID', 'got an object'],
    ['a\ud800b', 'VALUE_DATA_INVALID', 'values[0].data is not valid UTF-8 (it holds an unpaired surrogate), got "a\\ud800b"'],
    [{ format: 'string', value: '\udfff' }, 'VALUE_DATA_INVALID', 'values[0].data.value is not valid UTF-8'],
  ];
  for (const [data, code, message] of cases) {
    const error = errorOf([value({ data })]);
    t.equal(error.code, code, message);
    t.match(error.message, message);
  }
});

t.test('data: base64 must be canonical and padded', async (t) => {
  const good = ['', 'AA==', 'AAA=', 'AAAA', 'QQ==', 'QUI=', 'QUJD', '+/+/', '////', 'SGVsbG8sIHdvcmxkIQ==', 'AAEC'];
  for (const text of good) {
    const data = one({ data: { format: 'base64', value: text } }).data;
    t.strictSame(data, { format: 'base64', value: text }, JSON.stringify(text));
    t.equal(Buffer.from(text, 'base64').toString('base64'), text, 'canonical');
  }
  const bad: [string, string][] = [
    ['A', 'length 1 is not a multiple of 4'],
    ['AA', 'length 2'],
    ['AAA', 'length 3'],
    ['QUJDRA', 'length 6'],
    ['AA=', 'length 3'],
    ['A===', 'character "=" at position 1'],
    ['====', 'character "=" at position 0'],
    ['=AAA', 'character "=" at position 0'],
    ['A=AA', 'character "=" at position 1'],
    ['AA==AA==', 'character "=" at position 2'],
    ['QR==', 'the bits after the last byte are not zero'],
    ['QUJ=', 'the bits after the last byte are not zero'],
    ['AB==', 'the bits after the last byte are not zero'],
    ['ab-_', 'character "-" at position 2'],
    ['QUJD\n', 'length 5'],
    ['QUJ D', 'length 5'],
    [' QUJ', 'character " " at position 0'],
    ['QUé=', 'character "é" at position 2'],
  ];
  for (const [text, problem] of bad) {
    const error = errorOf([value({ data: { format: 'base64', value: text } })]);
    t.equal(error.code, 'VALUE_DATA_INVALID', JSON.stringify(text));
    t.match(error.message, `values[0].data.value must be canonical padded base64 (${problem}`);
  }
  // Whatever bytes: Node's encoder output is accepted and decodes back to the same bytes.
  let seed = 12345;
  const failures: string[] = [];
  for (let k = 0; k < 500; k++) {
    const bytes = Buffer.alloc(k % 70);
    for (let b = 0; b < bytes.length; b++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      bytes[b] = seed >>> 24;
    }
    const text = bytes.toString('base64');
    const stored = validateValues([value({ data: { format: 'base64', value: text } })], OPTIONS)[0]!.data.value as string;
    if (!Buffer.from(stored, 'base64').equals(bytes)) failures.push(text);
  }
  t.strictSame(failures, [], '500 random byte strings');
});

t.test('data: hex', async (t) => {
  const good: [string, string][] = [
    ['', ''],
    ['00', '00'],
    ['deadBEEF', 'deadbeef'],
    ['0123456789abcdefABCDEF', '0123456789abcdefabcdef'],
  ];
  for (const [text, stored] of good) t.strictSame(one({ data: { format: 'hex', value: text } }).data, { format: 'hex', value: stored });
  const bad: [string, string][] = [
    ['a', 'odd length 1'],
    ['abc', 'odd length 3'],
    ['gg', 'character "g" at position 0'],
    ['0x00', 'character "x" at position 1'],
    [' 00', 'character " " at position 0'],
    ['00 ', 'character " " at position 2'],
    ['١٢', 'character "١" at position 0'],
  ];
  for (const [text, problem] of bad) {
    const error = errorOf([value({ data: { format: 'hex', value: text } })]);
    t.equal(error.code, 'VALUE_DATA_INVALID', JSON.stringify(text));
    t.match(error.message, `values[0].data.value must be an even number of hex digits (${problem}), got ${JSON.stringify(text)}`);
  }
});

t.test('data: admin', async (t) => {
  const admin = (value: unknown): Record<string, unknown> => ({ index: 100, type: 'HS_ADMIN', data: { format: 'admin', value } });
  // Only the prefix of the admin handle folds case: the suffix of 0.NA/… is kept as sent (docs/design.md §1).
  t.strictSame(one(admin({ handle: '0.na/21.t11998', index: '200', permissions: '011111110011' })).data, {
    format: 'admin',
    value: { handle: '0.NA/21.t11998', index: 200, permissions: '011111110011' },
  }, 'handle normalised, string index made a number');
  t.strictSame(one(admin({ handle: '88.123/admin', index: 300, permissions: '000000000000', extra: 1 })).data, {
    format: 'admin',
    value: { handle: '88.123/admin', index: 300, permissions: '000000000000' },
  });

  const ok = { handle: '0.NA/88', index: 200, permissions: '011111110011' };
  const cases: [Record<string, unknown>, string][] = [
    [admin('0.NA/88'), 'values[0].data.value must be an object {handle, index, permissions}, got "0.NA/88"'],
    [admin(undefined), 'values[0].data.value must be an object {handle, index, permissions}, got nothing'],
    [admin({ ...ok, handle: undefined }), 'values[0].data.value.handle must be an identifier string, got nothing'],
    [admin({ ...ok, handle: 5 }), 'values[0].data.value.handle must be an identifier string, got 5'],
    [admin({ ...ok, handle: 'no-slash' }), 'values[0].data.value.handle is not a valid identifier (identifier "no-slash" has no "/" between prefix and suffix), got "no-slash"'],
    [admin({ ...ok, handle: '0..NA/88' }), 'values[0].data.value.handle is not a valid identifier (prefix "0..NA" has an empty segment'],
    [admin({ ...ok, handle: '0.NA/\u0001' }), 'values[0].data.value.handle is not a valid identifier (identifier contains the control character U+0001'],
    [admin({ ...ok, index: undefined }), 'values[0].data.value.index must be an integer from 1 to 2147483647, got nothing'],
    [admin({ ...ok, index: 0 }), 'values[0].data.value.index must be an integer from 1 to 2147483647, got 0'],
    [admin({ ...ok, index: '2x' }), 'values[0].data.value.index must be an integer from 1 to 2147483647, got "2x"'],
    [admin({ ...ok, permissions: undefined }), 'values[0].data.value.permissions must be exactly 12 binary digits, got nothing'],
    [admin({ ...ok, permissions: '01111111001' }), 'got "01111111001"'],
    [admin({ ...ok, permissions: '0111111100111' }), 'got "0111111100111"'],
    [admin({ ...ok, permissions: '01111111001x' }), 'got "01111111001x"'],
    [admin({ ...ok, permissions: 11111111111 }), 'got 11111111111'],
    [{ index: 100, type: 'HS_ADMIN', data: 'not admin' }, 'values[0].data.format must be admin for type HS_ADMIN, got "string"'],
    [{ index: 101, type: 'HS_ADMIN', data: { format: 'string', value: 'x' } }, 'values[0].data.format must be admin for type HS_ADMIN, got "string"'],
    [{ index: 101, type: 'HS_ADMIN', data: { format: 'hex', value: '00' } }, 'got "hex"'],
    [{ index: 2, type: 'URL', data: { format: 'admin', value: ok } }, 'values[0].data.format admin is allowed only for type HS_ADMIN, not for type "URL"'],
  ];
  for (const [fields, message] of cases) {
    const error = errorOf([value(fields)]);
    t.equal(error.code, 'VALUE_DATA_INVALID', message);
    t.match(error.message, message);
  }
  const cause = errorOf([value(admin({ ...ok, handle: 'no-slash' }))]).cause;
  t.ok(cause instanceof IdnodeError && cause.code === 'IDENTIFIER_MISSING_SLASH', 'the identifier error is kept as the cause');
  // A format that is not known at all is reported as such, whatever the type.
  t.equal(codeOf([value({ index: 100, type: 'HS_ADMIN', data: { format: 'json', value: ok } })]), 'VALUE_FORMAT_UNKNOWN');
});

t.test('data size: UTF-8 bytes against maxDataBytes', async (t) => {
  const sizes: [unknown, number][] = [
    ['a'.repeat(100), 100],
    ['é'.repeat(50), 100],
    ['中'.repeat(33) + 'a', 100],
    ['😀'.repeat(25), 100],
    [{ format: 'hex', value: 'ab'.repeat(50) }, 100],
    [{ format: 'base64', value: 'AAAA'.repeat(25) }, 100],
    ['a'.repeat(101), 101],
    ['é'.repeat(50) + 'a', 101],
    ['中'.repeat(34), 102],
    ['😀'.repeat(25) + 'a', 101],
    [{ format: 'hex', value: 'ab'.repeat(51) }, 102],
    [{ format: 'base64', value: 'AAAA'.repeat(26) }, 104],
    [{ format: 'string', value: 'x'.repeat(100000) }, 100000],
  ];
  for (const [data, bytes] of sizes) {
    if (bytes <= 100) {
      t.equal(codeOf([value({ data })]), 'OK', `${bytes} bytes`);
    } else {
      const error = errorOf([value({ data })]);
      t.equal(error.code, 'VALUE_DATA_TOO_LARGE', `${bytes} bytes`);
      const field = typeof data === 'string' ? 'values[0].data' : 'values[0].data.value';
      t.equal(error.message, `${field} is ${bytes} bytes of UTF-8; the limit is 100`);
    }
  }
  // Size is checked before content, so a huge invalid value is refused as too large.
  t.equal(codeOf([value({ data: { format: 'hex', value: 'zz'.repeat(100) } })]), 'VALUE_DATA_TOO_LARGE');

  // Admin data: handle bytes + index digits + 12 permission digits. 0.NA/21.T11998 = 14, "200" = 3: 29.
  const admin = [value({ index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.NA/21.T11998', index: 200, permissions: '011111110011' } } })];
  t.equal(codeOf(admin, { ...OPTIONS, maxDataBytes: 29 }), 'OK');
  const error = errorOf(admin, { ...OPTIONS, maxDataBytes: 28 });
  t.equal(error.code, 'VALUE_DATA_TOO_LARGE');
  t.equal(error.message, 'values[0].data.value is 29 bytes of UTF-8; the limit is 28');
});

t.test('ttl', async (t) => {
  t.equal(one({}).ttl, 86400, 'default');
  t.equal(one({ ttl: 0 }).ttl, 0);
  t.equal(one({ ttl: 3600 }).ttl, 3600);
  t.equal(one({ ttl: 2147483647 }).ttl, 2147483647);
  t.ok(Object.is(one({ ttl: -0 }).ttl, 0), '-0 is stored as 0');
  for (const ttl of [null, -1, 1.5, 2147483648, '3600', true, {}, Number.NaN]) {
    const error = errorOf([value({ ttl })]);
    t.equal(error.code, 'VALUE_TTL_INVALID', String(ttl));
    t.match(error.message, /^values\[0\]\.ttl must be an integer number of seconds from 0 to 2147483647, got /);
  }
  t.match(errorOf([value({ ttl: '3600' })]).message, 'got "3600"');
});

t.test('permissions', async (t) => {
  t.equal(one({}).permissions, '1110', 'default');
  for (const permissions of ['0000', '1111', '1010', '0001', '1100']) t.equal(one({ permissions }).permissions, permissions);
  t.equal(one({ type: 'HS_SECKEY', data: 's' }).permissions, '1100', 'secret keys default to admin-only');
  t.equal(one({ index: 300, type: 'HS_SECKEY', data: 's' }).permissions, '1100');
  t.equal(one({ type: 'HS_SECKEY', data: 's', permissions: '1000' }).permissions, '1000');
  t.equal(one({ type: 'HS_SECKEY', data: 's', permissions: '1101' }).permissions, '1101');
  t.equal(one({ type: 'HS_PUBKEY', data: 's' }).permissions, '1110', 'public keys are public');
  for (const permissions of ['1110', '1111', '0010', '0011']) {
    const error = errorOf([value({ type: 'HS_SECKEY', data: 's', permissions })]);
    t.equal(error.code, 'VALUE_PERMISSIONS_INVALID', permissions);
    t.equal(error.message, `values[0].permissions must not set publicRead on an HS_SECKEY value, got "${permissions}"`);
  }
  for (const permissions of [null, '', '111', '11100', '1112', 'abcd', 1110, ['1', '1', '1', '0'], '１１１０']) {
    const error = errorOf([value({ permissions })]);
    t.equal(error.code, 'VALUE_PERMISSIONS_INVALID', String(permissions));
    t.match(error.message, /^values\[0\]\.permissions must be 4 binary digits \(adminRead adminWrite publicRead publicWrite\), got /);
  }
});

t.test('references', async (t) => {
  t.strictSame(one({}).references, [], 'default');
  t.strictSame(one({ references: [] }).references, []);
  t.strictSame(
    one({ references: [{ handle: '88.abc/x', index: '5' }, { handle: '0.na/88.ABC', index: 1, extra: true }] }).references,
    [{ handle: '88.ABC/x', index: 5 }, { handle: '0.NA/88.ABC', index: 1 }],
  );
  const cases: [unknown, string][] = [
    [null, 'values[0].references must be an array of {handle, index}, got null'],
    ['88/x', 'got "88/x"'],
    [{ handle: '88/x', index: 1 }, 'got an object'],
    [[null], 'values[0].references[0] must be an object {handle, index}, got null'],
    [[{ handle: '88/x', index: 1 }, '88/y'], 'values[0].references[1] must be an object {handle, index}, got "88/y"'],
    [[{ index: 1 }], 'values[0].references[0].handle must be an identifier string, got nothing'],
    [[{ handle: 88, index: 1 }], 'values[0].references[0].handle must be an identifier string, got 88'],
    [[{ handle: 'nope', index: 1 }], 'values[0].references[0].handle is not a valid identifier (identifier "nope" has no "/" between prefix and suffix), got "nope"'],
    [[{ handle: '88/\ud800', index: 1 }], 'values[0].references[0].handle is not a valid identifier (identifier is not valid UTF-8'],
    [[{ handle: '88/x' }], 'values[0].references[0].index must be an integer from 1 to 2147483647, got nothing'],
    [[{ handle: '88/x', index: 0 }], 'values[0].references[0].index must be an integer from 1 to 2147483647, got 0'],
    [[{ handle: '88/x', index: 1.5 }], 'got 1.5'],
  ];
  for (const [references, message] of cases) {
    const error = errorOf([value({ references })]);
    t.equal(error.code, 'VALUE_REFERENCES_INVALID', message);
    t.match(error.message, message);
  }
});

t.test('the first problem is reported: values in input order, fields in a fixed order', async (t) => {
  // Within one value: index, type, reserved index, data, ttl, permissions, references.
  const broken = { index: 0, type: '', data: 5, ttl: -1, permissions: 'x', references: 'x' };
  const order: [string, ErrorCode][] = [
    ['index', 'VALUE_INDEX_INVALID'],
    ['type', 'VALUE_TYPE_INVALID'],
    ['data', 'VALUE_DATA_INVALID'],
    ['ttl', 'VALUE_TTL_INVALID'],
    ['permissions', 'VALUE_PERMISSIONS_INVALID'],
    ['references', 'VALUE_REFERENCES_INVALID'],
  ];
  const fields: Record<string, unknown> = { ...broken };
  for (const [field, code] of order) {
    const error = errorOf([value(fields)]);
    t.equal(error.code, code, `${field} is reported next`);
    t.match(error.message, `values[0].${field}`);
    fields[field] = value()[field] ?? undefined;
    if (field === 'index') fields[field] = 1;
  }
  t.equal(codeOf([value(fields)]), 'OK', 'all fixed');
  t.equal(codeOf([value({ index: 100, type: 'URL', data: 5 })]), 'VALUE_INDEX_RESERVED', 'reserved index before data');
  t.equal(codeOf([value({ index: 1, type: 'URL', data: 5 }), value({ index: 'x' })]), 'VALUE_DATA_INVALID', 'earlier value first');
  t.equal(codeOf([value({ index: 2 }), value({ index: 2, type: '' })]), 'VALUE_INDEX_DUPLICATE', 'duplicate before type');
});

t.test('the HANDLE.NET create body of the fixture', async (t) => {
  t.strictSame(validateValues(fixtures.create.body.values, OPTIONS), [
    {
      index: 1,
      type: 'URL',
      data: { format: 'string', value: 'https://example.org/item/1' },
      ttl: 86400,
      timestamp: STAMP,
      permissions: '1110',
      references: [],
    },
    {
      index: 100,
      type: 'HS_ADMIN',
      data: { format: 'admin', value: { handle: '0.NA/21.T11998', index: 200, permissions: '011111110011' } },
      ttl: 86400,
      timestamp: STAMP,
      permissions: '1110',
      references: [],
    },
  ]);
});

t.test('the input is not modified', async (t) => {
  const input = [value({ index: '2', data: { format: 'hex', value: 'AB' } }), value({ index: 1 })];
  const copy = structuredClone(input);
  validateValues(input, OPTIONS);
  t.strictSame(input, copy);
});
