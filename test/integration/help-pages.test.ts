import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { toTaiwanText } from '../../src/server/text/taiwan-text.ts';
import { loadSeedFaq, parseSeedFaq } from '../../src/server/kb/faq.ts';
import { registerHelpRoutes } from '../../src/server/kb/help.routes.ts';
import type { KbArticle } from '../../src/server/kb/search.ts';
import type { App } from '../../src/server/http/types.ts';
import { testDatabases } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const HTML = { accept: 'text/html,application/xhtml+xml' };

async function get(url: string, headers: Record<string, string> = HTML) {
  const response = await fetch(url, { headers, redirect: 'manual' });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    headers: response.headers,
    body: await response.text(),
  };
}

function assertHelpPage(page: { status: number; type: string; body: string }, status: number, lang: string): void {
  assert.equal(page.status, status);
  assert.equal(page.type, 'text/html; charset=utf-8');
  assert.match(page.body, /^<!doctype html>/i);
  assert.ok(page.body.includes(`<html lang="${lang}">`), `lang=${lang}`);
  assert.doesNotMatch(page.body, /<script/i, 'no script at all: the page CSP forbids inline script');
  assert.doesNotMatch(page.body, /id="root"/, 'not the console');
}

const [database] = await testDatabases();

describe('the help centre: server-rendered pages from the seed FAQ', () => {
  let db: Awaited<ReturnType<typeof database.open>>;
  let server: TestServer;
  const faq = loadSeedFaq();
  const deposit = (locale: string) =>
    faq.find((article) => article.locale === locale && article.slug === 'deposit-not-credited') as KbArticle;

  before(async () => {
    db = await database.open();
    server = await startTestServer(db);
  });
  after(async () => {
    await server.close();
    await db.drop();
  });

  for (const locale of ['zh-CN', 'zh-TW', 'en']) {
    test(`${locale}: an index of every article, and one article with a link back to the index`, async () => {
      const index = await get(`${server.url}/help/${locale}`);
      assertHelpPage(index, 200, locale);
      const articles = faq.filter((article) => article.locale === locale);
      assert.ok(articles.length >= 20);
      for (const article of articles) {
        assert.ok(index.body.includes(`href="/help/${locale}/${article.slug}"`), `the index lists ${article.slug}`);
      }

      const page = await get(`${server.url}/help/${locale}/deposit-not-credited`);
      assertHelpPage(page, 200, locale);
      assert.ok(page.body.includes(`<h1>${deposit(locale).title}</h1>`));
      assert.ok(page.body.includes(`href="/help/${locale}"`), 'a link back to the index');
      assert.doesNotMatch(page.body, /\*\*/, 'the FAQ’s **bold** is rendered, not shown');
      assert.ok(page.headers.get('content-security-policy')?.includes("script-src 'self'") ?? true);
    });
  }

  test('zh-TW is the zh-CN text converted to Taiwan usage', async () => {
    const zhCn = deposit('zh-CN');
    const page = await get(`${server.url}/help/zh-TW/deposit-not-credited`);
    assert.ok(page.body.includes(toTaiwanText(zhCn.title)));
    assert.notEqual(toTaiwanText(zhCn.title), zhCn.title);
  });

  test('an article may carry its own zh-TW text, used instead of the conversion', () => {
    const seed = { title: '标题', body: '正文', tags: [] };
    const [, zhTw] = parseSeedFaq({
      articles: [
        { slug: 'a', intents: [], en: seed, 'zh-CN': seed, 'zh-TW': { title: '自訂標題', body: '自訂內文', tags: [] } },
      ],
    } as never);
    assert.equal(zhTw.locale, 'zh-TW');
    assert.equal(zhTw.title, '自訂標題');
  });

  for (const [name, path, lang] of [
    ['an unknown slug', '/help/zh-CN/no-such-article', 'zh-CN'],
    ['an unknown locale', '/help/fr', 'en'],
    ['an unknown locale with a slug', '/help/x/y', 'en'],
    ['a deeper path', '/help/en/deposit-not-credited/more', 'en'],
    ['a trailing slash', '/help/en/', 'en'],
  ] as const) {
    test(`${name} (${path}) is an HTML 404 page, never the console`, async () => {
      const page = await get(`${server.url}${path}`);
      assertHelpPage(page, 404, lang);
      assert.ok(page.body.includes('href="/help/'), 'a way back to the help centre');
      // curl and other clients without text/html get the same page, not a JSON 404.
      const plain = await get(`${server.url}${path}`, {});
      assert.equal(plain.status, 404);
      assert.equal(plain.type, 'text/html; charset=utf-8');
    });
  }

  test('/help redirects to the zh-CN index', async () => {
    const page = await get(`${server.url}/help`);
    assert.equal(page.status, 302);
    assert.equal(page.headers.get('location'), '/help/zh-CN');
  });
});

describe('help pages escape everything from the FAQ', () => {
  let app: App;
  const hostile = '<script>alert(1)</script> & "quoted" \'single\' <img src=x onerror=alert(1)>';
  const article = (locale: 'zh-CN' | 'en'): KbArticle => ({
    id: `faq:${locale}:evil`,
    slug: 'evil',
    locale,
    title: `Title ${hostile}`,
    body: `Intro ${hostile}\n\n- **item** ${hostile}\n- javascript:alert(1) and https://x.test/"onmouseover=alert(1)\n\nSee /help/en/other.`,
    tags: [],
    intents: [],
    url: `/help/${locale}/evil`,
  });

  before(async () => {
    app = Fastify() as unknown as App;
    registerHelpRoutes(app, { log: app.log as never, articles: [article('en'), article('zh-CN')] });
    await app.ready();
  });
  after(() => app.close());

  test('titles and bodies are escaped in the index and the article; only http(s) and /help/ become links', async () => {
    for (const url of ['/help/en', '/help/en/evil', '/help/zh-CN/evil']) {
      const response = await app.inject({ url, headers: HTML });
      assert.equal(response.statusCode, 200, url);
      const body = response.body;
      assert.doesNotMatch(body, /<script|<img|"onmouseover/i, url);
      assert.ok(body.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39;'), url);
    }
    const page = (await app.inject({ url: '/help/en/evil', headers: HTML })).body;
    assert.ok(page.includes('<li><strong>item</strong> &lt;script&gt;'));
    assert.ok(
      page.includes('<a href="https://x.test/" rel="noopener noreferrer">https://x.test/</a>&quot;onmouseover'),
    );
    assert.ok(page.includes('<a href="/help/en/other" rel="noopener noreferrer">/help/en/other</a>.'));
    assert.doesNotMatch(page, /href="javascript:/i);
  });
});
