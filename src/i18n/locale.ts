/**
 * The two languages idnode's human-facing pages speak, and how a request picks one. Shared by the
 * console, the dashboard and the eligibility reports so that one request gets one language everywhere.
 *
 * zh-CN is the default for a browser that asks for Chinese (any `zh` tag) and for one that states no
 * preference; English is chosen only when asked for. An explicit choice (the `lang` query parameter,
 * then the `idnode-lang` cookie the language switch sets) wins over Accept-Language.
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** The cookie the language switch sets; its value is a Locale. */
export const LOCALE_COOKIE = 'idnode-lang';

/** The Locale a tag names (`zh`, `zh-CN`, `zh-Hans`, `en`, `en-GB` …), or undefined for any other tag. */
export function localeOfTag(tag: string | undefined): Locale | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return undefined;
}

/** What a request says about its language; every field is optional and may be malformed. */
export interface LocaleHints {
  /** The `lang` query parameter. */
  readonly query?: string | undefined;
  /** The raw Cookie header. */
  readonly cookie?: string | undefined;
  /** The raw Accept-Language header. */
  readonly acceptLanguage?: string | undefined;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...rest] = part.split('=');
    if (key?.trim() !== name) continue;
    try {
      return decodeURIComponent(rest.join('=').trim());
    } catch {
      return undefined; // a malformed escape is no choice at all
    }
  }
  return undefined;
}

/** Accept-Language's supported tags, best first (by q, then by order); q=0 excludes a tag. */
function acceptedLocales(header: string | undefined): Locale[] {
  const ranked: { locale: Locale; q: number; order: number }[] = [];
  (header ?? '').split(',').forEach((entry, order) => {
    const [tag, ...params] = entry.split(';');
    const locale = localeOfTag(tag);
    if (locale === undefined) return;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (Number.isFinite(q) && q > 0) ranked.push({ locale, q, order });
  });
  ranked.sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked.map((r) => r.locale);
}

/** The language to answer in. Never throws: a malformed hint is ignored, not an error. */
export function negotiateLocale(hints: LocaleHints): Locale {
  return (
    localeOfTag(hints.query) ??
    localeOfTag(cookieValue(hints.cookie, LOCALE_COOKIE)) ??
    acceptedLocales(hints.acceptLanguage)[0] ??
    'zh-CN'
  );
}

/** An integer or decimal in the locale's grouping (both use `,` every three digits; kept for one call site). */
export function formatNumber(value: number, locale: Locale, maximumFractionDigits = 2): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits }).format(value);
}

/** An amount in yuan: `¥1,000,000` in zh-CN, `CN¥1,000,000` in English. */
export function formatYuan(yuan: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', maximumFractionDigits: 0 }).format(yuan);
}

/** A calendar day `YYYY-MM-DD` as the locale writes it: `2026年11月29日`, `29 Nov 2026`. */
export function formatDay(day: string, locale: Locale): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}
