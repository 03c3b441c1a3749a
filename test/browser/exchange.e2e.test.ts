import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addSandboxCustomer } from '../../src/server/exchange/sandbox.ts';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestAgent,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

/** Set to a folder to keep a screenshot of the console at 1280×800 (docs/console-exchange.png is made this way). */
const SCREENSHOT_DIR = process.env.KEFU_SCREENSHOT_DIR;

const UID = '52013140';
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();

/** Opens a console page on `urlPath` in the given language and signs in there (the route survives the login). */
async function signIn(
  browser: Browser,
  server: TestServer,
  agent: TestAgent,
  urlPath: string,
  locale: 'en' | 'zh-CN' | 'zh-TW',
): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
  // The agent's explicit choice, which wins over the profile's language (the test agents' profiles say English).
  await context.addInitScript((chosen) => localStorage.setItem('kefu.console.locale', chosen), locale);
  const page = await context.newPage();
  await page.goto(`${server.url}${urlPath}`);
  await page.getByTestId('login-email').fill(agent.email);
  await page.getByTestId('login-password').fill(agent.password);
  await page.getByTestId('login-submit').click();
  return page;
}

describe('the agent console for crypto self-service in real Chromium', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let conversationId: string;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db);
    await addSandboxCustomer(db, org.id, {
      account: {
        uid: UID,
        email: 'wangfang@example.cn',
        kycLevel: 2,
        vipLevel: 3,
        status: 'active',
        registeredAt: '2024-03-01T08:00:00Z',
        locale: 'zh-CN',
        antiPhishingCode: 'LUMEN-WF9',
      },
      deposits: [
        {
          id: 'D-1',
          coin: 'USDT',
          network: 'TRC20',
          amount: '800',
          txHash: '9f2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a',
          address: 'TRtrjmzwvAv7XWFjPstbN94wGESqd5yG61',
          memo: null,
          status: 'credited',
          confirmations: 20,
          requiredConfirmations: 20,
          creditedAt: hoursAgo(47),
          createdAt: hoursAgo(48),
        },
      ],
      withdrawals: [
        {
          id: 'W-1',
          coin: 'USDT',
          network: 'TRC20',
          amount: '790',
          address: 'TXk4mQp8Zr2bNcVw7Lh3Jd9Fs6Gt1Ya5Ue',
          memo: null,
          state: 'under_review',
          reasonCode: null,
          txHash: null,
          createdAt: hoursAgo(1),
          updatedAt: hoursAgo(1),
        },
      ],
      logins: [{ at: hoursAgo(1.2), ip: '198.51.100.77', device: 'Chrome 126 / Windows', country: 'NG' }],
    });
    const visitor = await startVisitor(server, org, { uid: UID, name: '王芳', email: 'wangfang@example.cn' });
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: '我的账户被盗了，有人在提现，请马上帮我冻结！',
      clientId: 'stolen-1',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    conversationId = created.body.conversation.id;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  test('an agent sees the masked account, freezes it and asks for an unfreeze; a supervisor and an admin approve it and the account is active again', async () => {
    const agentPage = await signIn(browser, server, org.agents.agent, `/conversations/${conversationId}`, 'en');
    const panel = agentPage.locator('[data-testid=exchange-panel][data-state=ready]');
    await panel.waitFor({ timeout: 10_000 });
    // An agent sees the network, not the household, and not the full e-mail address.
    assert.equal(await agentPage.getByTestId('exchange-email').innerText(), 'w•••g@example.cn');
    assert.equal(await agentPage.getByTestId('exchange-login-ip').innerText(), '198.51.100.x');
    assert.equal(await panel.getByText('wangfang@example.cn').count(), 0, 'the full e-mail is nowhere in the panel');
    await panel.locator('[data-testid=exchange-withdrawal] [data-state=under_review]').waitFor();
    assert.equal(await agentPage.getByTestId('exchange-status').getAttribute('data-status'), 'active');
    assert.equal(await agentPage.getByTestId('exchange-request-unfreeze').count(), 0, 'nothing to unfreeze yet');

    await agentPage.getByTestId('exchange-freeze').click();
    await agentPage
      .getByTestId('exchange-reason')
      .fill('Customer reports a stolen account and a withdrawal they did not make');
    await agentPage.getByTestId('exchange-confirm').click();
    await agentPage.locator('[data-testid=exchange-status][data-status=frozen]').waitFor();
    assert.equal(await agentPage.getByTestId('exchange-freeze').count(), 0, 'a frozen account offers no second freeze');

    await agentPage.getByTestId('exchange-request-unfreeze').click();
    await agentPage.getByTestId('exchange-reason').fill('Identity confirmed by video call, password and 2FA reset');
    await agentPage.getByTestId('exchange-confirm').click();
    const agentCase = agentPage.locator('[data-testid=case-item][data-kind=unfreeze_request]');
    await agentCase.waitFor();
    assert.equal(await agentCase.getByTestId('case-approvals').getAttribute('data-count'), '0');
    assert.equal(await agentPage.getByTestId('case-approve').count(), 0, 'an agent cannot approve');

    // The first approval, by the supervisor, through the API; the second one in the admin's browser.
    const supervisor = await loginAgent(server, org.agents.secure);
    const [opened] = (await supervisor.call('GET', `/api/agent/cases?conversationId=${conversationId}`)).body.cases;
    const first = await supervisor.call('POST', `/api/agent/cases/${opened.id}/approve`);
    assert.equal(first.body.unfrozen, false, JSON.stringify(first.body));

    // The supervisor's approval reached the agent's open sidebar live.
    await agentCase.locator('[data-testid=case-approvals][data-count="1"]').waitFor({ timeout: 10_000 });

    const adminPage = await signIn(browser, server, org.agents.admin, `/conversations/${conversationId}`, 'zh-CN');
    const adminCase = adminPage.locator('[data-testid=case-item][data-kind=unfreeze_request]');
    await adminCase.locator('[data-testid=case-approvals][data-count="1"]').waitFor({ timeout: 10_000 });
    // An admin sees the customer's data unmasked.
    assert.equal(await adminPage.getByTestId('exchange-email').innerText(), 'wangfang@example.cn');
    if (SCREENSHOT_DIR) {
      // The account's status at the top of the sidebar, the case with its approvals below it.
      await adminPage.getByTestId('exchange-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await adminPage.screenshot({ path: path.join(SCREENSHOT_DIR, 'console-exchange.png') });
    }
    await adminCase.getByTestId('case-approve').click();
    await adminPage.locator('[data-testid=exchange-status][data-status=active]').waitFor();
    await adminPage.locator('[data-testid=case-item][data-status=resolved]').waitFor();
    assert.equal(await adminPage.getByTestId('case-approve').count(), 0, 'a resolved case takes no more approvals');
    assert.match(await adminPage.getByTestId('exchange-notice').innerText(), /解冻/);

    // The agent who froze it, still on the conversation, sees the account active again without touching Refresh.
    await agentPage.locator('[data-testid=exchange-status][data-status=active]').waitFor({ timeout: 10_000 });
    await agentPage.locator('[data-testid=case-item][data-status=resolved]').waitFor();
  });

  test('a conversation with an anonymous visitor says the customer is not linked and offers no account action', async () => {
    const visitor = await startVisitor(server, org);
    const created = await visitor.call('POST', '/api/widget/conversations', { body: 'hello?', clientId: 'anon-1' });
    const page = await signIn(
      browser,
      server,
      org.agents.agent,
      `/conversations/${created.body.conversation.id}`,
      'en',
    );
    await page.locator('[data-testid=exchange-panel][data-state=not-linked]').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('exchange-freeze').count(), 0);
    assert.equal(await page.getByTestId('exchange-status').count(), 0);
  });

  test('an admin adds an official channel and suspends USDT-TRC20 withdrawals from the admin pages', async () => {
    const page = await signIn(browser, server, org.agents.admin, '/', 'zh-CN');
    await page.getByTestId('admin-link').click();
    const channels = page.getByTestId('admin-official-channels');
    await channels.waitFor();
    await page.getByTestId('channel-kind').selectOption('telegram');
    await page.getByTestId('channel-value').fill('@lumen_support');
    await page.getByTestId('channel-label').fill('官方 Telegram 客服');
    await page.getByTestId('channel-add').click();
    await channels.getByTestId('channel-row').filter({ hasText: '官方 Telegram 客服' }).waitFor();
    if (SCREENSHOT_DIR) await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'admin-official-channels.png') });

    await page.getByTestId('admin-tab-platform-status').click();
    await page.getByTestId('admin-platform-status').waitFor();
    await page.getByTestId('status-new-coin').fill('usdt');
    await page.getByTestId('status-new-network').fill('trc20');
    await page.getByTestId('status-add-row').click();
    const row = page.locator('[data-testid=status-row][data-coin=USDT][data-network=TRC20]');
    await row.getByTestId('status-withdrawals').selectOption('suspended');
    await row.getByTestId('status-note-zh').fill('TRC20 网络维护中，提现暂停');
    await row.getByTestId('status-note-en').fill('TRC20 network maintenance: withdrawals paused');
    await row.getByTestId('status-save').click();
    await page.locator('[data-testid=status-row][data-coin=USDT] [data-testid=status-save]:disabled').waitFor();
    if (SCREENSHOT_DIR) await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'admin-platform-status.png') });

    const admin = await loginAgent(server, org.agents.admin);
    const { body } = await admin.call('GET', '/api/agent/platform-status');
    assert.deepEqual(
      body.entries.map((e: { coin: string; network: string; deposits: string; withdrawals: string; note: object }) => ({
        coin: e.coin,
        network: e.network,
        deposits: e.deposits,
        withdrawals: e.withdrawals,
        note: e.note,
      })),
      [
        {
          coin: 'USDT',
          network: 'TRC20',
          deposits: 'enabled',
          withdrawals: 'suspended',
          note: { 'zh-CN': 'TRC20 网络维护中，提现暂停', en: 'TRC20 network maintenance: withdrawals paused' },
        },
      ],
    );
    const verified = await fetch(
      `${server.url}/api/widget/verify?org=${org.slug}&value=${encodeURIComponent('@lumen_support')}`,
    );
    assert.equal(((await verified.json()) as { results: { official: boolean }[] }).results[0]?.official, true);
  });
  test('an admin reading Traditional Chinese sets the complaint target from the Feedback tab', async () => {
    const page = await signIn(browser, server, org.agents.admin, '/', 'zh-TW');
    await page.getByTestId('admin-feedback').click();
    assert.equal(await page.getByTestId('admin-feedback').innerText(), '意見回饋');
    const form = page.getByTestId('feedback-admin');
    await form.getByTestId('feedback-complaint-target').waitFor();
    await form.getByTestId('feedback-complaint-target').fill('6');
    await form.getByTestId('feedback-save').click();
    await page.locator('[data-testid=admin-message][role=status]').waitFor();

    const admin = await loginAgent(server, org.agents.admin);
    const { body } = await admin.call('GET', '/api/agent/feedback-settings');
    assert.equal(body.settings.complaintTargetHours, 6);

    // Out of range: the server's reason is shown and nothing changes.
    await form.getByTestId('feedback-complaint-target').fill('0');
    await form.getByTestId('feedback-save').click();
    await page.locator('[data-testid=admin-message][role=alert]').waitFor();
    assert.equal((await admin.call('GET', '/api/agent/feedback-settings')).body.settings.complaintTargetHours, 6);
  });
  test('an admin saves a macro, sees it listed, and deletes it again', async () => {
    const page = await signIn(browser, server, org.agents.admin, '/', 'en');
    await page.getByTestId('admin-macros').click();
    const form = page.getByTestId('macros-admin');
    await form.getByTestId('macro-name').fill('Deposit delay e2e');
    await form.getByTestId('macro-shortcut').fill('depdelaye2e');
    await form.getByTestId('macro-body-en').fill('Your deposit is on its way.');
    await form.getByTestId('macro-save').click();
    await page.locator('[data-testid=admin-message][role=status]').waitFor();
    await form.getByTestId('macro-row').filter({ hasText: 'Deposit delay e2e' }).waitFor();

    const admin = await loginAgent(server, org.agents.admin);
    const listed = async () =>
      ((await admin.call('GET', '/api/agent/macros')).body.macros as { name: string }[]).some(
        (m) => m.name === 'Deposit delay e2e',
      );
    assert.equal(await listed(), true);

    page.once('dialog', (dialog) => void dialog.accept());
    await form.getByRole('button', { name: 'Delete' }).click();
    await form.getByTestId('macro-row').filter({ hasText: 'Deposit delay e2e' }).waitFor({ state: 'detached' });
    assert.equal(await listed(), false);
  });

  test("the bot's hand-off note reads as a card in the agent's language", async () => {
    const botOrg = await createTestOrg(db, undefined, { bot: true });
    const visitor = await startVisitor(server, botOrg);
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: '我的 USDT 充值没到账，转人工',
      clientId: 'handoff-card-1',
    });
    const id = created.body.conversation.id as string;
    const agent = await loginAgent(server, botOrg.agents.agent);
    for (let i = 0; i < 100; i++) {
      const { body } = await agent.call('GET', `/api/agent/conversations/${id}/messages`);
      if (body.messages.some((m: { meta: { handoff?: unknown } }) => m.meta.handoff)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const page = await signIn(browser, server, botOrg.agents.agent, `/conversations/${id}`, 'zh-CN');
    const card = page.locator('[data-testid=handoff-summary][data-reason=customer_asked]');
    await card.waitFor({ timeout: 10_000 });
    const text = await card.innerText();
    assert.match(text, /机器人转人工 — 客户要求转人工/);
    assert.match(text, /意图/);
    assert.doesNotMatch(text, /Bot hand-off/, 'the English body is not what a Chinese-reading agent sees');
  });
});
