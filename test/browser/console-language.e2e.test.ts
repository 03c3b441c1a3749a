import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, startTestServer, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

describe('the console keeps the language its user signed in with', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    // Every agent of the test org has the profile locale 'en': the trap the console fell into.
    org = await createTestOrg(db);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  const signIn = async (page: import('playwright-core').Page, who: 'admin' | 'agent') => {
    await page.getByTestId('login-email').fill(org.agents[who].email);
    await page.getByTestId('login-password').fill(org.agents[who].password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('logout').waitFor();
  };

  test('a Chinese browser signs in to Chinese (not the English profile), says where to switch, and the switch sticks', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByText('登录坐席工作台').waitFor();
    await page.getByText('登录后也可随时在右上角切换语言。').waitFor();
    await signIn(page, 'admin');
    assert.equal((await page.getByTestId('logout').innerText()).trim(), '退出登录');
    assert.equal(await page.getByTestId('locale-switch').inputValue(), 'zh-CN');
    assert.ok(await page.getByTestId('locale-switch').isVisible(), 'the switch is in the top bar');

    // A reload revalidates the cached page (304): it must come back, in the same language.
    await page.reload();
    await page.getByTestId('logout').waitFor();
    assert.equal((await page.getByTestId('logout').innerText()).trim(), '退出登录', 'a reload keeps it');

    await page.getByTestId('locale-switch').selectOption('en');
    assert.equal((await page.getByTestId('logout').innerText()).trim(), 'Sign out');
    await page.reload();
    await page.getByTestId('logout').waitFor();
    assert.equal((await page.getByTestId('logout').innerText()).trim(), 'Sign out', 'the choice is remembered');
    await context.close();
  });

  test('a language picked on the sign-in page is the one after signing in', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('locale-switch').selectOption('zh-TW');
    await page.getByText('登入客服工作台').waitFor();
    await signIn(page, 'agent');
    assert.equal((await page.getByTestId('logout').innerText()).trim(), '登出');
    await context.close();
  });
});
