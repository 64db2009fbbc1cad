import { IdnodeError } from '../errors/catalogue.js';
import { DEFAULT_PERMISSIONS, DEFAULT_TTL_SECONDS, INDEX_TEMPLATE_REFERENCE, wireTimestamp, type HandleValue } from '../values/handle-value.js';
import { MIN_ITEM_INDEX, type MetadataTemplate, type TemplateItem } from './template.js';

/** The type of the value at index 1001 that names an identifier's template version (written by the server only). */
export const TYPE_TEMPLATE_REFERENCE = 'METADATA_TEMPLATE';

/**
 * Throws TEMPLATE_VIOLATED naming every violated item of `template` in `values` (validated values, sorted by
 * index) of `handle`: a required item missing; an item's value of another type, not string data, shorter or
 * longer than allowed, not matching the pattern, not a number / date / URL / one of the options; a value at
 * an index ≥ 2000 that is no item of the template. Values below 2000 are the identifier's own and not checked.
 */
export function assertFollowsTemplate(handle: string, values: readonly HandleValue[], template: MetadataTemplate): void {
  const byIndex = new Map<number, HandleValue>();
  for (const value of values) byIndex.set(value.index, value);
  const violations: string[] = [];
  for (const item of template.items) {
    const value = byIndex.get(item.idIndex);
    byIndex.delete(item.idIndex);
    if (value === undefined) {
      if (item.required) violations.push(`${label(item)} is required`);
      continue;
    }
    const problem = itemProblem(item, value);
    if (problem !== undefined) violations.push(`${label(item)} ${problem}`);
  }
  for (const index of byIndex.keys()) {
    if (index >= MIN_ITEM_INDEX) violations.push(`index ${index} is not an item of the template`);
  }
  if (violations.length > 0) {
    throw new IdnodeError('TEMPLATE_VIOLATED', `${handle} violates template ${template.prefix} version ${template.version}: ${violations.join('; ')}`, { handle });
  }
}

/** The value at index 1001 naming `version` (the identifier's own prefix's template of that version). */
export function templateReference(version: string, nowMs: number): HandleValue {
  return {
    index: INDEX_TEMPLATE_REFERENCE,
    type: TYPE_TEMPLATE_REFERENCE,
    data: { format: 'string', value: version },
    ttl: DEFAULT_TTL_SECONDS,
    timestamp: wireTimestamp(nowMs),
    permissions: DEFAULT_PERMISSIONS,
    references: [],
  };
}

/** The template version an identifier was registered under (its index-1001 reference), or undefined. */
export function templateVersionOf(values: readonly HandleValue[]): string | undefined {
  const reference = values.find((value) => value.index === INDEX_TEMPLATE_REFERENCE);
  return reference?.type === TYPE_TEMPLATE_REFERENCE && reference.data.format === 'string' ? reference.data.value : undefined;
}

function label(item: TemplateItem): string {
  return `item "${item.name}" (index ${item.idIndex})`;
}

const NUMBER = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,9})?)?(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?)?$/;

/** Why `value` does not fit `item`, or undefined when it does. */
function itemProblem(item: TemplateItem, value: HandleValue): string | undefined {
  if (value.type !== item.idType) return `must have type "${item.idType}", got "${value.type}"`;
  if (value.data.format !== 'string') return `must hold string data, got ${value.data.format}`;
  const text = value.data.value;
  const { minLength, maxLength, pattern, type, options } = item.metadata;
  const length = [...text].length;
  if (minLength !== undefined && length < minLength) return `is ${length} characters long; at least ${minLength} are required`;
  if (maxLength !== undefined && length > maxLength) return `is ${length} characters long; at most ${maxLength} are allowed`;
  if (pattern !== undefined && !new RegExp(`^(?:${pattern})$`, 'u').test(text)) return `does not match the pattern ${pattern}`;
  switch (type) {
    case 'number':
      return NUMBER.test(text) ? undefined : `must be a decimal number, got ${JSON.stringify(text.slice(0, 40))}`;
    case 'date':
      return isDate(text) ? undefined : `must be a date YYYY-MM-DD (optionally with a time), got ${JSON.stringify(text.slice(0, 40))}`;
    case 'URL':
      return URL.canParse(text) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(text) ? undefined : `must be an absolute URL, got ${JSON.stringify(text.slice(0, 40))}`;
    case 'enumeration':
      return options!.includes(text) ? undefined : `must be one of ${options!.map((option) => JSON.stringify(option)).join(', ')}`;
    case 'string':
      return undefined;
  }
}

function isDate(text: string): boolean {
  const match = DATE.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
