import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { enableRouting } from '../helpers/routing.ts';
import { createTestOrg, startTestServer, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

describe('surge mode in real Chromium', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db, 'demo');
    await enableRouting(db, org);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  test('a supervisor turns surge on: the waiting customer sees the banner, their place in the queue and the announcement', async () => {
    const customer = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await customer.goto(`${server.url}/demo`);
    await customer.getByTestId('kefu-launcher').click();
    await customer.locator('[data-testid=kefu-connection][data-state=online]').waitFor();
    await customer.getByTestId('kefu-input').fill('提现一直没到账，请人工处理');
    await customer.getByTestId('kefu-send').click();
    // Nobody is online: the customer waits in the queue and sees their place.
    await customer.getByTestId('kefu-queue').filter({ hasText: '排队中：第 1 位' }).waitFor({ timeout: 10_000 });

    const supervisor = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await supervisor.goto(`${server.url}/`);
    await supervisor.getByTestId('login-email').fill(org.agents.admin.email);
    await supervisor.getByTestId('login-password').fill(org.agents.admin.password);
    await supervisor.getByTestId('login-submit').click();
    await supervisor.getByTestId('conversation-list').waitFor();
    await supervisor.getByTestId('surge-open').click();
    await supervisor.getByTestId('surge-on').click();
    await supervisor.getByTestId('surge-state').filter({ hasText: 'Surge mode is on' }).waitFor();
    await supervisor.locator('[data-testid=surge-open][data-active=true]').waitFor();

    await customer.getByTestId('kefu-announcement').filter({ hasText: '当前咨询人数较多' }).waitFor();
    // A customer who opens the widget during the surge sees the banner too, in their language.
    const late = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await late.goto(`${server.url}/demo`);
    await late.getByTestId('kefu-launcher').click();
    await late.getByTestId('kefu-announcement').filter({ hasText: 'Many customers are contacting us' }).waitFor();

    const form = supervisor.getByTestId('surge-announce');
    await form.locator('textarea').nth(0).fill('市场剧烈波动，排队较长，请耐心等待。');
    await form.locator('textarea').nth(1).fill('Heavy market movement: queues are long, please bear with us.');
    await form.locator('button[type=submit]').click();
    await supervisor.getByTestId('surge-notice').filter({ hasText: 'Sent to 1 waiting' }).waitFor();
    await customer.getByTestId('kefu-message').filter({ hasText: '市场剧烈波动' }).waitFor();

    await supervisor.getByTestId('surge-off').click();
    await supervisor.getByTestId('surge-state').filter({ hasText: 'Surge mode is off' }).waitFor();
    // The banner goes when surge mode ends.
    await customer
      .getByTestId('kefu-announcement')
      .filter({ hasText: '当前咨询人数较多' })
      .waitFor({ state: 'detached', timeout: 5000 });
    const reports = supervisor.getByTestId('surge-reports');
    await reports.locator('li').first().waitFor();
    assert.match(await reports.innerText(), /Peak\/min/);
  });
});
