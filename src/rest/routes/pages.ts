import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '../../core/typebox.js';
import { IdnodeError } from '../../core/errors/catalogue.js';
import type { IdNode } from '../../core/node.js';
import { LOCALE_COOKIE, localeOfTag, negotiateLocale, type Locale } from '../../i18n/locale.js';
import { webString } from '../../i18n/web-strings.js';
import { VERSION } from '../../version.js';
import { escapeHtml, renderPage } from '../web/page-shell.js';
import { REVALIDATE, sendCached, WebAssets } from '../web/web-assets.js';

const PageQuery = Type.Object({ lang: Type.Optional(Type.String({ description: 'zh-CN or en; also sets the idnode-lang cookie' })) });
type PageRequest = FastifyRequest<{ Querystring: Static<typeof PageQuery> }>;
const HTML = 'text/html; charset=utf-8';

/**
 * The node's own web pages: the landing page (/), the console (/console; its script does the rest in the
 * browser through the JSON API, see web/console.js), the interactive API documentation (/docs, from
 * /openapi.json), and their assets (/assets/…). Pages are public (the console signs in from the browser) and
 * revalidated by ETag; they vary by the language chosen.
 */
export function pageRoutes(app: FastifyInstance, node: IdNode, assets: WebAssets = new WebAssets()): void {
  // Documented like every route (as HTML, under the tag "pages"), so that /openapi.json lists all the node serves.
  const page = (path: string, summary: string, render: (locale: Locale) => string) =>
    app.get(path, { schema: { summary, tags: ['pages'], querystring: PageQuery, produces: ['text/html'] } }, async (request: PageRequest, reply) => {
      const locale = chosenLocale(request, reply);
      return sendCached(request, reply, { body: render(locale), type: HTML, cacheControl: REVALIDATE, vary: 'Accept-Language, Cookie' });
    });

  page('/', 'Landing page: what the node is, links to the console, the API documentation and health (HTML)', (locale) => {
    const t = (key: Parameters<typeof webString>[1], fill?: Record<string, string>) => escapeHtml(webString(locale, key, fill));
    const prefixes = node.homing.list().map((homed) => `<code>${escapeHtml(homed.prefix)}</code>`).join(' ') || t('landing.none');
    const card = (href: string, title: Parameters<typeof webString>[1], text: Parameters<typeof webString>[1]) =>
      `<a class="card" href="${href}" data-link="${href}"><h2>${t(title)}</h2><p>${t(text)}</p></a>`;
    return renderPage(assets, {
      locale,
      path: '/',
      titleKey: 'site.title',
      main: `<h1>${t('site.title')}</h1>
<p class="lead">${t('landing.lead')}</p>
<div class="cards">${card('/console', 'landing.console', 'landing.console.text')}${card('/docs', 'landing.docs', 'landing.docs.text')}${card('/readyz', 'landing.health', 'landing.health.text')}</div>
<p>${t('landing.prefixes')}: <span data-field="prefixes">${prefixes}</span></p>
<p class="muted">idnode ${t('landing.version', { version: VERSION })}</p>`,
    });
  });
  page('/console', 'The web console for operators, enterprises and auditors (HTML; signs in from the browser)', (locale) =>
    renderPage(assets, { locale, path: '/console', titleKey: 'console.title', main: `<div id="app"><p>${escapeHtml(webString(locale, 'common.loading'))}</p></div>`, scripts: ['console.js'] }),
  );
  page('/docs', 'Interactive API documentation over /openapi.json (HTML)', (locale) =>
    renderPage(assets, {
      locale,
      path: '/docs',
      titleKey: 'docs.title',
      main: `<h1>${escapeHtml(webString(locale, 'docs.title'))}</h1><p class="lead">${escapeHtml(webString(locale, 'docs.lead'))}</p><div id="docs"></div>`,
      scripts: ['docs.js'],
    }),
  );

  app.get<{ Params: { name: string } }>(
    '/assets/:name',
    { schema: { summary: 'A script or stylesheet of the pages: immutable under its hashed name, revalidated (ETag) under its plain name', tags: ['pages'], produces: ['text/javascript', 'text/css'] } },
    async (request, reply) => {
    const served = assets.served(request.params.name);
    if (served === undefined) throw new IdnodeError('ROUTE_NOT_FOUND', `no asset ${request.params.name}`);
    return sendCached(request, reply, { body: served.asset.body, type: served.asset.type, cacheControl: served.cacheControl, etag: served.asset.etag });
    },
  );
}

/** The request's language (negotiateLocale); an explicit `?lang=` choice is kept in the idnode-lang cookie. */
function chosenLocale(request: PageRequest, reply: FastifyReply): Locale {
  const locale = negotiateLocale({ query: request.query.lang, cookie: request.headers.cookie, acceptLanguage: request.headers['accept-language'] });
  if (localeOfTag(request.query.lang) !== undefined) reply.header('set-cookie', `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax`);
  return locale;
}
