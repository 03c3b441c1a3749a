import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, startTestServer, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';
import { type BotApiStub, STUB_BOT, startBotApiStub } from '../helpers/telegram-bot-api.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true');
const [embedded] = await testDatabases();

const TOKEN = '7000000002:AAEconsoleTOKENabcdefghijklmnopq';
const PUBLIC_URL = 'https://kefu.example.test';

/**
 * The console's Telegram page and editing an email inbox (issue 13), in real Chromium against the local Bot API
 * stand-in: an admin connects a bot (its webhook set at kefu's public URL), edits it into polling mode (the webhook
 * deleted) and the token is nowhere on the page; on the Email page an inbox is edited into IMAP and renamed again
 * with the password left empty, which keeps the stored one.
 */
describe('Telegram and email inbox admin in real Chromium', {
  skip: hasChromium ? false : 'Chromium is not installed',
}, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let stub: BotApiStub;
  let page: Page;

  const settingsOf = async (kind: string) =>
    (
      await db.query<{ id: string; name: string; settings: any }>(
        'SELECT id, name, settings FROM inboxes WHERE org_id = $1 AND kind = $2 ORDER BY created_at',
        [org.id, kind],
      )
    ).at(-1);

  before(async () => {
    stub = await startBotApiStub(TOKEN);
    db = await embedded.open();
    server = await startTestServer(db, { KEFU_TELEGRAM_API_ROOT: stub.url, KEFU_PUBLIC_URL: PUBLIC_URL });
    org = await createTestOrg(db);
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => localStorage.setItem('kefu.console.locale', 'en'));
    page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${server.url}/admin/telegram`);
    await page.getByTestId('login-email').fill(org.agents.admin.email);
    await page.getByTestId('login-password').fill(org.agents.admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('admin-telegram').waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
    await stub?.close();
  });

  test('an admin connects a bot, then edits it into polling mode; the token never shows', async () => {
    await page.getByTestId('telegram-public-url').getByText(PUBLIC_URL).waitFor();
    await page.getByTestId('telegram-name').fill('Lumen Support');
    await page.getByTestId('telegram-token').fill(TOKEN);
    await page.getByTestId('telegram-mode').selectOption('webhook');
    await page.getByTestId('telegram-save').click();
    const row = page.getByTestId('telegram-row').filter({ hasText: 'Lumen Support' });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`@${STUB_BOT.username}[\\s\\S]*Webhook[\\s\\S]*Connected`));
    const created = await settingsOf('telegram');
    assert.ok(created);
    await page.getByTestId('telegram-outcome').getByText(`${PUBLIC_URL}/api/telegram/${created.id}/webhook`).waitFor();
    assert.equal(await page.getByTestId('telegram-token').inputValue(), '', 'the token field is emptied');
    assert.equal((await page.content()).includes(TOKEN), false, 'the token is nowhere on the page');

    await row.getByTestId('telegram-edit').click();
    await page.getByTestId('telegram-editing').waitFor();
    assert.equal(await page.getByTestId('telegram-name').inputValue(), 'Lumen Support');
    await page.getByTestId('telegram-name').fill('Lumen 客服');
    await page.getByTestId('telegram-mode').selectOption('polling');
    await page.getByTestId('telegram-bot').selectOption('off');
    await page.getByTestId('telegram-save').click();
    const edited = page.getByTestId('telegram-row').filter({ hasText: 'Lumen 客服' });
    await edited.waitFor();
    assert.match(await edited.innerText(), /Polling/);
    await page.getByTestId('telegram-outcome').getByText('webhook was deleted').waitFor();
    assert.ok(stub.calls.some((c) => c.method === 'deleteWebhook'));
    const stored = await settingsOf('telegram');
    assert.equal(stored?.name, 'Lumen 客服');
    assert.equal(stored?.settings.telegram.mode, 'polling');
    assert.equal(stored?.settings.bot.enabled, false);
    assert.equal(stored?.settings.telegram.token, created.settings.telegram.token, 'the token is kept as it was');
  });

  test('an email inbox is edited: into IMAP, then renamed with the password left empty', async () => {
    await page.getByTestId('admin-tab-email').click();
    await page.getByTestId('admin-email').waitFor();
    const address = `help-${org.slug}@lumen.example`;
    await page.getByTestId('email-address').fill(address);
    await page.getByTestId('email-display-name').fill('Lumen Help');
    await page.getByTestId('email-add').click();
    const row = page.getByTestId('email-row').filter({ hasText: address });
    await row.waitFor();

    await row.getByTestId('email-edit').click();
    await page.getByTestId('email-editing').getByText(address).waitFor();
    await page.getByTestId('email-route').selectOption('imap');
    await page.getByTestId('email-host').fill('imap.lumen.example');
    await page.getByTestId('email-port').fill('993');
    await page.getByTestId('email-user').fill('help');
    await page.getByTestId('email-password').fill('imap-secret-password');
    await page.getByTestId('email-add').click();
    await row.getByText('IMAP help@imap.lumen.example:993 / INBOX').waitFor();
    const imap = (await settingsOf('email'))?.settings.email.imap;
    assert.match(imap?.password ?? '', /^sealed:v1:/);

    await row.getByTestId('email-edit').click();
    assert.equal(await page.getByTestId('email-password').inputValue(), '', 'the password is never filled in');
    await page.getByTestId('email-display-name').fill('Lumen 帮助');
    await page.getByTestId('email-add').click();
    await row.getByText('Lumen 帮助').waitFor();
    const renamed = await settingsOf('email');
    assert.equal(renamed?.name, 'Lumen 帮助');
    assert.equal(renamed?.settings.email.imap.password, imap?.password, 'an empty password field keeps the stored one');
    assert.equal((await page.content()).includes('imap-secret-password'), false);
  });
});
