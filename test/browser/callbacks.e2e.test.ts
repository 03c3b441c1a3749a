import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

describe('phone callbacks in real Chromium', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let agentApi: AgentClient;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db, 'demo');
    // An admin reads the stored number in full; the console's plain agent sees it masked (and can reveal it).
    agentApi = await loginAgent(server, org.agents.admin);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  test('the widget callback form checks the number, submits, and the console shows the phone conversation and logs a call', async () => {
    const customer = await (await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })).newPage();
    await customer.goto(`${server.url}/demo`);
    await customer.getByTestId('kefu-launcher').click();
    await customer.locator('[data-testid=kefu-connection][data-state=online]').waitFor();
    const open = customer.getByTestId('kefu-callback-open');
    assert.match(await open.innerText(), /预约回电/);
    await open.click();

    // Checked in the widget first: nothing is sent for a number that cannot be one.
    await customer.getByTestId('kefu-callback-phone').fill('12345');
    await customer.getByTestId('kefu-callback-submit').click();
    await customer.getByTestId('kefu-callback-status').filter({ hasText: '有效的手机号码' }).waitFor();

    await customer.getByTestId('kefu-callback-phone').fill('138 0013 8000');
    await customer.getByTestId('kefu-callback-day').selectOption('tomorrow');
    await customer.getByTestId('kefu-callback-from').selectOption('14');
    await customer.getByTestId('kefu-callback-to').selectOption('16');
    await customer.getByTestId('kefu-callback-note').fill('提现卡住了');
    await customer.getByTestId('kefu-callback-submit').click();
    await customer.getByTestId('kefu-callback-status').filter({ hasText: '已提交预约' }).waitFor();
    // The widget switches to the conversation the request opened; its first message masks the number.
    const first = customer.locator('[data-testid=kefu-message][data-author-kind=customer]', { hasText: '请给我回电' });
    await first.waitFor({ timeout: 10_000 });
    const shown = await first.innerText();
    assert.match(shown, /8000/);
    assert.ok(!shown.includes('13800138000'), shown);
    assert.match(shown, /Asia\/Shanghai/);

    // Stored as a phone conversation with the number in E.164.
    const list = await agentApi.call('GET', '/api/agent/conversations?assignee=all');
    const phone = list.body.conversations.find((c: { channel: string }) => c.channel === 'phone');
    assert.ok(phone, 'a phone conversation');
    const calls = await agentApi.call('GET', `/api/agent/conversations/${phone.id}/calls`);
    assert.equal(calls.body.callbacks[0].phone, '+8613800138000');
    assert.equal(calls.body.callbacks[0].timeZone, 'Asia/Shanghai');
    assert.equal(new Date(calls.body.callbacks[0].windowStart).getUTCHours(), 6); // 14:00 in Shanghai

    const agent = await (await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/London' })).newPage();
    await agent.goto(`${server.url}/`);
    await agent.getByTestId('login-email').fill(org.agents.agent.email);
    await agent.getByTestId('login-password').fill(org.agents.agent.password);
    await agent.getByTestId('login-submit').click();
    await agent.getByTestId('conversation-list').waitFor();
    await agent.getByTestId('conversation-item').filter({ hasText: '8000' }).first().click();
    await agent.getByTestId('message').filter({ hasText: '请给我回电' }).waitFor();

    const panel = agent.getByTestId('calls-panel');
    // A plain agent sees the number masked and nothing to dial; revealing the customer (with a reason, audited)
    // shows it in full among their identities.
    await panel.getByTestId('callback-phone').filter({ hasText: '+86 ••• 8000' }).waitFor();
    assert.equal(await panel.locator('a[href^="tel:"]').count(), 0);
    await agent.getByTestId('contact-reveal').click();
    await agent.getByTestId('contact-reveal-form').locator('input').fill('Calling the customer back');
    await agent.getByTestId('contact-reveal-form').locator('button[type=submit]').click();
    await agent.getByTestId('contact-identities').filter({ hasText: '+8613800138000' }).waitFor();
    assert.equal(await panel.getByTestId('callback-status').innerText(), 'Requested');
    // On the agent's clock (London: UTC, or UTC+1 in summer) and on the customer's (Shanghai, UTC+8), en-US style.
    const local = await panel.getByTestId('callback-window-local').innerText();
    const theirs = await panel.getByTestId('callback-window-customer').innerText();
    assert.match(theirs, /2:00\s*–\s*4:00\sPM/);
    assert.match(local, /[67]:00\s*–\s*[89]:00\sAM/);

    await panel.getByTestId('call-direction').selectOption('outbound');
    await panel.getByTestId('call-minutes').fill('3');
    await panel.getByTestId('call-seconds').fill('5');
    await panel.getByTestId('call-outcome').selectOption('reached');
    await panel.getByTestId('call-notes').fill('Withdrawal explained');
    await panel.getByTestId('call-save').click();
    await panel.locator('[data-testid=callback-request][data-status=done]').waitFor();
    await panel.locator('[data-testid=call-entry][data-outcome=reached]', { hasText: '3:05' }).waitFor();
    // The call is in the timeline too, as a private note.
    await agent.getByTestId('message').filter({ hasText: 'Withdrawal explained' }).waitFor();
    // And never reaches the customer.
    await customer.waitForTimeout(500);
    assert.equal(await customer.getByTestId('kefu-message').filter({ hasText: 'Withdrawal explained' }).count(), 0);
  });
});
