import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { receiveInbound } from '../../src/server/channels/channels.service.ts';
import { insertInbox } from '../../src/server/orgs/orgs.queries.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServerWithBot,
} from '../helpers/server.ts';

/** One customer, one history (issue 13): merging contacts by hand and on a verified identity, replies across channels. */

const PASS = { spf: 'pass', dkim: ['pass'], dmarc: 'pass' };
const FAIL = { spf: 'fail', dkim: ['fail'], dmarc: 'fail' };
const unique = () => crypto.randomBytes(4).toString('hex');

for (const database of await testDatabases()) {
  describe(`contact merge (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
    let org: TestOrg;
    let emailInboxId: string;
    let admin: AgentClient;
    let supervisor: AgentClient;
    let agent: AgentClient;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      emailInboxId = await insertInbox(db, {
        orgId: org.id,
        kind: 'email',
        name: 'Email',
        identitySecret: null,
        settings: { bot: { enabled: false }, email: { address: `support-${org.slug}@lumen.example` } },
      });
      admin = await loginAgent(server, org.agents.admin);
      supervisor = await loginAgent(server, org.agents.secure);
      agent = await loginAgent(server, org.agents.agent);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    /** An email from `address` through the channels core, its SPF/DKIM/DMARC results recorded as the listener does. */
    async function emailFrom(address: string, auth: typeof PASS) {
      const messageId = `<${unique()}@mail.example>`;
      const result = await receiveInbound({ db, log: pino({ level: 'silent' }), events: server.events }, org.id, {
        inboxId: emailInboxId,
        channel: 'email',
        identity: { kind: 'email', value: address },
        profile: { name: 'Mail Customer', email: address, locale: 'en' },
        externalId: messageId,
        body: 'My withdrawal has not arrived',
        meta: { email: { from: address, subject: 'Withdrawal', messageId, auth } },
      });
      return result.conversation;
    }

    /** A widget customer (signed in as `uid` when given) with one conversation; returns it as agents see it. */
    async function webConversation(identity?: { uid: string; email?: string; name?: string }) {
      const visitor = await startVisitor(server, org, identity);
      const started = await visitor.call('POST', '/api/widget/conversations', {
        body: 'Hello, deposit question',
        clientId: unique(),
      });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      const detail = await admin.call('GET', `/api/agent/conversations/${started.body.conversation.id}`);
      return detail.body.conversation;
    }

    const conversation = async (id: string) =>
      (await admin.call('GET', `/api/agent/conversations/${id}`)).body.conversation;

    test('a supervisor merges two contacts; undo puts identities, conversations and profile back exactly', async () => {
      const uid = `u-${unique()}`;
      const web = await webConversation({ uid, name: 'Wei' });
      const mail = await emailFrom(`merge-${unique()}@example.com`, FAIL);
      const webContact = web.contact.id;
      const mailContact = mail.contact.id;
      assert.notEqual(webContact, mailContact);
      const beforeWeb = await conversation(web.id);
      const beforeMail = await conversation(mail.id);

      const merged = await supervisor.call('POST', `/api/agent/contacts/${webContact}/merge`, {
        otherContactId: mailContact,
      });
      assert.equal(merged.status, 201, JSON.stringify(merged.body));
      assert.equal(merged.body.merge.automatic, false);
      assert.deepEqual(merged.body.merge.conversationIds, [mail.id]);
      assert.deepEqual(merged.body.merge.identities, [{ kind: 'email', value: mail.contact.email }]);

      const after = await conversation(mail.id);
      assert.equal(after.contact.id, webContact);
      // The survivor keeps its own name, takes the email it had not, and holds both identities.
      assert.equal(after.contact.name, 'Wei');
      assert.equal(after.contact.email, mail.contact.email);
      assert.equal(after.contact.exchangeUid, uid);
      assert.deepEqual(after.contact.identities.map((i: { kind: string }) => i.kind).sort(), ['email', 'exchange_uid']);
      // The email conversation now shows up among the customer's conversations.
      const list = await admin.call('GET', `/api/agent/conversations?contactId=${webContact}`);
      assert.deepEqual(list.body.conversations.map((c: { id: string }) => c.id).sort(), [web.id, mail.id].sort());

      const audit = await admin.call('GET', `/api/agent/audit?targetId=${webContact}`);
      assert.ok(audit.body.entries.some((e: { action: string }) => e.action === 'contact.merge'));

      const undone = await supervisor.call('POST', `/api/agent/contact-merges/${merged.body.merge.id}/undo`);
      assert.equal(undone.status, 200, JSON.stringify(undone.body));
      assert.ok(undone.body.merge.undoneAt);
      const restoredWeb = await conversation(web.id);
      const restoredMail = await conversation(mail.id);
      assert.deepEqual(restoredWeb.contact, beforeWeb.contact);
      assert.deepEqual(restoredMail.contact, beforeMail.contact);

      const again = await supervisor.call('POST', `/api/agent/contact-merges/${merged.body.merge.id}/undo`);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'contact_merge_undone');
    });

    test('a widget whose visitor was merged away reaches the one history: its token now acts for the survivor', async () => {
      const keep = await startVisitor(server, org);
      const gone = await startVisitor(server, org);
      const kept = await keep.call('POST', '/api/widget/conversations', { body: 'first device', clientId: unique() });
      const moved = await gone.call('POST', '/api/widget/conversations', { body: 'second device', clientId: unique() });
      const keepContact = (await conversation(kept.body.conversation.id)).contact.id;
      const goneContact = (await conversation(moved.body.conversation.id)).contact.id;
      const merged = await supervisor.call('POST', `/api/agent/contacts/${keepContact}/merge`, {
        otherContactId: goneContact,
      });
      assert.equal(merged.status, 201, JSON.stringify(merged.body));
      const seen = await gone.call('GET', '/api/widget/conversations');
      assert.equal(seen.status, 200);
      assert.deepEqual(
        seen.body.conversations.map((c: { id: string }) => c.id).sort(),
        [kept.body.conversation.id, moved.body.conversation.id].sort(),
      );
      // Undone, each device sees its own conversation again.
      await supervisor.call('POST', `/api/agent/contact-merges/${merged.body.merge.id}/undo`);
      const back = await gone.call('GET', '/api/widget/conversations');
      assert.deepEqual(
        back.body.conversations.map((c: { id: string }) => c.id),
        [moved.body.conversation.id],
      );
    });

    test('an admin merge moves the exchange UID to a contact that had none, and undo gives it back', async () => {
      const uid = `u-${unique()}`;
      const linked = await webConversation({ uid });
      const mail = await emailFrom(`uid-${unique()}@example.com`, FAIL);
      const merged = await admin.call('POST', `/api/agent/contacts/${mail.contact.id}/merge`, {
        otherContactId: linked.contact.id,
      });
      assert.equal(merged.status, 201, JSON.stringify(merged.body));
      assert.equal((await conversation(linked.id)).contact.exchangeUid, uid);
      assert.equal((await conversation(linked.id)).contact.id, mail.contact.id);
      const undone = await admin.call('POST', `/api/agent/contact-merges/${merged.body.merge.id}/undo`);
      assert.equal(undone.status, 200);
      assert.deepEqual((await conversation(linked.id)).contact, linked.contact);
      assert.equal((await conversation(mail.id)).contact.exchangeUid, null);
    });

    test('two contacts with different exchange UIDs are refused', async () => {
      const a = await webConversation({ uid: `u-${unique()}` });
      const b = await webConversation({ uid: `u-${unique()}` });
      const res = await admin.call('POST', `/api/agent/contacts/${a.contact.id}/merge`, {
        otherContactId: b.contact.id,
      });
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'contact_merge_uid_clash');
      assert.equal((await conversation(b.id)).contact.id, b.contact.id);
    });

    test('an agent (role agent) cannot merge or undo', async () => {
      const a = await webConversation();
      const b = await emailFrom(`agent-${unique()}@example.com`, FAIL);
      const res = await agent.call('POST', `/api/agent/contacts/${a.contact.id}/merge`, {
        otherContactId: b.contact.id,
      });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'forbidden');
      const merged = await admin.call('POST', `/api/agent/contacts/${a.contact.id}/merge`, {
        otherContactId: b.contact.id,
      });
      assert.equal(merged.status, 201);
      const undo = await agent.call('POST', `/api/agent/contact-merges/${merged.body.merge.id}/undo`);
      assert.equal(undo.status, 403);
    });

    test('a signed widget identity merges the email contact whose mail passed DKIM/SPF, and nothing else', async () => {
      const email = `verified-${unique()}@example.com`;
      const mail = await emailFrom(email, { spf: 'fail', dkim: ['pass'], dmarc: 'none' });
      const uid = `u-${unique()}`;
      const web = await webConversation({ uid, email });

      const moved = await conversation(mail.id);
      assert.equal(moved.contact.id, web.contact.id);
      assert.equal(moved.contact.exchangeUid, uid);
      assert.ok(moved.contact.identities.some((i: { kind: string }) => i.kind === 'email'));
      const merges = await admin.call('GET', `/api/agent/contacts/${web.contact.id}/merges`);
      assert.equal(merges.body.merges.length, 1);
      assert.equal(merges.body.merges[0].automatic, true);
      assert.equal(merges.body.merges[0].reason, 'verified_email');
      assert.deepEqual(merges.body.merges[0].conversationIds, [mail.id]);

      // Undoable; and once an agent has undone it, the next signed session does not merge that pair again.
      const undone = await supervisor.call('POST', `/api/agent/contact-merges/${merges.body.merges[0].id}/undo`);
      assert.equal(undone.status, 200);
      assert.equal((await conversation(mail.id)).contact.id, mail.contact.id);
      await startVisitor(server, org, { uid, email });
      assert.equal((await conversation(mail.id)).contact.id, mail.contact.id);
    });

    test('an unverified email (SPF and DKIM failed) is not merged automatically, nor a session without an email', async () => {
      const email = `spoofed-${unique()}@example.com`;
      const mail = await emailFrom(email, FAIL);
      const uid = `u-${unique()}`;
      const web = await webConversation({ uid, email });
      assert.equal((await conversation(mail.id)).contact.id, mail.contact.id);
      assert.notEqual(web.contact.id, mail.contact.id);

      const other = await emailFrom(`nomail-${unique()}@example.com`, PASS);
      await webConversation({ uid: `u-${unique()}` });
      assert.equal((await conversation(other.id)).contact.id, other.contact.id);
    });

    test('a reply with channel email on a web conversation is delivered by email', async () => {
      const email = `reply-${unique()}@example.com`;
      await emailFrom(email, PASS);
      const web = await webConversation({ uid: `u-${unique()}`, email });
      assert.ok((await conversation(web.id)).contact.identities.some((i: { kind: string }) => i.kind === 'email'));

      const sent = await admin.call('POST', `/api/agent/conversations/${web.id}/messages`, {
        body: 'We have sent the details to your email as well.',
        clientId: unique(),
        channel: 'email',
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.equal(sent.body.message.meta.deliverVia, 'email');
      let deliveries: { channel: string }[] = [];
      for (let i = 0; i < 50 && deliveries.length === 0; i++) {
        deliveries = await db.query('SELECT channel FROM channel_deliveries WHERE org_id = $1 AND message_id = $2', [
          org.id,
          sent.body.message.id,
        ]);
        if (deliveries.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(deliveries, [{ channel: 'email' }]);

      // A plain reply on the web conversation goes nowhere but the widget; a channel the customer has no identity on is refused.
      const plain = await admin.call('POST', `/api/agent/conversations/${web.id}/messages`, {
        body: 'And here in the chat.',
        clientId: unique(),
      });
      assert.equal(plain.status, 201);
      assert.equal(plain.body.message.meta.deliverVia, undefined);
      const telegram = await admin.call('POST', `/api/agent/conversations/${web.id}/messages`, {
        body: 'Telegram?',
        clientId: unique(),
        channel: 'telegram',
      });
      assert.equal(telegram.status, 400);
    });
  });
}
