import { isNeverShown, type HandleValue } from '../values/handle-value.js';

/**
 * What the reverse-lookup index holds (docs/design.md §4, Reverse lookup): one entry (type, key, handle) per
 * value whose type is one of SEARCHABLE_TYPES, whose data is a string, and which may ever be shown
 * (isNeverShown: a secret key is never indexed). Every store derives its entries with searchEntriesOf, so
 * the three cannot disagree on what is indexed.
 *
 * Only the types clients search are indexed: every entry is one more B-tree insert on the registration
 * path, and the bulk path's identifiers carry an HS_ADMIN value and product fields no client searches by.
 */
export const SEARCHABLE_TYPES: readonly string[] = Object.freeze(['URL', 'EMAIL', 'CHECKSUM', 'DESC']);

/**
 * Longest key, in code points: a value's key is its first KEY_MAX_CHARS code points. A long DESC would
 * otherwise make a B-tree key of up to 64 KiB; a search checks every candidate against the whole value
 * anyway (src/core/search/search.ts), so a truncated key only widens the candidates of very long patterns.
 */
export const KEY_MAX_CHARS = 256;

const SEARCHABLE = new Set(SEARCHABLE_TYPES);

/** One entry of the index. Ordered by (type, key, handle) in UTF-8 byte order. */
export interface SearchEntry {
  readonly type: string;
  readonly key: string;
  readonly handle: string;
}

/** True when values of `type` are indexed (and so may be searched). */
export function isSearchableType(type: string): boolean {
  return SEARCHABLE.has(type);
}

/** The key `value` is indexed under, or `undefined` when it is not indexed. */
export function searchKeyOf(value: HandleValue): string | undefined {
  if (!SEARCHABLE.has(value.type) || value.data.format !== 'string' || isNeverShown(value)) return undefined;
  return truncateKey(value.data.value);
}

/** The first KEY_MAX_CHARS code points of `text` (never a lone surrogate half). */
export function truncateKey(text: string): string {
  if (text.length <= KEY_MAX_CHARS) return text;
  let units = 0;
  for (let chars = 0; chars < KEY_MAX_CHARS; chars++) units += text.codePointAt(units)! > 0xffff ? 2 : 1;
  return text.slice(0, units);
}

const NO_ENTRIES: readonly SearchEntry[] = Object.freeze([]);

/**
 * The distinct entries of one handle's values, in the values' order. On the bulk path, once per created
 * identifier: an identifier has a few searchable values at most, so duplicates are found by a linear look.
 */
export function searchEntriesOf(handle: string, values: readonly HandleValue[]): readonly SearchEntry[] {
  let entries: SearchEntry[] | undefined;
  for (const value of values) {
    const key = searchKeyOf(value);
    if (key === undefined) continue;
    if (entries === undefined) entries = [];
    else if (entries.some((entry) => entry.type === value.type && entry.key === key)) continue;
    entries.push({ type: value.type, key, handle });
  }
  return entries ?? NO_ENTRIES;
}

/**
 * What a change of one handle does to the index: the entries of `before` no longer in `after` go, those of
 * `after` not in `before` come (undefined = no values: an absent or deleted handle).
 */
export function searchEntryChanges(
  handle: string,
  before: readonly HandleValue[] | undefined,
  after: readonly HandleValue[] | undefined,
): { readonly removed: readonly SearchEntry[]; readonly added: readonly SearchEntry[] } {
  const old = before === undefined ? NO_ENTRIES : searchEntriesOf(handle, before);
  const now = after === undefined ? NO_ENTRIES : searchEntriesOf(handle, after);
  const id = (entry: SearchEntry) => `${entry.type}\u0000${entry.key}`;
  const oldIds = new Set(old.map(id));
  const nowIds = new Set(now.map(id));
  return { removed: old.filter((entry) => !nowIds.has(id(entry))), added: now.filter((entry) => !oldIds.has(id(entry))) };
}
