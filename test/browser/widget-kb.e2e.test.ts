import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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

describe('the knowledge base in the widget (real Chromium)', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let admin: AgentClient;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db, 'demo', { kb: true });
    admin = await loginAgent(server, org.agents.admin);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  async function openPage(path: string, locale = 'zh-CN'): Promise<Page> {
    const page = await (await browser.newContext({ locale })).newPage();
    await page.goto(`${server.url}${path}`);
    return page;
  }

  /** The stored messages of the conversation whose first message the widget sent with this clientId. */
  async function storedMessages(clientId: string): Promise<Array<{ clientId: string | null; meta: any }>> {
    const list = await admin.call('GET', '/api/agent/conversations?limit=100');
    assert.equal(list.status, 200);
    for (const conversation of list.body.conversations) {
      const result = await admin.call('GET', `/api/agent/conversations/${conversation.id}/messages`);
      if (result.body.messages.some((m: { clientId: string | null }) => m.clientId === clientId)) {
        return result.body.messages;
      }
    }
    throw new Error(`no conversation holds ${clientId}`);
  }

  test('typing a question before any conversation suggests articles, as text links to the help centre; clearing hides them', async () => {
    const page = await openPage('/demo');
    await page.getByTestId('kefu-launcher').click();
    await page.getByTestId('kefu-panel').waitFor();
    // One character is not a question yet.
    await page.getByTestId('kefu-input').fill('充');
    await page.waitForTimeout(700);
    assert.equal(await page.getByTestId('kefu-suggestion').count(), 0);

    await page.getByTestId('kefu-input').fill('充值没到账');
    const links = page.getByTestId('kefu-suggestion');
    await links.first().waitFor({ timeout: 10_000 });
    const count = await links.count();
    assert.ok(count >= 1 && count <= 3, `1 to 3 suggestions, got ${count}`);
    const found = await links.evaluateAll((els) =>
      els.map((a) => ({
        href: (a as HTMLAnchorElement).href,
        target: a.getAttribute('target'),
        rel: a.getAttribute('rel'),
        text: a.textContent ?? '',
        markup: a.querySelectorAll('*:not(span)').length,
      })),
    );
    assert.ok(
      found.some((link) => link.href.endsWith('/help/zh-CN/deposit-not-credited') || link.href.includes('deposit')),
      `a deposit article is suggested: ${found.map((link) => link.href).join(', ')}`,
    );
    for (const link of found) {
      assert.ok(link.href.startsWith(`${server.url}/help/`), `links point at the kefu server: ${link.href}`);
      assert.equal(link.target, '_blank');
      assert.equal(link.rel, 'noopener noreferrer');
      assert.ok(link.text.trim().length > 0);
      assert.equal(link.markup, 0, 'titles and snippets are text, not markup');
    }
    const first = await page.request.get(found[0].href);
    assert.equal(first.status(), 200, 'the suggested article opens');

    await page.getByTestId('kefu-input').fill('');
    await page.getByTestId('kefu-suggestions').waitFor({ state: 'hidden' });
    assert.equal(await page.getByTestId('kefu-suggestion').count(), 0);

    // Once the conversation has started, typing is just typing.
    await page.getByTestId('kefu-input').fill('充值没到账');
    await links.first().waitFor();
    await page.getByTestId('kefu-send').click();
    await page.getByTestId('kefu-suggestions').waitFor({ state: 'hidden' });
    await page.locator('[data-testid=kefu-message][data-author-kind=customer][data-seq]').waitFor({ timeout: 10_000 });
    await page.getByTestId('kefu-input').fill('还是没到账');
    await page.waitForTimeout(900);
    assert.equal(await page.getByTestId('kefu-suggestions').isVisible(), false);
    await page.context().close();
  });

  test('"Still need help?" from an article opens the widget, and the first message carries the article read', async () => {
    const page = await openPage('/demo?article=deposit-not-credited&locale=zh-CN');
    // Opened by itself: nobody clicks the launcher.
    await page.getByTestId('kefu-panel').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=kefu-connection][data-state=online]').waitFor({ timeout: 10_000 });
    const question = '我看了文章，USDT 充值还是没到账';
    await page.getByTestId('kefu-input').fill(question);
    await page.getByTestId('kefu-send').click();
    const sent = page.locator('[data-testid=kefu-message][data-author-kind=customer][data-seq]', {
      hasText: question,
    });
    await sent.waitFor({ timeout: 10_000 });
    const clientId = await sent.getAttribute('data-client-id');
    assert.ok(clientId);

    await page.getByTestId('kefu-input').fill('补充一下：是 TRC20 网络');
    await page.getByTestId('kefu-send').click();
    await page
      .locator('[data-testid=kefu-message][data-author-kind=customer][data-seq]', { hasText: 'TRC20' })
      .waitFor({ timeout: 10_000 });

    const messages = await storedMessages(clientId);
    const first = messages.find((m) => m.clientId === clientId);
    assert.equal(first?.meta?.readArticle, 'deposit-not-credited');
    const later = messages.filter((m) => m.clientId && m.clientId !== clientId);
    assert.ok(later.length >= 1);
    for (const m of later) assert.equal(m.meta?.readArticle, undefined, 'only the first message carries it');
    await page.context().close();
  });

  test('only a slug is taken as the article: anything else is dropped by the page and refused by the API', async () => {
    const page = await request(`${server.url}/demo?article=${encodeURIComponent('"><script>alert(1)</script>')}`);
    assert.equal(page.status, 200);
    assert.ok(!String(page.body).includes('data-article'));
    assert.ok(!String(page.body).includes('alert(1)'));

    const session = await request(`${server.url}/api/widget/session`, { method: 'POST', body: { org: org.slug } });
    const refused = await request(`${server.url}/api/widget/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.body.visitorToken}` },
      body: { body: 'hi', readArticle: '../admin' },
    });
    assert.equal(refused.status, 400);
  });

  test('a platform incident shows as one line at the top of the panel, in the customer language', async () => {
    const put = await admin.call('PUT', '/api/agent/platform-status', {
      coin: 'USDT',
      network: 'TRC20',
      deposits: 'suspended',
      withdrawals: 'enabled',
      note: { 'zh-CN': '节点升级中，预计 2 小时后恢复', en: 'Node upgrade, back in about 2 hours' },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const page = await openPage('/demo', 'zh-CN');
    await page.getByTestId('kefu-launcher').click();
    const banner = page.getByTestId('kefu-announcement');
    await banner.waitFor({ timeout: 10_000 });
    const text = await banner.textContent();
    assert.match(text ?? '', /USDT \(TRC20\) 充值暂停：节点升级中/);
    await page.getByTestId('kefu-locale').selectOption('en');
    await page
      .getByTestId('kefu-announcement')
      .filter({ hasText: 'USDT (TRC20) deposits suspended: Node upgrade' })
      .waitFor();
    await page.context().close();
  });
});
