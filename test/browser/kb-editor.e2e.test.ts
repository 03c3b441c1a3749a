import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { toTaiwanText } from '../../src/server/text/taiwan-text.ts';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, startTestServer, startVisitor, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

const SLUG = 'deposit-not-credited';

describe('the knowledge base in the console', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    // The starter knowledge base (69 articles, published); the org's admin may edit, its agent only reads.
    org = await createTestOrg(db, undefined, { kb: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  const signIn = async (page: Page, who: 'admin' | 'agent', path = '/') => {
    await page.goto(`${server.url}${path}`);
    await page.getByTestId('login-email').fill(org.agents[who].email);
    await page.getByTestId('login-password').fill(org.agents[who].password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('logout').waitFor();
  };

  const openArticle = async (page: Page) => {
    await page.getByTestId('kb-link').click();
    await page.getByTestId('kb-list').waitFor();
    const row = page.locator(`[data-testid="kb-row"][data-slug="${SLUG}"]`);
    await row.waitFor();
    assert.equal(await row.getByTestId('kb-state-zh-CN').getAttribute('data-state'), 'current');
    await row.click();
    await page.getByTestId('kb-editor').waitFor();
    await page.getByTestId('kb-history').waitFor();
  };

  test('an admin edits the 简体 text: it is saved, 繁體 follows it converted, and the help centre shows it', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, 'admin');
    await openArticle(page);

    const sentence = `编辑器测试句子 ${crypto.randomBytes(4).toString('hex')}：请联系客服核对这笔充值记录。`;
    const body = page.getByTestId('kb-body');
    const before = await body.inputValue();
    assert.ok(before.length > 50, 'the editor shows the article text');
    await body.fill(`${before.trimEnd()}\n\n${sentence}\n`);
    // The preview follows the text as it is typed, rendered as Markdown; typed HTML stays text.
    await page.getByTestId('kb-preview').getByText(sentence).waitFor();
    await page.getByTestId('kb-note').fill('e2e edit');
    await page.getByTestId('kb-save').click();
    await page.getByTestId('kb-message').getByText('Saved.').waitFor();

    // 繁體 is generated from 简体 (it was never edited by hand), so it carries the new sentence converted.
    await page.getByTestId('kb-locale-zh-TW').click();
    assert.equal(
      await page.getByTestId('kb-locale-zh-TW').getByTestId('kb-state-zh-TW').getAttribute('data-state'),
      'generated',
    );
    const taiwan = toTaiwanText(sentence);
    assert.notEqual(taiwan, sentence, 'the sentence reads differently in 繁體');
    assert.ok((await page.getByTestId('kb-body').inputValue()).includes(taiwan), 'the zh-TW tab has it converted');
    await page.getByTestId('kb-generate').waitFor();

    // The 简体 history has the new revision, with its note; comparing an older one shows the added line.
    await page.getByTestId('kb-locale-zh-CN').click();
    const history = page.getByTestId('kb-history');
    await history.getByText('e2e edit').waitFor();
    await history.getByTestId('kb-compare').first().click();
    const added = page.getByTestId('kb-diff').locator('.kb-diff__add', { hasText: sentence });
    await added.waitFor();

    // The public help centre serves the saved text at once.
    const response = await fetch(`${server.url}/help/zh-CN/${SLUG}?org=${org.slug}`);
    assert.equal(response.status, 200);
    assert.ok((await response.text()).includes(sentence), 'the help centre article has the new sentence');
    await context.close();
  });

  test('an agent without the editor permission reads the knowledge base but has no edit controls', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, 'agent');
    await openArticle(page);
    assert.equal(await page.getByTestId('kb-page').getAttribute('data-can-edit'), 'false');
    await page.getByTestId('kb-preview').waitFor();
    for (const control of [
      'kb-body',
      'kb-save',
      'kb-save-fields',
      'kb-publish',
      'kb-unpublish',
      'kb-archive',
      'kb-generate',
      'kb-restore',
      'kb-note',
    ]) {
      assert.equal(await page.getByTestId(control).count(), 0, `${control} is not shown`);
    }
    assert.equal(await page.getByTestId('kb-title').getAttribute('readonly'), '');
    await page.getByTestId('kb-tab-articles').click();
    await page.getByTestId('kb-list').waitFor();
    assert.equal(await page.getByTestId('kb-new').count(), 0, 'no "New article"');
    await context.close();
  });

  test('an admin adds a category and a section to the help centre tree; an agent sees the tree without the forms', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, 'admin', '/kb/categories');
    const tree = page.getByTestId('kb-categories');
    await tree.getByTestId('kb-category-deposits').waitFor();
    const category = tree.getByTestId('kb-new-category');
    await category.getByLabel('Slug').fill('staking');
    await category.getByLabel('Name (简体)').fill('质押理财');
    await category.getByLabel('Name (English)').fill('Staking');
    await category.getByRole('button').click();
    const added = tree.getByTestId('kb-category-staking');
    await added.waitFor();
    assert.match((await added.textContent()) ?? '', /Staking/);
    const section = tree.getByTestId('kb-new-section-staking');
    await section.getByLabel('Slug').fill('flexible');
    await section.getByLabel('Name (English)').fill('Flexible savings');
    await section.getByRole('button').click();
    await added.getByText('Flexible savings').waitFor();
    await context.close();

    const agentContext = await browser.newContext({ locale: 'en-US' });
    const agentPage = await agentContext.newPage();
    await signIn(agentPage, 'agent', '/kb/categories');
    await agentPage.getByTestId('kb-categories').getByTestId('kb-category-staking').waitFor();
    assert.equal(await agentPage.getByTestId('kb-new-category').count(), 0);
    await agentContext.close();
  });

  test('the conversation view suggests articles and puts their link or text in the reply box', async () => {
    const visitor = await startVisitor(server, org);
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: '我的USDT充值已经过了两个小时还没到账',
      clientId: 'kb-suggest-1',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, 'agent', `/conversations/${created.body.conversation.id}`);
    const panel = page.getByTestId('kb-suggestions');
    await panel.getByTestId('kb-suggestion').first().waitFor();
    const reply = page.getByTestId('reply-input');
    // The reply box is ready once the conversation has loaded.
    await page.locator('[data-testid=conversation-view][data-state=ready]').waitFor();
    await panel.getByTestId('kb-insert-link').first().click();
    await page.waitForFunction(() =>
      (document.querySelector('[data-testid=reply-input]') as HTMLTextAreaElement).value.includes('/help/'),
    );
    const withLink = await reply.inputValue();
    assert.match(withLink, new RegExp(`^.+\\n${server.url}/help/zh-CN/[a-z0-9-]+$`), withLink);
    await panel.getByTestId('kb-insert-text').first().click();
    await page.waitForFunction(
      (before) => (document.querySelector('[data-testid=reply-input]') as HTMLTextAreaElement).value.length > before,
      withLink.length + 20,
    );
    const withText = await reply.inputValue();
    assert.ok(withText.startsWith(`${withLink}\n`), 'the text is appended after the link');
    assert.doesNotMatch(withText.slice(withLink.length), /^#|\*\*/m, 'Markdown marks are taken out');
    // Collapsible: the list hides and comes back.
    await page.getByTestId('kb-suggestions-toggle').click();
    assert.equal(await panel.getByTestId('kb-suggestion').count(), 0);
    await page.getByTestId('kb-suggestions-toggle').click();
    assert.ok((await panel.getByTestId('kb-suggestion').count()) > 0);
    await context.close();
  });

  test("an admin creates an article (a taken slug is refused in the console's words) and edits the synonyms", async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, 'admin', '/kb');
    await page.getByTestId('kb-new').click();
    await page.getByTestId('kb-slug').fill(SLUG);
    await page.getByTestId('kb-intent-deposit_missing').check();
    await page.getByTestId('kb-title').fill('测试文章');
    await page.getByTestId('kb-body').fill('# 标题\n\n<script>alert(1)</script> **加粗**');
    const preview = page.getByTestId('kb-preview');
    await preview.locator('strong', { hasText: '加粗' }).waitFor();
    assert.equal(await preview.locator('script').count(), 0, 'typed HTML is not rendered');
    assert.ok((await preview.innerText()).includes('<script>'), 'it shows as text');
    await page.getByTestId('kb-create').click();
    await page.getByTestId('kb-message').getByText('Another article already has this slug.').waitFor();

    const slug = `e2e-${crypto.randomBytes(3).toString('hex')}`;
    await page.getByTestId('kb-slug').fill(slug);
    await page.getByTestId('kb-publish-now').check();
    await page.getByTestId('kb-create').click();
    await page.getByTestId('kb-history').waitFor();
    assert.equal(await page.getByTestId('kb-article-status').getAttribute('class'), 'kb-status kb-status--published');
    assert.equal(
      await page.getByTestId('kb-locale-zh-TW').getByTestId('kb-state-zh-TW').getAttribute('data-state'),
      'generated',
    );
    assert.equal(
      await page.getByTestId('kb-locale-en').getByTestId('kb-state-en').getAttribute('data-state'),
      'missing',
    );
    assert.ok(new URL(page.url()).pathname.startsWith('/kb/articles/'));
    await page.getByTestId('kb-unpublish').click();
    await page.locator('[data-testid=kb-article-status].kb-status--draft').waitFor();

    await page.getByTestId('kb-tab-synonyms').click();
    const text = page.getByTestId('kb-synonyms-text');
    await text.waitFor();
    await text.fill('提币 = 出金 = withdraw\n单个词');
    await page.getByTestId('kb-synonyms-save').click();
    await page.getByTestId('kb-message').getByText('Saved.').waitFor();
    assert.equal(await text.inputValue(), '提币 = 出金 = withdraw', 'a line of one term is dropped');
    await page.reload();
    await page.getByTestId('kb-synonyms-text').waitFor();
    assert.equal(await page.getByTestId('kb-synonyms-text').inputValue(), '提币 = 出金 = withdraw');
    await context.close();
  });
});
