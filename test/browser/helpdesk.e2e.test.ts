import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

describe('an agent works a conversation with the helpdesk tools and the customer rates it, in real Chromium', {
  skip,
}, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let admin: AgentClient;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db, 'demo');
    // Ask for the rating as soon as the conversation is resolved (production waits a minute).
    await db.query(
      `UPDATE organizations SET settings = settings || '{"feedback":{"csatDelaySeconds":0}}' WHERE id = $1`,
      [org.id],
    );
    admin = await loginAgent(server, org.agents.admin);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  test('macro, private note with a mention, merge, resolve, and a live 5-star rating the CSAT report counts', async () => {
    const macro = await admin.call('POST', '/api/agent/macros', {
      name: 'Deposit delay',
      shortcut: 'deposit-delay',
      bodies: { en: 'Deposits can take up to 30 minutes after the network confirms them.' },
    });
    assert.equal(macro.status, 201, JSON.stringify(macro.body));
    const unreadBefore = (await admin.call('GET', '/api/agent/notifications')).body.unreadCount as number;

    const customerPage = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await customerPage.goto(`${server.url}/demo`);
    await customerPage.getByTestId('kefu-launcher').click();
    await customerPage.locator('[data-testid=kefu-connection][data-state=online]').waitFor();
    await customerPage.getByTestId('kefu-input').fill('My USDT deposit has not arrived');
    await customerPage.getByTestId('kefu-send').click();
    await customerPage.locator('[data-testid=kefu-message][data-author-kind=customer]:not([data-pending])').waitFor();

    // The same customer also wrote earlier about the same deposit: a second conversation, to be merged.
    const stored = await customerPage.evaluate(() => localStorage.getItem('kefu:v1:demo:visitor'));
    const visitorToken = (JSON.parse(stored ?? '{}') as { token: string }).token;
    const duplicate = await request(`${server.url}/api/widget/conversations`, {
      method: 'POST',
      body: { body: 'Deposit still missing (TxID to follow)', clientId: 'dup-1' },
      headers: { authorization: `Bearer ${visitorToken}` },
    });
    assert.equal(duplicate.status, 201);

    const agentPage = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await agentPage.goto(`${server.url}/`);
    await agentPage.getByTestId('login-email').fill(org.agents.agent.email);
    await agentPage.getByTestId('login-password').fill(org.agents.agent.password);
    await agentPage.getByTestId('login-submit').click();
    await agentPage.locator('[data-testid=connection-state][data-state=online]').waitFor();

    // Merge the duplicate into the conversation the widget is following.
    await agentPage.getByTestId('conversation-item').filter({ hasText: 'TxID to follow' }).click();
    await agentPage.getByTestId('message').filter({ hasText: 'TxID to follow' }).waitFor();
    await agentPage.getByTestId('merge-open').click();
    await agentPage.getByTestId('merge-target').selectOption({ index: 0 });
    await agentPage.getByTestId('merge-confirm').click();
    const view = agentPage.locator('[data-testid=conversation-view][data-state=ready]');
    await agentPage.getByTestId('message').filter({ hasText: 'has not arrived' }).waitFor();
    await agentPage.getByTestId('message').filter({ hasText: 'was merged into' }).waitFor();
    const survivorId = await view.getAttribute('data-conversation-id');
    assert.notEqual(survivorId, duplicate.body.conversation.id);

    // A canned reply picked with "/".
    await agentPage.getByTestId('reply-input').fill('/deposit');
    await agentPage.getByTestId('suggestion').filter({ hasText: '/deposit-delay' }).click();
    await agentPage.getByTestId('reply-send').click();
    await customerPage
      .locator('[data-testid=kefu-message][data-author-kind=agent]', { hasText: 'up to 30 minutes' })
      .waitFor({ timeout: 10_000 });

    // A private note mentioning a colleague, picked with "@".
    await agentPage.getByTestId('reply-private').click();
    await agentPage.getByTestId('reply-input').fill('@admin');
    await agentPage.getByTestId('suggestion').first().click();
    await agentPage.getByTestId('reply-input').press('End');
    await agentPage.getByTestId('reply-input').type('please check the hot wallet');
    await agentPage.getByTestId('reply-send').click();
    await agentPage.getByTestId('message').filter({ hasText: 'please check the hot wallet' }).waitFor();
    let unread = unreadBefore;
    for (let attempt = 0; attempt < 50 && unread === unreadBefore; attempt++) {
      unread = (await admin.call('GET', '/api/agent/notifications')).body.unreadCount;
      if (unread === unreadBefore) await agentPage.waitForTimeout(100);
    }
    assert.equal(unread, unreadBefore + 1, "the colleague's notification count rises");

    // Take it and resolve it: the rating card appears live in the widget.
    await agentPage.getByTestId('assign-me').click();
    await agentPage.locator('[data-testid=assign-me][aria-pressed=true]').waitFor();
    await agentPage.getByTestId('status-select').selectOption('resolved');
    const card = customerPage.getByTestId('kefu-csat');
    await card.waitFor({ timeout: 10_000 });
    await customerPage.locator('[data-testid=kefu-csat-star][data-value="5"]').click();
    await customerPage.getByTestId('kefu-csat-comment').fill('Fast and clear, thank you');
    await customerPage.getByTestId('kefu-csat-submit').click();
    await customerPage.getByTestId('kefu-csat-thanks').waitFor();

    await agentPage.locator('[data-testid=conversation-csat][data-rating="5"]').waitFor({ timeout: 10_000 });
    const report = await admin.call('GET', '/api/agent/reports/csat');
    assert.equal(report.status, 200);
    assert.equal(report.body.count, 1);
    assert.equal(report.body.average, 5);
    assert.equal(report.body.byAgent[0].agentId, org.agents.agent.id);
  });
});
