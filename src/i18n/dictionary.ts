import { formatNumber, type Locale } from './locale.js';

/**
 * Message dictionaries: one object per locale with the same keys, each message a text with `{name}`
 * placeholders. A page takes a Translator for the locale negotiateLocale chose, so that one request is
 * answered in one language everywhere. Messages are trusted text (ours); parameters are inserted as given,
 * so a caller rendering HTML escapes what it passes (or passes markup it built itself).
 */
export type Dictionary<Key extends string> = Readonly<Record<Key, string>>;

/** A message parameter: a number is written in the locale's figures (formatNumber), text as it is. */
export type MessageParams = Readonly<Record<string, string | number>>;

export interface Translator<Key extends string> {
  readonly locale: Locale;
  (key: Key, params?: MessageParams): string;
}

/** The translator of `locale` over its dictionary; a placeholder with no parameter is left as it is (a test catches it). */
export function translator<Key extends string>(dictionaries: Readonly<Record<Locale, Dictionary<Key>>>, locale: Locale): Translator<Key> {
  const dictionary = dictionaries[locale];
  const translate = (key: Key, params?: MessageParams): string =>
    params === undefined
      ? dictionary[key]
      : dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
          const value = params[name];
          return value === undefined ? whole : typeof value === 'number' ? formatNumber(value, locale) : value;
        });
  return Object.assign(translate, { locale });
}

/** The `{name}` placeholders of a message, sorted (the dictionaries' test compares them across locales). */
export function placeholders(message: string): string[] {
  return [...new Set([...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!))].sort();
}
