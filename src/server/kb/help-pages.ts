import type { KbLocale, KbSearchHit } from '../../contracts/kb.ts';
import type { HelpArticleView, HelpBrand, HelpCategoryView, HelpSectionView, HelpTree } from './help-centre.service.ts';

/**
 * The help centre's HTML: plain server-rendered pages, one inline <style>, no script at all (the page CSP forbids
 * inline script; nothing here needs one: search is a GET form, the vote a POST form). Every piece of text that comes
 * from the knowledge base, the organization or the request is escaped here; the only HTML inserted as is, is an
 * article's body_html, which the knowledge base sanitised when it was saved.
 */

export const HELP_LOCALES: readonly KbLocale[] = ['zh-CN', 'zh-TW', 'en'];

export const LOCALE_NAMES: Record<KbLocale, string> = { 'zh-CN': '简体中文', 'zh-TW': '繁體中文', en: 'English' };
const OG_LOCALES: Record<KbLocale, string> = { 'zh-CN': 'zh_CN', 'zh-TW': 'zh_TW', en: 'en_US' };

export type HelpStrings = {
  helpCenter: string;
  searchLabel: string;
  searchPlaceholder: string;
  searchButton: string;
  searchTitle: string;
  resultsFor: string;
  noResults: string;
  browse: string;
  moreArticles: string;
  breadcrumbs: string;
  languages: string;
  related: string;
  updated: string;
  wasHelpful: string;
  yes: string;
  no: string;
  commentLabel: string;
  thanks: string;
  stillNeedHelp: string;
  stillNeedHelpBody: string;
  chat: string;
  notice: string;
  notFoundTitle: string;
  notFoundBody: string;
  back: string;
  errorTitle: string;
  errorBody: string;
  tooManyBody: string;
  articles: string;
};

export const HELP_STRINGS: Record<KbLocale, HelpStrings> = {
  'zh-CN': {
    helpCenter: '帮助中心',
    searchLabel: '搜索帮助中心',
    searchPlaceholder: '输入问题，例如：充值未到账',
    searchButton: '搜索',
    searchTitle: '搜索',
    resultsFor: '“{q}”的搜索结果',
    noResults: '没有找到相关文章。换个说法试试，或者联系客服。',
    browse: '按主题浏览',
    moreArticles: '更多文章',
    breadcrumbs: '当前位置',
    languages: '语言',
    related: '相关文章',
    updated: '更新于',
    wasHelpful: '这篇文章对您有帮助吗？',
    yes: '有帮助',
    no: '没有帮助',
    commentLabel: '还想告诉我们什么？（选填）',
    thanks: '感谢您的反馈！',
    stillNeedHelp: '仍然需要帮助？',
    stillNeedHelpBody: '在线客服会接着这篇文章为您解答。',
    chat: '联系在线客服',
    notice: '服务公告',
    notFoundTitle: '找不到这个页面',
    notFoundBody: '这个页面不存在或已移动。',
    back: '返回帮助中心',
    errorTitle: '出错了',
    errorBody: '页面暂时无法显示，请稍后再试。',
    tooManyBody: '请求太频繁了，请稍等片刻再试。',
    articles: '篇文章',
  },
  'zh-TW': {
    helpCenter: '幫助中心',
    searchLabel: '搜尋幫助中心',
    searchPlaceholder: '輸入問題，例如：儲值未到帳',
    searchButton: '搜尋',
    searchTitle: '搜尋',
    resultsFor: '「{q}」的搜尋結果',
    noResults: '沒有找到相關文章。換個說法試試，或者聯絡客服。',
    browse: '依主題瀏覽',
    moreArticles: '更多文章',
    breadcrumbs: '目前位置',
    languages: '語言',
    related: '相關文章',
    updated: '更新於',
    wasHelpful: '這篇文章對您有幫助嗎？',
    yes: '有幫助',
    no: '沒有幫助',
    commentLabel: '還想告訴我們什麼？（選填）',
    thanks: '感謝您的回饋！',
    stillNeedHelp: '仍然需要協助？',
    stillNeedHelpBody: '線上客服會接著這篇文章為您解答。',
    chat: '聯絡線上客服',
    notice: '服務公告',
    notFoundTitle: '找不到這個頁面',
    notFoundBody: '這個頁面不存在或已移動。',
    back: '返回幫助中心',
    errorTitle: '發生錯誤',
    errorBody: '頁面暫時無法顯示，請稍後再試。',
    tooManyBody: '請求太頻繁了，請稍候片刻再試。',
    articles: '篇文章',
  },
  en: {
    helpCenter: 'Help Center',
    searchLabel: 'Search the Help Center',
    searchPlaceholder: 'Ask a question, e.g. deposit not credited',
    searchButton: 'Search',
    searchTitle: 'Search',
    resultsFor: 'Results for “{q}”',
    noResults: 'No articles found. Try other words, or chat with support.',
    browse: 'Browse by topic',
    moreArticles: 'More articles',
    breadcrumbs: 'Breadcrumb',
    languages: 'Language',
    related: 'Related articles',
    updated: 'Updated',
    wasHelpful: 'Was this article helpful?',
    yes: 'Yes',
    no: 'No',
    commentLabel: 'Anything else you want to tell us? (optional)',
    thanks: 'Thank you for your feedback!',
    stillNeedHelp: 'Still need help?',
    stillNeedHelpBody: 'Our support team picks up from this article.',
    chat: 'Chat with support',
    notice: 'Service notice',
    notFoundTitle: 'Page not found',
    notFoundBody: 'This page does not exist or has moved.',
    back: 'Back to the Help Center',
    errorTitle: 'Something went wrong',
    errorBody: 'This page cannot be shown right now. Please try again later.',
    tooManyBody: 'Too many requests. Please wait a moment and try again.',
    articles: 'articles',
  },
};

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const e = escapeHtml;

/** Links of one page: every help link carries the organization on (`?org=`) when the page names one. */
export type HelpLinks = {
  /** A same-site path with the organization's query (and any extra parameters) added. */
  to(path: string, extra?: Record<string, string>): string;
  /** The same, absolute (canonical, hreflang, Open Graph, sitemap). */
  absolute(path: string, extra?: Record<string, string>): string;
  /** The organization's slug when links must carry it, else null. */
  org: string | null;
};

export function createHelpLinks(base: string, org: string | null): HelpLinks {
  const to = (target: string, extra: Record<string, string> = {}) => {
    const [path, search] = target.split('?', 2) as [string, string | undefined];
    const params = new URLSearchParams(search);
    for (const [name, value] of Object.entries(extra)) params.set(name, value);
    if (org) params.set('org', org);
    const query = params.toString();
    return query ? `${path}?${query}` : path;
  };
  return { to, absolute: (path, extra) => `${base}${to(path, extra)}`, org };
}

/** Where the locale switch of a page goes, per locale (the same page there, or that locale's home; may hold a query). */
export type SwitchTargets = Partial<Record<KbLocale, string>>;

export type PageHead = {
  title: string;
  description?: string;
  /** Absolute canonical URL. */
  canonical?: string;
  /** hreflang → absolute URL (including x-default). */
  alternates?: [string, string][];
  ogType?: 'website' | 'article';
  noindex?: boolean;
};

export type PageFrame = {
  locale: KbLocale;
  brand: HelpBrand;
  links: HelpLinks;
  /** The platform-status incidents of the moment, in this locale. */
  announcements: string[];
  /** Path of this page in each locale, for the switch (without the organization's query). */
  switchPaths: SwitchTargets;
};

const STYLE = `
:root{--brand:#1f6feb;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.65 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC",sans-serif;color:var(--ink);background:var(--bg);overflow-wrap:anywhere}
:lang(zh-TW) body,body:lang(zh-TW){font-family:-apple-system,BlinkMacSystemFont,"Segoe UI","PingFang TC","Microsoft JhengHei","Noto Sans CJK TC","Noto Sans TC",sans-serif}
a{color:var(--brand)}
.notice{background:#fff8c5;border-bottom:1px solid #d4a72c;padding:10px 16px;font-size:15px}
.notice ul{margin:4px 0 0;padding-left:20px}
.top{background:var(--brand);color:#fff}
.top .in{max-width:960px;margin:0 auto;padding:12px 16px;display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px 16px}
.brand{color:#fff;text-decoration:none;font-weight:600;font-size:18px;display:flex;align-items:center;gap:10px}
.brand img{height:32px;width:auto;max-width:160px}
.langs{font-size:14px;display:flex;gap:12px}
.langs a{color:#fff}.langs span{font-weight:600;text-decoration:underline}
.hero{background:var(--brand);padding:8px 16px 28px}
.hero form,.search-page form{max-width:640px;margin:0 auto;display:flex;gap:8px}
input[type=search]{flex:1;min-width:0;font:inherit;padding:10px 12px;border:1px solid var(--line);border-radius:8px}
button{font:inherit;padding:10px 16px;border-radius:8px;border:1px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer}
button.secondary{background:#fff;color:var(--brand)}
main{max-width:960px;margin:0 auto;padding:20px 16px 48px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:16px}
.card,.panel{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 20px}
.card h2{margin:0 0 8px;font-size:20px}.card h3{margin:12px 0 4px;font-size:16px}
.card ul,.list{margin:0;padding-left:18px}.card li,.list li{margin:4px 0}
.crumbs{font-size:14px;color:var(--muted);margin-bottom:12px}
.crumbs ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px}
.crumbs li+li:before{content:"›";margin-right:4px}
article.panel h1{margin-top:0;font-size:28px;line-height:1.3}
.body img{max-width:100%}.body pre{overflow:auto;background:var(--bg);padding:12px;border-radius:6px}
.body table{border-collapse:collapse;display:block;overflow:auto}.body th,.body td{border:1px solid var(--line);padding:6px 10px}
.meta{color:var(--muted);font-size:14px}
.side{margin-top:20px}.side h2{margin-top:0;font-size:20px}.hero button{border-color:#fff}
.feedback textarea{width:100%;font:inherit;min-height:64px;padding:8px;border:1px solid var(--line);border-radius:8px}
.feedback .buttons{display:flex;gap:8px;margin-top:8px}
.thanks{color:#1a7f37;font-weight:600}
.results{list-style:none;padding:0}.results li{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px 16px;margin:10px 0}
.results a{font-weight:600;font-size:18px}.results p{margin:4px 0 0;color:var(--muted)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
mark{background:#fff3b0;color:inherit;padding:0 1px}
footer{max-width:960px;margin:0 auto;padding:16px;color:var(--muted);font-size:14px}
@media (max-width:600px){article.panel h1{font-size:23px}.card,.panel{padding:14px}}
`;

function head(frame: PageFrame, h: PageHead): string {
  const lines = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(h.title)}</title>`,
    // No favicon request (a 404 on every first visit): the organization's logo, or none.
    `<link rel="icon" href="${frame.brand.logoUrl ? e(frame.brand.logoUrl) : 'data:,'}">`,
  ];
  if (h.description) lines.push(`<meta name="description" content="${e(h.description)}">`);
  if (h.noindex) lines.push('<meta name="robots" content="noindex">');
  if (h.canonical) lines.push(`<link rel="canonical" href="${e(h.canonical)}">`);
  for (const [hreflang, href] of h.alternates ?? []) {
    lines.push(`<link rel="alternate" hreflang="${e(hreflang)}" href="${e(href)}">`);
  }
  lines.push(
    `<meta property="og:type" content="${h.ogType ?? 'website'}">`,
    `<meta property="og:title" content="${e(h.title)}">`,
    `<meta property="og:site_name" content="${e(`${frame.brand.name} ${HELP_STRINGS[frame.locale].helpCenter}`)}">`,
    `<meta property="og:locale" content="${OG_LOCALES[frame.locale]}">`,
  );
  if (h.description) lines.push(`<meta property="og:description" content="${e(h.description)}">`);
  if (h.canonical) lines.push(`<meta property="og:url" content="${e(h.canonical)}">`);
  if (frame.brand.logoUrl) lines.push(`<meta property="og:image" content="${e(frame.brand.logoUrl)}">`);
  const brandCss = frame.brand.brandColor ? `:root{--brand:${frame.brand.brandColor}}` : '';
  lines.push(`<style>${STYLE}${brandCss}</style>`);
  return lines.join('\n');
}

function languageSwitch(frame: PageFrame): string {
  const s = HELP_STRINGS[frame.locale];
  const items = HELP_LOCALES.map((other) => {
    if (other === frame.locale) return `<span aria-current="true">${e(LOCALE_NAMES[other])}</span>`;
    const path = frame.switchPaths[other] ?? `/help/${other}`;
    // ?switch=1 remembers the choice (a cookie) and redirects to the page itself.
    return `<a href="${e(frame.links.to(path, { switch: '1' }))}" hreflang="${other}" lang="${other}">${e(LOCALE_NAMES[other])}</a>`;
  });
  return `<nav class="langs" aria-label="${e(s.languages)}">${items.join('')}</nav>`;
}

function banner(frame: PageFrame): string {
  if (frame.announcements.length === 0) return '';
  const s = HELP_STRINGS[frame.locale];
  return `<div class="notice" role="status" data-testid="help-announcements"><strong>${e(s.notice)}</strong><ul>${frame.announcements
    .map((text) => `<li>${e(text)}</li>`)
    .join('')}</ul></div>`;
}

export function searchForm(frame: PageFrame, q = ''): string {
  const s = HELP_STRINGS[frame.locale];
  const org = frame.links.org ? `<input type="hidden" name="org" value="${e(frame.links.org)}">` : '';
  return `<form action="/help/${frame.locale}/search" method="get" role="search">
<input type="search" name="q" value="${e(q)}" maxlength="200" placeholder="${e(s.searchPlaceholder)}" aria-label="${e(s.searchLabel)}" required>${org}
<button type="submit">${e(s.searchButton)}</button>
</form>`;
}

export function layout(frame: PageFrame, h: PageHead, content: string, options: { hero?: string } = {}): string {
  const s = HELP_STRINGS[frame.locale];
  const logo = frame.brand.logoUrl ? `<img src="${e(frame.brand.logoUrl)}" alt="">` : '';
  return `<!doctype html>
<html lang="${frame.locale}">
<head>
${head(frame, h)}
</head>
<body>
${banner(frame)}
<header class="top"><div class="in"><a class="brand" href="${e(frame.links.to(`/help/${frame.locale}`))}">${logo}<span>${e(frame.brand.name)} · ${e(s.helpCenter)}</span></a>${languageSwitch(frame)}</div></header>
${options.hero ? `<div class="hero">${options.hero}</div>` : ''}
<main>
${content}
</main>
<footer>© ${e(frame.brand.name)}</footer>
</body>
</html>
`;
}

type Crumb = { name: string; href?: string };

function crumbs(frame: PageFrame, trail: Crumb[]): string {
  const s = HELP_STRINGS[frame.locale];
  const all: Crumb[] = [{ name: s.helpCenter, href: frame.links.to(`/help/${frame.locale}`) }, ...trail];
  return `<nav class="crumbs" aria-label="${e(s.breadcrumbs)}"><ol>${all
    .map((c, i) =>
      c.href && i < all.length - 1
        ? `<li><a href="${e(c.href)}">${e(c.name)}</a></li>`
        : `<li aria-current="page">${e(c.name)}</li>`,
    )
    .join('')}</ol></nav>`;
}

function articleList(frame: PageFrame, articles: { slug: string; title: string }[], className = 'list'): string {
  return `<ul class="${className}">${articles
    .map((a) => `<li><a href="${e(frame.links.to(`/help/${frame.locale}/${a.slug}`))}">${e(a.title)}</a></li>`)
    .join('')}</ul>`;
}

function categoryHref(frame: PageFrame, category: string, section?: string): string {
  return frame.links.to(`/help/${frame.locale}/c/${category}${section ? `/${section}` : ''}`);
}

function sectionBlock(frame: PageFrame, category: HelpCategoryView, section: HelpSectionView, level: 'h2' | 'h3') {
  return `<${level}><a href="${e(categoryHref(frame, category.slug, section.slug))}">${e(section.name)}</a></${level}>
${articleList(frame, section.articles)}`;
}

export function homePage(frame: PageFrame, h: PageHead, tree: HelpTree): string {
  const s = HELP_STRINGS[frame.locale];
  const cards = tree.categories
    .map(
      (c) => `<section class="card" data-category="${e(c.slug)}">
<h2><a href="${e(categoryHref(frame, c.slug))}">${e(c.name)}</a></h2>
${c.sections.map((section) => sectionBlock(frame, c, section, 'h3')).join('\n')}
</section>`,
    )
    .join('\n');
  const unfiled = tree.unfiled.length
    ? `<section class="card"><h2>${e(s.moreArticles)}</h2>${articleList(frame, tree.unfiled)}</section>`
    : '';
  return layout(
    frame,
    h,
    `<h1 class="sr">${e(s.browse)}</h1>
<div class="grid">
${cards}
${unfiled}
</div>`,
    { hero: searchForm(frame) },
  );
}

export function categoryPage(
  frame: PageFrame,
  h: PageHead,
  category: HelpCategoryView,
  section: HelpSectionView | undefined,
): string {
  const trail: Crumb[] = [{ name: category.name, href: categoryHref(frame, category.slug) }];
  if (section) trail.push({ name: section.name });
  const body = section
    ? `<section class="panel"><h1>${e(section.name)}</h1>${articleList(frame, section.articles)}</section>`
    : `<h1>${e(category.name)}</h1>
<div class="grid">${category.sections
        .map((sec) => `<section class="card">${sectionBlock(frame, category, sec, 'h2')}</section>`)
        .join('\n')}</div>`;
  return layout(frame, h, `${crumbs(frame, trail)}\n${body}`, { hero: searchForm(frame) });
}

export function articlePage(
  frame: PageFrame,
  h: PageHead,
  article: HelpArticleView,
  options: { voted: boolean; chatHref: string },
): string {
  const s = HELP_STRINGS[frame.locale];
  const trail: Crumb[] = [];
  if (article.category) trail.push({ name: article.category.name, href: categoryHref(frame, article.category.slug) });
  if (article.category && article.section) {
    trail.push({ name: article.section.name, href: categoryHref(frame, article.category.slug, article.section.slug) });
  }
  trail.push({ name: article.title });
  const related = article.related.length
    ? `<section class="panel side" data-testid="related"><h2>${e(s.related)}</h2>${articleList(frame, article.related)}</section>`
    : '';
  const action = frame.links.to(`/help/${frame.locale}/${article.slug}/feedback`);
  const feedback = `<section class="panel side feedback" id="feedback">
<h2>${e(s.wasHelpful)}</h2>
${options.voted ? `<p class="thanks" role="status" data-testid="feedback-thanks">${e(s.thanks)}</p>` : ''}
<form method="post" action="${e(action)}">
<label for="feedback-comment">${e(s.commentLabel)}</label>
<textarea id="feedback-comment" name="comment" maxlength="1000"></textarea>
<div class="buttons"><button type="submit" name="helpful" value="yes" data-testid="feedback-yes">${e(s.yes)}</button>
<button type="submit" name="helpful" value="no" class="secondary" data-testid="feedback-no">${e(s.no)}</button></div>
</form>
</section>`;
  const chat = `<section class="panel side" data-testid="still-need-help"><h2>${e(s.stillNeedHelp)}</h2>
<p>${e(s.stillNeedHelpBody)}</p>
<p><a href="${e(options.chatHref)}">${e(s.chat)}</a></p>
</section>`;
  const updated = new Date(article.updatedAt).toISOString().slice(0, 10);
  return layout(
    frame,
    h,
    `${crumbs(frame, trail)}
<article class="panel">
<h1>${e(article.title)}</h1>
<p class="meta">${e(s.updated)} <time datetime="${e(article.updatedAt)}">${updated}</time></p>
<div class="body">
${article.html}
</div>
</article>
${related}
${feedback}
${chat}`,
  );
}

export function searchPage(frame: PageFrame, h: PageHead, q: string, hits: KbSearchHit[] | undefined): string {
  const s = HELP_STRINGS[frame.locale];
  let results = '';
  if (hits) {
    results = `<h1>${e(s.resultsFor).replace('{q}', e(q))}</h1>
${
  hits.length === 0
    ? `<p data-testid="no-results">${e(s.noResults)}</p>`
    : `<ol class="results" data-testid="search-results">${hits
        .map(
          (hit) => `<li><a href="${e(frame.links.to(`/help/${hit.locale}/${hit.slug}`))}">${highlight(hit.title, q)}</a>
<p>${highlight(hit.snippet, q)}</p></li>`,
        )
        .join('\n')}</ol>`
}`;
  }
  return layout(
    frame,
    h,
    `${crumbs(frame, [{ name: s.searchTitle }])}
<div class="search-page">${searchForm(frame, q)}</div>
${results}`,
  );
}

export function messagePage(frame: PageFrame, title: string, body: string): string {
  const s = HELP_STRINGS[frame.locale];
  return layout(
    frame,
    { title: `${title} · ${s.helpCenter}`, noindex: true },
    `<section class="panel"><h1>${e(title)}</h1>
<p>${e(body)}</p>
<p><a href="${e(frame.links.to(`/help/${frame.locale}`))}">← ${e(s.back)}</a></p></section>`,
  );
}

const HAN = /\p{Script=Han}/u;

/** The words of a query worth marking in a snippet: each word, and for Chinese each pair of characters too. */
export function queryTerms(q: string): string[] {
  const terms = new Set<string>();
  for (const word of q.split(/[\s\p{P}\p{S}]+/u)) {
    if (!word) continue;
    const chars = Array.from(word);
    if (HAN.test(word)) {
      if (chars.length >= 2) terms.add(word);
      for (let i = 0; i + 1 < chars.length; i++) {
        if (HAN.test(chars[i]) && HAN.test(chars[i + 1])) terms.add(chars[i] + chars[i + 1]);
      }
      for (const run of word.split(/\p{Script=Han}+/u)) if (run.length >= 2) terms.add(run);
    } else if (chars.length >= 2) terms.add(word);
  }
  return [...terms].sort((a, b) => b.length - a.length).slice(0, 40);
}

/** Escapes a text and wraps the query's words in <mark>. */
export function highlight(text: string, q: string): string {
  const terms = queryTerms(q);
  if (terms.length === 0) return e(text);
  const pattern = new RegExp(terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
  let out = '';
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index ?? 0;
    out += `${e(text.slice(last, at))}<mark>${e(match[0])}</mark>`;
    last = at + match[0].length;
  }
  return out + e(text.slice(last));
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The first ~155 characters of an article's text (from its stored HTML), for the meta description. */
export function describeHtml(html: string, max = 155): string {
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(text);
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/** The page CSP with the organization's logo host allowed as an image source (no script source changes). */
export function helpPageCsp(logoUrl: string | null): string | undefined {
  if (!logoUrl) return undefined;
  const origin = new URL(logoUrl).origin;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: ${origin}`,
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function sitemapXml(entries: { loc: string; lastmod: string; alternates: [string, string][] }[]): string {
  const x = escapeHtml;
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${entries
  .map(
    (entry) =>
      `<url><loc>${x(entry.loc)}</loc><lastmod>${x(entry.lastmod)}</lastmod>${entry.alternates
        .map(([lang, href]) => `<xhtml:link rel="alternate" hreflang="${x(lang)}" href="${x(href)}"/>`)
        .join('')}</url>`,
  )
  .join('\n')}
</urlset>
`;
}

export function robotsTxt(sitemapUrl: string): string {
  return `User-agent: *
Allow: /help
Allow: /sitemap.xml
Disallow: /api/
Disallow: /demo
Disallow: /
Sitemap: ${sitemapUrl}
`;
}
