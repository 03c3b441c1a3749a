import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { main } from '../../src/cli/kefu.ts';
import { RETENTION_PLACEHOLDER } from '../../src/contracts/retention.ts';
import { verifyAuditChains } from '../../src/server/audit/audit.service.ts';
import { type Db, openPglite, type Queryable } from '../../src/server/db/db.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { createInProcessBus } from '../../src/server/events/bus.ts';
import { insertInbox, insertOrg } from '../../src/server/orgs/orgs.queries.ts';
import { runRetentionSweep } from '../../src/server/retention/retention.service.ts';
import { testDatabases } from '../helpers/databases.ts';
import { TEST_POSTGRES_URL } from '../helpers/services.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

/**
 * Data retention (issue 15): resolved/closed conversations older than the organization's period are anonymised or
 * deleted; open, recent and held ones stay; a dry run changes nothing and says exactly what the run then removes;
 * every run is audited and the audit chain still verifies.
 */

const DAY = 86_400_000;
let numbers = 5000;

type Seeded = { conversationId: string; contactId: string; number: number; messages: number };

/** A contact (with web and email identities) and one conversation of theirs, `ageDays` since its last activity. */
async function seedConversation(
  db: Queryable,
  org: { id: string; inboxId: string },
  options: {
    status: 'open' | 'resolved' | 'closed';
    ageDays: number;
    contactId?: string;
    messages?: number;
    file?: boolean;
    tags?: string[];
  },
): Promise<Seeded> {
  let contactId = options.contactId;
  if (!contactId) {
    const tag = crypto.randomBytes(4).toString('hex');
    const [contact] = await db.query<{ id: string }>(
      `INSERT INTO contacts (org_id, name, email, exchange_uid, attributes)
       VALUES ($1, $2, $3, $4, '{"phone":"+85291234567"}') RETURNING id`,
      [org.id, `Customer ${tag}`, `c-${tag}@example.test`, `uid-${tag}`],
    );
    contactId = contact.id;
    await db.query(
      `INSERT INTO contact_identities (org_id, contact_id, kind, value)
       VALUES ($1, $2, 'web_visitor', $3), ($1, $2, 'email', $4)`,
      [org.id, contactId, `v-${tag}`, `c-${tag}@example.test`],
    );
  }
  const at = new Date(Date.now() - options.ageDays * DAY);
  const number = numbers++;
  const [conversation] = await db.query<{ id: string }>(
    `INSERT INTO conversations (org_id, number, inbox_id, contact_id, status, tags, created_at, updated_at,
                                last_activity_at, resolved_at, last_message, attributes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7, CASE WHEN $5 = 'open' THEN NULL ELSE $7::timestamptz END,
             '{"body":"my card 4111","authorKind":"customer","private":false}', '{"order":"A-1"}')
     RETURNING id`,
    [org.id, number, org.inboxId, contactId, options.status, options.tags ?? [], at],
  );
  const count = options.messages ?? 2;
  for (let seq = 1; seq <= count; seq++) {
    const [message] = await db.query<{ id: string }>(
      `INSERT INTO messages (org_id, conversation_id, seq, author_kind, author_name, body, created_at, attachments)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        org.id,
        conversation.id,
        seq,
        seq % 2 ? 'customer' : 'agent',
        seq % 2 ? 'Customer' : 'Agent Lee',
        `message ${seq}: my address is 0xabc`,
        at,
        JSON.stringify(
          options.file && seq === 1 ? [{ name: 'id.png', url: '/f', contentType: 'image/png', size: 3 }] : [],
        ),
      ],
    );
    if (options.file && seq === 1)
      await db.query(
        `INSERT INTO message_files (org_id, conversation_id, message_id, name, content_type, size, data)
         VALUES ($1, $2, $3, 'id.png', 'image/png', 3, '\\x010203')`,
        [org.id, conversation.id, message.id],
      );
  }
  await db.query('UPDATE conversations SET last_seq = $3 WHERE org_id = $1 AND id = $2', [
    org.id,
    conversation.id,
    count,
  ]);
  return { conversationId: conversation.id, contactId, number, messages: count };
}

/** One of each case the job must tell apart; `old*` go, the rest stay. */
async function seedOrg(db: Queryable, org: { id: string; inboxId: string }) {
  const oldWithKept = await seedConversation(db, org, { status: 'resolved', ageDays: 100, messages: 3, file: true });
  const recent = await seedConversation(db, org, {
    status: 'resolved',
    ageDays: 5,
    contactId: oldWithKept.contactId,
  });
  const oldAlone = await seedConversation(db, org, { status: 'closed', ageDays: 200, messages: 2 });
  const open = await seedConversation(db, org, { status: 'open', ageDays: 150 });
  const legalHold = await seedConversation(db, org, { status: 'resolved', ageDays: 120, tags: ['legal-hold'] });
  const withCase = await seedConversation(db, org, { status: 'resolved', ageDays: 130 });
  await db.query(
    `INSERT INTO support_cases (org_id, kind, status, conversation_id, contact_id, title)
     VALUES ($1, 'deposit_recovery', 'resolved', $2, $3, 'Recovered deposit')`,
    [org.id, withCase.conversationId, withCase.contactId],
  );
  const withComplaint = await seedConversation(db, org, { status: 'resolved', ageDays: 140 });
  await db.query(
    `INSERT INTO complaints (org_id, conversation_id, source, reason, due_at, created_at)
     VALUES ($1, $2, 'agent', 'rude', now(), now() - interval '140 days')`,
    [org.id, withComplaint.conversationId],
  );
  // Delivery logs holding copies of what was said: one of each kind old enough, one recent.
  const [endpoint] = await db.query<{ id: string }>(
    `INSERT INTO webhook_endpoints (org_id, url, events, secret) VALUES ($1, 'https://hooks.example.com/r', '{}', 's')
     RETURNING id`,
    [org.id],
  );
  for (const age of [100, 5]) {
    await db.query(
      `INSERT INTO webhook_deliveries (org_id, endpoint_id, event_id, event_type, body, status, created_at)
       VALUES ($1, $2, gen_random_uuid(), 'message.created', '{"body":"my address is 0xabc"}', 'delivered',
               now() - make_interval(days => $3))`,
      [org.id, endpoint.id, age],
    );
    await db.query(
      `INSERT INTO outbound_emails (org_id, to_address, subject, body, sent_at, created_at)
       VALUES ($1, 'c@example.test', 'Re: deposit', 'my address is 0xabc', now(), now() - make_interval(days => $2))`,
      [org.id, age],
    );
  }
  // Customers' words outside conversations. "Was this helpful?" votes: an old one with a comment (emptied), a recent
  // one with a comment and an old one without (both left alone).
  const [article] = await db.query<{ id: string }>(
    `INSERT INTO kb_articles (org_id, slug, status) VALUES ($1, $2, 'published') RETURNING id`,
    [org.id, `retention-${crypto.randomBytes(3).toString('hex')}`],
  );
  for (const [visitor, age, comment] of [
    ['old-comment', 100, 'useless, my UID is 10004821 and nobody helps'],
    ['recent-comment', 5, 'helpful, thanks'],
    ['old-vote', 100, null],
  ] as const) {
    await db.query(
      `INSERT INTO kb_feedback (org_id, article_id, locale, visitor_key, helpful, comment, created_at)
       VALUES ($1, $2, 'en', $3, $4, $5, now() - make_interval(days => $6))`,
      [org.id, article.id, visitor, comment === null, comment, age],
    );
  }
  // The machine-mail log: an old entry that matched no contact goes; a recent one, and an old one about a contact
  // whose identity is kept, stay.
  for (const [age, contactId] of [
    [100, null],
    [5, null],
    [100, oldWithKept.contactId],
  ] as const) {
    await db.query(
      `INSERT INTO email_events (org_id, inbox_id, kind, address, contact_id, detail, created_at)
       VALUES ($1, $2, 'bounce', 'someone@example.test', $3, 'Undelivered: Re: my deposit', now() - make_interval(days => $4))`,
      [org.id, org.inboxId, contactId, age],
    );
  }
  return { oldWithKept, recent, oldAlone, open, legalHold, withCase, withComplaint };
}

/** The organization's feedback votes and machine-mail log as they stand. */
async function customerText(db: Queryable, orgId: string) {
  const feedback = await db.query<{ visitor_key: string; helpful: boolean; comment: string | null }>(
    'SELECT visitor_key, helpful, comment FROM kb_feedback WHERE org_id = $1 ORDER BY visitor_key',
    [orgId],
  );
  const mail = await db.query<{ age: number; contact: boolean }>(
    `SELECT extract(day FROM now() - created_at)::int AS age, contact_id IS NOT NULL AS contact
       FROM email_events WHERE org_id = $1 ORDER BY created_at, contact_id NULLS FIRST`,
    [orgId],
  );
  return { feedback, mail };
}

/** Everything of an organization retention may touch, to show a dry run leaves it as it was. */
async function snapshot(db: Queryable, orgId: string): Promise<string> {
  const tables = [
    'SELECT id, status, last_message, attributes, anonymised_at FROM conversations WHERE org_id = $1 ORDER BY id',
    'SELECT id, body, author_name, attachments FROM messages WHERE org_id = $1 ORDER BY id',
    'SELECT id FROM message_files WHERE org_id = $1 ORDER BY id',
    'SELECT id, name, email, exchange_uid, anonymised_at FROM contacts WHERE org_id = $1 ORDER BY id',
    'SELECT id FROM contact_identities WHERE org_id = $1 ORDER BY id',
    'SELECT count(*)::int AS n FROM conversation_events WHERE org_id = $1',
    'SELECT id FROM webhook_deliveries WHERE org_id = $1 ORDER BY id',
    'SELECT id FROM outbound_emails WHERE org_id = $1 ORDER BY id',
    'SELECT article_id, visitor_key, helpful, comment FROM kb_feedback WHERE org_id = $1 ORDER BY visitor_key',
    'SELECT id, contact_id, address, detail FROM email_events WHERE org_id = $1 ORDER BY id',
  ];
  const parts = [];
  for (const sql of tables) parts.push(await db.query(sql, [orgId]));
  return JSON.stringify(parts);
}

const auditOf = (db: Queryable, orgId: string, action: string) =>
  db.query<{ details: Record<string, unknown>; actor_kind: string }>(
    'SELECT details, actor_kind FROM audit_log WHERE org_id = $1 AND action = $2 ORDER BY id',
    [orgId, action],
  );

for (const database of await testDatabases()) {
  describe(`data retention (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let admin: AgentClient;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      admin = await loginAgent(server, org.agents.admin);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    test('settings: admins only, bad input is a 400 with a code, keep-forever by default', async () => {
      const initial = await admin.call('GET', '/api/agent/retention/settings');
      assert.equal(initial.status, 200, JSON.stringify(initial.body));
      assert.deepEqual(initial.body.settings, { days: null, mode: 'anonymise' });
      for (const body of [
        { days: -1, mode: 'anonymise' },
        { days: 10, mode: 'anonymise' },
        { days: 90, mode: 'shred' },
        { days: 90.5, mode: 'delete' },
        { days: 90 },
      ]) {
        const bad = await admin.call('PUT', '/api/agent/retention/settings', body);
        assert.equal(bad.status, 400, JSON.stringify(body));
        assert.equal(bad.body.error.code, 'validation_failed');
      }
      const agent = await loginAgent(server, org.agents.agent);
      const refused = await agent.call('PUT', '/api/agent/retention/settings', { days: 90, mode: 'delete' });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'forbidden');
      assert.equal((await agent.call('POST', '/api/agent/retention/run?dryRun=true')).status, 403);
      // Nothing to remove while the period is unset.
      const off = await admin.call('POST', '/api/agent/retention/run?dryRun=false');
      assert.equal(off.status, 200);
      assert.equal(off.body.days, null);
      assert.equal(off.body.conversations, 0);
    });

    test('anonymise: the dry run changes nothing and says exactly what the run removes; kept ones stay', async () => {
      const seeded = await seedOrg(db, org);
      const eventsBefore = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM conversation_events WHERE org_id = $1',
        [org.id],
      );
      const saved = await admin.call('PUT', '/api/agent/retention/settings', { days: 90, mode: 'anonymise' });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.deepEqual(saved.body.settings, { days: 90, mode: 'anonymise' });

      const before = await snapshot(db, org.id);
      const dry = await admin.call('POST', '/api/agent/retention/run?dryRun=true');
      assert.equal(dry.status, 200, JSON.stringify(dry.body));
      assert.equal(await snapshot(db, org.id), before, 'a dry run changes nothing');
      assert.equal((await auditOf(db, org.id, 'retention.run')).length, 0, 'a dry run is not a run');
      assert.equal(dry.body.dryRun, true);
      assert.equal(dry.body.conversations, 2);
      assert.equal(dry.body.messages, seeded.oldWithKept.messages + seeded.oldAlone.messages);
      assert.equal(dry.body.files, 1);
      // Only the contact with no other conversation loses its identity.
      assert.equal(dry.body.contacts, 1);
      assert.equal(dry.body.logs, 2);
      assert.equal(dry.body.feedbackComments, 1);
      assert.equal(dry.body.emailEvents, 1);
      assert.equal(dry.body.oldest.number, seeded.oldAlone.number);
      assert.equal(dry.body.newest.number, seeded.oldWithKept.number);
      assert.deepEqual(dry.body.held, {
        case: 1,
        complaint: 1,
        legalHold: 1,
        exchangeAction: 0,
        withdrawalWatch: 0,
        callback: 0,
        mergeTarget: 0,
      });

      const run = await admin.call('POST', '/api/agent/retention/run?dryRun=false');
      assert.equal(run.status, 200, JSON.stringify(run.body));
      // The cutoff is "now" less the period, so it moved on by the time between the two calls.
      const { dryRun: _d, cutoff: _c, ...ran } = run.body;
      const { dryRun: _e, cutoff: _f, ...would } = dry.body;
      assert.deepEqual(ran, would, 'the run removed exactly what the dry run said');

      // The old ones keep their shape, not their words.
      for (const gone of [seeded.oldWithKept, seeded.oldAlone]) {
        const messages = await db.query<{ body: string; author_name: string | null; author_kind: string }>(
          'SELECT body, author_name, author_kind FROM messages WHERE org_id = $1 AND conversation_id = $2',
          [org.id, gone.conversationId],
        );
        assert.equal(messages.length, gone.messages);
        for (const m of messages) {
          assert.equal(m.body, RETENTION_PLACEHOLDER);
          if (m.author_kind === 'customer') assert.equal(m.author_name, null);
        }
        const [conversation] = await db.query<{ anonymised_at: Date | null; attributes: object; last_message: any }>(
          'SELECT anonymised_at, attributes, last_message FROM conversations WHERE org_id = $1 AND id = $2',
          [org.id, gone.conversationId],
        );
        assert.ok(conversation.anonymised_at);
        assert.deepEqual(conversation.attributes, {});
        assert.equal(conversation.last_message.body, RETENTION_PLACEHOLDER);
      }
      const files = await db.query('SELECT id FROM message_files WHERE org_id = $1', [org.id]);
      assert.equal(files.length, 0);
      // The old delivery logs went, the recent ones stayed.
      const logs = await db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM webhook_deliveries WHERE org_id = $1)::int
              + (SELECT count(*) FROM outbound_emails WHERE org_id = $1)::int AS n`,
        [org.id],
      );
      assert.equal(logs[0].n, 2);
      // The old feedback comment is emptied, its vote kept; the recent comment and the old bare vote are untouched.
      // The old machine-mail entry of no contact went; the recent one and the kept contact's stayed.
      assert.deepEqual(await customerText(db, org.id), {
        feedback: [
          { visitor_key: 'old-comment', helpful: false, comment: null },
          { visitor_key: 'old-vote', helpful: true, comment: null },
          { visitor_key: 'recent-comment', helpful: false, comment: 'helpful, thanks' },
        ],
        mail: [
          { age: 100, contact: true },
          { age: 5, contact: false },
        ],
      });
      // Recent, open and held conversations keep every word.
      for (const kept of [seeded.recent, seeded.open, seeded.legalHold, seeded.withCase, seeded.withComplaint]) {
        const rows = await db.query<{ body: string }>(
          'SELECT body FROM messages WHERE org_id = $1 AND conversation_id = $2',
          [org.id, kept.conversationId],
        );
        assert.equal(rows.length, kept.messages);
        assert.ok(rows.every((r) => r.body !== RETENTION_PLACEHOLDER));
      }
      // The contact with a kept (recent) conversation keeps its identity; the other loses it.
      const contact = async (id: string) => {
        const [row] = await db.query<{ name: string | null; email: string | null; exchange_uid: string | null }>(
          'SELECT name, email, exchange_uid FROM contacts WHERE org_id = $1 AND id = $2',
          [org.id, id],
        );
        const identities = await db.query('SELECT kind FROM contact_identities WHERE org_id = $1 AND contact_id = $2', [
          org.id,
          id,
        ]);
        return { ...row, identities: identities.length };
      };
      const keptContact = await contact(seeded.oldWithKept.contactId);
      assert.ok(keptContact.name && keptContact.email && keptContact.exchange_uid);
      assert.equal(keptContact.identities, 2);
      assert.deepEqual(await contact(seeded.oldAlone.contactId), {
        name: null,
        email: null,
        exchange_uid: null,
        identities: 0,
      });
      // Reports read the event log: it keeps every (word-free) row, so past figures stay as they were.
      const eventsAfter = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM conversation_events WHERE org_id = $1',
        [org.id],
      );
      assert.equal(eventsAfter[0].n, eventsBefore[0].n);

      // Audited with the counts, appended to the chain, which still verifies.
      const [entry] = await auditOf(db, org.id, 'retention.run');
      assert.equal(entry.actor_kind, 'agent');
      assert.equal(entry.details.conversations, 2);
      assert.equal(entry.details.contacts, 1);
      assert.equal(entry.details.mode, 'anonymise');
      assert.equal(entry.details.feedbackComments, 1);
      assert.equal(entry.details.emailEvents, 1);
      assert.equal((await auditOf(db, org.id, 'retention.settings')).length, 1);
      const verified = await verifyAuditChains({ db }, { orgId: org.id });
      assert.deepEqual(verified.broken, []);
      assert.ok(verified.entries >= 3);

      // Anonymised ones are not counted again.
      const again = await admin.call('POST', '/api/agent/retention/run?dryRun=true');
      assert.equal(again.body.conversations, 0);
      assert.equal(again.body.feedbackComments, 0);
      assert.equal(again.body.emailEvents, 0);
      const settings = await admin.call('GET', '/api/agent/retention/settings');
      assert.equal(settings.body.lastRun.conversations, 2);
      assert.ok(settings.body.lastRunAt);
    });

    test('delete: old conversations and what hangs off them go, the rest stays; dryRun defaults to true', async () => {
      const other = await createTestOrg(db);
      const otherAdmin = await loginAgent(server, other.agents.admin);
      const seeded = await seedOrg(db, other);
      // A merged pair, both old: the target goes with its source.
      const source = await seedConversation(db, other, { status: 'closed', ageDays: 300 });
      const target = await seedConversation(db, other, {
        status: 'resolved',
        ageDays: 95,
        contactId: source.contactId,
      });
      await db.query('UPDATE conversations SET merged_into_id = $3 WHERE org_id = $1 AND id = $2', [
        other.id,
        source.conversationId,
        target.conversationId,
      ]);
      const saved = await otherAdmin.call('PUT', '/api/agent/retention/settings', { days: 90, mode: 'delete' });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));

      const firstOrgBefore = await snapshot(db, org.id);
      const dry = await otherAdmin.call('POST', '/api/agent/retention/run');
      assert.equal(dry.body.dryRun, true, 'dryRun defaults to true');
      assert.equal(dry.body.conversations, 4);
      assert.equal(dry.body.mode, 'delete');
      assert.equal(dry.body.oldest.number, source.number);

      const run = await otherAdmin.call('POST', '/api/agent/retention/run?dryRun=false');
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assert.equal(run.body.conversations, 4);
      assert.equal(run.body.messages, dry.body.messages);
      assert.equal(run.body.files, 1);
      assert.equal(run.body.contacts, dry.body.contacts);
      assert.equal(run.body.logs, 2);
      assert.equal(dry.body.feedbackComments, 1);
      assert.equal(run.body.feedbackComments, 1);
      assert.equal(dry.body.emailEvents, 1);
      assert.equal(run.body.emailEvents, 1);
      const text = await customerText(db, other.id);
      assert.deepEqual(
        text.feedback.map((f) => f.comment),
        [null, null, 'helpful, thanks'],
      );
      // The kept contact (a recent conversation) keeps its entry; the old entry of no contact went.
      assert.deepEqual(text.mail, [
        { age: 100, contact: true },
        { age: 5, contact: false },
      ]);
      for (const gone of [seeded.oldWithKept, seeded.oldAlone, source, target]) {
        const rows = await db.query('SELECT id FROM conversations WHERE org_id = $1 AND id = $2', [
          other.id,
          gone.conversationId,
        ]);
        assert.equal(rows.length, 0);
        const messages = await db.query('SELECT id FROM messages WHERE org_id = $1 AND conversation_id = $2', [
          other.id,
          gone.conversationId,
        ]);
        assert.equal(messages.length, 0);
        const events = await db.query('SELECT id FROM conversation_events WHERE org_id = $1 AND conversation_id = $2', [
          other.id,
          gone.conversationId,
        ]);
        assert.equal(events.length, 0);
      }
      for (const kept of [seeded.recent, seeded.open, seeded.legalHold, seeded.withCase, seeded.withComplaint]) {
        const rows = await db.query('SELECT id FROM messages WHERE org_id = $1 AND conversation_id = $2', [
          other.id,
          kept.conversationId,
        ]);
        assert.equal(rows.length, kept.messages);
      }
      const identities = await db.query('SELECT id FROM contact_identities WHERE org_id = $1 AND contact_id = $2', [
        other.id,
        seeded.oldWithKept.contactId,
      ]);
      assert.equal(identities.length, 2, 'a contact with a kept conversation keeps its identity');
      assert.equal(await snapshot(db, org.id), firstOrgBefore, "another organization's run leaves this one alone");
      const [entry] = await auditOf(db, other.id, 'retention.run');
      assert.equal(entry.details.conversations, 4);
      assert.equal(entry.details.feedbackComments, 1);
      assert.equal(entry.details.emailEvents, 1);
      assert.deepEqual((await verifyAuditChains({ db }, {})).broken, []);
    });

    test('the daily job runs every organization with a period, as the system', async () => {
      const fourth = await createTestOrg(db);
      await seedConversation(db, fourth, { status: 'resolved', ageDays: 45, messages: 2 });
      const young = await seedConversation(db, fourth, { status: 'resolved', ageDays: 20, messages: 2 });
      await db.query(`INSERT INTO retention_settings (org_id, days, mode) VALUES ($1, 30, 'delete')`, [fourth.id]);
      const log = pino({ level: 'silent' });
      await runRetentionSweep({ db, log, events: createInProcessBus(log) });
      const left = await db.query<{ id: string }>('SELECT id FROM conversations WHERE org_id = $1 ORDER BY id', [
        fourth.id,
      ]);
      assert.deepEqual(
        left.map((r) => r.id),
        [young.conversationId],
      );
      const [entry] = await auditOf(db, fourth.id, 'retention.run');
      assert.equal(entry.actor_kind, 'system');
      assert.equal(entry.details.conversations, 1);
      assert.equal(entry.details.messages, 2);

      // The job ticks hourly and passes a day: an organization that ran within it is left alone until then.
      await seedConversation(db, fourth, { status: 'resolved', ageDays: 50, messages: 1 });
      await runRetentionSweep({ db, log, events: createInProcessBus(log) }, { sinceSeconds: 86_340 });
      assert.equal((await auditOf(db, fourth.id, 'retention.run')).length, 1, 'no second run within the day');
      await db.query("UPDATE retention_settings SET last_run_at = now() - interval '1 day' WHERE org_id = $1", [
        fourth.id,
      ]);
      await runRetentionSweep({ db, log, events: createInProcessBus(log) }, { sinceSeconds: 86_340 });
      assert.equal((await auditOf(db, fourth.id, 'retention.run')).length, 2, 'a day later it runs again');
    });

    if (database.name === 'postgres')
      test('CLI: retention --dry-run prints what would go and exits 0; --apply removes it', async () => {
        const third = await createTestOrg(db);
        await seedConversation(db, third, { status: 'resolved', ageDays: 400, messages: 4 });
        await db.query(`INSERT INTO retention_settings (org_id, days, mode) VALUES ($1, 365, 'anonymise')`, [third.id]);
        const [{ schema }] = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
        const url = new URL(TEST_POSTGRES_URL);
        url.searchParams.set('options', `-c search_path=${schema}`);
        const env = { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: url.toString() };
        const before = await snapshot(db, third.id);
        const out: string[] = [];
        const io = { out: (line: string) => out.push(line), err: () => {} };
        assert.equal(await main(['retention', '--dry-run', '--org', third.slug], env, io), 0);
        assert.match(out.join('\n'), /\[dry run\]: would remove 1 conversations, #\d+…#\d+, 4 messages/);
        assert.equal(await snapshot(db, third.id), before);
        out.length = 0;
        assert.equal(await main(['retention', '--apply', '--org', third.id], env, io), 0);
        assert.match(out.join('\n'), /anonymised 1 conversations/);
        assert.notEqual(await snapshot(db, third.id), before);
        const [entry] = await auditOf(db, third.id, 'retention.run');
        assert.equal(entry.actor_kind, 'system');
        assert.equal(await main(['audit', 'verify', '--org', third.slug], env, io), 0);
      });
  });
}

describe('data retention CLI on the embedded database', () => {
  test('retention --dry-run prints and exits 0, changing nothing; a bad flag is a usage error', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-retention-'));
    const withDb = async <T>(fn: (db: Db) => Promise<T>) => {
      const db = await openPglite(dataDir);
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    };
    try {
      const org = await withDb(async (db) => {
        await migrate(db);
        const id = await insertOrg(db, { slug: 'keep-it', name: 'Keep It', requireTotp: false });
        const inboxId = await insertInbox(db, { orgId: id, kind: 'web', name: 'Web', identitySecret: null });
        await seedConversation(db, { id, inboxId }, { status: 'closed', ageDays: 60, messages: 3 });
        await db.query(`INSERT INTO retention_settings (org_id, days, mode) VALUES ($1, 30, 'delete')`, [id]);
        return { id, before: await snapshot(db, id) };
      });
      const env = { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', KEFU_DATA_DIR: dataDir };
      const out: string[] = [];
      const io = { out: (line: string) => out.push(line), err: () => {} };
      assert.equal(await main(['retention', '--dry-run', '--org', 'keep-it'], env, io), 0);
      assert.match(out.join('\n'), /delete after 30 days.*\[dry run\]: would remove 1 conversations.*3 messages/);
      assert.equal(await main(['retention', '--dry-run', '--apply'], env, io), 2);
      assert.equal(await main(['retention', '--dry-run', '--org', 'nobody'], env, io), 1);
      await withDb(async (db) => assert.equal(await snapshot(db, org.id), org.before));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
