import { IdnodeError } from '../errors/catalogue.js';
import { normalisePrefix } from '../identifier/identifier.js';
import { describeInput } from '../values/describe-input.js';
import { MAX_INDEX } from '../values/handle-value.js';
import { industryProblems } from './gbt-4754.js';

/** What an item's value must be: its data is text, checked as this kind of text. */
export type ItemValueType = 'string' | 'number' | 'date' | 'URL' | 'enumeration';

export interface TemplateItem {
  /** What the item means to people (e.g. 产品型号). */
  readonly name: string;
  /** The value type written at idIndex (e.g. product.model). */
  readonly idType: string;
  /** ≥ 2000 (docs/design.md §1: template fields use indexes from 2000 up). */
  readonly idIndex: number;
  readonly required: boolean;
  readonly metadata: {
    readonly type: ItemValueType;
    readonly minLength?: number;
    readonly maxLength?: number;
    /** A JavaScript regular expression (u flag) the whole value must match. */
    readonly pattern?: string;
    /** The allowed values of an enumeration (and only of one). */
    readonly options?: readonly string[];
  };
}

/**
 * A metadata template version of an enterprise prefix (元数据模板), in the SNMS wire shape: `prefix`,
 * `version`, the GB/T 4754 industry classification and the items.
 */
export interface MetadataTemplate {
  readonly prefix: string;
  readonly version: string;
  readonly industryCategory: string;
  readonly industrySpecific?: string;
  readonly industryTrade?: string;
  readonly industrySubclass?: string;
  readonly items: readonly TemplateItem[];
}

export const MIN_ITEM_INDEX = 2000;
export const MAX_ITEMS = 500;
const MAX_NAME_LENGTH = 100;
const MAX_TYPE_BYTES = 255;
const MAX_PATTERN_LENGTH = 256;
const MAX_OPTIONS = 1000;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const VALUE_TYPES: Readonly<Record<string, ItemValueType>> = { string: 'string', number: 'number', date: 'date', url: 'URL', enumeration: 'enumeration' };
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** Throws TEMPLATE_INVALID naming `version` unless it is 1–32 of A-Z a-z 0-9 . _ - starting with a letter or digit. */
export function checkVersion(version: unknown): string {
  if (typeof version !== 'string' || !VERSION.test(version)) {
    throw new IdnodeError('TEMPLATE_INVALID', `version must be 1 to 32 characters of A-Z a-z 0-9 . _ - (starting with a letter or digit), got ${describeInput(version)}`);
  }
  return version;
}

/**
 * Validates a template as received (decoded JSON) into a MetadataTemplate, normalising the prefix and the value
 * types (`url` → `URL`). Throws TEMPLATE_INVALID listing every problem found (all of them, so one round trip
 * fixes a template), or the identifier catalogue's PREFIX_* error for a malformed prefix.
 */
export function parseTemplate(input: unknown): MetadataTemplate {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new IdnodeError('TEMPLATE_INVALID', `a template must be an object {prefix, version, industryCategory, items}, got ${describeInput(input)}`);
  }
  const raw = input as Record<string, unknown>;
  if (typeof raw['prefix'] !== 'string') throw new IdnodeError('TEMPLATE_INVALID', `prefix must be the enterprise prefix, got ${describeInput(raw['prefix'])}`);
  const prefix = normalisePrefix(raw['prefix']);
  const version = checkVersion(raw['version']);
  const problems = industryProblems(raw);
  const items: TemplateItem[] = [];
  const rawItems = raw['items'];
  if (!Array.isArray(rawItems) || rawItems.length === 0 || rawItems.length > MAX_ITEMS) {
    problems.push(`items must be a list of 1 to ${MAX_ITEMS} items, got ${describeInput(rawItems)}`);
  } else {
    const seen = new Map<number, number>();
    rawItems.forEach((item, i) => {
      const parsed = parseItem(item, `items[${i}]`, problems);
      // Duplicates are found among every item with a valid index, whatever else is wrong with it.
      const index = parsed?.idIndex ?? itemIndex((item as Record<string, unknown> | null)?.['idIndex']);
      const earlier = index === undefined ? undefined : seen.get(index);
      if (earlier !== undefined) problems.push(`items[${i}].idIndex ${index} is already used by items[${earlier}]`);
      if (index !== undefined && earlier === undefined) seen.set(index, i);
      if (parsed !== undefined) items.push(parsed);
    });
  }
  if (problems.length > 0) throw new IdnodeError('TEMPLATE_INVALID', `template ${prefix} ${version} is invalid: ${problems.join('; ')}`);
  items.sort((a, b) => a.idIndex - b.idIndex);
  return {
    prefix,
    version,
    industryCategory: raw['industryCategory'] as string,
    ...optionalText(raw, 'industrySpecific'),
    ...optionalText(raw, 'industryTrade'),
    ...optionalText(raw, 'industrySubclass'),
    items,
  };
}

function parseItem(input: unknown, at: string, problems: string[]): TemplateItem | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push(`${at} must be an object, got ${describeInput(input)}`);
    return undefined;
  }
  const raw = input as Record<string, unknown>;
  const before = problems.length;
  const name = raw['name'];
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH || CONTROL_CHARACTER.test(name)) {
    problems.push(`${at}.name must be text of 1 to ${MAX_NAME_LENGTH} characters, got ${describeInput(name)}`);
  }
  const idType = raw['idType'];
  if (typeof idType !== 'string' || idType === '' || Buffer.byteLength(idType, 'utf8') > MAX_TYPE_BYTES || CONTROL_CHARACTER.test(idType) || idType === 'HS_ADMIN') {
    problems.push(`${at}.idType must be a value type (1 to ${MAX_TYPE_BYTES} bytes, no control characters, not HS_ADMIN), got ${describeInput(idType)}`);
  }
  const idIndex = itemIndex(raw['idIndex']);
  if (idIndex === undefined) {
    problems.push(`${at}.idIndex must be an integer from ${MIN_ITEM_INDEX} to ${MAX_INDEX}, got ${describeInput(raw['idIndex'])}`);
  }
  const required = raw['required'] ?? false;
  if (typeof required !== 'boolean') problems.push(`${at}.required must be true or false, got ${describeInput(required)}`);
  const metadata = parseMetadata(raw['metadata'], `${at}.metadata`, problems);
  if (problems.length > before || metadata === undefined) return undefined;
  return { name: (name as string).trim(), idType: idType as string, idIndex: idIndex!, required: required as boolean, metadata };
}

/** An item's index (a number, or digits as HANDLE.NET clients send indexes), or undefined when it is not one from 2000 up. */
function itemIndex(input: unknown): number | undefined {
  const index = typeof input === 'string' && /^[0-9]{1,10}$/.test(input) ? Number(input) : input;
  return typeof index === 'number' && Number.isInteger(index) && index >= MIN_ITEM_INDEX && index <= MAX_INDEX ? index : undefined;
}

function parseMetadata(input: unknown, at: string, problems: string[]): TemplateItem['metadata'] | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push(`${at} must be an object {type, minLength, maxLength}, got ${describeInput(input)}`);
    return undefined;
  }
  const raw = input as Record<string, unknown>;
  const type = typeof raw['type'] === 'string' ? VALUE_TYPES[raw['type'].toLowerCase()] : undefined;
  if (type === undefined) problems.push(`${at}.type must be string, number, date, URL or enumeration, got ${describeInput(raw['type'])}`);
  const minLength = length(raw['minLength'], `${at}.minLength`, problems);
  const maxLength = length(raw['maxLength'], `${at}.maxLength`, problems);
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) problems.push(`${at}.minLength ${minLength} is greater than maxLength ${maxLength}`);
  const pattern = raw['pattern'];
  if (pattern !== undefined && pattern !== null && pattern !== '') {
    if (typeof pattern !== 'string' || pattern.length > MAX_PATTERN_LENGTH) {
      problems.push(`${at}.pattern must be a regular expression of at most ${MAX_PATTERN_LENGTH} characters, got ${describeInput(pattern)}`);
    } else {
      try {
        new RegExp(pattern, 'u');
      } catch (error) {
        problems.push(`${at}.pattern is not a valid regular expression: ${(error as Error).message}`);
      }
    }
  }
  const options = raw['options'];
  if (type === 'enumeration') {
    if (!Array.isArray(options) || options.length === 0 || options.length > MAX_OPTIONS || !options.every((option) => typeof option === 'string')) {
      problems.push(`${at}.options must list 1 to ${MAX_OPTIONS} allowed texts for an enumeration, got ${describeInput(options)}`);
    } else if (new Set(options).size !== options.length) {
      problems.push(`${at}.options lists a text twice`);
    }
  } else if (options !== undefined && options !== null) {
    problems.push(`${at}.options is for enumerations only (type is ${describeInput(raw['type'])})`);
  }
  if (type === undefined) return undefined;
  return {
    type,
    ...(minLength === undefined ? {} : { minLength }),
    ...(maxLength === undefined ? {} : { maxLength }),
    ...(typeof pattern === 'string' && pattern !== '' ? { pattern } : {}),
    ...(type === 'enumeration' && Array.isArray(options) ? { options: options as string[] } : {}),
  };
}

function length(input: unknown, at: string, problems: string[]): number | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'number' || !Number.isInteger(input) || input < 0 || input > MAX_INDEX) {
    problems.push(`${at} must be a non-negative integer, got ${describeInput(input)}`);
    return undefined;
  }
  return input;
}

function optionalText(raw: Record<string, unknown>, key: 'industrySpecific' | 'industryTrade' | 'industrySubclass'): Record<string, string> {
  const value = raw[key];
  return typeof value === 'string' && value !== '' ? { [key]: value } : {};
}
