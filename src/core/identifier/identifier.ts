import { IdnodeError } from '../errors/catalogue.js';

/** Limits of docs/design.md §1, in bytes of UTF-8. */
export const MAX_IDENTIFIER_BYTES = 255;
export const MAX_PREFIX_BYTES = 64;

/** A parsed, normalised identifier. `handle` is the canonical text: two identifiers are the same iff their `handle`s are equal. */
export interface Identifier {
  readonly prefix: string;
  readonly suffix: string;
  readonly handle: string;
}

// C0 controls, DEL and the C1 controls: never part of an identifier.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const PREFIX_SEGMENT = /^[A-Za-z0-9_-]+$/;
// Fast paths for the common case (this runs on every request): a prefix that is already valid needs none
// of the rule-by-rule checks below, which run only to name the rule a bad prefix breaks.
const NORMALISED_PREFIX = /^[A-Z0-9_-]+(?:\.[A-Z0-9_-]+)*$/;
const VALID_PREFIX = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/**
 * Parses and normalises `<prefix>/<suffix>`. The prefix's ASCII letters are upper-cased; the suffix is
 * kept byte for byte (it may itself contain "/", "." or ":"). Throws IdnodeError with the code of the
 * first rule broken (IDENTIFIER_* or PREFIX_*); never returns a partial result.
 */
export function parseIdentifier(input: string): Identifier {
  if (!input.isWellFormed()) {
    throw new IdnodeError('IDENTIFIER_NOT_UTF8', 'identifier is not valid UTF-8 (it holds an unpaired surrogate)');
  }
  // A UTF-16 code unit is at most 3 bytes of UTF-8, so short inputs need no byte count.
  const bytes = input.length * 3 <= MAX_IDENTIFIER_BYTES ? 0 : Buffer.byteLength(input, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) {
    throw new IdnodeError('IDENTIFIER_TOO_LONG', `identifier is ${bytes} bytes of UTF-8; the limit is ${MAX_IDENTIFIER_BYTES}`);
  }
  const control = CONTROL_CHARACTER.exec(input);
  if (control) {
    const codePoint = control[0].codePointAt(0)!.toString(16).padStart(4, '0');
    throw new IdnodeError('IDENTIFIER_CONTROL_CHARACTER', `identifier contains the control character U+${codePoint.toUpperCase()} at position ${control.index}`);
  }
  const slash = input.indexOf('/');
  if (slash < 0) {
    throw new IdnodeError('IDENTIFIER_MISSING_SLASH', `identifier "${input}" has no "/" between prefix and suffix`);
  }
  if (slash === 0) throw new IdnodeError('IDENTIFIER_EMPTY_PREFIX', `identifier "${input}" has an empty prefix`);
  const suffix = input.slice(slash + 1);
  if (suffix.length === 0) throw new IdnodeError('IDENTIFIER_EMPTY_SUFFIX', `identifier "${input}" has an empty suffix`);
  const given = input.slice(0, slash);
  const prefix = normalisePrefix(given);
  // An identifier already in canonical form (the usual case) is its own handle: no new string to build.
  return { prefix, suffix, handle: prefix === given ? input : `${prefix}/${suffix}` };
}

/**
 * Validates and normalises a prefix on its own (`88.123.4567`, `0.NA`). Throws IdnodeError with a PREFIX_*
 * or IDENTIFIER_* code naming the rule broken.
 */
export function normalisePrefix(input: string): string {
  if (input.length <= MAX_PREFIX_BYTES) {
    if (NORMALISED_PREFIX.test(input)) return input;
    if (VALID_PREFIX.test(input)) return input.toUpperCase();
  }
  if (input.length === 0) throw new IdnodeError('IDENTIFIER_EMPTY_PREFIX', 'prefix is empty');
  if (!input.isWellFormed()) throw new IdnodeError('IDENTIFIER_NOT_UTF8', 'prefix is not valid UTF-8');
  const bytes = Buffer.byteLength(input, 'utf8');
  if (bytes > MAX_PREFIX_BYTES) {
    throw new IdnodeError('PREFIX_TOO_LONG', `prefix is ${bytes} bytes; the limit is ${MAX_PREFIX_BYTES}`);
  }
  if (input.startsWith('.')) throw new IdnodeError('PREFIX_LEADING_DOT', `prefix "${input}" starts with a dot`);
  if (input.endsWith('.')) throw new IdnodeError('PREFIX_TRAILING_DOT', `prefix "${input}" ends with a dot`);
  for (const segment of input.split('.')) {
    if (segment.length === 0) throw new IdnodeError('PREFIX_EMPTY_SEGMENT', `prefix "${input}" has an empty segment (two dots in a row)`);
    if (!PREFIX_SEGMENT.test(segment)) {
      throw new IdnodeError('PREFIX_INVALID_CHARACTER', `prefix segment "${segment}" may hold only A-Z, a-z, 0-9, "-" and "_"`);
    }
  }
  return input.toUpperCase();
}

/** True when `prefix` is `parent` itself or lies below it (`88.999.1` under `88.999`). Both normalised. */
export function isUnderPrefix(prefix: string, parent: string): boolean {
  return prefix === parent || (prefix.length > parent.length && prefix.startsWith(parent) && prefix.charCodeAt(parent.length) === 46);
}
