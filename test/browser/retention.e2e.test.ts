import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, startTestServer, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true');
const skip = hasChromium ? false : 'Chromium is not installed';
const [embedded] = await testDatabases();

/**
 * The Data retention admin page (issue 15): an admin sets a period and a mode, and Preview shows what a run would
 * remove now — the conversation's number and the counts — while nothing in the database changes.
 */
describe('the Data retention admin page in real Chromium', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  test('an admin saves 90 days, anonymise; Preview names the one old conversation and changes nothing', async () => {
    const [contact] = await db.query<{ id: string }>(
      `INSERT INTO contacts (org_id, name) VALUES ($1, 'Old Customer') RETURNING id`,
      [org.id],
    );
    await db.query(
      `INSERT INTO conversations (org_id, number, inbox_id, contact_id, status, last_activity_at, resolved_at)
       VALUES ($1, 4242, $2, $3, 'resolved', now() - interval '200 days', now() - interval '200 days')`,
      [org.id, org.inboxId, contact.id],
    );
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => localStorage.setItem('kefu.console.locale', 'en'));
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/retention`);
    await page.getByTestId('login-email').fill(org.agents.admin.email);
    await page.getByTestId('login-password').fill(org.agents.admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('admin-retention').waitFor();

    await page.getByTestId('retention-days').waitFor();
    assert.equal(await page.getByTestId('retention-days').inputValue(), '', 'keep forever until set');
    await page.getByTestId('retention-days').fill('10');
    assert.equal(await page.getByTestId('retention-save').isDisabled(), true, 'under 30 days cannot be saved');
    await page.getByTestId('retention-days').fill('90');
    await page.getByTestId('retention-mode').selectOption('anonymise');
    await page.getByTestId('retention-save').click();
    await page.getByText('Saved').waitFor();

    await page.getByTestId('retention-preview').click();
    const result = page.getByTestId('retention-preview-result');
    await result.waitFor();
    assert.match(await result.innerText(), /A run now would remove 1 conversations .*#4242–#4242/);

    const [row] = await db.query<{ anonymised_at: Date | null }>(
      'SELECT anonymised_at FROM conversations WHERE org_id = $1 AND number = 4242',
      [org.id],
    );
    assert.equal(row.anonymised_at, null, 'a preview changes nothing');
    const [settings] = await db.query<{ days: number; mode: string }>(
      'SELECT days, mode FROM retention_settings WHERE org_id = $1',
      [org.id],
    );
    assert.deepEqual({ ...settings }, { days: 90, mode: 'anonymise' });
    await context.close();
  });
});
