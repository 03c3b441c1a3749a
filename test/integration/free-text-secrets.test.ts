import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateMnemonic } from '@scure/bip39';
import { wordlist as english } from '@scure/bip39/wordlists/english.js';
import { addSandboxCustomer } from '../../src/server/exchange/sandbox.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
  type VisitorClient,
} from '../helpers/server.ts';

/**
 * Every free-text field a customer or a member of staff fills goes through the same secret screen as chat messages:
 * a real seed phrase or a private key typed into it is replaced by the redaction marker before anything stores it,
 * and the rest of what the person wrote is kept. Each row writes through the API, reads the field back through the
 * API, and then reads every row of every table: the secret must be nowhere.
 */

type Secret = {
  name: string;
  /** A fresh secret, as typed, fitting in `max` characters with its context word. */
  make(max: number): string;
  marker: string;
  /** Pieces of the secret that must not survive anywhere (4 consecutive words; each hex group). */
  pieces(typed: string): string[];
};

const SEED_PHRASE: Secret = {
  name: 'a valid 12-word seed phrase',
  make(max) {
    for (;;) {
      // Short fields get the bare phrase: twelve words alone are a seed phrase, no context word needed.
      const phrase = generateMnemonic(english, 128);
      const typed = max >= 120 ? `seed phrase: ${phrase}` : phrase;
      if (typed.length <= max) return typed;
    }
  },
  marker: '[redacted: seed phrase]',
  pieces(typed) {
    const words = typed.replace(/^seed phrase: /, '').split(' ');
    return words.slice(0, -3).map((_, i) => words.slice(i, i + 4).join(' '));
  },
};

const SPLIT_KEY: Secret = {
  name: 'a private key split into groups after "key:"',
  make() {
    const hex = crypto.randomBytes(32).toString('hex');
    return `key: ${hex.match(/.{8}/g)!.join(' ')}`;
  },
  marker: '[redacted: private key]',
  pieces: (typed) => typed.slice('key: '.length).split(' '),
};

type Field = {
  name: string;
  /** The longest text the field takes. */
  max: number;
  /** Labels and names hold the secret alone; prose fields hold it between words that must be kept. */
  prose: boolean;
  /** Writes `text` into the field through the API and returns what the API shows of it afterwards. */
  write(text: string): Promise<unknown>;
};

for (const database of await testDatabases()) {
  describe(`secrets typed into free-text fields are redacted before they are stored (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let agent: AgentClient;
    let admin: AgentClient;
    let supervisor: AgentClient;
    let customers = 0;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      agent = await loginAgent(server, org.agents.agent);
      admin = await loginAgent(server, org.agents.admin);
      supervisor = await loginAgent(server, org.agents.secure);
      const defined = await admin.call('POST', '/api/agent/attribute-definitions', {
        key: 'case_note',
        label: 'Case note',
        type: 'text',
      });
      assert.equal(defined.status, 201, JSON.stringify(defined.body));
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    const ok = <T>(result: { status: number; body: T }, status = 200): T => {
      assert.equal(result.status, status, JSON.stringify(result.body));
      return result.body;
    };

    /** A signed-in customer (exchange UID) with a new conversation. */
    async function openChat(name = 'Customer'): Promise<{ visitor: VisitorClient; id: string; uid: string }> {
      customers++;
      const uid = `${Date.now()}${customers}`;
      const visitor = await startVisitor(server, org, { uid, name });
      const created = ok(
        await visitor.call('POST', '/api/widget/conversations', { body: 'hello', clientId: 'c1' }),
        201,
      );
      return { visitor, id: created.conversation.id as string, uid };
    }

    const messagesOf = async (id: string) =>
      ok(await agent.call('GET', `/api/agent/conversations/${id}`)).messages as { body: string }[];
    const feedbackOf = async (id: string) =>
      ok(await supervisor.call('GET', `/api/agent/conversations/${id}/feedback`));
    const auditOf = async (targetId: string) =>
      ok(await admin.call('GET', `/api/agent/audit?targetId=${encodeURIComponent(targetId)}`)).entries;

    /** Every row of every table of this database (and its job queue's), as JSON text. */
    async function everythingStored(): Promise<string> {
      const tables = await db.query<{ table_schema: string; table_name: string }>(
        `SELECT table_schema, table_name FROM information_schema.tables
          WHERE table_type = 'BASE TABLE' AND table_schema IN (current_schema(), current_schema() || '_jobs')`,
      );
      const parts: string[] = [];
      for (const t of tables) {
        const rows = await db.query<{ row: string }>(
          `SELECT row_to_json(t)::text AS row FROM "${t.table_schema}"."${t.table_name}" t`,
        );
        parts.push(...rows.map((r) => r.row));
      }
      return parts.join('\n');
    }

    const fields: Field[] = [
      {
        name: 'widget: the reason of a report about an agent',
        max: 1000,
        prose: true,
        async write(text) {
          const chat = await openChat();
          ok(await chat.visitor.call('POST', `/api/widget/conversations/${chat.id}/report`, { reason: text }), 201);
          return (await feedbackOf(chat.id)).complaints;
        },
      },
      {
        name: 'widget: a CSAT comment',
        max: 1000,
        prose: true,
        async write(text) {
          const chat = await openChat();
          // The rating request itself is not under test: mark the survey asked.
          await db.query(
            `INSERT INTO csat_surveys (conversation_id, org_id, locale, requested_at, created_at, updated_at)
             VALUES ($1, $2, 'en', now(), now(), now())`,
            [chat.id, org.id],
          );
          const rated = ok(
            await chat.visitor.call('POST', `/api/widget/conversations/${chat.id}/csat`, { rating: 2, comment: text }),
            201,
          );
          return [rated, (await feedbackOf(chat.id)).csat];
        },
      },
      {
        name: 'widget: a chat message',
        max: 4000,
        prose: true,
        async write(text) {
          const chat = await openChat();
          ok(
            await chat.visitor.call('POST', `/api/widget/conversations/${chat.id}/messages`, {
              body: text,
              clientId: 'm',
            }),
            201,
          );
          return messagesOf(chat.id);
        },
      },
      {
        name: "widget: the customer's name from the exchange's identity token",
        max: 200,
        prose: false,
        async write(text) {
          const chat = await openChat(text);
          return ok(await agent.call('GET', `/api/agent/conversations/${chat.id}`)).conversation.contact;
        },
      },
      {
        name: 'agent: a reply to the customer',
        max: 4000,
        prose: true,
        async write(text) {
          const chat = await openChat();
          ok(
            await agent.call('POST', `/api/agent/conversations/${chat.id}/messages`, { body: text, clientId: 'r' }),
            201,
          );
          const seen = ok(await chat.visitor.call('GET', `/api/widget/conversations/${chat.id}/messages`));
          return [await messagesOf(chat.id), seen];
        },
      },
      {
        name: 'agent: a private note',
        max: 4000,
        prose: true,
        async write(text) {
          const chat = await openChat();
          ok(
            await agent.call('POST', `/api/agent/conversations/${chat.id}/messages`, {
              body: text,
              clientId: 'n',
              private: true,
            }),
            201,
          );
          return messagesOf(chat.id);
        },
      },
      {
        name: 'agent: the reason of a complaint',
        max: 1000,
        prose: true,
        async write(text) {
          const chat = await openChat();
          const marked = ok(
            await agent.call('POST', `/api/agent/conversations/${chat.id}/complaint`, { reason: text }),
            201,
          );
          return [marked, (await feedbackOf(chat.id)).complaints];
        },
      },
      {
        name: 'agent: the reason for a priority change',
        max: 500,
        prose: true,
        async write(text) {
          const chat = await openChat();
          ok(await agent.call('PATCH', `/api/agent/conversations/${chat.id}`, { priority: 'high', reason: text }));
          return auditOf(chat.id);
        },
      },
      {
        name: 'agent: a custom attribute',
        max: 500,
        prose: true,
        async write(text) {
          const chat = await openChat();
          const set = ok(
            await agent.call('PATCH', `/api/agent/conversations/${chat.id}/attributes`, {
              values: { case_note: text },
            }),
          );
          return [set.conversation.attributes, auditOf(chat.id)];
        },
      },
      {
        name: "admin: an attribute definition's label and list option",
        max: 80,
        prose: false,
        async write(text) {
          customers++;
          const key = `secret_${customers}`;
          ok(
            await admin.call('POST', '/api/agent/attribute-definitions', {
              key,
              label: text,
              type: 'list',
              options: [text, 'other'],
            }),
            201,
          );
          const list = ok(await admin.call('GET', '/api/agent/attribute-definitions')).definitions;
          return list.find((d: { key: string }) => d.key === key);
        },
      },
      {
        name: 'supervisor: the reason of an unfreeze request (case evidence)',
        max: 2000,
        prose: true,
        async write(text) {
          const chat = await openChat();
          const opened = ok(
            await supervisor.call('POST', '/api/agent/unfreeze-requests', { conversationId: chat.id, reason: text }),
            201,
          );
          return [opened, ok(await supervisor.call('GET', `/api/agent/cases/${opened.case.id}`))];
        },
      },
      {
        name: 'supervisor: the reason of an exchange account freeze',
        max: 500,
        prose: true,
        async write(text) {
          const chat = await openChat();
          await addSandboxCustomer(db, org.id, {
            account: {
              uid: chat.uid,
              email: `${chat.uid}@example.test`,
              kycLevel: 1,
              vipLevel: 0,
              status: 'active',
              registeredAt: '2025-01-01T00:00:00Z',
              locale: 'en',
              antiPhishingCode: null,
            },
          });
          ok(
            await supervisor.call('POST', `/api/agent/conversations/${chat.id}/exchange/freeze`, {
              requestId: `freeze-${chat.uid}`,
              reason: text,
            }),
          );
          return auditOf(chat.uid);
        },
      },
      {
        name: 'supervisor: the note closing a complaint follow-up',
        max: 1000,
        prose: true,
        async write(text) {
          const chat = await openChat();
          const [followUp] = await db.query<{ id: string }>(
            `INSERT INTO complaint_followups (org_id, conversation_id, resolved_at, due_at, created_at)
             VALUES ($1, $2, now(), now() + interval '1 day', now()) RETURNING id`,
            [org.id, chat.id],
          );
          const closed = ok(await supervisor.call('POST', `/api/agent/followups/${followUp.id}/close`, { note: text }));
          return [closed, ok(await supervisor.call('GET', '/api/agent/followups?state=closed'))];
        },
      },
      {
        name: "admin: a macro's reply texts",
        max: 5000,
        prose: true,
        async write(text) {
          customers++;
          ok(
            await admin.call('POST', '/api/agent/macros', {
              name: `Macro ${customers}`,
              shortcut: `m${customers}`,
              bodies: { zh: text, en: text },
            }),
            201,
          );
          return ok(await admin.call('GET', '/api/agent/macros'));
        },
      },
      {
        name: "admin: a macro's name",
        max: 80,
        prose: false,
        async write(text) {
          customers++;
          ok(
            await admin.call('POST', '/api/agent/macros', {
              name: text,
              shortcut: `n${customers}`,
              bodies: { en: 'Hello' },
            }),
            201,
          );
          return ok(await admin.call('GET', '/api/agent/macros'));
        },
      },
      {
        name: "admin: a team's name",
        max: 80,
        prose: false,
        async write(text) {
          ok(await admin.call('POST', '/api/agent/teams', { name: text }), 201);
          return ok(await admin.call('GET', '/api/agent/teams'));
        },
      },
      {
        name: "agent: a saved view's name",
        max: 80,
        prose: false,
        async write(text) {
          ok(await agent.call('POST', '/api/agent/views', { name: text, filters: {} }), 201);
          return ok(await agent.call('GET', '/api/agent/views'));
        },
      },
      {
        name: "admin: an official channel's label",
        max: 200,
        prose: false,
        async write(text) {
          customers++;
          ok(
            await admin.call('POST', '/api/agent/official-channels', {
              kind: 'url',
              value: `https://support-${customers}.example.com`,
              label: text,
            }),
            201,
          );
          return ok(await admin.call('GET', '/api/agent/official-channels'));
        },
      },
      {
        name: 'admin: the note of a platform status',
        max: 1000,
        prose: true,
        async write(text) {
          ok(
            await admin.call('PUT', '/api/agent/platform-status', {
              coin: 'USDT',
              network: 'TRC20',
              deposits: 'congested',
              withdrawals: 'enabled',
              note: { en: text },
            }),
          );
          return ok(await admin.call('GET', '/api/agent/platform-status'));
        },
      },
    ];

    for (const field of fields) {
      for (const secret of [SEED_PHRASE, SPLIT_KEY]) {
        test(`${field.name}: ${secret.name} is redacted, the rest kept`, async () => {
          const typed = secret.make(field.prose ? field.max - 60 : field.max);
          const text = field.prose ? `Customer wrote on Monday: ${typed} (UID 11873402) Thanks!` : typed;
          assert.ok(text.length <= field.max);
          const shown = JSON.stringify(await field.write(text));
          const stored = await everythingStored();
          for (const piece of secret.pieces(typed)) {
            assert.ok(!shown.includes(piece), `the API shows "${piece}"`);
            assert.ok(!stored.includes(piece), `the database holds "${piece}"`);
          }
          assert.ok(shown.includes(secret.marker), `the API shows the redaction marker: ${shown.slice(0, 400)}`);
          if (field.prose) {
            for (const kept of ['Customer wrote on Monday:', '(UID 11873402) Thanks!']) {
              assert.ok(shown.includes(kept), `"${kept}" is kept`);
            }
          }
        });
      }
    }
  });
}
