import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { type Dovecot, startDovecot } from '../helpers/dovecot.ts';
import { createTestOrg, startTestServer, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
const hasDovecot = await isAvailable('dovecot');
if ((!hasChromium || !hasDovecot) && servicesRequired())
  throw new Error('Chromium and dovecot are required under CI=true');
const skip = hasChromium && hasDovecot ? false : 'Chromium or dovecot is not installed';
const [embedded] = await testDatabases();

/**
 * An admin adds an IMAP email inbox on the console's Email page (issue 13): the connection test logs in to a dovecot
 * of the test's own, the inbox is saved and listed, and the password entered is nowhere on the page afterwards.
 */
describe('the Email admin page in real Chromium', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let dovecot: Dovecot;

  before(async () => {
    dovecot = await startDovecot();
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
    await dovecot?.stop();
  });

  test('an admin tests and adds an IMAP inbox; it is listed without its password', async () => {
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => localStorage.setItem('kefu.console.locale', 'en'));
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/email`);
    await page.getByTestId('login-email').fill(org.agents.admin.email);
    await page.getByTestId('login-password').fill(org.agents.admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('admin-email').waitFor();

    const address = `support-${org.slug}@lumen.example`;
    await page.getByTestId('email-address').fill(address);
    await page.getByTestId('email-display-name').fill('Lumen Support');
    await page.getByTestId('email-route').selectOption('imap');
    await page.getByTestId('email-host').fill('127.0.0.1');
    await page.getByTestId('email-port').fill(String(dovecot.port));
    await page.getByTestId('email-tls').selectOption('starttls');
    await page.getByTestId('email-user').fill(dovecot.user);
    await page.getByTestId('email-password').fill(dovecot.password);
    await page.getByTestId('email-test').click();
    await page.getByTestId('email-test-result').getByText('Connected').waitFor();

    await page.getByTestId('email-add').click();
    const row = page.getByTestId('email-row').filter({ hasText: address });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`IMAP ${dovecot.user}@127\\.0\\.0\\.1:${dovecot.port}`));
    assert.equal(await page.getByTestId('email-password').count(), 1);
    assert.equal(await page.getByTestId('email-password').inputValue(), '', 'the password field is emptied');
    assert.equal((await page.content()).includes(dovecot.password), false, 'the password is nowhere on the page');

    const stored = await db.query<{ settings: { email: { imap: { password: string } } } }>(
      `SELECT settings FROM inboxes WHERE org_id = $1 AND kind = 'email'`,
      [org.id],
    );
    assert.match(stored[0]?.settings.email.imap.password ?? '', /^sealed:v1:/);
    await context.close();
  });
});
