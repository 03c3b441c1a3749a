import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, request, startTestServer, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

/** The README's verification, as an exchange's backend would write it. */
function verifyKefuSignature(secret: string, timestamp: string, rawBody: string, header: string): boolean {
  const expected = `v1=${crypto.createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  return expected.length === header.length && crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(header));
}

type Received = { headers: http.IncomingHttpHeaders; body: string };

async function waitUntil<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('integrations page (issue 13) in real Chromium: API key, webhook, delivery log, replay', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let page: Page;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];

  before(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    db = await embedded.open();
    // The receiver is on loopback, which webhooks refuse unless allowed (tests and development only).
    server = await startTestServer(db, { KEFU_WEBHOOK_ALLOW_PRIVATE: 'true' });
    org = await createTestOrg(db);
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-email').fill(org.agents.admin.email);
    await page.getByTestId('login-password').fill(org.agents.admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('conversation-list').waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
    await db?.drop();
  });

  let apiKey = '';
  let signingSecret = '';

  test('an admin creates an API key, shown once', async () => {
    await page.getByTestId('integrations-link').click();
    await page.getByTestId('integrations-page').waitFor();
    await page.getByTestId('api-key-name').fill('exchange backend');
    await page.getByRole('button', { name: 'Create key' }).click();
    apiKey = (await page.getByTestId('integrations-secret').textContent()) ?? '';
    assert.ok(apiKey.length > 20, apiKey);
    await page.getByTestId('integrations-once').getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('integrations-once').waitFor({ state: 'detached' });
    assert.equal((await page.content()).includes(apiKey), false, 'the key is not shown again');
    // The key works against the public API.
    const me = await request(`${server.url}/api/v1/contacts/7001`, {
      method: 'PUT',
      body: { name: 'Customer 7001' },
      headers: { authorization: `Bearer ${apiKey}` },
    });
    assert.ok(me.status < 300, JSON.stringify(me.body));
  });

  test('an admin adds a webhook endpoint pointing at the local receiver', async () => {
    await page.getByTestId('webhook-url').fill(`${receiverUrl}/hook`);
    await page.locator('label', { hasText: 'message.created' }).locator('input').uncheck();
    await page.locator('label', { hasText: 'conversation.created' }).locator('input').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    signingSecret = (await page.getByTestId('integrations-secret').textContent()) ?? '';
    assert.match(signingSecret, /^whsec_/);
    await page.getByTestId('webhook-row').waitFor();
  });

  test('an event through the API is delivered, logged, replayed: the receiver gets it twice, validly signed', async () => {
    const opened = await request(`${server.url}/api/v1/conversations`, {
      method: 'POST',
      body: { exchangeUid: '7001', body: 'Where is my withdrawal?' },
      headers: { authorization: `Bearer ${apiKey}` },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    await waitUntil('the first delivery', () => received.length >= 1);

    await page.getByTestId('webhook-row').getByRole('button', { name: 'Delivery log' }).click();
    const log = page.getByTestId('webhook-deliveries');
    await log.getByText('conversation.created').waitFor();
    await log.getByRole('button', { name: 'Re-send now' }).click();
    await waitUntil('the replay', () => received.length >= 2);
    await log.getByText('replay', { exact: false }).first().waitFor();

    assert.equal(received.length, 2);
    const [first, replay] = received;
    for (const r of [first, replay]) {
      const timestamp = String(r?.headers['x-kefu-timestamp']);
      assert.ok(verifyKefuSignature(signingSecret, timestamp, r?.body ?? '', String(r?.headers['x-kefu-signature'])));
      assert.ok(!verifyKefuSignature('whsec_wrong', timestamp, r?.body ?? '', String(r?.headers['x-kefu-signature'])));
    }
    const a = JSON.parse(first?.body ?? '{}');
    const b = JSON.parse(replay?.body ?? '{}');
    assert.equal(a.type, 'conversation.created');
    assert.equal(b.id, a.id, 'the replay is the same event');
    assert.equal(a.data.conversation.id, opened.body.conversation.id);
  });
});
