import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { helpCentreBrand } from '../../src/server/kb/help-centre.service.ts';
import { highlight } from '../../src/server/kb/help-pages.ts';
import { localeFromAcceptLanguage } from '../../src/server/kb/help.routes.ts';
import { toTaiwanText } from '../../src/server/text/taiwan-text.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

const HTML = { accept: 'text/html,application/xhtml+xml' };

type Page = { status: number; type: string; headers: Headers; body: string };

async function get(url: string, headers: Record<string, string> = HTML): Promise<Page> {
  const response = await fetch(url, { headers, redirect: 'manual' });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    headers: response.headers,
    body: await response.text(),
  };
}

async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

function assertHelpPage(page: Page, status: number, lang: string): void {
  assert.equal(page.status, status);
  assert.equal(page.type, 'text/html; charset=utf-8');
  assert.match(page.body, /^<!doctype html>/i);
  assert.ok(page.body.includes(`<html lang="${lang}">`), `lang=${lang}`);
  assert.doesNotMatch(page.body, /<script/i, 'no script at all: the page CSP forbids inline script');
  assert.doesNotMatch(page.body, /id="root"/, 'not the console');
  assert.equal(page.body.match(/<style>/g)?.length, 1, 'one inline <style>');
  assert.ok(page.body.includes('<meta name="viewport" content="width=device-width, initial-scale=1">'));
  assert.ok(Buffer.byteLength(page.body) < 200_000);
}

/** The markup without its quoted attribute values (which are escaped text): what is left is tags and attribute names. */
function markup(body: string): string {
  return body.replace(/"[^"]*"/g, '""');
}

const STYLE_BYTES_LIMIT = 50 * 1024;

for (const database of await testDatabases()) {
  describe(`the public help centre (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let admin: AgentClient;

    const articleId = async (slug: string): Promise<string> => {
      const list = await admin.call('GET', `/api/agent/kb/articles?q=${slug}`);
      const found = (list.body.articles as { id: string; slug: string }[]).find((a) => a.slug === slug);
      assert.ok(found, slug);
      return found.id;
    };

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db, 'lumen-help', { kb: true });
      admin = await loginAgent(server, org.agents.admin);
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    test('the home page lists the categories, their sections and article titles in zh-CN and in en', async () => {
      const zh = await get(`${server.url}/help/zh-CN`);
      assertHelpPage(zh, 200, 'zh-CN');
      assert.ok(zh.body.includes('<a href="/help/zh-CN/c/deposits">充值</a>'), 'a category');
      assert.ok(zh.body.includes('<a href="/help/zh-CN/c/deposits/deposit-issues">充值问题</a>'), 'its section');
      assert.ok(zh.body.includes('<a href="/help/zh-CN/deposit-not-credited">充值未到账怎么办</a>'), 'an article');
      assert.ok(zh.body.includes(`Exchange ${org.slug}`), "the organization's name");
      assert.ok(zh.body.includes('action="/help/zh-CN/search"'), 'a search form');
      assert.ok(zh.body.includes('name="q"'));
      const style = zh.body.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? '';
      assert.ok(Buffer.byteLength(style) < STYLE_BYTES_LIMIT);

      const en = await get(`${server.url}/help/en`);
      assertHelpPage(en, 200, 'en');
      assert.ok(en.body.includes('<a href="/help/en/c/deposits">Deposits</a>'));
      assert.ok(en.body.includes('href="/help/en/deposit-not-credited"'));
      assert.ok(en.body.includes('Help Center'));
      assert.ok(en.body.includes('href="/help/zh-CN?switch=1"'), 'a locale switch');
      assert.ok(en.headers.get('content-security-policy')?.includes("script-src 'self'"));
    });

    test('category and section pages list their articles, with breadcrumbs', async () => {
      const category = await get(`${server.url}/help/en/c/deposits`);
      assertHelpPage(category, 200, 'en');
      assert.ok(category.body.includes('<h1>Deposits</h1>'));
      assert.ok(category.body.includes('href="/help/en/deposit-not-credited"'));
      assert.ok(category.body.includes('<li><a href="/help/en">Help Center</a></li>'), 'breadcrumbs');
      const section = await get(`${server.url}/help/zh-CN/c/deposits/deposit-issues`);
      assertHelpPage(section, 200, 'zh-CN');
      assert.ok(section.body.includes('<h1>充值问题</h1>'));
      assert.ok(section.body.includes('href="/help/zh-CN/deposit-not-credited"'));
      assert.ok(section.body.includes('href="/help/en/c/deposits/deposit-issues?switch=1"'), 'switch to the same page');
    });

    test('an article: its stored HTML, breadcrumbs, related articles, SEO tags, the vote form and the chat', async () => {
      const page = await get(`${server.url}/help/en/deposit-not-credited`);
      assertHelpPage(page, 200, 'en');
      const detail = await admin.call('GET', `/api/agent/kb/articles/${await articleId('deposit-not-credited')}`);
      const text = (detail.body.article.texts as { locale: string; title: string; html: string }[]).find(
        (t) => t.locale === 'en',
      );
      assert.ok(text);
      assert.ok(page.body.includes(text.html), 'the stored, sanitised HTML as is');
      assert.ok(page.body.includes('<strong>'), 'Markdown rendered on save, not shown');
      assert.doesNotMatch(page.body, /\*\*/);
      assert.ok(page.body.includes(`<title>${text.title} · Exchange ${org.slug} Help Center</title>`));
      assert.match(page.body, /<meta name="description" content="[^"]{40,160}">/);
      const base = server.url;
      assert.ok(page.body.includes(`<link rel="canonical" href="${base}/help/en/deposit-not-credited">`));
      for (const locale of ['zh-CN', 'zh-TW', 'en']) {
        assert.ok(
          page.body.includes(
            `<link rel="alternate" hreflang="${locale}" href="${base}/help/${locale}/deposit-not-credited">`,
          ),
          `hreflang ${locale}`,
        );
      }
      assert.ok(
        page.body.includes(`<link rel="alternate" hreflang="x-default" href="${base}/help/en/deposit-not-credited">`),
      );
      assert.ok(page.body.includes('<meta property="og:type" content="article">'));
      assert.ok(page.body.includes(`<meta property="og:url" content="${base}/help/en/deposit-not-credited">`));
      assert.ok(page.body.includes('<li><a href="/help/en/c/deposits">Deposits</a></li>'), 'breadcrumbs');
      assert.ok(page.body.includes('href="/help/en/find-txid"'), 'a related article');
      assert.ok(page.body.includes('<form method="post" action="/help/en/deposit-not-credited/feedback">'));
      assert.ok(page.body.includes('name="helpful" value="yes"') && page.body.includes('name="helpful" value="no"'));
      assert.ok(page.body.includes('name="comment"'));
      assert.ok(page.body.includes('Still need help?'));
      assert.ok(page.body.includes('href="/demo?article=deposit-not-credited&amp;locale=en"'), 'the chat link');
      const zh = await get(`${server.url}/help/zh-CN/deposit-not-credited`);
      assert.ok(zh.body.includes('仍然需要帮助？') && zh.body.includes('locale=zh-CN'));
    });

    test('zh-TW pages exist, generated from zh-CN with Taiwan usage, category names too', async () => {
      const page = await get(`${server.url}/help/zh-TW/deposit-not-credited`);
      assertHelpPage(page, 200, 'zh-TW');
      const title = toTaiwanText('充值未到账怎么办');
      assert.notEqual(title, '充值未到账怎么办');
      assert.ok(page.body.includes(`<h1>${title}</h1>`));
      assert.ok(page.body.includes(toTaiwanText('充值问题')), 'the section name converted');
      assert.ok(page.body.includes('仍然需要協助？'));
      const home = await get(`${server.url}/help/zh-TW`);
      assertHelpPage(home, 200, 'zh-TW');
      assert.ok(home.body.includes('幫助中心'));
    });

    test('/help goes to the locale of the cookie once chosen, else of Accept-Language', async () => {
      const cases: [Record<string, string>, string][] = [
        [{ 'accept-language': 'zh-TW,zh;q=0.9' }, '/help/zh-TW'],
        [{ 'accept-language': 'zh-HK' }, '/help/zh-TW'],
        [{ 'accept-language': 'zh-Hant' }, '/help/zh-TW'],
        [{ 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }, '/help/zh-CN'],
        [{ 'accept-language': 'zh' }, '/help/zh-CN'],
        [{ 'accept-language': 'en-US,en;q=0.9' }, '/help/en'],
        [{ 'accept-language': 'fr-FR' }, '/help/en'],
        [{}, '/help/en'],
        [{ 'accept-language': 'en-US', cookie: 'kefu_help_locale=zh-CN' }, '/help/zh-CN'],
        [{ 'accept-language': 'zh-CN', cookie: 'kefu_help_locale=en' }, '/help/en'],
        [{ 'accept-language': 'zh-CN', cookie: 'kefu_help_locale=xx' }, '/help/zh-CN'],
      ];
      for (const [headers, location] of cases) {
        const page = await get(`${server.url}/help`, headers);
        assert.equal(page.status, 302, JSON.stringify(headers));
        assert.equal(page.headers.get('location'), location, JSON.stringify(headers));
      }
      assert.equal(localeFromAcceptLanguage('fr;q=1, zh-TW;q=0.5, en;q=0.7'), 'en');
      assert.equal(localeFromAcceptLanguage('de, zh-tw;q=0.5'), 'zh-TW');
    });

    test('the locale switch lands on the same page in the other locale and remembers the choice', async () => {
      const page = await get(`${server.url}/help/zh-CN/deposit-not-credited`);
      assert.ok(page.body.includes('href="/help/en/deposit-not-credited?switch=1"'));
      const switched = await get(`${server.url}/help/en/deposit-not-credited?switch=1`);
      assert.equal(switched.status, 303);
      assert.equal(switched.headers.get('location'), '/help/en/deposit-not-credited');
      const cookie = switched.headers.get('set-cookie') ?? '';
      assert.match(cookie, /^kefu_help_locale=en;/);
      assert.match(cookie, /SameSite=Lax/i);
      const back = await get(`${server.url}/help`, { 'accept-language': 'zh-CN', cookie: cookie.split(';')[0] });
      assert.equal(back.headers.get('location'), '/help/en');
      const search = await get(`${server.url}/help/en/search?q=deposit`);
      assert.ok(search.body.includes('href="/help/zh-CN/search?q=deposit&amp;switch=1"'), 'search keeps its query');
    });

    test('search finds 充值 articles, marks the words, and escapes the query', async () => {
      const page = await get(`${server.url}/help/zh-CN/search?q=${encodeURIComponent('充值')}`);
      assertHelpPage(page, 200, 'zh-CN');
      assert.ok(page.body.includes('data-testid="search-results"'));
      assert.ok(page.body.includes('href="/help/zh-CN/deposit-not-credited"'));
      assert.ok(page.body.includes('<mark>充值</mark>'));
      assert.ok(page.body.includes('“充值”的搜索结果'));
      assert.ok(page.body.includes('<meta name="robots" content="noindex">'));

      const hostile = '<script>alert(1)</script>"><img src=x onerror=alert(1)> deposit';
      const evil = await get(`${server.url}/help/en/search?q=${encodeURIComponent(hostile)}`);
      assertHelpPage(evil, 200, 'en');
      assert.doesNotMatch(markup(evil.body), /<img|<[^>]+\sonerror=/i);
      assert.ok(
        evil.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img'),
        'the query echoed, escaped',
      );

      const empty = await get(`${server.url}/help/en/search`);
      assertHelpPage(empty, 200, 'en');
      assert.ok(!empty.body.includes('data-testid="search-results"'));
      assert.equal(highlight('a <b> deposit', 'deposit <b>'), 'a &lt;b&gt; <mark>deposit</mark>');
    });

    test('a vote from the form (no JavaScript) is recorded, once per visitor: a second vote replaces the first', async () => {
      const id = await articleId('deposit-not-credited');
      const counts = async () => (await admin.call('GET', `/api/agent/kb/articles/${id}`)).body.article;

      const first = await postForm(`${server.url}/help/en/deposit-not-credited/feedback`, {
        helpful: 'yes',
        comment: 'Clear <b>enough</b>',
      });
      assert.equal(first.status, 303);
      assert.equal(first.headers.get('location'), '/help/en/deposit-not-credited?voted=1#feedback');
      const cookie = first.headers.get('set-cookie') ?? '';
      assert.match(cookie, /^kefu_kb_visitor=[A-Za-z0-9_-]{16,};/);
      assert.match(cookie, /HttpOnly/i);
      assert.match(cookie, /SameSite=Lax/i);
      let article = await counts();
      assert.deepEqual(article.helpful, { yes: 1, no: 0 });
      assert.ok(article.comments.some((c: { comment: string }) => c.comment === 'Clear <b>enough</b>'));

      const visitor = cookie.split(';')[0];
      const second = await postForm(
        `${server.url}/help/en/deposit-not-credited/feedback`,
        { helpful: 'no' },
        { cookie: visitor },
      );
      assert.equal(second.status, 303);
      assert.equal(second.headers.get('set-cookie'), null, 'the visitor keeps their key');
      article = await counts();
      assert.deepEqual(article.helpful, { yes: 0, no: 1 }, 'replaced, not added');

      const thanks = await get(`${server.url}/help/en/deposit-not-credited?voted=1`);
      assert.ok(thanks.body.includes('Thank you for your feedback!'));

      const bad = await postForm(`${server.url}/help/en/deposit-not-credited/feedback`, { helpful: 'maybe' });
      assert.equal(bad.status, 400);
      assert.match(bad.body, /^<!doctype html>/i);
      const missing = await postForm(`${server.url}/help/en/no-such-article/feedback`, { helpful: 'yes' });
      assert.equal(missing.status, 404);
      assert.match(missing.body, /^<!doctype html>/i);
    });

    test('an article written with hostile Markdown renders inert', async () => {
      const body = [
        'Intro <script>alert(1)</script>',
        '',
        '<img src=x onerror=alert(1)>',
        '',
        '[x](javascript:alert(1)) and [ok](https://example.test/)',
        '',
        '<iframe src="https://evil.test/"></iframe>',
        '',
        '**bold** text',
      ].join('\n');
      const created = await admin.call('POST', '/api/agent/kb/articles', {
        slug: 'hostile-markdown',
        texts: { en: { title: 'Hostile <script>alert(1)</script> title', body } },
        publish: true,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const page = await get(`${server.url}/help/en/hostile-markdown`);
      assertHelpPage(page, 200, 'en');
      assert.doesNotMatch(page.body, /<script/i);
      assert.doesNotMatch(markup(page.body), /<[^>]+\son[a-z]+\s*=/i, 'no event handler attribute');
      assert.doesNotMatch(page.body, /href\s*=\s*["']?\s*javascript:/i);
      assert.doesNotMatch(page.body, /<iframe/i);
      assert.doesNotMatch(page.body, /<img/i);
      assert.ok(page.body.includes('<strong>bold</strong>'));
      assert.ok(page.body.includes('href="https://example.test/"'));
      assert.ok(page.body.includes('<h1>Hostile &lt;script&gt;alert(1)&lt;/script&gt; title</h1>'));
      // An en-only article: the switch goes to the other locales' homes, hreflang names en only.
      assert.ok(page.body.includes('href="/help/zh-CN?switch=1"'));
      assert.ok(!page.body.includes('hreflang="zh-CN" href='));
      const zh = await get(`${server.url}/help/zh-CN/hostile-markdown`);
      assertHelpPage(zh, 404, 'zh-CN');
    });

    test('sitemap.xml lists every published article in every locale; robots.txt points at it', async () => {
      const sitemap = await get(`${server.url}/sitemap.xml`, {});
      assert.equal(sitemap.status, 200);
      assert.equal(sitemap.type, 'application/xml; charset=utf-8');
      assert.match(sitemap.body, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
      for (const locale of ['zh-CN', 'zh-TW', 'en']) {
        assert.ok(sitemap.body.includes(`<loc>${server.url}/help/${locale}/deposit-not-credited</loc>`), locale);
      }
      assert.ok(
        sitemap.body.includes(
          `<xhtml:link rel="alternate" hreflang="zh-TW" href="${server.url}/help/zh-TW/deposit-not-credited"/>`,
        ),
      );
      const urls = sitemap.body.match(/<url>/g)?.length ?? 0;
      assert.ok(urls >= 69 * 3, `${urls} urls`);

      const robots = await get(`${server.url}/robots.txt`, {});
      assert.equal(robots.status, 200);
      assert.equal(robots.type, 'text/plain; charset=utf-8');
      assert.match(robots.body, /^User-agent: \*$/m);
      assert.match(robots.body, /^Allow: \/help$/m);
      assert.match(robots.body, /^Disallow: \/api\/$/m);
      assert.match(robots.body, /^Disallow: \/demo$/m);
      assert.match(robots.body, /^Disallow: \/$/m, 'the console');
      assert.ok(robots.body.includes(`Sitemap: ${server.url}/sitemap.xml`));
    });

    for (const [name, path, lang] of [
      ['an unknown article', '/help/zh-CN/no-such-article', 'zh-CN'],
      ['an unknown locale', '/help/fr', 'en'],
      ['an unknown locale with a slug', '/help/x/y', 'en'],
      ['an unknown category', '/help/en/c/no-such-category', 'en'],
      ['an unknown section', '/help/zh-TW/c/deposits/no-such-section', 'zh-TW'],
      ['a deeper path', '/help/en/deposit-not-credited/more', 'en'],
      ['a much deeper path', '/help/en/c/deposits/deposit-issues/more', 'en'],
      ['a trailing slash', '/help/en/', 'en'],
      ['an unknown organization', '/help/en?org=no-such-org', 'en'],
    ] as const) {
      test(`${name} (${path}) is an HTML 404 page, never the console`, async () => {
        const page = await get(`${server.url}${path}`);
        assertHelpPage(page, 404, lang);
        assert.ok(page.body.includes('href="/help/'), 'a way back to the help centre');
        const plain = await get(`${server.url}${path}`, {});
        assert.equal(plain.status, 404);
        assert.equal(plain.type, 'text/html; charset=utf-8');
      });
    }

    test('current platform-status incidents are a banner on every help page, in its locale', async () => {
      const before = await get(`${server.url}/help/en`);
      assert.ok(!before.body.includes('data-testid="help-announcements"'));
      const posted = await admin.call('PUT', '/api/agent/platform-status', {
        coin: 'USDT',
        network: 'TRC20',
        deposits: 'suspended',
        withdrawals: 'congested',
        note: { 'zh-CN': '节点升级中，预计两小时恢复。', en: 'Node upgrade, back in about two hours.' },
      });
      assert.equal(posted.status, 200, JSON.stringify(posted.body));
      const en = await get(`${server.url}/help/en/deposit-not-credited`);
      assert.ok(en.body.includes('data-testid="help-announcements"'));
      assert.ok(en.body.includes('Service notice'));
      assert.ok(en.body.includes('Node upgrade, back in about two hours.'));
      assert.ok(en.body.includes('USDT'));
      const zh = await get(`${server.url}/help/zh-CN`);
      assert.ok(zh.body.includes('服务公告') && zh.body.includes('节点升级中，预计两小时恢复。'));
      const tw = await get(`${server.url}/help/zh-TW/search?q=USDT`);
      assert.ok(tw.body.includes('服務公告') && tw.body.includes(toTaiwanText('节点升级中，预计两小时恢复。')));
      const notFound = await get(`${server.url}/help/en/no-such-article`);
      assert.ok(notFound.body.includes('Node upgrade'));

      await admin.call('PUT', '/api/agent/platform-status', {
        coin: 'USDT',
        network: 'TRC20',
        deposits: 'enabled',
        withdrawals: 'enabled',
        note: {},
      });
      const cleared = await get(`${server.url}/help/en`);
      assert.ok(!cleared.body.includes('data-testid="help-announcements"'), 'gone once normal');
    });

    test('another organization by ?org=: every link carries it on, with its logo and brand colour', async () => {
      const other = await createTestOrg(db, 'other-help', { kb: true });
      await db.query('UPDATE organizations SET settings = $2 WHERE id = $1', [
        other.id,
        JSON.stringify({ helpCentre: { logoUrl: 'https://cdn.example.test/logo.png', brandColor: '#ff6600' } }),
      ]);
      const page = await get(`${server.url}/help/en?org=${other.slug}`);
      assertHelpPage(page, 200, 'en');
      assert.ok(page.body.includes(`Exchange ${other.slug}`));
      assert.ok(page.body.includes(`href="/help/en/deposit-not-credited?org=${other.slug}"`));
      assert.ok(page.body.includes(`href="/help/en/c/deposits?org=${other.slug}"`));
      assert.ok(page.body.includes(`<input type="hidden" name="org" value="${other.slug}">`));
      assert.ok(page.body.includes('<img src="https://cdn.example.test/logo.png" alt="">'));
      assert.ok(page.body.includes(':root{--brand:#ff6600}'));
      assert.ok(page.headers.get('content-security-policy')?.includes("img-src 'self' data: https://cdn.example.test"));
      assert.ok(page.headers.get('content-security-policy')?.includes("script-src 'self'"));
      const redirect = await get(`${server.url}/help?org=${other.slug}`, { 'accept-language': 'zh-CN' });
      assert.equal(redirect.headers.get('location'), `/help/zh-CN?org=${other.slug}`);
      const vote = await postForm(`${server.url}/help/en/deposit-not-credited/feedback?org=${other.slug}`, {
        helpful: 'yes',
      });
      assert.equal(vote.headers.get('location'), `/help/en/deposit-not-credited?voted=1&org=${other.slug}#feedback`);

      // The help centre's own organization keeps plain links.
      const own = await get(`${server.url}/help/en?org=${org.slug}`);
      assert.ok(own.body.includes('href="/help/en/deposit-not-credited"'));
    });

    test('branding settings are validated: https logo, #rrggbb colour, anything else dropped', () => {
      const brand = (helpCentre: unknown) => helpCentreBrand({ name: 'X', settings: { helpCentre } });
      assert.deepEqual(brand({ logoUrl: 'https://a.test/l.svg', brandColor: '#00aa11' }), {
        name: 'X',
        logoUrl: 'https://a.test/l.svg',
        brandColor: '#00aa11',
      });
      for (const bad of [
        { logoUrl: 'javascript:alert(1)', brandColor: 'red;}body{display:none' },
        { logoUrl: 'http://a.test/l.png', brandColor: '#fff' },
        { logoUrl: '"><script>', brandColor: '#12345g' },
        'nonsense',
      ]) {
        assert.deepEqual(brand(bad), { name: 'X', logoUrl: null, brandColor: null }, JSON.stringify(bad));
      }
    });
  });
}
