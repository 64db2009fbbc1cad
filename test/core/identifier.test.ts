import { prng } from '../helpers/prng.js';
import t from 'tap';
import { CATALOGUE, IdnodeError, type ErrorCode } from '../../src/core/errors/catalogue.js';
import { HTTP_STATUS } from '../../src/rest/http-status.js';
import {
  MAX_IDENTIFIER_BYTES,
  MAX_PREFIX_BYTES,
  isUnderPrefix,
  normalisePrefix,
  parseIdentifier,
} from '../../src/core/identifier/identifier.js';

// Deterministic PRNG (mulberry32): the same seed generates the same cases on every run and machine.

/** The catalogue code parseIdentifier/normalisePrefix throws, 'OK' when it returns, 'NOT_IDNODE' for any other throw. */
function codeOf(fn: () => unknown): ErrorCode | 'OK' | 'NOT_IDNODE' {
  try {
    fn();
    return 'OK';
  } catch (error) {
    return error instanceof IdnodeError ? error.code : 'NOT_IDNODE';
  }
}

function errorOf(fn: () => unknown): IdnodeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof IdnodeError) return error;
    throw error;
  }
  throw new Error('expected an IdnodeError, nothing was thrown');
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
// Test names and failure lists show inputs as ASCII: U+2028 and friends would break the TAP stream.
const show = (text: string): string =>
  JSON.stringify(text).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

const SEGMENT_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// Suffix material: printable ASCII (incl. "/", ".", ":"), Latin-1, CJK, emoji (astral, surrogate pairs),
// combining marks, and a few scripts with case (so case preservation is exercised).
const SUFFIX_POOLS: readonly (readonly [number, number])[] = [
  [0x20, 0x7e],
  [0xa0, 0xff],
  [0x4e00, 0x9fff],
  [0x1f300, 0x1f64f],
  [0x0300, 0x036f],
  [0x0400, 0x04ff],
  [0x0370, 0x03ff],
  [0xac00, 0xd7a3],
];

function randomPrefix(rand: () => number, maxBytes: number): string {
  const segments: string[] = [];
  const count = 1 + Math.floor(rand() * 4);
  for (let s = 0; s < count; s++) {
    const length = 1 + Math.floor(rand() * 8);
    let segment = '';
    for (let c = 0; c < length; c++) segment += SEGMENT_CHARS[Math.floor(rand() * SEGMENT_CHARS.length)];
    segments.push(segment);
  }
  let prefix = segments.join('.');
  while (prefix.length > maxBytes) prefix = prefix.slice(0, -1);
  return prefix.endsWith('.') ? `${prefix.slice(0, -1)}Z` : prefix;
}

function randomSuffix(rand: () => number, maxBytes: number): string {
  const target = 1 + Math.floor(rand() * 40);
  let suffix = '';
  for (let c = 0; c < target; c++) {
    const roll = rand();
    let ch: string;
    if (roll < 0.08) ch = '/.:'[Math.floor(rand() * 3)]!;
    else {
      const [lo, hi] = SUFFIX_POOLS[Math.floor(rand() * SUFFIX_POOLS.length)]!;
      ch = String.fromCodePoint(lo + Math.floor(rand() * (hi - lo + 1)));
    }
    if (bytes(suffix + ch) > maxBytes) break;
    suffix += ch;
  }
  return suffix.length === 0 ? 'x' : suffix;
}

/** Flips the case of each ASCII letter with probability 1/2. */
function scrambleAsciiCase(rand: () => number, text: string): string {
  let out = '';
  for (const ch of text) out += rand() < 0.5 ? ch.toLowerCase() : ch.toUpperCase();
  return out;
}

const CONTROL_CODE_POINTS: number[] = [];
for (let cp = 0x00; cp <= 0x1f; cp++) CONTROL_CODE_POINTS.push(cp);
CONTROL_CODE_POINTS.push(0x7f);
for (let cp = 0x80; cp <= 0x9f; cp++) CONTROL_CODE_POINTS.push(cp);

t.test('every identifier error code is an invalid-handle (102) entry of the catalogue', async (t) => {
  const codes: ErrorCode[] = [
    'IDENTIFIER_NOT_UTF8',
    'IDENTIFIER_MISSING_SLASH',
    'IDENTIFIER_EMPTY_PREFIX',
    'IDENTIFIER_EMPTY_SUFFIX',
    'IDENTIFIER_TOO_LONG',
    'IDENTIFIER_CONTROL_CHARACTER',
    'PREFIX_TOO_LONG',
    'PREFIX_LEADING_DOT',
    'PREFIX_TRAILING_DOT',
    'PREFIX_EMPTY_SEGMENT',
    'PREFIX_INVALID_CHARACTER',
  ];
  for (const code of codes) {
    t.equal(CATALOGUE[code].handleCode, 102, code);
    t.equal(HTTP_STATUS[code], 400, code);
  }
  const error = errorOf(() => parseIdentifier('no-slash'));
  t.equal(error.handleCode, 102);
  t.equal(HTTP_STATUS[error.code], 400);
  t.equal(error.name, 'IdnodeError');
});

t.test('documented examples', async (t) => {
  t.strictSame(parseIdentifier('88.123.4567/PN-2024-000001'), {
    prefix: '88.123.4567',
    suffix: 'PN-2024-000001',
    handle: '88.123.4567/PN-2024-000001',
  });
  t.equal(parseIdentifier('88.abc.1/Part-7').handle, '88.ABC.1/Part-7');
  t.equal(parseIdentifier('88.abc.1/Part-7').handle, parseIdentifier('88.ABC.1/Part-7').handle, 'prefix is case-insensitive');
  t.not(parseIdentifier('88.123.1/a').handle, parseIdentifier('88.123.1/A').handle, 'suffix is case-sensitive');
  t.equal(parseIdentifier('0.na/88.123').handle, '0.NA/88.123');
  t.equal(parseIdentifier('21.t11998/test-1').handle, '21.T11998/test-1');
  t.equal(parseIdentifier('a_b-c.d/x').prefix, 'A_B-C.D');
  t.equal(parseIdentifier('88/ß').suffix, 'ß', 'non-ASCII letters of the suffix keep their case');
  t.equal(parseIdentifier('88/İstanbul').handle, '88/İstanbul');
});

t.test('the suffix may hold "/", "." and ":"; the first "/" splits', async (t) => {
  t.strictSame(parseIdentifier('88.1/a/b/c'), { prefix: '88.1', suffix: 'a/b/c', handle: '88.1/a/b/c' });
  t.strictSame(parseIdentifier('88.1//'), { prefix: '88.1', suffix: '/', handle: '88.1//' });
  t.strictSame(parseIdentifier('88.1/.'), { prefix: '88.1', suffix: '.', handle: '88.1/.' });
  t.strictSame(parseIdentifier('88.1/..'), { prefix: '88.1', suffix: '..', handle: '88.1/..' });
  t.strictSame(parseIdentifier('88.1/urn:isbn:0-306-40615-2'), {
    prefix: '88.1',
    suffix: 'urn:isbn:0-306-40615-2',
    handle: '88.1/urn:isbn:0-306-40615-2',
  });
  t.equal(parseIdentifier('88.1/https://example.org/a.b?c=d#e').suffix, 'https://example.org/a.b?c=d#e');
  t.equal(parseIdentifier('88.1/ leading and trailing spaces ').suffix, ' leading and trailing spaces ');
});

t.test('unicode suffixes round-trip byte-exact', async (t) => {
  const fixed = [
    '产品-编号-000001',
    '😀🚀/👩‍👩‍👧‍👦',
    'e\u0301\u0302\u0303',
    '\u0301leading-combining-mark',
    '한국어:ελληνικά:русский',
    '\u00a0nbsp\u00a0',
    '\ufeffbom-is-not-a-control',
    '\u200b\u200d\u2028\u2029',
    '\ufffd\ufffe\uffff',
    '\u{10ffff}\u{10000}',
  ];
  for (const suffix of fixed) {
    const id = parseIdentifier(`88.123/${suffix}`);
    t.ok(Buffer.from(id.suffix, 'utf8').equals(Buffer.from(suffix, 'utf8')), `suffix ${show(suffix)} kept`);
    t.equal(id.handle, `88.123/${suffix}`);
  }
  // Precomposed and decomposed forms are different identifiers: no Unicode normalisation.
  t.not(parseIdentifier('88/\u00e9').handle, parseIdentifier('88/e\u0301').handle);
});

t.test('generated valid identifiers: normalised prefix, byte-exact suffix, idempotent, case-folded prefix', async (t) => {
  const rand = prng(0x1d0de);
  const failures: string[] = [];
  const n = 5000;
  for (let k = 0; k < n; k++) {
    const prefix = randomPrefix(rand, MAX_PREFIX_BYTES);
    const suffix = randomSuffix(rand, MAX_IDENTIFIER_BYTES - bytes(prefix) - 1);
    const input = `${scrambleAsciiCase(rand, prefix)}/${suffix}`;
    let id;
    try {
      id = parseIdentifier(input);
    } catch (error) {
      failures.push(`${show(input)} threw ${(error as IdnodeError).code}`);
      continue;
    }
    const expected = `${prefix.toUpperCase()}/${suffix}`;
    if (id.prefix !== prefix.toUpperCase()) failures.push(`${show(input)} prefix ${show(id.prefix)}`);
    if (!Buffer.from(id.suffix, 'utf8').equals(Buffer.from(suffix, 'utf8'))) failures.push(`${show(input)} suffix changed`);
    if (id.handle !== expected) failures.push(`${show(input)} handle ${show(id.handle)}`);
    if (parseIdentifier(id.handle).handle !== id.handle) failures.push(`${show(input)} not idempotent`);
    if (parseIdentifier(`${prefix.toLowerCase()}/${suffix}`).handle !== id.handle) failures.push(`${show(input)} lower-case prefix differs`);
    if (normalisePrefix(scrambleAsciiCase(rand, prefix)) !== id.prefix) failures.push(`${show(input)} normalisePrefix differs`);
    const swapped = suffix.toUpperCase() === suffix ? suffix.toLowerCase() : suffix.toUpperCase();
    if (swapped !== suffix && bytes(swapped) + bytes(prefix) + 1 <= MAX_IDENTIFIER_BYTES) {
      if (parseIdentifier(`${prefix}/${swapped}`).handle === id.handle) failures.push(`${show(input)} suffix case folded`);
    }
  }
  t.strictSame(failures, [], `${n} generated valid identifiers`);
});

t.test('identifier length: 255 bytes of UTF-8 pass, 256 fail, whatever the character widths', async (t) => {
  const head = '88.1/'; // 5 bytes
  const cases: [string, number][] = [];
  for (const wide of ['é', '中', '😀']) {
    const width = bytes(wide);
    // The wide character ends exactly at byte 255, then straddles the limit by one byte.
    cases.push([head + 'a'.repeat(250 - width) + wide, 255]);
    cases.push([head + 'a'.repeat(251 - width) + wide, 256]);
    // Wide characters only, as close to the limit as their width allows.
    const fit = Math.floor(250 / width);
    cases.push([head + wide.repeat(fit), 5 + fit * width]);
    cases.push([head + wide.repeat(fit + 1), 5 + (fit + 1) * width]);
  }
  cases.push([head + 'a'.repeat(250), 255]);
  cases.push([head + 'a'.repeat(251), 256]);
  cases.push([head + 'e\u0301'.repeat(83) + 'a', 255]); // combining marks are 2 bytes each
  cases.push([head + 'e\u0301'.repeat(83) + 'ab', 256]);
  cases.push([`${'A'.repeat(64)}/${'z'.repeat(190)}`, 255]);
  cases.push([`${'A'.repeat(64)}/${'z'.repeat(191)}`, 256]);
  for (const [input, size] of cases) {
    t.equal(bytes(input), size, `case is ${size} bytes`);
    if (size <= MAX_IDENTIFIER_BYTES) {
      t.equal(parseIdentifier(input).handle, input.slice(0, input.indexOf('/')).toUpperCase() + input.slice(input.indexOf('/')));
    } else {
      const error = errorOf(() => parseIdentifier(input));
      t.equal(error.code, 'IDENTIFIER_TOO_LONG', `${size} bytes`);
      t.match(error.message, `${size} bytes`);
    }
  }
  // Counted in bytes, not UTF-16 units: 100 CJK characters are 300 bytes.
  t.equal(codeOf(() => parseIdentifier(`88/${'中'.repeat(100)}`)), 'IDENTIFIER_TOO_LONG');
  t.equal(codeOf(() => parseIdentifier(`88/${'😀'.repeat(63)}`)), 'OK', '255 bytes, 129 UTF-16 units');
  t.equal(codeOf(() => parseIdentifier(`88/${'😀'.repeat(63)}a`)), 'IDENTIFIER_TOO_LONG');
});

t.test('prefix length: 64 bytes pass, 65 fail', async (t) => {
  const prefixes64 = ['A'.repeat(64), `${'1'.repeat(31)}.${'2'.repeat(32)}`, `${'a.'.repeat(31)}bc`];
  for (const prefix of prefixes64) {
    t.equal(bytes(prefix), 64);
    t.equal(parseIdentifier(`${prefix}/x`).prefix, prefix.toUpperCase());
    t.equal(normalisePrefix(prefix), prefix.toUpperCase());
  }
  const prefixes65 = ['A'.repeat(65), `${'1'.repeat(32)}.${'2'.repeat(32)}`, `${'a.'.repeat(32)}b`];
  for (const prefix of prefixes65) {
    t.equal(bytes(prefix), 65);
    const error = errorOf(() => parseIdentifier(`${prefix}/x`));
    t.equal(error.code, 'PREFIX_TOO_LONG');
    t.match(error.message, '65 bytes');
    t.equal(codeOf(() => normalisePrefix(prefix)), 'PREFIX_TOO_LONG');
  }
  // Length is checked before the other prefix rules.
  t.equal(codeOf(() => parseIdentifier(`.${'A'.repeat(64)}/x`)), 'PREFIX_TOO_LONG');
  t.equal(codeOf(() => parseIdentifier(`${'A'.repeat(63)}é/x`)), 'PREFIX_TOO_LONG', '63 + 2 bytes');
  t.equal(codeOf(() => parseIdentifier(`${'A'.repeat(62)}é/x`)), 'PREFIX_INVALID_CHARACTER', '62 + 2 bytes');
});

t.test('every control character is refused, in the suffix and in the prefix', async (t) => {
  t.equal(CONTROL_CODE_POINTS.length, 65);
  const failures: string[] = [];
  for (const cp of CONTROL_CODE_POINTS) {
    const ch = String.fromCodePoint(cp);
    const inputs = [`88.1/${ch}`, `88.1/a${ch}b`, `88.1/ab${ch}`, `88${ch}.1/ab`, `${ch}88.1/ab`, `88.1${ch}/ab`, `${ch}`, `88.1${ch}`];
    for (const input of inputs) {
      const code = codeOf(() => parseIdentifier(input));
      if (code !== 'IDENTIFIER_CONTROL_CHARACTER') failures.push(`${show(input)} gave ${code}`);
    }
    const message = errorOf(() => parseIdentifier(`88.1/a${ch}b`)).message;
    const expected = `U+${cp.toString(16).toUpperCase().padStart(4, '0')} at position 6`;
    if (!message.includes(expected)) failures.push(`message ${show(message)} lacks ${expected}`);
    // On its own, a prefix with a control character breaks the segment alphabet.
    const code = codeOf(() => normalisePrefix(`88${ch}1`));
    if (code !== 'PREFIX_INVALID_CHARACTER') failures.push(`normalisePrefix ${show(`88${ch}1`)} gave ${code}`);
  }
  t.strictSame(failures, [], `${CONTROL_CODE_POINTS.length} control characters`);
  // The neighbours of the control ranges are ordinary characters.
  for (const cp of [0x20, 0x7e, 0xa0, 0xad, 0x2028, 0xfeff]) {
    t.equal(codeOf(() => parseIdentifier(`88.1/a${String.fromCodePoint(cp)}b`)), 'OK', `U+${cp.toString(16)}`);
  }
});

t.test('lone surrogates are not UTF-8', async (t) => {
  const inputs = [
    '88.1/\ud800',
    '88.1/\udbff',
    '88.1/\udc00',
    '88.1/\udfff',
    '88.1/a\ud83d',
    '88.1/\ude00a',
    '88.1/\udc00\ud800',
    '88\ud800.1/a',
    '\ud800',
    '\udfff/88',
    // The UTF-8 rule comes first: these also break other rules.
    `88.1/\ud800${'a'.repeat(300)}`,
    '88.1/\u0000\ud800',
    '.88/\ud800',
  ];
  for (const input of inputs) t.equal(codeOf(() => parseIdentifier(input)), 'IDENTIFIER_NOT_UTF8', show(input));
  t.equal(codeOf(() => normalisePrefix('88\ud800')), 'IDENTIFIER_NOT_UTF8');
  t.equal(codeOf(() => parseIdentifier('88.1/\ud83d\ude00')), 'OK', 'a paired surrogate is fine');
});

t.test('structure: slash, empty prefix and suffix, dots', async (t) => {
  const cases: [string, ErrorCode][] = [
    ['', 'IDENTIFIER_MISSING_SLASH'],
    ['88.123', 'IDENTIFIER_MISSING_SLASH'],
    ['88.123\\abc', 'IDENTIFIER_MISSING_SLASH'],
    ['/', 'IDENTIFIER_EMPTY_PREFIX'],
    ['/abc', 'IDENTIFIER_EMPTY_PREFIX'],
    ['//abc', 'IDENTIFIER_EMPTY_PREFIX'],
    ['88.123/', 'IDENTIFIER_EMPTY_SUFFIX'],
    ['.88/x', 'PREFIX_LEADING_DOT'],
    ['./x', 'PREFIX_LEADING_DOT'],
    ['../x', 'PREFIX_LEADING_DOT'],
    ['.88..1./x', 'PREFIX_LEADING_DOT'],
    ['88./x', 'PREFIX_TRAILING_DOT'],
    ['88..1./x', 'PREFIX_TRAILING_DOT'],
    ['88..1/x', 'PREFIX_EMPTY_SEGMENT'],
    ['88.1...2/x', 'PREFIX_EMPTY_SEGMENT'],
    ['88 1/x', 'PREFIX_INVALID_CHARACTER'],
    ['88:1/x', 'PREFIX_INVALID_CHARACTER'],
    ['88.é/x', 'PREFIX_INVALID_CHARACTER'],
    ['88.中/x', 'PREFIX_INVALID_CHARACTER'],
    ['88.1+2/x', 'PREFIX_INVALID_CHARACTER'],
    ['88.*/x', 'PREFIX_INVALID_CHARACTER'],
    ['８８/x', 'PREFIX_INVALID_CHARACTER'],
  ];
  for (const [input, code] of cases) t.equal(codeOf(() => parseIdentifier(input)), code, show(input));
  t.match(errorOf(() => parseIdentifier('88.123')).message, '"88.123"', 'the message quotes the input');
  t.match(errorOf(() => parseIdentifier('88..1/x')).message, '"88..1"');
  t.match(errorOf(() => parseIdentifier('88.1+2/x')).message, '"1+2"', 'the message names the bad segment');

  const prefixCases: [string, ErrorCode][] = [
    ['', 'IDENTIFIER_EMPTY_PREFIX'],
    ['.', 'PREFIX_LEADING_DOT'],
    ['.88', 'PREFIX_LEADING_DOT'],
    ['88.', 'PREFIX_TRAILING_DOT'],
    ['88..1', 'PREFIX_EMPTY_SEGMENT'],
    ['88/1', 'PREFIX_INVALID_CHARACTER'],
    ['88 ', 'PREFIX_INVALID_CHARACTER'],
  ];
  for (const [input, code] of prefixCases) t.equal(codeOf(() => normalisePrefix(input)), code, `prefix ${show(input)}`);
});

t.test('generated invalid identifiers each give the code of the rule they break', async (t) => {
  const rand = prng(0xbad1d);
  const failures: string[] = [];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const insertAt = (text: string, piece: string): string => {
    const units = Array.from(text); // code points, so a surrogate pair is never split
    const at = Math.floor(rand() * (units.length + 1));
    units.splice(at, 0, piece);
    return units.join('');
  };
  const badPrefixChars = [' ', '!', '@', '#', ':', ',', '+', '*', '~', 'é', 'ß', '中', '😀', '\\', '%', '='];
  const mutations: ((prefix: string, suffix: string) => [string, ErrorCode])[] = [
    (p, s) => [`${p}/${insertAt(s, String.fromCodePoint(pick(CONTROL_CODE_POINTS)))}`, 'IDENTIFIER_CONTROL_CHARACTER'],
    (p, s) => [`${insertAt(p, String.fromCodePoint(pick(CONTROL_CODE_POINTS)))}/${s}`, 'IDENTIFIER_CONTROL_CHARACTER'],
    (p, s) => [`${p}/${insertAt(s, pick(['\ud800', '\udbff', '\udc00', '\udfff']))}`, 'IDENTIFIER_NOT_UTF8'],
    (p, s) => [`${insertAt(p, pick(['\ud800', '\udfff']))}/${s}`, 'IDENTIFIER_NOT_UTF8'],
    (p, s) => [`${p}${s.replaceAll('/', '')}`, 'IDENTIFIER_MISSING_SLASH'],
    (_p, s) => [`/${s}`, 'IDENTIFIER_EMPTY_PREFIX'],
    (p) => [`${p}/`, 'IDENTIFIER_EMPTY_SUFFIX'],
    (p, s) => [`.${p}/${s}`, 'PREFIX_LEADING_DOT'],
    (p, s) => [`${p}./${s}`, 'PREFIX_TRAILING_DOT'],
    (p, s) => [`${p}..${p}/${s}`, 'PREFIX_EMPTY_SEGMENT'],
    (p, s) => [`${insertAt(p, pick(badPrefixChars))}/${s}`, 'PREFIX_INVALID_CHARACTER'],
    (p, s) => [`${p}.${'Q'.repeat(MAX_PREFIX_BYTES)}/${s}`, 'PREFIX_TOO_LONG'],
    (p, s) => [`${p}/${s}${'x'.repeat(MAX_IDENTIFIER_BYTES)}`, 'IDENTIFIER_TOO_LONG'],
  ];
  const counts = new Map<number, number>();
  const n = 6500;
  for (let k = 0; k < n; k++) {
    // Short enough that one mutation cannot push a part past its length limit by accident.
    const prefix = randomPrefix(rand, 20);
    const suffix = randomSuffix(rand, 60);
    const mutation = k % mutations.length;
    const [input, expected] = mutations[mutation]!(prefix, suffix);
    const code = codeOf(() => parseIdentifier(input));
    if (code !== expected) failures.push(`${show(input)}: expected ${expected}, got ${code}`);
    counts.set(mutation, (counts.get(mutation) ?? 0) + 1);
  }
  t.strictSame(failures, [], `${n} generated invalid identifiers`);
  t.equal(counts.size, mutations.length, 'every mutation ran');
  for (const [mutation, count] of counts) t.ok(count >= 400, `mutation ${mutation}: ${count} cases`);
});

t.test('isUnderPrefix', async (t) => {
  t.ok(isUnderPrefix('88.999', '88.999'), 'a prefix is under itself');
  t.ok(isUnderPrefix('88.999.1', '88.999'));
  t.ok(isUnderPrefix('88.999.1.2', '88.999'));
  t.ok(isUnderPrefix('88.999.1', '88'));
  t.notOk(isUnderPrefix('88.9991', '88.999'), 'a longer segment is not a child');
  t.notOk(isUnderPrefix('88.99', '88.999'));
  t.notOk(isUnderPrefix('88', '88.999'), 'a parent is not under its child');
  t.notOk(isUnderPrefix('89.999.1', '88.999'));
  t.notOk(isUnderPrefix('88.999_1', '88.999'));
  t.notOk(isUnderPrefix('88.999-1', '88.999'));
  t.notOk(isUnderPrefix('X88.999.1', '88.999'));

  const rand = prng(0x5eed);
  const failures: string[] = [];
  const n = 2000;
  for (let k = 0; k < n; k++) {
    const parent = randomPrefix(rand, 30).toUpperCase();
    const tail = randomPrefix(rand, 30).toUpperCase();
    const checks: [string, boolean][] = [
      [parent, true],
      [`${parent}.${tail}`, true],
      [`${parent}${tail}`, false],
      [`${parent}-${tail}`, false],
      [`${tail}.${parent}`, tail === parent || `${tail}.${parent}`.startsWith(`${parent}.`)],
    ];
    if (parent.includes('.')) checks.push([parent.slice(0, parent.lastIndexOf('.')), false]);
    for (const [prefix, expected] of checks) {
      if (isUnderPrefix(prefix, parent) !== expected) failures.push(`${prefix} under ${parent}: expected ${expected}`);
    }
  }
  t.strictSame(failures, [], `${n} generated prefix pairs`);
});
