import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { currentTotp } from '../../src/server/auth/totp.ts';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, startTestServer, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

describe('a customer and an agent chat in real Chromium', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db, 'demo');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  test('a Chinese question from /demo reaches a 2FA agent live, the reply reaches the customer live, and survives a reload', async () => {
    const agentPage = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await agentPage.goto(`${server.url}/`);
    await agentPage.getByTestId('login-email').fill(org.agents.secure.email);
    await agentPage.getByTestId('login-password').fill(org.agents.secure.password);
    await agentPage.getByTestId('login-submit').click();
    await agentPage.getByTestId('login-totp').fill(await currentTotp(org.agents.secure.totpSecret!));
    await agentPage.getByTestId('login-submit').click();
    await agentPage.getByTestId('conversation-list').waitFor();
    await agentPage.locator('[data-testid=connection-state][data-state=online]').waitFor();

    const customerPage = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await customerPage.goto(`${server.url}/demo`);
    await customerPage.getByTestId('kefu-launcher').click();
    await customerPage.locator('[data-testid=kefu-connection][data-state=online]').waitFor();
    const question = '你好，我的 USDT 充值两个小时了还没到账';
    await customerPage.getByTestId('kefu-input').fill(question);
    await customerPage.getByTestId('kefu-send').click();
    await customerPage
      .locator('[data-testid=kefu-message][data-author-kind=customer]', { hasText: question })
      .waitFor();

    // No reload: the conversation appears in the agent's list by itself.
    const item = agentPage.getByTestId('conversation-item').filter({ hasText: '充值' });
    await item.waitFor({ timeout: 10_000 });
    await item.click();
    await agentPage.getByTestId('message').filter({ hasText: question }).waitFor();

    const reply = '您好，请提供充值的交易哈希（TxID），我们马上为您查询。';
    await agentPage.getByTestId('reply-input').fill(reply);
    await agentPage.getByTestId('reply-send').click();

    await customerPage
      .locator('[data-testid=kefu-message][data-author-kind=agent]', { hasText: '交易哈希' })
      .waitFor({ timeout: 10_000 });

    await customerPage.reload();
    await customerPage.getByTestId('kefu-launcher').click();
    await customerPage.locator('[data-testid=kefu-message]', { hasText: '交易哈希' }).waitFor({ timeout: 10_000 });
    const bodies = await customerPage.getByTestId('kefu-message').allInnerTexts();
    assert.ok(
      bodies.some((b) => b.includes(question)),
      'the question is still there after a reload',
    );
    assert.ok(
      bodies.some((b) => b.includes('交易哈希')),
      'the reply is still there after a reload',
    );
  });
});
