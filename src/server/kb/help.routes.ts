import crypto from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isKbLocale, type KbLocale } from '../../contracts/kb.ts';
import { AppError } from '../errors.ts';
import { describeError } from '../http/errors.ts';
import type { App, AppDeps } from '../http/types.ts';
import { limitKbFeedback, limitKbSearch } from '../rate-limit/rate-limit.service.ts';
import {
  getHelpAnnouncements,
  getHelpArticle,
  getHelpTree,
  type HelpBrand,
  type HelpScope,
  helpCentreBrand,
  listHelpSitemap,
  recordHelpVote,
  searchHelpCentre,
} from './help-centre.service.ts';
import {
  articlePage,
  categoryPage,
  createHelpLinks,
  describeHtml,
  HELP_LOCALES,
  HELP_STRINGS,
  type HelpLinks,
  helpPageCsp,
  homePage,
  messagePage,
  type PageFrame,
  robotsTxt,
  type SwitchTargets,
  searchPage,
  sitemapXml,
} from './help-pages.ts';
import { KB_VISITOR_COOKIE } from './kb.routes.ts';

export { escapeHtml } from './help-pages.ts';

/**
 * The public help centre, server-rendered from the published knowledge base of the organization the help centre
 * serves (KEFU_HELP_ORG, or the first; `?org=<slug>` for another, carried on by every link):
 *
 * - `/help` → the visitor's locale (the `kefu_help_locale` cookie once chosen, else Accept-Language);
 * - `/help/<locale>` home (search box, categories → sections → article titles), `/help/<locale>/c/<category>[/<section>]`,
 *   `/help/<locale>/<slug>` an article (its stored, sanitised HTML), `/help/<locale>/search?q=`;
 * - `POST /help/<locale>/<slug>/feedback` "Was this helpful?" as a plain HTML form (urlencoded, no JavaScript), one
 *   vote per visitor (`kefu_kb_visitor` cookie), redirected back with a thank-you;
 * - `/sitemap.xml` and `/robots.txt` at the root.
 *
 * No script at all (the page CSP forbids inline script), one <style> element. Anything else under /help, and every
 * error on these pages, is an HTML page, never the console or JSON.
 */

export const HELP_LOCALE_COOKIE = 'kefu_help_locale';
const YEAR_SECONDS = 365 * 24 * 3600;
const VISITOR_KEY = /^[A-Za-z0-9_-]{16,64}$/;

type Query = Record<string, unknown>;

function queryString(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Query | undefined)?.[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The locale a visitor's browser asks for: zh-TW/zh-HK/zh-MO/zh-Hant → zh-TW, other Chinese → zh-CN, else en. */
export function localeFromAcceptLanguage(header: string | undefined): KbLocale {
  const ranges = (header ?? '')
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim().toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, order };
    })
    .filter((range) => range.tag && range.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  for (const { tag } of ranges) {
    if (tag === 'zh' || tag.startsWith('zh-')) {
      return /^zh-(tw|hk|mo|hant)\b/.test(tag) ? 'zh-TW' : 'zh-CN';
    }
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'en';
}

function baseUrl(deps: AppDeps, request: FastifyRequest): string {
  if (deps.config.publicUrl) return deps.config.publicUrl.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}`;
}

function secureCookies(deps: AppDeps, request: FastifyRequest): boolean {
  const setting = deps.config.cookieSecure;
  return setting === 'auto' ? request.protocol === 'https' : setting === 'true';
}

function sendHtml(reply: FastifyReply, status: number, html: string, csp?: string): FastifyReply {
  if (csp) reply.header('content-security-policy', csp);
  return reply.status(status).header('content-type', 'text/html; charset=utf-8').send(html);
}

/** The locale named by a /help path's first segment, if any. */
function pathLocale(url: string): KbLocale | undefined {
  const first = url.split('?')[0]?.split('/')[2];
  return first && isKbLocale(first) ? first : undefined;
}

type PageContext = {
  scope: HelpScope;
  links: HelpLinks;
  brand: HelpBrand;
  frame: (switchPaths: SwitchTargets) => PageFrame;
};

export function registerHelpRoutes(app: App, deps: AppDeps): void {
  const open = async (request: FastifyRequest, locale: KbLocale): Promise<PageContext> => {
    const org = await deps.kb.orgs.resolve(deps.db, queryString(request, 'org'));
    const scope: HelpScope = { db: deps.db, org };
    const [linkQuery, announcements] = await Promise.all([
      deps.kb.orgs.linkQuery(deps.db, org.id),
      getHelpAnnouncements(scope, locale).catch((error: unknown) => {
        request.log.warn({ err: error }, 'help centre: platform status unavailable');
        return [] as string[];
      }),
    ]);
    const links = createHelpLinks(baseUrl(deps, request), linkQuery ? org.slug : null);
    const brand = helpCentreBrand(org);
    return { scope, links, brand, frame: (switchPaths) => ({ locale, brand, links, announcements, switchPaths }) };
  };

  const everyLocale = (path: (locale: KbLocale) => string): SwitchTargets =>
    Object.fromEntries(HELP_LOCALES.map((locale) => [locale, path(locale)]));

  const alternatesOf = (links: HelpLinks, paths: SwitchTargets, xDefault: string): [string, string][] => [
    ...HELP_LOCALES.filter((locale) => paths[locale]).map((locale): [string, string] => [
      locale,
      links.absolute(paths[locale] as string),
    ]),
    ['x-default', links.absolute(xDefault)],
  ];

  const notFound = async (request: FastifyRequest, reply: FastifyReply, locale: KbLocale | undefined) => {
    const l = locale ?? 'en';
    const s = HELP_STRINGS[l];
    const context = await open(request, l).catch(() => undefined);
    const frame: PageFrame = context
      ? context.frame(everyLocale((other) => `/help/${other}`))
      : {
          locale: l,
          brand: { name: '', logoUrl: null, brandColor: null },
          links: createHelpLinks(baseUrl(deps, request), null),
          announcements: [],
          switchPaths: everyLocale((other) => `/help/${other}`),
        };
    return sendHtml(reply, 404, messagePage(frame, s.notFoundTitle, s.notFoundBody), helpPageCsp(frame.brand.logoUrl));
  };

  app.register(async (plugin) => {
    const scope = plugin as unknown as App;

    // The vote form posts application/x-www-form-urlencoded; only these routes read it.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );

    // Every error on a help page (unknown organization, rate limit, bad form) is an HTML page in the page's locale.
    scope.setErrorHandler(async (error: FastifyError | AppError, request, reply) => {
      const { status } = describeError(error);
      if (status >= 500) request.log.error({ err: error }, 'help page failed');
      if (error instanceof AppError && error.retryAfterSeconds !== undefined) {
        reply.header('retry-after', String(error.retryAfterSeconds));
      }
      if (status === 404) return notFound(request, reply, pathLocale(request.url));
      const locale = pathLocale(request.url) ?? 'en';
      const s = HELP_STRINGS[locale];
      const frame: PageFrame = {
        locale,
        brand: { name: '', logoUrl: null, brandColor: null },
        links: createHelpLinks(baseUrl(deps, request), null),
        announcements: [],
        switchPaths: everyLocale((other) => `/help/${other}`),
      };
      const body = status === 429 ? s.tooManyBody : s.errorBody;
      return sendHtml(reply, status, messagePage(frame, s.errorTitle, body));
    });

    // The locale switch's links carry ?switch=1: remember the choice, then show the page at its own address.
    scope.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'GET' || queryString(request, 'switch') !== '1') return;
      const locale = pathLocale(request.url);
      if (!locale) return;
      reply.setCookie(HELP_LOCALE_COOKIE, locale, {
        path: '/',
        maxAge: YEAR_SECONDS,
        sameSite: 'lax',
        httpOnly: true,
        secure: secureCookies(deps, request),
      });
      const url = new URL(request.url, 'http://help.invalid');
      url.searchParams.delete('switch');
      return reply.redirect(`${url.pathname}${url.search}`, 303);
    });

    scope.get('/help', { schema: { hide: true } }, async (request, reply) => {
      const chosen = request.cookies[HELP_LOCALE_COOKIE];
      const locale =
        chosen && isKbLocale(chosen) ? chosen : localeFromAcceptLanguage(request.headers['accept-language']);
      const org = queryString(request, 'org');
      reply.header('vary', 'Accept-Language, Cookie');
      return reply.redirect(createHelpLinks('', org ?? null).to(`/help/${locale}`), 302);
    });

    scope.get<{ Params: { locale: string } }>('/help/:locale', { schema: { hide: true } }, async (request, reply) => {
      const { locale } = request.params;
      if (!isKbLocale(locale)) return notFound(request, reply, undefined);
      const { scope: kb, links, brand, frame } = await open(request, locale);
      const s = HELP_STRINGS[locale];
      const paths = everyLocale((l) => `/help/${l}`);
      const tree = await getHelpTree(kb, locale);
      return sendHtml(
        reply,
        200,
        homePage(
          frame(paths),
          {
            title: `${brand.name} ${s.helpCenter}`,
            description: `${brand.name} ${s.helpCenter}: ${tree.categories.map((c) => c.name).join(' · ')}`.slice(
              0,
              155,
            ),
            canonical: links.absolute(`/help/${locale}`),
            alternates: alternatesOf(links, paths, '/help'),
          },
          tree,
        ),
        helpPageCsp(brand.logoUrl),
      );
    });

    scope.get<{ Params: { locale: string } }>(
      '/help/:locale/search',
      { schema: { hide: true } },
      async (request, reply) => {
        const { locale } = request.params;
        if (!isKbLocale(locale)) return notFound(request, reply, undefined);
        const q = Array.from((queryString(request, 'q') ?? '').trim())
          .slice(0, 200)
          .join('');
        const { scope: kb, brand, frame } = await open(request, locale);
        let hits: Awaited<ReturnType<typeof searchHelpCentre>> | undefined;
        if (q) {
          await limitKbSearch(deps, request.ip);
          hits = await searchHelpCentre(kb, deps.kb.index, locale, q);
        }
        const s = HELP_STRINGS[locale];
        const query = q ? `?${new URLSearchParams({ q })}` : '';
        return sendHtml(
          reply,
          200,
          searchPage(
            frame(everyLocale((l) => `/help/${l}/search${query}`)),
            { title: `${q ? `${q} · ` : ''}${s.searchTitle} · ${brand.name} ${s.helpCenter}`, noindex: true },
            q,
            hits,
          ),
          helpPageCsp(brand.logoUrl),
        );
      },
    );

    const categoryRoute = async (
      request: FastifyRequest<{ Params: { locale: string; category: string; section?: string } }>,
      reply: FastifyReply,
    ) => {
      const { locale, category: categorySlug, section: sectionSlug } = request.params;
      if (!isKbLocale(locale)) return notFound(request, reply, undefined);
      const { scope: kb, links, brand, frame } = await open(request, locale);
      const tree = await getHelpTree(kb, locale);
      const category = tree.categories.find((c) => c.slug === categorySlug);
      const section = sectionSlug === undefined ? undefined : category?.sections.find((s) => s.slug === sectionSlug);
      if (!category || (sectionSlug !== undefined && !section)) return notFound(request, reply, locale);
      const s = HELP_STRINGS[locale];
      const tail = `/c/${category.slug}${section ? `/${section.slug}` : ''}`;
      const paths = everyLocale((l) => `/help/${l}${tail}`);
      const name = section ? `${section.name} · ${category.name}` : category.name;
      return sendHtml(
        reply,
        200,
        categoryPage(
          frame(paths),
          {
            title: `${name} · ${brand.name} ${s.helpCenter}`,
            description: (section ? section.articles : category.sections.flatMap((x) => x.articles))
              .map((a) => a.title)
              .join(' · ')
              .slice(0, 155),
            canonical: links.absolute(`/help/${locale}${tail}`),
            alternates: alternatesOf(links, paths, `/help/en${tail}`),
          },
          category,
          section,
        ),
        helpPageCsp(brand.logoUrl),
      );
    };
    scope.get('/help/:locale/c/:category', { schema: { hide: true } }, categoryRoute);
    scope.get('/help/:locale/c/:category/:section', { schema: { hide: true } }, categoryRoute);

    scope.get<{ Params: { locale: string; slug: string } }>(
      '/help/:locale/:slug',
      { schema: { hide: true } },
      async (request, reply) => {
        const { locale, slug } = request.params;
        if (!isKbLocale(locale)) return notFound(request, reply, undefined);
        const { scope: kb, links, brand, frame } = await open(request, locale);
        const article = await getHelpArticle(kb, locale, slug);
        if (!article) return notFound(request, reply, locale);
        const s = HELP_STRINGS[locale];
        const own = Object.fromEntries(article.locales.map((l) => [l, `/help/${l}/${slug}`])) as SwitchTargets;
        const xDefault = own.en ?? own[article.locales[0] as KbLocale] ?? `/help/${locale}/${slug}`;
        const chatHref = `/demo?${new URLSearchParams({ article: slug, locale })}`;
        return sendHtml(
          reply,
          200,
          articlePage(
            frame({ ...everyLocale((l) => `/help/${l}`), ...own }),
            {
              title: `${article.title} · ${brand.name} ${s.helpCenter}`,
              description: describeHtml(article.html),
              canonical: links.absolute(`/help/${locale}/${slug}`),
              alternates: alternatesOf(links, own, xDefault),
              ogType: 'article',
            },
            article,
            { voted: queryString(request, 'voted') === '1', chatHref },
          ),
          helpPageCsp(brand.logoUrl),
        );
      },
    );

    scope.post<{ Params: { locale: string; slug: string }; Body: unknown }>(
      '/help/:locale/:slug/feedback',
      { schema: { hide: true } },
      async (request, reply) => {
        const { locale, slug } = request.params;
        if (!isKbLocale(locale)) return notFound(request, reply, undefined);
        const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
        const helpful = body.helpful === 'yes' ? true : body.helpful === 'no' ? false : undefined;
        if (helpful === undefined) throw new AppError('validation_failed', 'helpful: yes or no');
        const comment =
          typeof body.comment === 'string'
            ? Array.from(body.comment.trim()).slice(0, 1000).join('') || undefined
            : undefined;
        await limitKbFeedback(deps, request.ip);
        const org = await deps.kb.orgs.resolve(deps.db, queryString(request, 'org'));
        const linkQuery = await deps.kb.orgs.linkQuery(deps.db, org.id);
        let visitorKey = request.cookies[KB_VISITOR_COOKIE];
        if (!visitorKey || !VISITOR_KEY.test(visitorKey)) {
          visitorKey = crypto.randomBytes(18).toString('base64url');
          reply.setCookie(KB_VISITOR_COOKIE, visitorKey, {
            path: '/',
            maxAge: YEAR_SECONDS,
            sameSite: 'lax',
            httpOnly: true,
            secure: secureCookies(deps, request),
          });
        }
        await recordHelpVote({ db: deps.db, org }, { slug, locale, helpful, comment, visitorKey });
        const links = createHelpLinks('', linkQuery ? org.slug : null);
        return reply.redirect(`${links.to(`/help/${locale}/${slug}`, { voted: '1' })}#feedback`, 303);
      },
    );

    // Deeper paths (/help/zh-CN/a/b/c) and a trailing slash are not pages either: an HTML 404, never the console.
    scope.route({
      method: ['GET', 'POST'],
      url: '/help/*',
      schema: { hide: true },
      handler: async (request, reply) => notFound(request, reply, pathLocale(request.url)),
    });
  });

  app.get('/sitemap.xml', { schema: { hide: true } }, async (request, reply) => {
    const org = await deps.kb.orgs.resolve(deps.db, queryString(request, 'org')).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'org_not_found') return undefined;
      throw error;
    });
    const entries: Parameters<typeof sitemapXml>[0] = [];
    if (org) {
      const linkQuery = await deps.kb.orgs.linkQuery(deps.db, org.id);
      const links = createHelpLinks(baseUrl(deps, request), linkQuery ? org.slug : null);
      const rows = await listHelpSitemap({ db: deps.db, org });
      const bySlug = new Map<string, typeof rows>();
      for (const row of rows) bySlug.set(row.slug, [...(bySlug.get(row.slug) ?? []), row]);
      const homes = everyLocale((l) => `/help/${l}`);
      const newest = rows.reduce((max, row) => Math.max(max, new Date(row.updated_at).getTime()), 0);
      for (const locale of HELP_LOCALES) {
        entries.push({
          loc: links.absolute(`/help/${locale}`),
          lastmod: new Date(newest || Date.now()).toISOString(),
          alternates: alternatesOf(links, homes, '/help'),
        });
      }
      for (const [slug, texts] of bySlug) {
        const own = Object.fromEntries(texts.map((t) => [t.locale, `/help/${t.locale}/${slug}`])) as SwitchTargets;
        const alternates = alternatesOf(links, own, own.en ?? (own[texts[0]?.locale as KbLocale] as string));
        for (const text of texts) {
          entries.push({
            loc: links.absolute(`/help/${text.locale}/${slug}`),
            lastmod: new Date(text.updated_at).toISOString(),
            alternates,
          });
        }
      }
    }
    reply.header('content-type', 'application/xml; charset=utf-8');
    return sitemapXml(entries);
  });

  app.get('/robots.txt', { schema: { hide: true } }, async (request, reply) => {
    reply.header('content-type', 'text/plain; charset=utf-8');
    return robotsTxt(`${baseUrl(deps, request)}/sitemap.xml`);
  });
}
