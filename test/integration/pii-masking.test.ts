import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import type { ServerEvent } from '../../src/contracts/realtime.ts';
import { verifyAuditChains } from '../../src/server/audit/audit.service.ts';
import { insertAgent } from '../../src/server/auth/auth.queries.ts';
import { hashPassword } from '../../src/server/auth/passwords.ts';
import { receiveInbound } from '../../src/server/channels/channels.service.ts';
import { insertInbox } from '../../src/server/orgs/orgs.queries.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  connectSocket,
  createTestOrg,
  loginAgent,
  PASSWORD,
  request,
  type SocketClient,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
  type TestServerWithBot,
} from '../helpers/server.ts';

/**
 * PII masking by role (issue 15): a plain agent sees a customer's email, phone, exchange UID and Telegram id partly
 * hidden on every path that shows or exports them; supervisors, admins and agents granted `pii_read` see them whole;
 * searching by a whole value still works for the masked agent; an audited reveal shows one customer in full.
 */

const EMAIL = 'alice.wong@example.com';
const UID = '10004821';
const PHONE = '+8613800138000';
const TELEGRAM = '520013377';
/** Every form of the values a leak could take (the phone also as the customer typed it, digits only). */
const FULL_VALUES = [EMAIL, UID, PHONE, '13800138000', TELEGRAM];

function assertNoFullValue(text: string, where: string) {
  for (const value of FULL_VALUES) assert.ok(!text.includes(value), `${where} shows ${value}: ${text.slice(0, 400)}`);
}

for (const database of await testDatabases()) {
  describe(`PII masking by role (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
    let org: TestOrg;
    let admin: AgentClient;
    let supervisor: AgentClient;
    let agent: AgentClient;
    let trusted: AgentClient;
    let webId: string;
    let phoneId: string;
    let emailConversationId: string;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      admin = await loginAgent(server, org.agents.admin);
      supervisor = await loginAgent(server, org.agents.secure);
      agent = await loginAgent(server, org.agents.agent);

      // A second plain agent whom an admin grants pii_read.
      const email = `trusted-${org.slug}@example.test`;
      const trustedId = await insertAgent(db, {
        orgId: org.id,
        email,
        name: 'Trusted Agent',
        passwordHash: await hashPassword(PASSWORD),
        role: 'agent',
        locale: 'en',
      });
      const granted = await admin.call('PUT', `/api/agent/agents/${trustedId}/permissions`, {
        permissions: ['pii_read'],
      });
      assert.equal(granted.status, 200, JSON.stringify(granted.body));
      trusted = await loginAgent(server, { id: trustedId, email, password: PASSWORD });

      // The customer: signed in on the widget (UID, email), then asks for a callback (their phone).
      const visitor = await startVisitor(server, org, { uid: UID, name: 'Alice Wong', email: EMAIL });
      const started = await visitor.call('POST', '/api/widget/conversations', {
        body: 'Where is my deposit?',
        clientId: crypto.randomUUID(),
      });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      webId = started.body.conversation.id;
      const callback = await visitor.call('POST', '/api/widget/callbacks', {
        phone: '+86 138 0013 8000',
        day: 'tomorrow',
        fromHour: 10,
        toHour: 12,
        timeZone: 'Asia/Shanghai',
        locale: 'en',
      });
      assert.equal(callback.status, 201, JSON.stringify(callback.body));
      phoneId = callback.body.conversationId;
      // The same customer is known on Telegram too.
      const contactId = started.body.conversation.contact.id as string;
      await db.query(
        `INSERT INTO contact_identities (org_id, contact_id, kind, value) VALUES ($1, $2, 'telegram', $3)`,
        [org.id, contactId, TELEGRAM],
      );

      // An email from the customer (through the channels core, as the email listener calls it).
      const emailInboxId = await insertInbox(db, {
        orgId: org.id,
        kind: 'email',
        name: 'Email',
        identitySecret: null,
        settings: { bot: { enabled: false }, email: { address: `support-${org.slug}@lumen.example` } },
      });
      const mailed = await receiveInbound({ db, log: pino({ level: 'silent' }), events: server.events }, org.id, {
        inboxId: emailInboxId,
        channel: 'email',
        identity: { kind: 'email', value: EMAIL },
        profile: { name: 'Alice Wong', email: EMAIL, locale: 'en' },
        externalId: `<${crypto.randomUUID()}@mail.example>`,
        body: 'Deposit missing',
        meta: { email: { from: EMAIL, subject: 'Deposit', messageId: 'm-1' } },
      });
      emailConversationId = mailed.conversation.id;
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    test('a plain agent sees the contact masked in the list, the detail and the messages', async () => {
      const list = await agent.call('GET', '/api/agent/conversations?assignee=all');
      assert.equal(list.status, 200);
      const row = list.body.conversations.find((c: { id: string }) => c.id === webId);
      assert.equal(row.contact.email, 'a•••g@example.com');
      assert.equal(row.contact.exchangeUid, '•••4821');
      assert.equal(row.contact.name, 'Alice Wong', 'the name is how the agent greets the customer');
      assert.equal(row.contact.masked, true);
      const identities = Object.fromEntries(
        row.contact.identities.map((i: { kind: string; value: string }) => [i.kind, i.value]),
      );
      assert.equal(identities.exchange_uid, '•••4821');
      assert.equal(identities.phone, '+86 ••• 8000');
      assert.equal(identities.telegram, '•••3377');
      assertNoFullValue(JSON.stringify(list.body), 'the conversation list');

      for (const id of [webId, phoneId, emailConversationId]) {
        const detail = await agent.call('GET', `/api/agent/conversations/${id}`);
        assert.equal(detail.status, 200);
        assertNoFullValue(JSON.stringify(detail.body), `conversation ${id}`);
        const messages = await agent.call('GET', `/api/agent/conversations/${id}/messages`);
        assertNoFullValue(JSON.stringify(messages.body), `messages of ${id}`);
        const history = await agent.call('GET', `/api/agent/conversations/${id}/history`);
        assertNoFullValue(JSON.stringify(history.body), `history of ${id}`);
      }
      const mail = await agent.call('GET', `/api/agent/conversations/${emailConversationId}`);
      assert.equal(mail.body.messages[0].meta.email.from, 'a•••g@example.com');
      assert.equal(mail.body.messages[0].meta.email.subject, 'Deposit');

      // What an agent's own change returns is masked too.
      const changed = await agent.call('PATCH', `/api/agent/conversations/${webId}`, { priority: 'high' });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assertNoFullValue(JSON.stringify(changed.body), 'the updated conversation');
      const tagged = await agent.call('POST', `/api/agent/conversations/${webId}/tags`, { add: ['vip'] });
      assertNoFullValue(JSON.stringify(tagged.body), 'the tagged conversation');
    });

    test('supervisors, admins and agents granted pii_read see it in full', async () => {
      for (const [who, client] of [
        ['supervisor', supervisor],
        ['admin', admin],
        ['pii_read agent', trusted],
      ] as const) {
        const detail = await client.call('GET', `/api/agent/conversations/${webId}`);
        assert.equal(detail.status, 200);
        const { contact } = detail.body.conversation;
        assert.equal(contact.email, EMAIL, who);
        assert.equal(contact.exchangeUid, UID, who);
        assert.equal(contact.masked, undefined, who);
        const kinds = contact.identities.map((i: { kind: string; value: string }) => `${i.kind}:${i.value}`);
        assert.ok(kinds.includes(`phone:${PHONE}`), `${who}: ${kinds}`);
        assert.ok(kinds.includes(`telegram:${TELEGRAM}`), `${who}: ${kinds}`);
        const calls = await client.call('GET', `/api/agent/conversations/${phoneId}/calls`);
        assert.equal(calls.body.callbacks[0].phone, PHONE, who);
        const mail = await client.call('GET', `/api/agent/conversations/${emailConversationId}`);
        assert.equal(mail.body.messages[0].meta.email.from, EMAIL, who);
      }
    });

    test('the callback number: masked for the plain agent, also in what logging a call returns', async () => {
      const calls = await agent.call('GET', `/api/agent/conversations/${phoneId}/calls`);
      assert.equal(calls.status, 200);
      assert.equal(calls.body.callbacks[0].phone, '+86 ••• 8000');
      const logged = await agent.call('POST', `/api/agent/conversations/${phoneId}/calls`, {
        direction: 'outbound',
        durationSeconds: 30,
        outcome: 'no_answer',
        notes: '',
      });
      assert.equal(logged.status, 201, JSON.stringify(logged.body));
      assert.equal(logged.body.callback.phone, '+86 ••• 8000');
      assertNoFullValue(JSON.stringify(logged.body), 'the logged call');
    });

    test('transcripts show the UID as the exporter may see it', async () => {
      const masked = await agent.call('GET', `/api/agent/conversations/${webId}/transcript?format=txt`);
      assert.equal(masked.status, 200);
      assert.match(String(masked.body), /Customer: Alice Wong \(UID •••4821\)/);
      assertNoFullValue(String(masked.body), 'the plain agent’s transcript');
      const json = await agent.call('GET', `/api/agent/conversations/${webId}/transcript?format=json`);
      const parsed = typeof json.body === 'string' ? JSON.parse(json.body) : json.body;
      assert.equal(parsed.contact.exchangeUid, '•••4821');

      const full = await supervisor.call('GET', `/api/agent/conversations/${webId}/transcript?format=txt`);
      assert.match(String(full.body), new RegExp(`\\(UID ${UID}\\)`));
    });

    test('report CSV exports carry no customer data at all', async () => {
      for (const report of ['summary', 'volume', 'csat-trend', 'agents', 'handoffs']) {
        const csv = await admin.call('GET', `/api/agent/reports/${report}?format=csv`);
        assert.equal(csv.status, 200, `${report}: ${JSON.stringify(csv.body)}`);
        assert.match(String(csv.headers.get('content-type')), /text\/csv/);
        assertNoFullValue(String(csv.body), `the ${report} CSV`);
        assert.ok(!String(csv.body).includes('Alice'), report);
      }
    });

    test('search: the masked agent finds by a whole email or UID, never by a piece of one', async () => {
      const search = async (as: AgentClient, q: string) => {
        const res = await as.call('GET', `/api/agent/conversations?assignee=all&q=${encodeURIComponent(q)}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return (res.body.conversations as { id: string }[]).map((c) => c.id);
      };
      assert.ok((await search(agent, EMAIL)).includes(webId), 'the whole email');
      assert.ok((await search(agent, EMAIL.toUpperCase())).includes(webId), 'case-insensitively');
      assert.ok((await search(agent, UID)).includes(webId), 'the whole UID');
      assert.deepEqual(await search(agent, 'alice.wo'), [], 'a piece of the email');
      assert.deepEqual(await search(agent, '0482'), [], 'a piece of the UID');
      // The name and the messages are searched as before.
      assert.ok((await search(agent, 'alice w')).includes(webId), 'by name');
      // Those who see the values in full search pieces of them.
      assert.ok((await search(supervisor, 'alice.wo')).includes(webId));
      assert.ok((await search(trusted, '0482')).includes(webId));
    });

    test('the console socket: conversation updates are masked per connection', async () => {
      const open = async (client: AgentClient) => {
        const socket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: client.cookie });
        // The server says hello once it has authenticated the socket and will send it events.
        await socket.waitFor((e) => e.type === 'hello');
        return socket;
      };
      const sockets: SocketClient[] = [await open(agent), await open(supervisor)];
      try {
        const isUpdate = (e: ServerEvent) =>
          e.type === 'conversation.updated' && e.conversation.id === webId && e.conversation.priority === 'urgent';
        const waits = sockets.map((s) => s.waitFor<Extract<ServerEvent, { type: 'conversation.updated' }>>(isUpdate));
        const changed = await supervisor.call('PATCH', `/api/agent/conversations/${webId}`, { priority: 'urgent' });
        assert.equal(changed.status, 200, JSON.stringify(changed.body));
        const [masked, full] = await Promise.all(waits);
        assert.equal(masked.conversation.contact.email, 'a•••g@example.com');
        assertNoFullValue(JSON.stringify(masked), 'the plain agent’s socket');
        assert.equal(full.conversation.contact.email, EMAIL);
        assert.equal(full.conversation.contact.exchangeUid, UID);

        // A console that follows the email conversation gets its messages replayed: the sender masked the same way.
        const [agentSocket, supervisorSocket] = sockets as [SocketClient, SocketClient];
        const replayed = (e: ServerEvent) =>
          e.type === 'message.created' && e.conversationId === emailConversationId && e.replay === true;
        for (const s of sockets) s.send({ type: 'subscribe', conversationId: emailConversationId, afterSeq: 0 });
        const [maskedReplay, fullReplay] = await Promise.all(
          [agentSocket, supervisorSocket].map((s) =>
            s.waitFor<Extract<ServerEvent, { type: 'message.created' }>>(replayed),
          ),
        );
        assert.equal((maskedReplay.message.meta.email as { from: string }).from, 'a•••g@example.com');
        assert.equal((fullReplay.message.meta.email as { from: string }).from, EMAIL);
      } finally {
        for (const s of sockets) await s.close();
      }
    });

    test('a macro applied by the plain agent uses the fallback for UID and email, a supervisor’s the values', async () => {
      const made = await admin.call('POST', '/api/agent/macros', {
        name: 'Account check',
        shortcut: 'account-check',
        bodies: { en: 'Checking account {{contact.uid | on file}} ({{contact.email | your email}}).' },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const apply = (as: AgentClient) =>
        as.call('POST', `/api/agent/conversations/${webId}/macros/${made.body.macro.id}/apply`, {
          clientId: crypto.randomUUID(),
          language: 'en',
        });
      const masked = await apply(agent);
      assert.equal(masked.status, 200, JSON.stringify(masked.body));
      assert.equal(masked.body.message.body, 'Checking account on file (your email).');
      assertNoFullValue(JSON.stringify(masked.body), 'the plain agent’s applied macro');
      const full = await apply(supervisor);
      assert.equal(full.body.message.body, `Checking account ${UID} (${EMAIL}).`);
    });

    test('support cases: the UID (also in the title) masked for the plain agent, whole for a supervisor', async () => {
      const [row] = await db.query<{ id: string }>(
        `INSERT INTO support_cases (org_id, kind, status, conversation_id, exchange_uid, title)
         VALUES ($1, 'unfreeze_request', 'open', $2, $3, $4) RETURNING id`,
        [org.id, webId, UID, `Unfreeze account ${UID}`],
      );
      const listed = await agent.call('GET', `/api/agent/cases?conversationId=${webId}`);
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      const one = await agent.call('GET', `/api/agent/cases/${row.id}`);
      assert.equal(one.body.case.exchangeUid, '•••4821');
      assert.equal(one.body.case.title, 'Unfreeze account •••4821');
      assertNoFullValue(JSON.stringify([listed.body, one.body]), 'the plain agent’s cases');
      const full = await supervisor.call('GET', `/api/agent/cases/${row.id}`);
      assert.equal(full.body.case.exchangeUid, UID);
      assert.equal(full.body.case.title, `Unfreeze account ${UID}`);
    });

    test('a reveal shows one customer in full to a plain agent, with a reason, and is audited', async () => {
      const refused = await agent.call('POST', `/api/agent/conversations/${webId}/contact/reveal`, { reason: '' });
      assert.equal(refused.status, 400);
      const revealed = await agent.call('POST', `/api/agent/conversations/${webId}/contact/reveal`, {
        reason: 'Customer asks to confirm the deposit address',
      });
      assert.equal(revealed.status, 200, JSON.stringify(revealed.body));
      assert.equal(revealed.body.contact.email, EMAIL);
      assert.equal(revealed.body.contact.exchangeUid, UID);
      assert.ok(
        revealed.body.contact.identities.some((i: { kind: string; value: string }) => i.value === PHONE),
        JSON.stringify(revealed.body.contact.identities),
      );
      const contactId = revealed.body.contact.id as string;
      const audit = await supervisor.call('GET', `/api/agent/audit?targetId=${contactId}`);
      assert.equal(audit.status, 200, JSON.stringify(audit.body));
      const entry = audit.body.entries.find((e: { action: string }) => e.action === 'contact.reveal');
      assert.ok(entry, JSON.stringify(audit.body.entries));
      assert.equal(entry.actorId, org.agents.agent.id);
      assert.equal(entry.details.conversationId, webId);
      assert.equal(entry.details.reason, 'Customer asks to confirm the deposit address');
      // Another organization's conversation is not found, as everywhere.
      const other = await createTestOrg(db);
      const stranger = await loginAgent(server, other.agents.agent);
      const foreign = await stranger.call('POST', `/api/agent/conversations/${webId}/contact/reveal`, {
        reason: 'just looking',
      });
      assert.equal(foreign.status, 404);
    });

    test('a plain agent may reveal N contacts per window across nodes, then is refused (429, audited); supervisors and pii_read agents are not counted', async () => {
      // Two nodes on this database with a small limit and a long window, so the test never races the window's end.
      const env = { KEFU_CONTACT_REVEAL_LIMIT: '3/3600' };
      const [nodeA, nodeB] = [await startTestServer(db, env), await startTestServer(db, env)];
      try {
        // A plain agent of its own, so the earlier reveal test's count is not this one's.
        const newAgent = async (name: string) => {
          const email = `${name}-${org.slug}@example.test`;
          const id = await insertAgent(db, {
            orgId: org.id,
            email,
            name,
            passwordHash: await hashPassword(PASSWORD),
            role: 'agent',
            locale: 'en',
          });
          return { id, email, password: PASSWORD };
        };
        const counted = await newAgent('counted');
        const onA = await loginAgent(nodeA, counted);
        const onB = await loginAgent(nodeB, counted);
        const reveal = (client: AgentClient, conversationId = webId) =>
          client.call('POST', `/api/agent/conversations/${conversationId}/contact/reveal`, {
            reason: 'Customer asks to confirm the deposit address',
          });
        for (const [i, client] of [onA, onB, onA].entries()) {
          const revealed = await reveal(client, i === 1 ? emailConversationId : webId);
          assert.equal(revealed.status, 200, JSON.stringify(revealed.body));
          assert.equal(revealed.body.contact.email, EMAIL);
        }
        // A conversation that is not there costs nothing and is still a 404.
        assert.equal((await reveal(onB, crypto.randomUUID())).status, 404);
        for (const client of [onB, onA]) {
          const refused = await reveal(client);
          assert.equal(refused.status, 429, JSON.stringify(refused.body));
          assert.equal(refused.body.error.code, 'reveal_limit_reached');
          assertNoFullValue(JSON.stringify(refused.body), 'a refused reveal');
          const retryAfter = Number(refused.headers.get('retry-after'));
          assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
        }

        // Audited: three reveals and two refusals, each naming the agent, the conversation and the reason.
        const audit = await supervisor.call('GET', '/api/agent/audit?limit=500');
        assert.equal(audit.status, 200, JSON.stringify(audit.body));
        const mine = audit.body.entries.filter(
          (e: { actorId: string; action: string }) => e.actorId === counted.id && e.action.startsWith('contact.'),
        );
        const actions = mine.map((e: { action: string }) => e.action).sort();
        assert.deepEqual(actions, [
          'contact.reveal',
          'contact.reveal',
          'contact.reveal',
          'contact.reveal_refused',
          'contact.reveal_refused',
        ]);
        const refusal = mine.find((e: { action: string }) => e.action === 'contact.reveal_refused');
        assert.equal(refusal.details.conversationId, webId);
        assert.equal(refusal.details.reason, 'Customer asks to confirm the deposit address');
        assert.ok(refusal.details.retryAfterSeconds >= 1, JSON.stringify(refusal.details));
        // Both kinds of entry are links of the organization's tamper-evident chain, as `kefu audit verify` checks it.
        const verified = await verifyAuditChains({ db }, { orgId: org.id });
        assert.deepEqual(verified.broken, []);
        const chained = await db.query<{ action: string }>(
          `SELECT action FROM audit_log
            WHERE org_id = $1 AND actor_id = $2 AND action LIKE 'contact.%' AND chain_seq IS NOT NULL
              AND hash = kefu_audit_hash(chain_seq, org_id, actor_kind, actor_id, action, target_type, target_id,
                                         details, ip, created_at, prev_hash)`,
          [org.id, counted.id],
        );
        assert.equal(chained.length, 5, 'every reveal and refusal is hashed into the chain');

        // The budget is the agent's own: another plain agent still reveals.
        const neighbour = await loginAgent(nodeB, await newAgent('neighbour'));
        assert.equal((await reveal(neighbour)).status, 200);

        // Those who see personal data anyway reveal nothing, so they are never counted nor refused.
        // Their sessions from the first node, on these (the supervisor's TOTP code is single-use: no second login).
        const onNode = (client: AgentClient, node: TestServer): AgentClient => ({
          ...client,
          call: (method, path, body) =>
            request(`${node.url}${path}`, {
              method,
              body,
              headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken },
            }),
        });
        const seeing = [onNode(supervisor, nodeA), onNode(admin, nodeB), onNode(trusted, nodeA)];
        for (const client of seeing) {
          for (let i = 0; i < 5; i++) {
            const revealed = await reveal(client);
            assert.equal(revealed.status, 200, JSON.stringify(revealed.body));
            assert.equal(revealed.body.contact.email, EMAIL);
          }
        }
      } finally {
        await nodeA.close();
        await nodeB.close();
      }
    });
  });
}
