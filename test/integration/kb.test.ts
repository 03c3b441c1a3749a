import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { clusterAvailable, startTestCluster, type TestCluster } from '../helpers/cluster.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

/** The knowledge base's editor API and public search, through real HTTP on both databases. */

const unique = () => crypto.randomBytes(4).toString('hex');

function textOf(article: { texts: { locale: string }[] }, locale: string) {
  const text = article.texts.find((t) => t.locale === locale);
  assert.ok(text, `no ${locale} text`);
  return text as unknown as {
    title: string;
    body: string;
    html: string;
    generated: boolean;
    state: string;
    revision: number;
  };
}

for (const database of await testDatabases()) {
  describe(`knowledge base (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let admin: AgentClient;
    let agent: AgentClient;
    const search = (q: string, locale: string) =>
      request(`${server.url}/api/kb/search?q=${encodeURIComponent(q)}&locale=${locale}&org=${org.slug}`);

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db, undefined, { kb: true });
      admin = await loginAgent(server, org.agents.admin);
      agent = await loginAgent(server, org.agents.agent);
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    async function create(slug: string, body: Record<string, unknown> = {}) {
      return admin.call('POST', '/api/agent/kb/articles', {
        slug,
        texts: {
          'zh-CN': { title: '闪兑交易说明', body: '使用闪兑可以一键兑换币种，手续费 0.1%。', tags: ['闪兑'] },
          en: { title: 'How Convert works', body: 'Convert swaps one coin for another in one step; the fee is 0.1%.' },
        },
        publish: true,
        ...body,
      });
    }

    test('the starter knowledge base is searchable in three locales, with the exchange synonyms', async () => {
      for (const [q, locale, slug] of [
        ['我的充值还没到账', 'zh-CN', 'deposit-not-credited'],
        ['充幣一直沒到帳', 'zh-TW', 'deposit-not-credited'],
        ['my deposit has not arrived', 'en', 'deposit-not-credited'],
      ] as const) {
        const found = await search(q, locale);
        assert.equal(found.status, 200);
        assert.equal(found.body.results[0].slug, slug, q);
        assert.equal(found.body.results[0].locale, locale);
        assert.match(found.body.results[0].url, new RegExp(`^/help/${locale}/${slug}`));
        assert.equal(typeof found.body.results[0].snippet, 'string');
      }
    });

    test('an article written in zh-CN and en gets a generated zh-TW, is searchable once published, and its edits make revisions', async () => {
      const slug = `convert-${unique()}`;
      const created = await create(slug);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const article = created.body.article;
      assert.equal(article.status, 'published');
      assert.deepEqual(article.states, { 'zh-CN': 'current', 'zh-TW': 'generated', en: 'current' });
      assert.equal(textOf(article, 'zh-TW').title, '閃兌交易說明');
      assert.equal((await search('闪兑', 'zh-CN')).body.results[0].slug, slug);

      // zh-CN changes: the generated zh-TW follows it, the English becomes stale until someone updates it.
      const edited = await admin.call('PUT', `/api/agent/kb/articles/${article.id}/texts/zh-CN`, {
        title: '闪兑交易说明',
        body: '使用闪兑可以一键兑换币种，手续费 0.2%，每日限额 10 万 USDT。',
        tags: ['闪兑'],
        note: 'fee changed',
      });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.equal(textOf(edited.body.article, 'zh-CN').revision, 2);
      assert.match(textOf(edited.body.article, 'zh-TW').body, /每日限額/);
      assert.deepEqual(edited.body.article.states, { 'zh-CN': 'current', 'zh-TW': 'generated', en: 'stale' });
      const english = await admin.call('PUT', `/api/agent/kb/articles/${article.id}/texts/en`, {
        title: 'How Convert works',
        body: 'Convert swaps one coin for another in one step; the fee is 0.2%, up to 100,000 USDT a day.',
        tags: [],
      });
      assert.equal(english.body.article.states.en, 'current');

      // A hand-edited zh-TW is no longer overwritten: a later zh-CN change marks it stale instead.
      const taiwan = await admin.call('PUT', `/api/agent/kb/articles/${article.id}/texts/zh-TW`, {
        title: '閃兌交易說明',
        body: '使用閃兌可以一鍵兌換幣種（台灣用戶手續費 0.2%）。',
        tags: [],
      });
      assert.equal(taiwan.body.article.states['zh-TW'], 'current');
      await admin.call('PUT', `/api/agent/kb/articles/${article.id}/texts/zh-CN`, {
        title: '闪兑交易说明',
        body: '闪兑手续费 0.3%。',
        tags: [],
      });
      const detail = await admin.call('GET', `/api/agent/kb/articles/${article.id}`);
      assert.equal(detail.body.article.states['zh-TW'], 'stale');
      assert.match(textOf(detail.body.article, 'zh-TW').body, /台灣用戶/);

      // History, diff and restore: restoring writes a new revision with the old words.
      const history = await admin.call('GET', `/api/agent/kb/articles/${article.id}/texts/zh-CN/revisions`);
      assert.deepEqual(
        history.body.revisions.map((r: { revision: number }) => r.revision),
        [3, 2, 1],
      );
      assert.equal(history.body.revisions[1].note, 'fee changed');
      assert.equal(history.body.revisions[1].authorName, `admin ${org.slug}`);
      const diff = await admin.call('GET', `/api/agent/kb/articles/${article.id}/texts/zh-CN/diff?from=1&to=2`);
      assert.equal(diff.status, 200);
      assert.match(diff.body.diff, /^-使用闪兑可以一键兑换币种，手续费 0\.1%。$/m);
      assert.match(diff.body.diff, /^\+使用闪兑可以一键兑换币种，手续费 0\.2%，每日限额 10 万 USDT。$/m);
      const restored = await admin.call('POST', `/api/agent/kb/articles/${article.id}/texts/zh-CN/revisions/1/restore`);
      assert.equal(restored.status, 200);
      assert.equal(textOf(restored.body.article, 'zh-CN').revision, 4);
      assert.equal(textOf(restored.body.article, 'zh-CN').body, '使用闪兑可以一键兑换币种，手续费 0.1%。');
      const missing = await admin.call('POST', `/api/agent/kb/articles/${article.id}/texts/zh-CN/revisions/99/restore`);
      assert.equal(missing.body.error.code, 'revision_not_found');

      const audit = await admin.call('GET', `/api/agent/audit?targetId=${article.id}`);
      const actions = audit.body.entries.map((e: { action: string }) => e.action);
      for (const action of ['kb.article.create', 'kb.text.save', 'kb.revision.restore'])
        assert.ok(actions.includes(action), `${action} audited: ${actions.join(', ')}`);
    });

    test('editors add categories and sections; an article goes into a section; others may only read the tree', async () => {
      const slug = `cat-${unique()}`;
      const made = await admin.call('POST', '/api/agent/kb/categories', {
        slug,
        names: { 'zh-CN': '质押', en: 'Staking' },
      });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      const category = made.body.categories.find((c: { slug: string }) => c.slug === slug);
      assert.ok(category);
      const withSection = await admin.call('POST', '/api/agent/kb/sections', {
        categoryId: category.id,
        slug: 'flexible',
        names: { en: 'Flexible savings' },
      });
      const section = withSection.body.categories.find((c: { slug: string }) => c.slug === slug).sections[0];
      assert.equal(section.slug, 'flexible');
      const article = await create(`staking-${unique()}`, {
        sectionId: section.id,
        texts: { en: { title: 'Flexible savings rates', body: 'Rates are set daily.' } },
      });
      assert.equal(article.body.article.sectionId, section.id);
      // Saving the same slug again renames it instead of adding a second one.
      const renamed = await admin.call('POST', '/api/agent/kb/categories', { slug, names: { en: 'Staking & earn' } });
      assert.equal(renamed.body.categories.filter((c: { slug: string }) => c.slug === slug).length, 1);
      const unknown = await admin.call('POST', '/api/agent/kb/sections', {
        categoryId: '00000000-0000-4000-8000-000000000000',
        slug: 'x',
        names: { en: 'X' },
      });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.code, 'kb_section_not_found');
      assert.equal(
        (await agent.call('POST', '/api/agent/kb/categories', { slug: `a-${unique()}`, names: { en: 'A' } })).status,
        403,
      );
      assert.equal((await agent.call('GET', '/api/agent/kb/categories')).status, 200);
    });

    test('unpublished and archived articles leave the search; published again, they come back', async () => {
      const slug = `staking-${unique()}`;
      const created = await create(slug, {
        texts: { en: { title: 'Staking rewards schedule', body: 'Staking rewards are paid daily at 08:00 UTC.' } },
      });
      const id = created.body.article.id;
      const find = async () =>
        (await search('staking rewards schedule', 'en')).body.results.some((r: { slug: string }) => r.slug === slug);
      assert.equal(await find(), true);
      await admin.call('POST', `/api/agent/kb/articles/${id}/status`, { status: 'draft' });
      assert.equal(await find(), false);
      await admin.call('POST', `/api/agent/kb/articles/${id}/status`, { status: 'archived' });
      assert.equal(await find(), false);
      await admin.call('POST', `/api/agent/kb/articles/${id}/status`, { status: 'published' });
      assert.equal(await find(), true);
    });

    test('Markdown with scripts, handlers, javascript: links and iframes is stored inert', async () => {
      const created = await create(`xss-${unique()}`, {
        texts: {
          en: {
            title: 'Security <b>note</b>',
            body: [
              '<script>alert(1)</script>',
              '<img src=x onerror="alert(2)">',
              '[click](javascript:alert(3)) and [data](data:text/html,<script>alert(4)</script>)',
              '<iframe src="https://evil.example"></iframe>',
              '[ok](https://lumen.example/fees) and [help](/help/en/fees)',
            ].join('\n\n'),
          },
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const html = textOf(created.body.article, 'en').html;
      // What was typed stays visible as text; no tag it produced can run anything.
      const tags = html.match(/<[^>]+>/g) ?? [];
      for (const tag of tags) {
        assert.doesNotMatch(tag, /^<\/?(script|img|iframe|object|embed|style)\b/i, tag);
        assert.doesNotMatch(tag, /\son\w+\s*=/i, tag);
        assert.doesNotMatch(tag, /href\s*=\s*"(?:javascript|data|vbscript):/i, tag);
      }
      assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.match(html, /<a href="https:\/\/lumen\.example\/fees" rel="noopener noreferrer" target="_blank">ok<\/a>/);
      assert.match(html, /<a href="\/help\/en\/fees">help<\/a>/);
    });

    test('a slug clash, an oversized article and an unknown locale are refused with clear codes and nothing half-saved', async () => {
      const slug = `clash-${unique()}`;
      assert.equal((await create(slug)).status, 201);
      const before = (await admin.call('GET', '/api/agent/kb/articles')).body.articles.length;
      const clash = await create(slug);
      assert.equal(clash.status, 409);
      assert.equal(clash.body.error.code, 'article_slug_taken');

      const big = await create(`big-${unique()}`, {
        texts: { en: { title: 'Too big', body: 'x'.repeat(200 * 1024 + 1) } },
      });
      assert.equal(big.status, 413);
      assert.equal(big.body.error.code, 'article_too_large');
      assert.equal((await admin.call('GET', '/api/agent/kb/articles')).body.articles.length, before);

      const { id } = (await admin.call('GET', `/api/agent/kb/articles?q=${slug}`)).body.articles[0];
      const french = await admin.call('PUT', `/api/agent/kb/articles/${id}/texts/fr`, {
        title: 'Convertir',
        body: 'x',
      });
      assert.equal(french.status, 400);
      assert.equal(french.body.error.code, 'locale_unknown');
      const bigEdit = await admin.call('PUT', `/api/agent/kb/articles/${id}/texts/en`, {
        title: 'Too big',
        body: '字'.repeat(70_000),
      });
      assert.equal(bigEdit.body.error.code, 'article_too_large');
      const history = await admin.call('GET', `/api/agent/kb/articles/${id}/texts/en/revisions`);
      assert.equal(history.body.revisions.length, 1);

      const badSearch = await search('充值', 'fr');
      assert.equal(badSearch.status, 400);
      assert.equal(badSearch.body.error.code, 'locale_unknown');
      const badSlug = await create('Not A Slug');
      assert.equal(badSlug.status, 400);
      assert.equal(badSlug.body.error.code, 'validation_failed');
    });

    test('only admins and agents with the editor permission edit; an admin grants it, and that is audited', async () => {
      const refused = await agent.call('POST', '/api/agent/kb/articles', {
        slug: `agent-${unique()}`,
        texts: { en: { title: 'Agent note', body: 'Written by an agent.' } },
      });
      assert.equal(refused.status, 403);
      assert.equal((await agent.call('GET', '/api/agent/kb/articles')).status, 200);

      const notAdmin = await agent.call('PUT', `/api/agent/agents/${org.agents.agent.id}/permissions`, {
        permissions: ['kb_editor'],
      });
      assert.equal(notAdmin.status, 403);
      const granted = await admin.call('PUT', `/api/agent/agents/${org.agents.agent.id}/permissions`, {
        permissions: ['kb_editor'],
      });
      assert.equal(granted.status, 200, JSON.stringify(granted.body));
      assert.deepEqual(granted.body.agent.permissions, ['kb_editor']);
      const editor = await loginAgent(server, org.agents.agent);
      const session = await editor.call('GET', '/api/agent/auth/session');
      assert.deepEqual(session.body.agent.permissions, ['kb_editor']);
      const allowed = await editor.call('POST', '/api/agent/kb/articles', {
        slug: `agent-${unique()}`,
        texts: { en: { title: 'Agent note', body: 'Written by an editor.' } },
      });
      assert.equal(allowed.status, 201);
      const audit = await admin.call('GET', `/api/agent/audit?targetId=${org.agents.agent.id}`);
      assert.ok(audit.body.entries.some((e: { action: string }) => e.action === 'agent.permissions'));
      await admin.call('PUT', `/api/agent/agents/${org.agents.agent.id}/permissions`, { permissions: [] });
    });

    test("an organization's own synonyms widen its search at once", async () => {
      const slug = `convert-syn-${unique()}`;
      await create(slug, {
        texts: { 'zh-CN': { title: '一键兑换说明', body: '兑换功能支持两百多种资产之间直接互换。' } },
      });
      const before = await search('闪电', 'zh-CN');
      assert.ok(!before.body.results.some((r: { slug: string }) => r.slug === slug));
      const saved = await admin.call('PUT', '/api/agent/kb/synonyms', { groups: [['闪电', '兑换']] });
      assert.equal(saved.status, 200);
      const after = await search('闪电', 'zh-CN');
      assert.equal(after.body.results[0]?.slug, slug);
    });

    test('the console is offered articles for the open conversation in the customer’s language', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: '我的 USDT 充值三个小时了还没到账',
        clientId: `kb-${unique()}`,
      });
      const id = created.body.conversation.id;
      const suggested = await agent.call('GET', `/api/agent/conversations/${id}/kb-suggestions`);
      assert.equal(suggested.status, 200);
      assert.equal(suggested.body.results[0].locale, 'zh-CN');
      assert.match(suggested.body.results[0].slug, /deposit/);
    });

    test('"was this helpful?" keeps one vote per visitor and article, and editors see the counts and comments', async () => {
      const slug = `vote-${unique()}`;
      const created = await create(slug);
      const vote = (cookie: string, helpful: boolean, comment?: string) =>
        request(`${server.url}/api/kb/articles/${slug}/feedback?org=${org.slug}`, {
          method: 'POST',
          body: { locale: 'zh-CN', helpful, ...(comment ? { comment } : {}) },
          headers: { cookie: `kefu_kb_visitor=${cookie}` },
        });
      assert.equal((await vote('v1', false, '没有说清楚限额')).status, 200);
      assert.equal((await vote('v1', true)).status, 200);
      assert.equal((await vote('v2', false)).status, 200);
      const detail = await admin.call('GET', `/api/agent/kb/articles/${created.body.article.id}`);
      assert.deepEqual(detail.body.article.helpful, { yes: 1, no: 1 });
      assert.equal(detail.body.article.comments[0].comment, '没有说清楚限额');
      const unknown = await request(`${server.url}/api/kb/articles/no-such-article/feedback?org=${org.slug}`, {
        method: 'POST',
        body: { locale: 'zh-CN', helpful: true },
      });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.code, 'article_not_found');
    });
  });
}

describe('a published edit is searchable on every node', {
  skip: (await clusterAvailable()) ? false : 'PostgreSQL or Redis is not reachable',
}, () => {
  let cluster: TestCluster;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let org: TestOrg;

  before(async () => {
    cluster = await startTestCluster({ pool: 4 });
    ({ nodeA, nodeB } = cluster);
    org = await createTestOrg(cluster.dbA, undefined, { kb: true });
  });
  after(async () => cluster?.close());

  test('node B drops its index when node A publishes, and finds the new article on its next search', async () => {
    const searchB = async () =>
      (await request(`${nodeB.url}/api/kb/search?q=${encodeURIComponent('launchpool')}&locale=en&org=${org.slug}`)).body
        .results as { slug: string }[];
    assert.equal((await searchB()).length, 0, 'node B has built its index before the edit');
    const admin = await loginAgent(nodeA, org.agents.admin);
    const created = await admin.call('POST', '/api/agent/kb/articles', {
      slug: 'launchpool-rules',
      texts: { en: { title: 'Launchpool rules', body: 'Stake in a Launchpool to farm new tokens.' } },
      publish: true,
    });
    assert.equal(created.status, 201);
    // The invalidation crosses Redis asynchronously: within a second, node B must find it.
    const deadline = Date.now() + 1000;
    let found: { slug: string }[] = [];
    while (Date.now() < deadline) {
      found = await searchB();
      if (found.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(found[0]?.slug, 'launchpool-rules');
  });
});
