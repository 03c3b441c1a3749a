import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { loadConfig } from '../../src/server/config.ts';
import { getExchangeConnector } from '../../src/server/exchange/exchange.service.ts';
import { createLogger } from '../../src/server/main.ts';
import { testDatabases } from '../helpers/databases.ts';
import { type Dovecot, startDovecot } from '../helpers/dovecot.ts';
import { createTestOrg, loginAgent, startTestServer, type TestOrg, type TestServerWithBot } from '../helpers/server.ts';
import { isAvailable } from '../helpers/services.ts';
import { type BotApiStub, startBotApiStub } from '../helpers/telegram-bot-api.ts';

/**
 * Secrets at rest and in logs (issue 15): a server logging at debug level into a captured stream (kefu's own logger
 * and its redaction) goes through the flows that handle secrets: TOTP login, a Telegram bot connected against the Bot
 * API stub and an update handled, an IMAP inbox created, tested with a wrong password and polled (with dovecot), the
 * exchange connector called with its API secret (stored in plaintext before the start, as an old row would be, and
 * sealed by the sweep at start). No secret may appear in the log, nor in plaintext in its database column.
 */

const TOKEN = '7000000002:AAEpollTOKENabcdefghijklmnopqrstu';
const hasDovecot = await isAvailable('dovecot');

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let dovecot: Dovecot | undefined;
if (hasDovecot) {
  before(async () => {
    dovecot = await startDovecot();
  });
  after(async () => {
    await dovecot?.stop();
  });
}

for (const database of await testDatabases()) {
  describe(`secrets stay out of logs and plaintext columns (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
    let stub: BotApiStub;
    let org: TestOrg;
    const lines: string[] = [];
    const exchangeSecret = `exsec_${crypto.randomBytes(24).toString('hex')}`;

    before(async () => {
      stub = await startBotApiStub(TOKEN);
      db = await database.open();
      org = await createTestOrg(db, undefined, { bot: false });
      // An old row: the exchange's API secret in plaintext, from before sealing existed.
      await db.query(`UPDATE organizations SET settings = settings || $2::jsonb WHERE id = $1`, [
        org.id,
        JSON.stringify({
          exchange: {
            kind: 'http',
            baseUrl: 'http://127.0.0.1:9',
            keyId: 'kefu',
            secret: exchangeSecret,
            timeoutMs: 300,
          },
        }),
      ]);
      const env = { KEFU_TELEGRAM_API_ROOT: stub.url, LOG_LEVEL: 'debug' };
      const log = createLogger(loadConfig(env), { write: (line: string) => void lines.push(line) });
      server = await startTestServer(db, env, { log });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      await stub?.close();
    });

    test('TOTP, Telegram, IMAP and exchange flows log no secret and store none in plaintext', async () => {
      const secure = await loginAgent(server, org.agents.secure);
      assert.ok(secure.csrfToken, 'logged in with password and TOTP');
      const admin = await loginAgent(server, org.agents.admin);

      // TOTP enrolment: the new seed is shown to the agent once, and stored sealed.
      const setup = await admin.call('POST', '/api/agent/auth/totp/setup');
      assert.equal(setup.status, 200, JSON.stringify(setup.body));
      const enrolSecret = setup.body.secret as string;

      const connected = await admin.call('POST', '/api/agent/telegram/inboxes', {
        name: 'Telegram',
        token: TOKEN,
        mode: 'polling',
      });
      assert.equal(connected.status, 201, JSON.stringify(connected.body));
      const telegramInboxId = connected.body.inbox.id as string;
      const updateId = stub.push({
        message: {
          message_id: 1,
          date: Math.floor(Date.now() / 1000),
          chat: { id: 7770001, type: 'private' },
          from: { id: 7770001, is_bot: false, first_name: 'C', language_code: 'en' },
          text: 'hello over polling',
        },
      });
      await until('the update handled', async () => {
        const rows = await db.query<{ last_update_id: string | null }>(
          'SELECT last_update_id::text FROM telegram_cursors WHERE inbox_id = $1',
          [telegramInboxId],
        );
        return rows[0]?.last_update_id === String(updateId);
      });
      const [telegramRow] = await db.query<{ settings: { telegram: { webhookSecret: string } } }>(
        'SELECT settings FROM inboxes WHERE id = $1',
        [telegramInboxId],
      );

      const secrets: Record<string, string> = {
        'TOTP seed (enrolled)': org.agents.secure.totpSecret as string,
        'TOTP seed (enrolling)': enrolSecret,
        'identity-token key': org.identitySecret,
        'Telegram bot token': TOKEN,
        'exchange API secret': exchangeSecret,
      };

      if (dovecot) {
        const mailbox = `Secrets-${database.name}-${crypto.randomBytes(3).toString('hex')}`;
        const imap = new ImapFlow({
          host: '127.0.0.1',
          port: dovecot.port,
          secure: false,
          auth: { user: dovecot.user, pass: dovecot.password },
          logger: false,
        });
        await imap.connect();
        await imap.mailboxCreate(mailbox);
        await imap.logout();
        const inbound = {
          kind: 'imap',
          host: '127.0.0.1',
          port: dovecot.port,
          secure: false,
          user: dovecot.user,
          mailbox,
        };
        const created = await admin.call('POST', '/api/agent/email/inboxes', {
          address: `secrets-${org.slug}@lumen.example`,
          displayName: 'Mail',
          inbound: { ...inbound, password: dovecot.password },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const wrongPassword = `wrong-${crypto.randomBytes(8).toString('hex')}`;
        const tested = await admin.call('POST', '/api/agent/email/inboxes/test-imap', {
          imap: { ...inbound, password: wrongPassword },
        });
        assert.equal(tested.body.ok, false);
        await until('the poller in the mailbox', async () =>
          lines.some((l) => l.includes('IMAP: polling the mailbox')),
        );
        secrets['IMAP password'] = dovecot.password;
        secrets['IMAP password (wrong, tested)'] = wrongPassword;
      }

      // The exchange connector signs with the secret the sweep sealed.
      const connector = await getExchangeConnector(server.db, org.id, { log: server.app.log as never });
      await connector.getAccount('u-1').catch(() => undefined);
      // The webhook secret is not a chosen value: read back from the sealed column it must not be in the log either.
      secrets['Telegram webhook secret'] = (await import('../../src/server/secrets/sealed.ts')).unseal(
        telegramRow?.settings.telegram.webhookSecret as string,
      );

      assert.ok(
        lines.some((l) => l.includes('incoming request')),
        'request lines were captured',
      );
      assert.ok(
        lines.some((l) => l.includes('telegram: polling')),
        'the Telegram poller logged',
      );
      assert.equal(server.app.log.level, 'debug', 'the server logged at debug level');
      const log = lines.join('');
      for (const [what, value] of Object.entries(secrets)) {
        assert.equal(log.includes(value), false, `${what} is in the log`);
      }

      const dump = JSON.stringify(
        await db.query(
          `SELECT (SELECT json_agg(totp_secret) FROM agents WHERE org_id = $1) AS agents,
                  (SELECT json_agg(json_build_array(identity_secret, settings)) FROM inboxes WHERE org_id = $1) AS inboxes,
                  (SELECT settings FROM organizations WHERE id = $1) AS org`,
          [org.id],
        ),
      );
      for (const [what, value] of Object.entries(secrets)) {
        if (what.includes('wrong') || what.includes('enrolling')) continue;
        assert.equal(dump.includes(value), false, `${what} is stored in plaintext`);
      }
      assert.match(dump, /sealed:v1:/);
    });
  });
}
