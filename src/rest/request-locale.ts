import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOCALE_COOKIE, localeOfTag, negotiateLocale, type Locale } from '../i18n/locale.js';

/**
 * The language of a human page (negotiateLocale: the `lang` query parameter, then the idnode-lang cookie, then
 * Accept-Language, then zh-CN). An explicit, valid `lang` is remembered in the cookie, so the language switch
 * holds for the next page; the answer varies by the headers it was chosen from.
 */
export function pageLocale(request: FastifyRequest, reply: FastifyReply, lang: string | undefined): Locale {
  const locale = negotiateLocale({ query: lang, cookie: request.headers.cookie, acceptLanguage: request.headers['accept-language'] });
  if (localeOfTag(lang) !== undefined) reply.header('set-cookie', `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax`);
  reply.header('vary', 'Accept-Language, Cookie');
  return locale;
}

/** The `lang` query parameter's description, shared by the routes of human pages. */
export const LANG_QUERY_DESCRIPTION = 'page language: zh-CN or en (default: the idnode-lang cookie, then Accept-Language, then zh-CN)';
