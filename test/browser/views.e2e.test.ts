import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
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

describe('list filters, saved views and merge in the agent console, in real Chromium', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let admin: AgentClient;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db, 'views');
    admin = await loginAgent(server, org.agents.admin);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  async function openConsole(): Promise<Page> {
    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-email').fill(org.agents.admin.email);
    await page.getByTestId('login-password').fill(org.agents.admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('conversation-list').waitFor();
    return page;
  }

  async function customerConversation(uid: string, body: string): Promise<{ id: string; number: number }> {
    const visitor = await startVisitor(server, org, { uid, name: `Customer ${uid}` });
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body,
      clientId: `c-${uid}-${body.length}`,
    });
    assert.ok(created.status < 300, JSON.stringify(created.body));
    return created.body.conversation;
  }

  test('filtering by a tag keeps it in the URL, and a saved view brings the same list back', async () => {
    const tagged = await customerConversation('u-tag-1', 'My USDT deposit has not arrived');
    await customerConversation('u-tag-2', 'How do I reset my password?');
    const change = await admin.call('POST', `/api/agent/conversations/${tagged.id}/tags`, { add: ['Chargeback'] });
    assert.equal(change.status, 200);

    const page = await openConsole();
    const items = page.getByTestId('conversation-item');
    await page.locator('[data-testid=filter-tag] option[value=chargeback]').waitFor({ state: 'attached' });
    await page.getByTestId('filter-tag').selectOption('chargeback');
    await page.waitForURL(/tag=chargeback/);
    await page.locator(`[data-testid=conversation-item][data-conversation-id="${tagged.id}"]`).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=conversation-item]').length === 1);

    await page.getByTestId('save-view').click();
    await page.getByTestId('save-view-name').fill('Chargebacks');
    await page.getByTestId('save-view-confirm').click();
    await page.locator('[data-testid=saved-views] option', { hasText: 'Chargebacks' }).waitFor({ state: 'attached' });

    await page.getByTestId('filter-tag').selectOption('');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=conversation-item]').length === 2);

    const viewId = await page
      .locator('[data-testid=saved-views] option', { hasText: 'Chargebacks' })
      .getAttribute('value');
    await page.getByTestId('saved-views').selectOption(viewId ?? '');
    await page.waitForURL(/tag=chargeback/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=conversation-item]').length === 1);
    assert.equal(await items.first().getAttribute('data-conversation-id'), tagged.id);
    assert.equal(await page.getByTestId('filter-tag').inputValue(), 'chargeback');

    // A reload opens the same filtered list: the filters live in the URL.
    await page.reload();
    await page.locator(`[data-testid=conversation-item][data-conversation-id="${tagged.id}"]`).waitFor();
    assert.equal(await items.count(), 1);
    await page.context().close();
  });

  test('merging follows the surviving conversation, and the merged one links to it', async () => {
    const first = await customerConversation('u-merge', 'Withdrawal stuck since yesterday');
    const second = await customerConversation('u-merge', 'Still waiting for the withdrawal, any news?');
    assert.notEqual(first.id, second.id, 'the customer has two conversations');

    const page = await openConsole();
    await page.goto(`${server.url}/conversations/${second.id}?status=any&assignee=all&priority=any`);
    await page.locator(`[data-testid=conversation-view][data-conversation-id="${second.id}"]`).waitFor();
    await page.getByTestId('merge-open').click();
    await page.locator(`[data-testid=merge-target] option[value="${first.id}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('merge-target').selectOption(first.id);
    await page.getByTestId('merge-confirm').click();

    await page.locator(`[data-testid=conversation-view][data-conversation-id="${first.id}"]`).waitFor();
    await page.goBack();
    await page.locator(`[data-testid=conversation-view][data-conversation-id="${second.id}"]`).waitFor();
    const link = page.getByTestId('merged-link');
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=merged-link]')?.textContent === `#${n}`,
      first.number,
    );
    await link.click();
    await page.locator(`[data-testid=conversation-view][data-conversation-id="${first.id}"]`).waitFor();
    await page.context().close();
  });
});
