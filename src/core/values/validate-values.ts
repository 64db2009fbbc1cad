import { IdnodeError, type ErrorCode } from '../errors/catalogue.js';
import { parseIdentifier } from '../identifier/identifier.js';
import { describeInput } from './describe-input.js';
import {
  DEFAULT_PERMISSIONS,
  DEFAULT_TTL_SECONDS,
  INDEX_HS_ADMIN,
  INDEX_IDENTITY_KEY,
  INDEX_TEMPLATE_REFERENCE,
  MAX_INDEX,
  SECRET_KEY_PERMISSIONS,
  TYPE_HS_ADMIN,
  TYPE_SECRET_KEY,
  wireTimestamp,
  type HandleValue,
  type ValueData,
  type ValueReference,
} from './handle-value.js';

export interface ValidateValuesOptions {
  /** Now, in epoch milliseconds: becomes every value's timestamp (a client-sent timestamp is ignored). */
  readonly nowMs: number;
  /** Most values one request may carry. */
  readonly maxValues: number;
  /** Most bytes of UTF-8 one value's data may take (see checkSize for how admin data is measured). */
  readonly maxDataBytes: number;
}

const MAX_TYPE_BYTES = 255;
const MAX_TTL = 2147483647;
const ADMIN_PERMISSION_DIGITS = 12;
const VALUE_PERMISSION_DIGITS = 4;
const TYPE_PUBLIC_KEY = 'HS_PUBKEY';
const NO_REFERENCES: readonly ValueReference[] = Object.freeze([]);
/** Up to this many values, duplicates are found by a linear scan (no Map allocated). */
const LINEAR_SCAN_LIMIT = 16;

// Same set as identifiers: C0 controls, DEL, C1 controls. Compiled once, at module load.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Validates the values of one write (the decoded JSON array of HANDLE.NET REST values) and returns them
 * normalised, sorted by index, with every default filled in and the timestamp set to options.nowMs.
 *
 * Accepted leniencies, because HANDLE.NET clients send them: `index` (and admin/reference `index`) as a
 * string of digits; `data` as a bare string (format string); unknown extra fields (`ttlType`, a client
 * `timestamp`, ...) are ignored. Hex data is lower-cased; admin and reference handles are normalised.
 * base64 data must be canonical: standard alphabet, padded to a multiple of 4, zero unused bits.
 *
 * Throws IdnodeError (VALUES_* / VALUE_*) for the first problem found, checking values in input order and,
 * within a value, index, type, reserved index, data, ttl, permissions, references. The message names the
 * field as `values[i].field` (i = position in the input) and quotes the bad input.
 */
export function validateValues(input: unknown, options: ValidateValuesOptions): HandleValue[] {
  if (!Array.isArray(input) || input.length === 0) {
    throw new IdnodeError('VALUES_MISSING', `values must be a non-empty array of values, got ${describeInput(input)}`);
  }
  if (input.length > options.maxValues) {
    throw new IdnodeError('VALUES_TOO_MANY', `values holds ${input.length} values; the limit is ${options.maxValues}`);
  }
  const timestamp = timestampFor(options.nowMs);
  const maxDataBytes = options.maxDataBytes;
  const positionOfIndex = input.length > LINEAR_SCAN_LIMIT ? new Map<number, number>() : undefined;
  const values: HandleValue[] = [];
  let sorted = true;
  for (let i = 0; i < input.length; i++) {
    const raw: unknown = input[i];
    if (!isRecord(raw)) throw new IdnodeError('VALUE_NOT_OBJECT', `values[${i}] must be an object, got ${describeInput(raw)}`);

    const index = readIndex(raw['index']);
    if (index < 0) throw invalidIndex('VALUE_INDEX_INVALID', `values[${i}].index`, raw['index']);
    if (index === INDEX_TEMPLATE_REFERENCE) {
      throw new IdnodeError(
        'VALUE_INDEX_RESERVED',
        `values[${i}].index 1001 is reserved for the metadata-template reference, which only the server writes`,
      );
    }
    const earlier = positionOfIndex === undefined ? linearPosition(values, index) : positionOfIndex.get(index);
    if (earlier !== undefined) {
      throw new IdnodeError('VALUE_INDEX_DUPLICATE', `values[${i}].index ${index} is already used by values[${earlier}]`);
    }
    positionOfIndex?.set(index, i);

    const type = parseType(raw['type'], i);
    if (index === INDEX_HS_ADMIN && type !== TYPE_HS_ADMIN) {
      throw new IdnodeError('VALUE_INDEX_RESERVED', `values[${i}].type must be HS_ADMIN at the reserved index 100, got ${describeInput(type)}`);
    }
    if (index === INDEX_IDENTITY_KEY && type !== TYPE_SECRET_KEY && type !== TYPE_PUBLIC_KEY) {
      throw new IdnodeError(
        'VALUE_INDEX_RESERVED',
        `values[${i}].type must be HS_SECKEY or HS_PUBKEY at the reserved index 300, got ${describeInput(type)}`,
      );
    }
    // Object literal fields are evaluated in order, which fixes the order in which problems are reported.
    const value: HandleValue = {
      index,
      type,
      data: parseData(raw['data'], i, type, maxDataBytes),
      ttl: parseTtl(raw['ttl'], i),
      timestamp,
      permissions: parsePermissions(raw['permissions'], i, type),
      references: parseReferences(raw['references'], i),
    };
    if (i > 0 && index < values[i - 1]!.index) sorted = false;
    values.push(value);
  }
  return sorted ? values : values.sort(byIndex);
}

/** Input position of the value holding `index`, or undefined. `values` is in input order. */
function linearPosition(values: readonly HandleValue[], index: number): number | undefined {
  for (let k = 0; k < values.length; k++) if (values[k]!.index === index) return k;
  return undefined;
}

// wireTimestamp costs about a microsecond (Date formatting); writes arrive many per second, so the text
// of the last second seen is kept.
let memoSecond = Number.NaN;
let memoTimestamp = '';
function timestampFor(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== memoSecond) {
    memoTimestamp = wireTimestamp(nowMs);
    memoSecond = second;
  }
  return memoTimestamp;
}

function byIndex(a: HandleValue, b: HandleValue): number {
  return a.index - b.index;
}

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

// Field names (`values[2].data.value`) are built only when an error is thrown: this runs on every write.

/** An integer 1..MAX_INDEX given as a JSON number or a string of ASCII digits; -1 for anything else. */
function readIndex(raw: unknown): number {
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 1 && raw <= MAX_INDEX ? raw : -1;
  if (typeof raw !== 'string' || raw.length === 0) return -1;
  let n = 0;
  for (let k = 0; k < raw.length; k++) {
    const digit = raw.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
    if (n > MAX_INDEX) return -1;
  }
  return n >= 1 ? n : -1;
}

function invalidIndex(code: ErrorCode, field: string, raw: unknown): IdnodeError {
  return new IdnodeError(code, `${field} must be an integer from 1 to ${MAX_INDEX}, got ${describeInput(raw)}`);
}

function parseType(raw: unknown, i: number): string {
  if (typeof raw !== 'string' || raw.length === 0) {
    throw new IdnodeError('VALUE_TYPE_INVALID', `values[${i}].type must be a non-empty string, got ${describeInput(raw)}`);
  }
  if (!raw.isWellFormed()) {
    throw new IdnodeError('VALUE_TYPE_INVALID', `values[${i}].type is not valid UTF-8 (it holds an unpaired surrogate), got ${describeInput(raw)}`);
  }
  // A UTF-16 unit is at most 3 bytes of UTF-8, so short types skip the byte count.
  if (raw.length * 3 > MAX_TYPE_BYTES) {
    const bytes = Buffer.byteLength(raw, 'utf8');
    if (bytes > MAX_TYPE_BYTES) {
      throw new IdnodeError('VALUE_TYPE_INVALID', `values[${i}].type is ${bytes} bytes of UTF-8; the limit is ${MAX_TYPE_BYTES}, got ${describeInput(raw)}`);
    }
  }
  if (CONTROL_CHARACTER.test(raw)) {
    throw new IdnodeError('VALUE_TYPE_INVALID', `values[${i}].type must not contain control characters, got ${describeInput(raw)}`);
  }
  return raw;
}

function parseData(raw: unknown, i: number, type: string, maxDataBytes: number): ValueData {
  let format: unknown;
  let value: unknown;
  let bare = false;
  if (typeof raw === 'string') {
    format = 'string';
    value = raw;
    bare = true;
  } else if (isRecord(raw)) {
    format = raw['format'];
    value = raw['value'];
  } else {
    throw new IdnodeError('VALUE_DATA_INVALID', `values[${i}].data must be a string or an object {format, value}, got ${describeInput(raw)}`);
  }
  if (format !== 'string' && format !== 'base64' && format !== 'hex' && format !== 'admin') {
    throw new IdnodeError('VALUE_FORMAT_UNKNOWN', `values[${i}].data.format must be one of string, base64, hex, admin, got ${describeInput(format)}`);
  }
  if (type === TYPE_HS_ADMIN && format !== 'admin') {
    throw new IdnodeError('VALUE_DATA_INVALID', `values[${i}].data.format must be admin for type HS_ADMIN, got ${describeInput(format)}`);
  }
  if (format === 'admin') {
    if (type !== TYPE_HS_ADMIN) {
      throw new IdnodeError('VALUE_DATA_INVALID', `values[${i}].data.format admin is allowed only for type HS_ADMIN, not for type ${describeInput(type)}`);
    }
    const admin = parseAdmin(value, i);
    checkSize(Buffer.byteLength(admin.handle, 'utf8') + String(admin.index).length + ADMIN_PERMISSION_DIGITS, i, false, maxDataBytes);
    return { format, value: admin };
  }

  // A secret key's data is the secret: no error message quotes it, or any part of it.
  const secret = type === TYPE_SECRET_KEY;
  if (typeof value !== 'string') {
    throw new IdnodeError('VALUE_DATA_INVALID', `values[${i}].data.value must be a string for format ${format}, got ${quoteData(value, secret)}`);
  }
  // Size first, so a huge value is refused without being scanned. A UTF-16 unit is 1..3 bytes of UTF-8.
  if (value.length * 3 > maxDataBytes) checkSize(Buffer.byteLength(value, 'utf8'), i, bare, maxDataBytes);

  if (format === 'string') {
    if (!value.isWellFormed()) {
      throw new IdnodeError('VALUE_DATA_INVALID', `${dataField(i, bare)} is not valid UTF-8 (it holds an unpaired surrogate), got ${quoteData(value, secret)}`);
    }
    return { format, value };
  }
  if (format === 'hex') {
    const bad = invalidHexPosition(value);
    if (bad >= 0) {
      const problem = secret ? 'it is not' : hexProblem(value, bad);
      throw new IdnodeError('VALUE_DATA_INVALID', `values[${i}].data.value must be an even number of hex digits (${problem}), got ${quoteData(value, secret)}`);
    }
    return { format, value: value.toLowerCase() };
  }
  const problem = base64Problem(value);
  if (problem !== undefined) {
    throw new IdnodeError('VALUE_DATA_INVALID', `values[${i}].data.value must be canonical padded base64 (${secret ? 'it is not' : problem}), got ${quoteData(value, secret)}`);
  }
  return { format, value };
}

/** The data as an error message quotes it: never a secret key's, or any part of it. */
function quoteData(value: unknown, secret: boolean): string {
  return secret ? 'the secret key (not shown)' : describeInput(value);
}

/** `values[i].data` for bare-string data, else `values[i].data.value`. */
function dataField(i: number, bare: boolean): string {
  return bare ? `values[${i}].data` : `values[${i}].data.value`;
}

/**
 * The data size is the UTF-8 length of the value text; for admin data, of its handle plus the decimal
 * index plus the 12 permission digits (admin data can only exceed a very small limit).
 */
function checkSize(bytes: number, i: number, bare: boolean, maxDataBytes: number): void {
  if (bytes > maxDataBytes) {
    throw new IdnodeError('VALUE_DATA_TOO_LARGE', `${dataField(i, bare)} is ${bytes} bytes of UTF-8; the limit is ${maxDataBytes}`);
  }
}

function parseAdmin(raw: unknown, i: number): { handle: string; index: number; permissions: string } {
  if (!isRecord(raw)) {
    throw new IdnodeError('VALUE_DATA_INVALID', `values[${i}].data.value must be an object {handle, index, permissions}, got ${describeInput(raw)}`);
  }
  const handle = readHandle(raw['handle']);
  if (typeof handle !== 'string') throw invalidHandle('VALUE_DATA_INVALID', `values[${i}].data.value.handle`, raw['handle'], handle);
  const index = readIndex(raw['index']);
  if (index < 0) throw invalidIndex('VALUE_DATA_INVALID', `values[${i}].data.value.index`, raw['index']);
  const permissions = raw['permissions'];
  if (!isBinaryDigits(permissions, ADMIN_PERMISSION_DIGITS)) {
    throw new IdnodeError('VALUE_DATA_INVALID', `values[${i}].data.value.permissions must be exactly 12 binary digits, got ${describeInput(permissions)}`);
  }
  return { handle, index, permissions };
}

/** The normalised handle, or the reason it is not one (undefined: not a string at all). */
function readHandle(raw: unknown): string | IdnodeError | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return parseIdentifier(raw).handle;
  } catch (error) {
    return error as IdnodeError; // parseIdentifier throws IdnodeError only
  }
}

function invalidHandle(code: ErrorCode, field: string, raw: unknown, reason: IdnodeError | undefined): IdnodeError {
  if (reason === undefined) return new IdnodeError(code, `${field} must be an identifier string, got ${describeInput(raw)}`);
  return new IdnodeError(code, `${field} is not a valid identifier (${reason.message}), got ${describeInput(raw)}`, { cause: reason });
}

function parseTtl(raw: unknown, i: number): number {
  if (raw === undefined) return DEFAULT_TTL_SECONDS;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_TTL) return raw | 0; // | 0 turns -0 into 0
  throw new IdnodeError('VALUE_TTL_INVALID', `values[${i}].ttl must be an integer number of seconds from 0 to ${MAX_TTL}, got ${describeInput(raw)}`);
}

function parsePermissions(raw: unknown, i: number, type: string): string {
  const secret = type === TYPE_SECRET_KEY;
  if (raw === undefined) return secret ? SECRET_KEY_PERMISSIONS : DEFAULT_PERMISSIONS;
  if (!isBinaryDigits(raw, VALUE_PERMISSION_DIGITS)) {
    throw new IdnodeError(
      'VALUE_PERMISSIONS_INVALID',
      `values[${i}].permissions must be 4 binary digits (adminRead adminWrite publicRead publicWrite), got ${describeInput(raw)}`,
    );
  }
  if (secret && raw.charCodeAt(2) === 49) {
    throw new IdnodeError('VALUE_PERMISSIONS_INVALID', `values[${i}].permissions must not set publicRead on an HS_SECKEY value, got ${describeInput(raw)}`);
  }
  return raw;
}

function parseReferences(raw: unknown, i: number): readonly ValueReference[] {
  if (raw === undefined) return NO_REFERENCES;
  if (!Array.isArray(raw)) {
    throw new IdnodeError('VALUE_REFERENCES_INVALID', `values[${i}].references must be an array of {handle, index}, got ${describeInput(raw)}`);
  }
  if (raw.length === 0) return NO_REFERENCES;
  const references: ValueReference[] = [];
  for (let r = 0; r < raw.length; r++) {
    const item: unknown = raw[r];
    if (!isRecord(item)) {
      throw new IdnodeError('VALUE_REFERENCES_INVALID', `values[${i}].references[${r}] must be an object {handle, index}, got ${describeInput(item)}`);
    }
    const handle = readHandle(item['handle']);
    if (typeof handle !== 'string') {
      throw invalidHandle('VALUE_REFERENCES_INVALID', `values[${i}].references[${r}].handle`, item['handle'], handle);
    }
    const index = readIndex(item['index']);
    if (index < 0) throw invalidIndex('VALUE_REFERENCES_INVALID', `values[${i}].references[${r}].index`, item['index']);
    references.push({ handle, index });
  }
  return references;
}

function isBinaryDigits(raw: unknown, length: number): raw is string {
  if (typeof raw !== 'string' || raw.length !== length) return false;
  for (let k = 0; k < length; k++) {
    const c = raw.charCodeAt(k);
    if (c !== 48 && c !== 49) return false;
  }
  return true;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Position of the first non-hex character; `value.length` when the length is odd; -1 when valid. */
function invalidHexPosition(value: string): number {
  for (let k = 0; k < value.length; k++) if (!isHexDigit(value.charCodeAt(k))) return k;
  return value.length % 2 === 0 ? -1 : value.length;
}

function hexProblem(value: string, position: number): string {
  return position === value.length ? `odd length ${value.length}` : `character ${describeInput(value[position])} at position ${position}`;
}

/** base64 alphabet value of a character code, or -1 ('=' is not in the alphabet). */
function base64Digit(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 43) return 62;
  if (c === 47) return 63;
  return -1;
}

/**
 * Why `value` is not canonical base64 (RFC 4648 §4, padded, §3.5 zero pad bits), or undefined when it is.
 * Canonical form is required so that one byte string has one stored text and bytes round-trip exactly.
 */
function base64Problem(value: string): string | undefined {
  const length = value.length;
  if (length % 4 !== 0) return `length ${length} is not a multiple of 4`;
  if (length === 0) return undefined;
  const padding = value.charCodeAt(length - 1) !== 61 ? 0 : value.charCodeAt(length - 2) === 61 ? 2 : 1;
  const end = length - padding;
  for (let k = 0; k < end; k++) {
    if (base64Digit(value.charCodeAt(k)) < 0) return `character ${describeInput(value[k])} at position ${k}`;
  }
  const last = base64Digit(value.charCodeAt(end - 1));
  // One pad char: the last digit carries 2 unused bits; two pad chars: 4 unused bits.
  if ((padding === 1 && (last & 0b11) !== 0) || (padding === 2 && (last & 0b1111) !== 0)) {
    return 'the bits after the last byte are not zero';
  }
  return undefined;
}
