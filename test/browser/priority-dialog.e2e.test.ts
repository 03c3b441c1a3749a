import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

describe('changing a priority asks for the reason in the console, not in a browser prompt', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  test('cancel keeps the priority; a reason saves it, and the reason is stored', async () => {
    const visitor = await startVisitor(server, org);
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: 'Please check my account limits',
      clientId: 'p1',
    });
    const conversationId = created.body.conversation.id as string;

    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    page.on('dialog', (dialog) => {
      void dialog.dismiss();
      assert.fail(`a browser ${dialog.type()} opened: ${dialog.message()}`);
    });
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-email').fill(org.agents.admin.email);
    await page.getByTestId('login-password').fill(org.agents.admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('conversation-item').filter({ hasText: 'account limits' }).click();
    const select = page.getByTestId('priority-select');
    await select.waitFor();
    assert.equal(await select.inputValue(), 'normal');

    await select.selectOption('high');
    const dialog = page.getByTestId('priority-dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: /cancel|取消/i }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await select.inputValue(), 'normal', 'cancel visibly keeps the current priority');

    await select.selectOption('high');
    await dialog.waitFor();
    await dialog.locator('textarea').fill('VIP customer, large balance');
    await dialog.getByRole('button', { name: /confirm|确认/i }).click();
    await page.waitForFunction(
      () => (document.querySelector('[data-testid=priority-select]') as HTMLSelectElement | null)?.value === 'high',
    );

    const agent = await loginAgent(server, org.agents.admin);
    const deadline = Date.now() + 10_000;
    let saved = await agent.call('GET', `/api/agent/conversations/${conversationId}`);
    while (saved.body.conversation.priority !== 'high' && Date.now() < deadline) {
      await page.waitForTimeout(100);
      saved = await agent.call('GET', `/api/agent/conversations/${conversationId}`);
    }
    assert.equal(saved.body.conversation.priority, 'high');
    assert.equal(saved.body.conversation.prioritySource, 'agent');
  });
});
