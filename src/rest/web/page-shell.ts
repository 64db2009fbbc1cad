import { LOCALES, type Locale } from '../../i18n/locale.js';
import { WEB_STRINGS, webString, type WebStringKey } from '../../i18n/web-strings.js';
import type { WebAssets } from './web-assets.js';

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface PageContent {
  readonly locale: Locale;
  /** The page's own path, which the language switch links back to. */
  readonly path: string;
  readonly titleKey: WebStringKey;
  /** HTML of the main element (already escaped). */
  readonly main: string;
  /** Scripts of web/ the page runs (modules, deferred). */
  readonly scripts?: readonly string[];
}

/**
 * Every page of the node's own: the header with the links between the pages and the language switch (links
 * `?lang=…`, which the page routes answer with the `idnode-lang` cookie, so the choice sticks), the page's
 * dictionary as JSON for its scripts (`#web-strings`), and its assets by their hashed names.
 */
export function renderPage(assets: WebAssets, page: PageContent): string {
  const t = (key: WebStringKey) => escapeHtml(webString(page.locale, key));
  const switcher = LOCALES.map((locale) =>
    locale === page.locale
      ? `<strong lang="${locale}">${escapeHtml(webString(locale, `lang.${locale}`))}</strong>`
      : `<a href="${page.path}?lang=${locale}" lang="${locale}" data-lang="${locale}">${escapeHtml(webString(locale, `lang.${locale}`))}</a>`,
  ).join(' · ');
  const strings = JSON.stringify({ locale: page.locale, strings: WEB_STRINGS[page.locale] }).replace(/</g, '\\u003c');
  const scripts = (page.scripts ?? []).map((name) => `<script type="module" src="${assets.url(name)}"></script>`).join('\n');
  return `<!doctype html>
<html lang="${page.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t(page.titleKey)} · ${t('site.title')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets.url('web.css')}">
<script type="application/json" id="web-strings">${strings}</script>
${scripts}
</head>
<body>
<header class="top">
<a class="brand" href="/">${t('site.title')}</a>
<nav class="pages"><a href="/console">${t('landing.console')}</a><a href="/docs">${t('landing.docs')}</a><a href="/readyz">${t('landing.health')}</a></nav>
<span class="lang-switch" aria-label="${t('lang.switch')}">${switcher}</span>
</header>
<main id="main">
${page.main}
</main>
</body>
</html>
`;
}
