import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { currentTotp } from '../../src/server/auth/totp.ts';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { enableRouting } from '../helpers/routing.ts';
import { createTestOrg, startTestServer, startVisitor, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

describe('reports and the live wallboard in the console, in real Chromium', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let page: Page;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db);
    await enableRouting(db, org);
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-email').fill(org.agents.secure.email);
    await page.getByTestId('login-password').fill(org.agents.secure.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-totp').fill(await currentTotp(org.agents.secure.totpSecret!));
    await page.getByTestId('login-submit').click();
    await page.getByTestId('conversation-list').waitFor();
    await page.locator('[data-testid=connection-state][data-state=online]').waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  test('a supervisor opens Reports and sees the KPI tiles and charts', async () => {
    await page.getByTestId('nav-reports').click();
    await page.waitForURL(/\/reports$/);
    await page.getByTestId('kpi-tiles').waitFor();
    for (const id of ['conversations', 'frt', 'resolution', 'sla', 'csat', 'containment'])
      await page.getByTestId(`kpi-${id}`).waitFor();
    await page.locator('[data-testid=chart-volume] canvas').waitFor();
    await page.locator('[data-testid=chart-csat] canvas').waitFor();
    assert.match((await page.getByTestId('csv-csat').getAttribute('href')) ?? '', /reports\/csat-trend\?.*format=csv/);
    assert.ok((await page.locator('.chart canvas').count()) >= 1);
    const csv = await page.getByTestId('csv-summary').getAttribute('href');
    assert.match(csv ?? '', /^\/api\/agent\/reports\/summary\?.*format=csv/);
  });

  test('the workforce page draws the forecast and answers the Erlang C calculator', async () => {
    await page.getByTestId('nav-workforce').click();
    await page.waitForURL(/\/workforce$/);
    await page.locator('[data-testid=chart-forecast] canvas').waitFor();
    await page.locator('[data-testid=chart-staffing] canvas').waitFor();
    // The shift rules form loads the org's rules (the defaults here: 11 h rest).
    await page.getByTestId('rules-form').waitFor();
    assert.equal(await page.getByTestId('rules-minRestHours').inputValue(), '11');
    await page.getByTestId('erlang-submit').click();
    const result = await page.getByTestId('erlang-result').textContent();
    assert.match(result ?? '', /Agents: \d+/);
  });

  test('the wallboard shows a new waiting conversation within a few seconds', async () => {
    await page.getByTestId('nav-wallboard').click();
    await page.waitForURL(/\/wallboard$/);
    await page.locator('[data-testid=wallboard-waiting-total]').waitFor();
    assert.equal(await page.getByTestId('wallboard-waiting-total').textContent(), '0');

    const visitor = await startVisitor(server, org);
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: 'My withdrawal is stuck',
      clientId: 'wallboard-1',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.conversation.id as string;
    const started = Date.now();
    await page.locator(`[data-testid=wallboard-queue] [data-conversation-id="${id}"]`).waitFor({ timeout: 5000 });
    assert.ok(Date.now() - started < 5000);
    assert.equal(await page.getByTestId('wallboard-waiting-total').textContent(), '1');
  });
});
