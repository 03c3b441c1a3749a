import type { FastifyReply } from 'fastify';
import { linkify } from '../../contracts/linkify.ts';
import type { App, AppDeps } from '../http/types.ts';
import { selectPublishedTexts } from './kb.queries.ts';
import type { KbArticle, KbLocale } from './search.ts';

/**
 * The help centre, server-rendered from the seed FAQ (data/kb/faq.json): `/help/<locale>` lists the articles and
 * `/help/<locale>/<slug>` shows one, the links the bot sends ("详情：/help/zh-CN/…"). Plain HTML: every piece of
 * FAQ text is escaped (the small markdown the FAQ uses — paragraphs, "- " lists, **bold** — is built here), no
 * script at all, one <style> element (the page CSP allows inline styles, never inline script). Anything else under
 * /help is an HTML 404, so a help link never falls through to the console.
 */

const LOCALES: readonly KbLocale[] = ['zh-CN', 'zh-TW', 'en'];

type PageStrings = {
  helpCenter: string;
  back: string;
  notFoundTitle: string;
  notFoundBody: string;
  languages: string;
};

const STRINGS: Record<KbLocale, PageStrings> = {
  'zh-CN': {
    helpCenter: '帮助中心',
    back: '返回帮助中心',
    notFoundTitle: '找不到这篇文章',
    notFoundBody: '这篇文章不存在或已移动。',
    languages: '语言',
  },
  'zh-TW': {
    helpCenter: '幫助中心',
    back: '返回幫助中心',
    notFoundTitle: '找不到這篇文章',
    notFoundBody: '這篇文章不存在或已移動。',
    languages: '語言',
  },
  en: {
    helpCenter: 'Help Center',
    back: 'Back to the Help Center',
    notFoundTitle: 'Article not found',
    notFoundBody: 'This article does not exist or has moved.',
    languages: 'Language',
  },
};

const LOCALE_NAMES: Record<KbLocale, string> = { 'zh-CN': '简体中文', 'zh-TW': '繁體中文', en: 'English' };

const STYLE = `
body{margin:0;font:16px/1.65 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#f6f8fa}
main{max-width:760px;margin:0 auto;padding:24px 20px 48px;background:#fff;min-height:100vh;box-sizing:border-box}
nav{display:flex;justify-content:space-between;gap:12px;flex-wrap:wrap;font-size:14px;margin-bottom:16px}
a{color:#0969da}h1{font-size:26px;line-height:1.3}ul.articles{padding-left:20px}ul.articles li{margin:6px 0}
`;

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** One line of FAQ text: escaped, with **bold** and http(s) / help-centre links. */
function inline(text: string): string {
  return linkify(text)
    .map((part) =>
      'href' in part
        ? `<a href="${escapeHtml(part.href)}" rel="noopener noreferrer">${escapeHtml(part.text)}</a>`
        : escapeHtml(part.text).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>'),
    )
    .join('');
}

/** The FAQ body: blank lines separate blocks; a block of "- " lines is a list, of "1. " lines a numbered list. */
export function renderBody(body: string): string {
  return body
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => {
      const lines = block.split('\n').map((line) => line.trim());
      if (lines.every((line) => /^[-*•]\s+/.test(line))) {
        return `<ul>${lines.map((line) => `<li>${inline(line.replace(/^[-*•]\s+/, ''))}</li>`).join('')}</ul>`;
      }
      if (lines.every((line) => /^\d+[.、)]\s*/.test(line))) {
        return `<ol>${lines.map((line) => `<li>${inline(line.replace(/^\d+[.、)]\s*/, ''))}</li>`).join('')}</ol>`;
      }
      return `<p>${lines.map(inline).join('<br>')}</p>`;
    })
    .join('\n');
}

function page(locale: KbLocale, title: string, content: string): string {
  const s = STRINGS[locale];
  return `<!doctype html>
<html lang="${escapeHtml(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${content}
<footer><nav aria-label="${escapeHtml(s.languages)}">${LOCALES.map((other) =>
    other === locale
      ? `<span>${escapeHtml(LOCALE_NAMES[other])}</span>`
      : `<a href="/help/${escapeHtml(other)}" lang="${escapeHtml(other)}">${escapeHtml(LOCALE_NAMES[other])}</a>`,
  ).join(' · ')}</nav></footer>
</main>
</body>
</html>
`;
}

function isLocale(value: string): value is KbLocale {
  return (LOCALES as readonly string[]).includes(value);
}

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).header('content-type', 'text/html; charset=utf-8').send(html);
}

export function registerHelpRoutes(app: App, deps: AppDeps): void {
  // Interim: read the help centre's organization's published texts per request (the full help centre replaces this).
  const load = async (orgSlug: string | undefined) => {
    const org = await deps.kb.orgs.resolve(deps.db, orgSlug);
    const rows = await selectPublishedTexts(deps.db, org.id);
    const byLocale = new Map<KbLocale, KbArticle[]>(LOCALES.map((locale) => [locale, []]));
    for (const row of rows)
      byLocale.get(row.locale)?.push({
        id: row.article_id,
        slug: row.slug,
        locale: row.locale,
        title: row.title,
        body: row.body_md,
        tags: row.tags,
        intents: row.intents,
        category: row.category_slug,
        url: `/help/${row.locale}/${row.slug}`,
      });
    return byLocale;
  };

  const notFound = (reply: FastifyReply, locale: string | undefined) => {
    const l: KbLocale = locale && isLocale(locale) ? locale : 'en';
    const s = STRINGS[l];
    return sendHtml(
      reply,
      404,
      page(
        l,
        `${s.notFoundTitle} · ${s.helpCenter}`,
        `<nav><a href="/help/${escapeHtml(l)}">← ${escapeHtml(s.back)}</a></nav>
<h1>${escapeHtml(s.notFoundTitle)}</h1>
<p>${escapeHtml(s.notFoundBody)}</p>`,
      ),
    );
  };

  const index = (reply: FastifyReply, locale: KbLocale, byLocale: Map<KbLocale, KbArticle[]>) => {
    const s = STRINGS[locale];
    const list = (byLocale.get(locale) ?? [])
      .map(
        (article) =>
          `<li><a href="/help/${escapeHtml(locale)}/${escapeHtml(article.slug)}">${escapeHtml(article.title)}</a></li>`,
      )
      .join('\n');
    return sendHtml(
      reply,
      200,
      page(locale, s.helpCenter, `<h1>${escapeHtml(s.helpCenter)}</h1>\n<ul class="articles">\n${list}\n</ul>`),
    );
  };

  app.get('/help', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/help/zh-CN'));
  app.get<{ Params: { locale: string } }>('/help/:locale', { schema: { hide: true } }, async (request, reply) => {
    const { locale } = request.params;
    return isLocale(locale) ? index(reply, locale, await load(undefined)) : notFound(reply, undefined);
  });
  app.get<{ Params: { locale: string; slug: string } }>(
    '/help/:locale/:slug',
    { schema: { hide: true } },
    async (request, reply) => {
      const { locale, slug } = request.params;
      if (!isLocale(locale)) return notFound(reply, undefined);
      const article = (await load(undefined)).get(locale)?.find((candidate) => candidate.slug === slug);
      if (!article) return notFound(reply, locale);
      const s = STRINGS[locale];
      return sendHtml(
        reply,
        200,
        page(
          locale,
          `${article.title} · ${s.helpCenter}`,
          `<nav><a href="/help/${escapeHtml(locale)}">← ${escapeHtml(s.back)}</a></nav>
<article>
<h1>${escapeHtml(article.title)}</h1>
${renderBody(article.body)}
</article>`,
        ),
      );
    },
  );
  // Deeper paths (/help/zh-CN/a/b) and a trailing slash are not articles either: an HTML 404, never the console.
  app.get<{ Params: { '*': string } }>('/help/*', { schema: { hide: true } }, async (request, reply) => {
    const first = request.params['*'].split('/')[0];
    return notFound(reply, first);
  });
}
