import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestAgent,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true');
const skip = hasChromium ? false : 'Chromium is not installed';
const [embedded] = await testDatabases();

const EMAIL = 'alice.wong@example.com';
const SCREENSHOT_DIR = process.env.KEFU_SCREENSHOT_DIR;

/**
 * The Agents admin page: an admin grants a plain agent `pii_read` with the row's checkbox and Save; the grant is
 * stored, and that agent's console, which showed the customer's email masked, shows it in full after a reload.
 */
describe('the Agents admin page in real Chromium', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let conversationId: string;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db);
    browser = await launchChromium();
    const visitor = await startVisitor(server, org, { uid: '10004821', name: 'Alice Wong', email: EMAIL });
    const started = await visitor.call('POST', '/api/widget/conversations', {
      body: 'Where is my deposit?',
      clientId: crypto.randomUUID(),
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    conversationId = started.body.conversation.id;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  async function signedIn(agent: TestAgent, path: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1400, height: 900 } });
    await context.addInitScript(() => localStorage.setItem('kefu.console.locale', 'en'));
    const page = await context.newPage();
    await page.goto(`${server.url}${path}`);
    await page.getByTestId('login-email').fill(agent.email);
    await page.getByTestId('login-password').fill(agent.password);
    await page.getByTestId('login-submit').click();
    return page;
  }

  test("an admin grants pii_read; the agent's console then shows the customer's email in full", async () => {
    const agentPage = await signedIn(org.agents.agent, `/conversations/${conversationId}`);
    const email = agentPage.getByTestId('customer-email');
    await email.getByText('@example.com').waitFor();
    const masked = await email.innerText();
    assert.ok(!masked.includes(EMAIL) && masked.includes('•'), `masked before the grant: ${masked}`);

    const adminPage = await signedIn(org.agents.admin, '/admin/agents');
    await adminPage.getByTestId('admin-agents').waitFor();
    await adminPage.getByText("Sees customers' emails, phones, UIDs in full").waitFor();
    const row = adminPage.getByTestId('agent-row').filter({ hasText: `agent ${org.slug}` });
    const box = row.getByTestId('agent-permission-pii_read');
    assert.equal(await box.isChecked(), false);
    // A supervisor sees personal data by role: that box is ticked and cannot be cleared.
    const supervisorBox = adminPage
      .getByTestId('agent-row')
      .filter({ hasText: `supervisor ${org.slug}` })
      .getByTestId('agent-permission-pii_read');
    assert.equal(await supervisorBox.isChecked(), true);
    assert.equal(await supervisorBox.isDisabled(), true);

    const save = row.getByTestId('agent-save');
    assert.equal(await save.isDisabled(), true, 'nothing to save before a change');
    await box.check();
    await save.click();
    await row.getByTestId('agent-save').getByText('Saved').waitFor();
    assert.equal(await box.isChecked(), true);
    if (SCREENSHOT_DIR) await adminPage.screenshot({ path: path.join(SCREENSHOT_DIR, 'admin-agents.png') });

    const [stored] = await db.query<{ permissions: string[] }>(
      'SELECT permissions FROM agents WHERE org_id = $1 AND id = $2',
      [org.id, org.agents.agent.id],
    );
    assert.deepEqual(stored.permissions, ['pii_read']);
    const admin = await loginAgent(server, org.agents.admin);
    const listed = await admin.call('GET', '/api/agent/agents');
    const entry = listed.body.agents.find((a: { id: string }) => a.id === org.agents.agent.id);
    assert.deepEqual(entry.permissions, ['pii_read'], 'the list the page reads carries the grant');

    await agentPage.reload();
    await agentPage.getByTestId('customer-email').getByText(EMAIL).waitFor();
    await agentPage.context().close();
    await adminPage.context().close();
  });
});
