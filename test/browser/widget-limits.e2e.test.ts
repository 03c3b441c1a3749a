import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { unseal } from '../../src/server/secrets/sealed.ts';
import { signVisitorToken } from '../../src/server/visitors/tokens.ts';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, startTestServer, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

const VISITOR_KEY = 'kefu:v1:demo:visitor';
/** Two messages per visitor in 8 s: the third of a quick burst waits, and goes once the window ends. */
const LIMITS = 'message.visitor=2/8';

describe('the widget renews its visitor token and slows down when told to', {
  skip,
}, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let visitorKey: string;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db, { KEFU_WIDGET_RATE_LIMITS: LIMITS });
    org = await createTestOrg(db, 'demo');
    browser = await launchChromium();
    const [secret] = await db.query<{ value: string }>(
      "SELECT value FROM app_secrets WHERE name = 'visitor_token_key'",
    );
    // Stored sealed (secrets/sealed.ts).
    visitorKey = unseal(secret.value);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  async function openWidget(locale = 'zh-CN'): Promise<Page> {
    const page = await (await browser.newContext({ locale })).newPage();
    await page.goto(`${server.url}/demo`);
    await page.getByTestId('kefu-launcher').click();
    await page.locator('[data-testid=kefu-connection][data-state=online]').waitFor();
    return page;
  }

  async function send(page: Page, text: string): Promise<void> {
    await page.getByTestId('kefu-input').fill(text);
    await page.getByTestId('kefu-send').click();
  }

  /** The server's copy of a customer message (it has a seq; a queued one does not). */
  function delivered(page: Page, text: string) {
    return page.locator('[data-testid=kefu-message][data-author-kind=customer][data-seq]', { hasText: text });
  }

  test('a reload with an expired token renews it silently and keeps the conversation', async () => {
    const page = await openWidget();
    await send(page, '我的充值还没到账');
    await delivered(page, '我的充值还没到账').waitFor();
    const stored = JSON.parse((await page.evaluate((key) => localStorage.getItem(key), VISITOR_KEY)) ?? '{}');
    assert.ok(Date.parse(stored.expiresAt) > Date.now(), 'the widget keeps when its token expires');
    const claims = JSON.parse(Buffer.from(stored.token.split('.')[0], 'base64url').toString('utf8'));
    // The browser comes back two days later: its token expired the day before.
    const expired = signVisitorToken(visitorKey, org.id, claims.c, Date.now() - 2 * 24 * 60 * 60 * 1000).token;
    await page.evaluate(
      ([key, value]) => localStorage.setItem(key, value),
      [VISITOR_KEY, JSON.stringify({ token: expired, verified: false })],
    );

    await page.reload();
    await page.getByTestId('kefu-launcher').click();
    await delivered(page, '我的充值还没到账').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=kefu-connection][data-state=online]').waitFor();
    const renewed = JSON.parse((await page.evaluate((key) => localStorage.getItem(key), VISITOR_KEY)) ?? '{}');
    assert.notEqual(renewed.token, expired);
    await send(page, 'TRC20');
    await delivered(page, 'TRC20').waitFor({ timeout: 10_000 });
    await page.context().close();
  });

  test('a message sent too fast says so, in Chinese, and goes by itself once the server takes it again', async () => {
    const page = await openWidget();
    await send(page, '第一条');
    await send(page, '第二条');
    await send(page, '第三条');
    const waiting = page.locator('[data-testid=kefu-message][data-status=rateLimited]', { hasText: '第三条' });
    await waiting.waitFor({ timeout: 10_000 });
    assert.match(await waiting.innerText(), /您发送得太快了，请稍候再试/);
    await delivered(page, '第三条').waitFor({ timeout: 20_000 });
    await page.context().close();
  });
});
