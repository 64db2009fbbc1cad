import { accessSync, constants, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { isIdnodeError } from '../core/errors/catalogue.js';
import { isUnderPrefix, normalisePrefix } from '../core/identifier/identifier.js';
import { redactDatabaseUrl } from './config.js';

/** What a setting holds; each kind knows how to read it from text (environment, flags) and from JSON. */
export type SettingKind =
  | { readonly type: 'integer'; readonly min: number; readonly max: number }
  /** A front end's listening port: 0 to 65535 (0: the OS picks one), or "off" (the front end does not start). */
  | { readonly type: 'port' }
  | { readonly type: 'boolean' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'host' }
  | { readonly type: 'path' }
  | { readonly type: 'readable-file' }
  | { readonly type: 'prefixes' }
  | { readonly type: 'time-zone' }
  | { readonly type: 'database-url' }
  /** A PostgreSQL schema name that needs no quoting anywhere (psql, pg_dump -n, search_path). */
  | { readonly type: 'schema-name' }
  | { readonly type: 'instant' }
  | { readonly type: 'rate'; readonly max: number }
  | { readonly type: 'policy-id' }
  /** An http:// or https:// URL (a base URL: no query or fragment). */
  | { readonly type: 'url' }
  /** Non-empty text without control characters. */
  | { readonly type: 'text' };

/**
 * A setting as one source gave it: text (an environment variable or a flag), a JSON value (the config
 * file), or a list (a repeated flag).
 */
export type RawValue =
  | { readonly form: 'text'; readonly text: string }
  | { readonly form: 'json'; readonly value: unknown }
  | { readonly form: 'list'; readonly items: readonly string[] };

/** `problem` completes the sentence "<setting> (from <source>) …", e.g. `must be …, got "abc"`. */
export type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

/** Relative paths are resolved against `baseDir` (the config file's directory, or the working directory). */
export function parseValue(kind: SettingKind, raw: RawValue, baseDir: string): Parsed {
  switch (kind.type) {
    case 'integer':
      return parseInteger(kind.min, kind.max, raw);
    case 'port':
      return scalarText(raw) === PORT_OFF ? ok(PORT_OFF) : parseInteger(0, 65535, raw);
    case 'boolean':
      return parseBoolean(raw);
    case 'enum': {
      const text = scalarText(raw);
      if (text !== undefined && kind.values.includes(text)) return ok(text);
      return fail(`must be one of ${kind.values.map((value) => `"${value}"`).join(', ')}`, raw);
    }
    case 'host': {
      const text = scalarText(raw);
      if (text !== undefined && (isIP(text) !== 0 || HOST_NAME.test(text))) return ok(text);
      return fail('must be an IP address or a host name', raw);
    }
    case 'path': {
      const text = scalarText(raw);
      if (text === undefined || text.length === 0 || text.includes('\0')) return fail('must be a non-empty path', raw);
      return ok(resolve(baseDir, text));
    }
    case 'readable-file':
      return parseReadableFile(raw, baseDir);
    case 'prefixes':
      return parsePrefixes(raw);
    case 'time-zone': {
      const text = scalarText(raw);
      if (text !== undefined && text.length > 0 && isTimeZone(text)) return ok(text);
      return fail('must be an IANA time zone such as "Asia/Shanghai" or "UTC"', raw);
    }
    case 'database-url':
      return parseDatabaseUrl(raw);
    case 'instant':
      return parseInstant(raw);
    case 'rate': {
      const text = raw.form === 'json' && typeof raw.value === 'number' ? String(raw.value) : scalarText(raw);
      const rate = text !== undefined && /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : Number.NaN;
      if (rate > 0 && rate <= kind.max) return ok(rate);
      return fail(`must be a number above 0 and at most ${kind.max} (how many times faster than real time)`, raw);
    }
    case 'url': {
      const text = scalarText(raw);
      let url: URL | undefined;
      try {
        url = text === undefined ? undefined : new URL(text);
      } catch {
        url = undefined;
      }
      if (url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '') return ok(text!.replace(/\/+$/, ''));
      return fail('must be an http:// or https:// base URL such as "http://127.0.0.1:9000"', raw);
    }
    case 'text': {
      const text = scalarText(raw);
      if (text !== undefined && text.length > 0 && !/[\u0000-\u001f\u007f]/.test(text)) return ok(text);
      return fail('must be non-empty text without control characters', raw);
    }
    case 'schema-name': {
      const text = scalarText(raw);
      if (text !== undefined && SCHEMA_NAME.test(text) && !text.startsWith('pg_')) return ok(text);
      return fail('must be a PostgreSQL schema name: 1 to 63 lower-case letters, digits and "_", starting with a letter or "_", not starting with "pg_" (reserved)', raw);
    }
    case 'policy-id': {
      const text = scalarText(raw);
      if (text !== undefined && /^[a-z0-9][a-z0-9-]{0,63}$/.test(text)) return ok(text);
      return fail('must be a policy id (lower-case letters, digits and "-", the name of its file without .json)', raw);
    }
  }
}

// Unquoted PostgreSQL identifiers fold to lower case; allowing only these keeps the name the same in every tool.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The value of a port setting that turns its front end off. */
export const PORT_OFF = 'off';

// A full date and time with seconds and an explicit offset (Z or ±hh:mm): an instant, not a wall-clock time.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 instant as epoch ms. */
function parseInstant(raw: RawValue): Parsed {
  const text = scalarText(raw);
  const ms = text !== undefined && INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isFinite(ms)) return ok(ms);
  return fail('must be an ISO-8601 instant with its offset, such as "2024-01-01T00:00:00+08:00" or "2024-06-30T16:00:00Z"', raw);
}

// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function parseInteger(min: number, max: number, raw: RawValue): Parsed {
  let value: number | undefined;
  if (raw.form === 'text' && /^-?[0-9]+$/.test(raw.text)) value = Number(raw.text);
  if (raw.form === 'json' && typeof raw.value === 'number' && Number.isInteger(raw.value)) value = raw.value;
  if (value !== undefined && value >= min && value <= max) return ok(value);
  return fail(`must be an integer from ${min} to ${max}`, raw);
}

function parseBoolean(raw: RawValue): Parsed {
  if (raw.form === 'json' && typeof raw.value === 'boolean') return ok(raw.value);
  if (raw.form === 'text') {
    if (raw.text === 'true' || raw.text === '1') return ok(true);
    if (raw.text === 'false' || raw.text === '0') return ok(false);
    return fail('must be "true" or "false" (or 1 or 0)', raw);
  }
  return fail('must be true or false', raw);
}

function parseReadableFile(raw: RawValue, baseDir: string): Parsed {
  const text = scalarText(raw);
  if (text === undefined || text.length === 0 || text.includes('\0')) return fail('must be the path of a readable file', raw);
  const file = resolve(baseDir, text);
  try {
    if (!statSync(file).isFile()) return { ok: false, problem: `must be the path of a readable file, but ${file} is not a regular file` };
    accessSync(file, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`;
    return { ok: false, problem: `must be the path of a readable file, but ${file} ${reason}` };
  }
  return ok(file);
}

function parsePrefixes(raw: RawValue): Parsed {
  let items: readonly unknown[];
  if (raw.form === 'text') items = raw.text.split(',').map((item) => item.trim());
  else if (raw.form === 'list') items = raw.items;
  else if (Array.isArray(raw.value)) items = raw.value;
  else return fail('must be a list of prefixes such as ["88.123"]', raw);
  if (items.length === 0) return fail('must name at least one prefix', raw);
  const prefixes: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return { ok: false, problem: `must be a list of prefixes, but holds ${show(item)}` };
    let prefix: string;
    try {
      prefix = normalisePrefix(item);
    } catch (error) {
      if (!isIdnodeError(error)) throw error;
      return { ok: false, problem: `must list valid prefixes, but ${show(item)} is not one: ${error.message}` };
    }
    const related = prefixes.find((other) => isUnderPrefix(prefix, other) || isUnderPrefix(other, prefix));
    if (related === prefix) return { ok: false, problem: `lists ${prefix} twice` };
    if (related !== undefined) return { ok: false, problem: `lists both ${related} and ${prefix}, one inside the other; home only the outer one` };
    prefixes.push(prefix);
  }
  return ok(prefixes);
}

function parseDatabaseUrl(raw: RawValue): Parsed {
  const text = scalarText(raw);
  const expected = 'must be a postgres:// or postgresql:// URL';
  if (text === undefined) return fail(expected, raw);
  const redacted = redactDatabaseUrl(text);
  // The URL usually holds a password, so only its redacted form is ever echoed.
  if (redacted === undefined) return { ok: false, problem: `${expected} (the value given does not parse as a URL; not shown, it may hold a password)` };
  const protocol = new URL(text).protocol;
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') return { ok: false, problem: `${expected}, got "${redacted}"` };
  return ok(text);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function scalarText(raw: RawValue): string | undefined {
  if (raw.form === 'text') return raw.text;
  if (raw.form === 'json' && typeof raw.value === 'string') return raw.value;
  return undefined;
}

function ok(value: unknown): Parsed {
  return { ok: true, value };
}

function fail(expectation: string, raw: RawValue): Parsed {
  const given = raw.form === 'text' ? raw.text : raw.form === 'json' ? raw.value : raw.items;
  return { ok: false, problem: `${expectation}, got ${show(given)}` };
}

/** A short rendering of a given value for messages: strings quoted, other JSON as JSON, cut at 80 characters. */
export function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The largest value an integer setting may take where only the platform bounds it (timers, counts). */
export const MAX_INT32 = 2_147_483_647;
