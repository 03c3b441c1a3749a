import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, startTestServer, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

describe('help-centre links in the bot’s answers are real links in real Chromium', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db, 'demo', { bot: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  test('the article answer in the widget at /demo links to /help/ on the kefu server, and the page opens', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/demo`);
    await page.getByTestId('kefu-launcher').click();
    await page.locator('[data-testid=kefu-connection][data-state=online]').waitFor();
    await page.getByTestId('kefu-input').fill('忘记密码了怎么办');
    await page.getByTestId('kefu-send').click();

    const answer = page.locator('[data-testid=kefu-message][data-author-kind=bot]', { hasText: '详情：' });
    await answer.waitFor({ timeout: 15_000 });
    const link = answer.locator('a[href*="/help/"]');
    await link.waitFor();
    const href = await link.getAttribute('href');
    assert.match(href ?? '', new RegExp(`^${server.url}/help/zh-CN/[a-z0-9-]+$`), 'absolute, on the kefu server');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await link.textContent(), new URL(href as string).pathname, 'the link text is the path the bot sent');

    const [help] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await help.waitForLoadState();
    assert.equal(help.url(), href);
    assert.equal(await help.locator('html').getAttribute('lang'), 'zh-CN');
    assert.ok((await help.locator('h1').textContent())?.includes('密码'), 'the password article');
    assert.equal(await help.locator('#root').count(), 0, 'not the console');
    await help.locator('.crumbs a[href="/help/zh-CN"]').click();
    await help.waitForURL(`${server.url}/help/zh-CN`);
    assert.ok((await help.locator('li a').count()) >= 20, 'the index lists the articles');
    await help.close();

    // Handed to a person: the console shows the bot's help link as a link too, and an agent's hostile text stays text.
    await page.getByTestId('kefu-input').fill('人工');
    await page.getByTestId('kefu-send').click();
    const agentPage = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await agentPage.goto(`${server.url}/`);
    await agentPage.getByTestId('login-email').fill(org.agents.admin.email);
    await agentPage.getByTestId('login-password').fill(org.agents.admin.password);
    await agentPage.getByTestId('login-submit').click();
    await agentPage.getByTestId('conversation-list').waitFor();
    const item = agentPage.getByTestId('conversation-item').first();
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    const botMessage = agentPage.getByTestId('message').filter({ hasText: '详情：' });
    const consoleLink = botMessage.locator('a[href^="/help/zh-CN/"]');
    await consoleLink.waitFor({ timeout: 10_000 });
    assert.equal(await consoleLink.getAttribute('target'), '_blank');
    assert.match((await consoleLink.getAttribute('rel')) ?? '', /^noopener noreferrer/);
    assert.equal(await consoleLink.getAttribute('href'), new URL(href as string).pathname);

    const hostile =
      '试试 javascript:alert(1) 或 https://x.test/"onmouseover=alert(1) 详情：/help/zh-CN/password-reset。';
    await agentPage.getByTestId('reply-input').fill(hostile);
    await agentPage.getByTestId('reply-send').click();
    const agentReply = page.locator('[data-testid=kefu-message][data-author-kind=agent]', { hasText: 'onmouseover' });
    await agentReply.waitFor({ timeout: 10_000 });
    const hrefs = await agentReply
      .locator('a')
      .evaluateAll((links) => links.map((a) => [a.getAttribute('href'), a.getAttribute('onmouseover')]));
    assert.deepEqual(hrefs, [
      ['https://x.test/', null],
      [`${server.url}/help/zh-CN/password-reset`, null],
    ]);
    assert.ok((await agentReply.innerText()).includes('javascript:alert(1)'), 'shown as text');
    const consoleHrefs = await agentPage
      .getByTestId('message')
      .filter({ hasText: 'onmouseover' })
      .locator('a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.deepEqual(consoleHrefs, ['https://x.test/', '/help/zh-CN/password-reset']);
  });
});
