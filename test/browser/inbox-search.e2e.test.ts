import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, startTestServer, startVisitor, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

describe('the inbox search box narrows the list', { skip }, () => {
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

  async function open(uid: string, name: string, body: string) {
    const visitor = await startVisitor(server, org, { uid, name, email: `${uid.toLowerCase()}@example.test` });
    const created = await visitor.call('POST', '/api/widget/conversations', { body, clientId: `c-${uid}` });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return { visitor, id: created.body.conversation.id as string, number: created.body.conversation.number as number };
  }

  /** The numbers listed, once the list shows exactly `expected` (the search is debounced and asynchronous). */
  async function waitForNumbers(page: Page, expected: number[]): Promise<void> {
    const want = [...expected].sort((a, b) => a - b).join(',');
    await page
      .waitForFunction(
        (w) =>
          [...document.querySelectorAll('[data-testid=conversation-item]')]
            .map((el) => Number(el.getAttribute('data-number')))
            .sort((a, b) => a - b)
            .join(',') === w,
        want,
        { timeout: 10_000 },
      )
      .catch(async () => {
        const shown = await page
          .getByTestId('conversation-item')
          .evaluateAll((els) => els.map((el) => el.getAttribute('data-number')));
        assert.fail(`expected #${want}, the list shows #${shown.join(',')}`);
      });
  }

  test('typing narrows by name, number and message text; no match says so; clearing brings all back', async () => {
    const alice = await open('UID-1001', 'Alice Zhang', 'My USDT deposit has not arrived');
    const bob = await open('UID-2002', 'Bob Li', 'Withdrawal stuck in review');
    const carol = await open('UID-3003', 'Carol Wu', 'How do I reset 2FA?');

    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-email').fill(org.agents.admin.email);
    await page.getByTestId('login-password').fill(org.agents.admin.password);
    await page.getByTestId('login-submit').click();
    await waitForNumbers(page, [alice.number, bob.number, carol.number]);

    const box = page.getByTestId('conversation-search');
    assert.match((await box.getAttribute('placeholder')) ?? '', /search/i);
    const searches: string[] = [];
    page.on('request', (request) => {
      const q = new URL(request.url()).searchParams.get('q');
      if (request.url().includes('/api/agent/conversations?') && q) searches.push(q);
    });
    await box.pressSequentially('alice', { delay: 30 });
    await waitForNumbers(page, [alice.number]);
    assert.deepEqual(searches, ['alice'], 'typing is debounced into one search');

    await box.fill(`#${bob.number}`);
    await waitForNumbers(page, [bob.number]);

    await box.fill('reset 2fa');
    await waitForNumbers(page, [carol.number]);

    await box.fill('uid-20');
    await waitForNumbers(page, [bob.number]);

    // While searching, a new conversation that the server has not matched does not slip in; a found one stays live.
    const dave = await open('UID-4004', 'Dave Chen', 'Completely different question');
    const sent = await bob.visitor.call('POST', `/api/widget/conversations/${bob.id}/messages`, {
      body: 'Any news on my withdrawal?',
      clientId: 'b-2',
    });
    assert.equal(sent.status, 201);
    await page
      .getByTestId('conversation-item')
      .filter({ hasText: 'Any news on my withdrawal?' })
      .waitFor({ timeout: 10_000 });
    await waitForNumbers(page, [bob.number]);

    await box.fill('nobody wrote this');
    await page.getByTestId('conversation-list-empty').filter({ hasText: 'nobody wrote this' }).waitFor();
    await waitForNumbers(page, []);

    await page.getByTestId('conversation-search-clear').click();
    assert.equal(await box.inputValue(), '');
    await waitForNumbers(page, [alice.number, bob.number, carol.number, dave.number]);
  });
});
