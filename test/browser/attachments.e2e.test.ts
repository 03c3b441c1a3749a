import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, startTestServer, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

/** A real 4×4 red PNG, so the thumbnail has a size once the browser decodes it. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==',
  'base64',
);

describe('attachments in real Chromium: the console sends an image, the widget shows it', { skip }, () => {
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

  async function openWidget(locale: string): Promise<Page> {
    const page = await (await browser.newContext({ locale })).newPage();
    await page.goto(`${server.url}/demo`);
    await page.getByTestId('kefu-launcher').click();
    await page.locator('[data-testid=kefu-connection][data-state=online]').waitFor();
    return page;
  }

  /** The image has been fetched and decoded (naturalWidth is 0 for a broken or pending image). */
  const decodedWidth = (page: Page, selector: string) =>
    page.waitForFunction(
      (s) => {
        const find = (root: Document | ShadowRoot): HTMLImageElement | null => {
          const hit = root.querySelector<HTMLImageElement>(s);
          if (hit) return hit;
          for (const el of root.querySelectorAll('*')) if (el.shadowRoot) return find(el.shadowRoot);
          return null;
        };
        const img = find(document);
        return img?.complete && img.naturalWidth > 0 ? img.naturalWidth : 0;
      },
      selector,
      { timeout: 10_000 },
    );

  test('the agent attaches an image in the console; the customer sees its thumbnail in the widget', async () => {
    const customerPage = await openWidget('zh-CN');
    const question = '提币一直在审核中，怎么办？';
    await customerPage.getByTestId('kefu-input').fill(question);
    await customerPage.getByTestId('kefu-send').click();
    await customerPage
      .locator('[data-testid=kefu-message][data-author-kind=customer][data-seq]', { hasText: question })
      .waitFor();

    const agentPage = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await agentPage.goto(`${server.url}/`);
    await agentPage.getByTestId('login-email').fill(org.agents.agent.email);
    await agentPage.getByTestId('login-password').fill(org.agents.agent.password);
    await agentPage.getByTestId('login-submit').click();
    const item = agentPage.getByTestId('conversation-item').filter({ hasText: '审核' });
    await item.waitFor({ timeout: 10_000 });
    await item.click();
    await agentPage.getByTestId('message').filter({ hasText: question }).waitFor();

    await agentPage.getByTestId('attach-input').setInputFiles({
      name: 'where-to-look.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    // The console shows its own image as a thumbnail with a download link.
    await agentPage.locator('[data-testid=message][data-author-kind=agent] [data-testid=attachment-thumb]').waitFor();
    assert.equal(await decodedWidth(agentPage, '[data-testid=attachment-thumb]').then((h) => h.jsonValue()), 4);
    const download = agentPage.locator('[data-testid=attachment] a', { hasText: 'where-to-look.png' });
    assert.equal(await download.getAttribute('download'), 'where-to-look.png');

    // The widget shows the thumbnail, loaded through a short-lived link (never the visitor token in a URL).
    const thumb = customerPage.locator('[data-testid=kefu-message][data-author-kind=agent] [data-testid=kefu-thumb]');
    await thumb.waitFor({ timeout: 10_000 });
    assert.equal(await decodedWidth(customerPage, '[data-testid=kefu-thumb]').then((h) => h.jsonValue()), 4);
    const src = (await thumb.getAttribute('src')) ?? '';
    assert.match(src, /\/api\/widget\/conversations\/[\w-]+\/files\/[\w-]+\?token=/);
    const visitorToken = await customerPage.evaluate(() => {
      const stored = Object.keys(localStorage).find((key) => key.endsWith(':visitor'));
      return stored ? (JSON.parse(localStorage.getItem(stored) ?? '{}').token as string) : '';
    });
    assert.ok(visitorToken && !src.includes(encodeURIComponent(visitorToken)) && !src.includes(visitorToken));
    await agentPage.context().close();
    await customerPage.context().close();
  });

  test('widget.js, attachments and all, stays under 40 KB gzipped (ARCHITECTURE.md)', () => {
    // The browser suites run against the build (`npm run build`), so the file is there.
    const bundle = fs.readFileSync(path.join(import.meta.dirname, '../../dist/widget/widget.js'));
    const gzipped = zlib.gzipSync(bundle).length;
    assert.ok(gzipped < 40 * 1024, `widget.js is ${gzipped} bytes gzipped`);
  });

  test('the widget’s paper clip warns, in the customer’s language, never to upload a seed phrase', async () => {
    for (const [locale, warning] of [
      ['zh-CN', '切勿上传助记词、私钥或两步验证码：客服绝不会向您索要。'],
      ['en-US', 'Never upload your seed phrase, private key or 2FA codes: support will never ask for them.'],
      ['zh-TW', '切勿上傳助記詞、私鑰或兩步驟驗證碼：客服絕不會向您索取。'],
    ] as const) {
      const page = await openWidget(locale);
      const note = page.getByTestId('kefu-attach-note');
      assert.equal(await note.isVisible(), false);
      const chooser = page.waitForEvent('filechooser');
      await page.getByTestId('kefu-attach').click();
      await chooser;
      await note.waitFor();
      assert.equal(await note.innerText(), warning);
      await page.context().close();
    }
  });

  test('a customer drops a screenshot: it is sent, and a file of the wrong type is refused with a reason', async () => {
    const page = await openWidget('en-US');
    const drop = (name: string, type: string, base64: string) =>
      page.getByTestId('kefu-input').evaluate(
        (input, file) => {
          const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
          const data = new DataTransfer();
          data.items.add(new File([bytes], file.name, { type: file.type }));
          const event = new DragEvent('drop', { bubbles: true, cancelable: true, composed: true, dataTransfer: data });
          input.dispatchEvent(event);
          return event.defaultPrevented;
        },
        { name, type, base64 },
      );
    assert.equal(await drop('screenshot.png', 'image/png', PNG.toString('base64')), true, 'the page is not left');
    await page
      .locator('[data-testid=kefu-message][data-author-kind=customer][data-seq] [data-testid=kefu-thumb]')
      .waitFor({ timeout: 10_000 });
    await drop('invoice.png', 'image/png', Buffer.from('<html><script>alert(1)</script></html>').toString('base64'));
    await page.getByTestId('kefu-attach-note').filter({ hasText: 'only images, PDF and text files' }).waitFor();
    assert.equal(await page.locator('[data-testid=kefu-message] [data-testid=kefu-thumb]').count(), 1);
    await page.context().close();
  });
});
