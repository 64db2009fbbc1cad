import { IdnodeError } from '../errors/catalogue.js';
import { isSearchableType, SEARCHABLE_TYPES, truncateKey } from './search-keys.js';

/** Most conditions one search may AND together. */
export const MAX_CONDITIONS = 8;
/** Longest pattern, in UTF-16 code units (a pattern is matched against one value). */
export const MAX_PATTERN_LENGTH = 1024;

/**
 * One condition of a search: a value of `type` whose whole data matches `pattern`, where "*" stands for any
 * text (also none) and every other character for itself, case and bytes exactly (there is no escape: "*" is
 * always a wildcard).
 */
export interface SearchCondition {
  readonly type: string;
  readonly pattern: string;
  /** The text before the first "*" (the whole pattern when it has none): the index range it reads. */
  readonly head: string;
  /** The pattern split at its "*"s. */
  readonly parts: readonly string[];
  /**
   * True when its index range can drive a search: a pattern starting with text (the range of that text), or
   * "*" alone (every value of the type matches, so every entry read is an answer).
   */
  readonly bounded: boolean;
}

/**
 * Validates the conditions of a search, in the caller's order. Throws IdnodeError:
 * SEARCH_QUERY_INVALID (no condition, more than MAX_CONDITIONS, an empty or over-long pattern, a pattern with
 * control characters), SEARCH_TYPE_NOT_INDEXED (a type whose values are not indexed), SEARCH_UNBOUNDED (every
 * pattern starts with "*" and has more after it: no condition can drive, see SearchCondition.bounded).
 */
export function parseConditions(pairs: readonly (readonly [type: string, pattern: string])[]): SearchCondition[] {
  if (pairs.length === 0) {
    throw new IdnodeError('SEARCH_QUERY_INVALID', `a search needs at least one condition TYPE=pattern (searchable types: ${SEARCHABLE_TYPES.join(', ')})`);
  }
  if (pairs.length > MAX_CONDITIONS) throw new IdnodeError('SEARCH_QUERY_INVALID', `a search has at most ${MAX_CONDITIONS} conditions, got ${pairs.length}`);
  const conditions = pairs.map(([type, pattern]) => {
    if (!isSearchableType(type)) {
      throw new IdnodeError('SEARCH_TYPE_NOT_INDEXED', `values of type "${type}" are not indexed for search; searchable types: ${SEARCHABLE_TYPES.join(', ')}`);
    }
    if (pattern.length === 0) throw new IdnodeError('SEARCH_QUERY_INVALID', `the pattern for ${type} is empty; use "*" to match any value`);
    if (pattern.length > MAX_PATTERN_LENGTH) throw new IdnodeError('SEARCH_QUERY_INVALID', `the pattern for ${type} is longer than ${MAX_PATTERN_LENGTH} characters`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(pattern)) throw new IdnodeError('SEARCH_QUERY_INVALID', `the pattern for ${type} contains a control character`);
    const parts = pattern.split('*');
    return { type, pattern, head: parts[0]!, parts, bounded: parts[0] !== '' || pattern === '*' };
  });
  if (conditions.every((condition) => !condition.bounded)) {
    throw new IdnodeError(
      'SEARCH_UNBOUNDED',
      `every pattern starts with "*" followed by more (${conditions.map((c) => `${c.type}=${c.pattern}`).join(', ')}): the index is read by the text before the first "*", so at least one pattern must start with some text (e.g. URL=https://example.com/*) or be "*" alone`,
    );
  }
  return conditions;
}

/** True when `text` matches the condition's pattern as a whole. */
export function matchesPattern(condition: SearchCondition, text: string): boolean {
  const { parts } = condition;
  if (parts.length === 1) return text === parts[0];
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const part = parts[k]!;
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/**
 * The index keys that can hold a value matching the condition: [from, to) in UTF-8 byte order, `to`
 * undefined when nothing bounds it above. Keys are truncated values (truncateKey), so the head is truncated
 * likewise; every key starting with it lies in the range.
 */
export function keyRange(condition: SearchCondition): { readonly from: string; readonly to: string | undefined } {
  const from = truncateKey(condition.head);
  return { from, to: successor(from) };
}

/**
 * The least string above every string starting with `text` in code point (= UTF-8 byte) order: its last code
 * point incremented (skipping the surrogate range), dropping trailing U+10FFFF. `undefined` when there is none.
 */
function successor(text: string): string | undefined {
  const points = Array.from(text);
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return points.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
  }
  return undefined;
}
