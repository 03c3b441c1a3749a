import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, loginAgent, startTestServer, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

/** Where the screenshots go (to look at the CJK glyphs): KEFU_TEST_SCREENSHOTS or the temp directory. */
const SHOTS = process.env.KEFU_TEST_SCREENSHOTS ?? os.tmpdir();

/** Errors the page reports (a CSP violation, a failed resource) while the test drives it. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/**
 * The fonts Chromium drew an element's text with (DevTools protocol): a CJK font with glyphs for it, not boxes.
 */
async function renderedFonts(page: Page, selector: string): Promise<{ familyName: string; glyphCount: number }[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts;
}

async function glyphsRender(page: Page, selector: string): Promise<boolean> {
  const fonts = await renderedFonts(page, selector);
  return fonts.some((font) => /CJK|Noto Sans (SC|TC)|Han/i.test(font.familyName) && font.glyphCount > 0);
}

describe('the public help centre in a real browser', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db, 'lumen-browser', { kb: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  test('a Chinese browser lands on the zh-CN help centre, its CJK text drawn, and search finds 充值', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/help`);
    assert.equal(new URL(page.url()).pathname, '/help/zh-CN');
    await page.getByRole('link', { name: '充值未到账怎么办' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await page.locator('h1.sr').waitFor({ state: 'attached' });
    assert.ok(await glyphsRender(page, '.card h2 a'), 'CJK glyphs drawn with a CJK font (not tofu)');
    await page.screenshot({ path: path.join(SHOTS, 'help-centre-zh-CN.png'), fullPage: false });

    await page.getByRole('searchbox').fill('充值');
    await page.getByRole('searchbox').press('Enter');
    await page.waitForURL(/\/help\/zh-CN\/search\?q=/);
    const results = page.getByTestId('search-results');
    await results.waitFor();
    assert.ok((await results.locator('li').count()) > 0);
    assert.ok((await results.locator('mark').first().innerText()).includes('充值'));
    await page.screenshot({ path: path.join(SHOTS, 'help-centre-zh-CN-search.png') });

    await results.getByRole('link', { name: '充值未到账怎么办' }).click();
    await page.waitForURL(/\/help\/zh-CN\/deposit-not-credited$/);
    await page.getByRole('heading', { level: 1, name: '充值未到账怎么办' }).waitFor();
    assert.deepEqual(errors, [], 'no CSP violation or other error');
    await context.close();
  });

  test('an English browser gets the en help centre; the switch to 繁體中文 lands on the same article and sticks', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/help`);
    assert.equal(new URL(page.url()).pathname, '/help/en');
    await page.getByRole('link', { name: 'Deposits', exact: true }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'help-centre-en.png') });

    await page.getByRole('link', { name: 'My deposit has not arrived' }).first().click();
    await page.waitForURL(/\/help\/en\/deposit-not-credited$/);
    await page.getByRole('link', { name: '繁體中文' }).click();
    await page.waitForURL(/\/help\/zh-TW\/deposit-not-credited$/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-TW');
    assert.ok(await glyphsRender(page, 'article h1'), 'Traditional glyphs drawn with a CJK font');
    await page.screenshot({ path: path.join(SHOTS, 'help-centre-zh-TW-article.png') });

    await page.goto(`${server.url}/help`);
    assert.equal(new URL(page.url()).pathname, '/help/zh-TW', 'the chosen locale wins over the browser’s');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the vote button records a vote, with JavaScript off', async () => {
    const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/help/en/deposit-not-credited`);
    await page.getByLabel('Anything else you want to tell us? (optional)').fill('Found my TxID, thanks');
    await page.getByTestId('feedback-yes').click();
    await page.getByTestId('feedback-thanks').waitFor();
    assert.match(page.url(), /\/help\/en\/deposit-not-credited\?voted=1#feedback$/);
    const cookies = await context.cookies();
    const visitor = cookies.find((c) => c.name === 'kefu_kb_visitor');
    assert.ok(visitor?.httpOnly && visitor.sameSite === 'Lax', 'one random, httpOnly visitor cookie');

    const admin = await loginAgent(server, org.agents.admin);
    const list = await admin.call('GET', '/api/agent/kb/articles?q=deposit-not-credited');
    const id = (list.body.articles as { id: string; slug: string }[]).find(
      (a) => a.slug === 'deposit-not-credited',
    )?.id;
    const detail = await admin.call('GET', `/api/agent/kb/articles/${id}`);
    assert.deepEqual(detail.body.article.helpful, { yes: 1, no: 0 });
    assert.ok(detail.body.article.comments.some((c: { comment: string }) => c.comment === 'Found my TxID, thanks'));

    // The same visitor changes their mind: still one vote.
    await page.getByTestId('feedback-no').click();
    await page.getByTestId('feedback-thanks').waitFor();
    const again = await admin.call('GET', `/api/agent/kb/articles/${id}`);
    assert.deepEqual(again.body.article.helpful, { yes: 0, no: 1 });
    await context.close();
  });

  test('on a phone the page fits the screen', async () => {
    const context = await browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 375, height: 740 },
      isMobile: true,
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/help/zh-CN/deposit-not-credited`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
    await page.screenshot({ path: path.join(SHOTS, 'help-centre-zh-CN-phone.png'), fullPage: true });
    await context.close();
  });
});
