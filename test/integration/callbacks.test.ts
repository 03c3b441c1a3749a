import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { callbackWindow } from '../../src/server/callbacks/callbacks.service.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

const request = (phone: string, extra: Record<string, unknown> = {}) => ({
  phone,
  day: 'tomorrow',
  fromHour: 10,
  toHour: 12,
  timeZone: 'Asia/Shanghai',
  locale: 'zh-CN',
  note: '提现一直没到账',
  ...extra,
});

describe('callback windows', () => {
  test('tomorrow 10–12 in Shanghai is 02:00–04:00 UTC the next day', () => {
    const w = callbackWindow(
      { day: 'tomorrow', fromHour: 10, toHour: 12, timeZone: 'Asia/Shanghai' },
      new Date('2026-03-07T20:00:00Z'), // 04:00 on 8 March in Shanghai
    );
    assert.equal(w.start.toISOString(), '2026-03-09T02:00:00.000Z');
    assert.equal(w.end.toISOString(), '2026-03-09T04:00:00.000Z');
  });
  test('a window already over is refused; one under way starts now', () => {
    const now = new Date('2026-03-08T15:30:00Z'); // 10:30 in New York (EDT from 8 March)
    assert.throws(
      () => callbackWindow({ day: 'today', fromHour: 8, toHour: 10, timeZone: 'America/New_York' }, now),
      (e: Error & { code?: string }) => e.code === 'callback_window_invalid',
    );
    const w = callbackWindow({ day: 'today', fromHour: 10, toHour: 24, timeZone: 'America/New_York' }, now);
    assert.equal(w.start.toISOString(), now.toISOString());
    assert.equal(w.end.toISOString(), '2026-03-09T04:00:00.000Z');
  });
});

for (const database of await testDatabases()) {
  describe(`phone callbacks (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let agent: AgentClient;
    /** Sees the number in full (a plain agent sees it masked: pii-masking.test.ts). */
    let supervisor: AgentClient;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      agent = await loginAgent(server, org.agents.agent);
      supervisor = await loginAgent(server, org.agents.secure);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    async function requestCallback(phone = '+86 138 0013 8000') {
      const visitor = await startVisitor(server, org, { uid: `u-${crypto.randomBytes(4).toString('hex')}` });
      const res = await visitor.call('POST', '/api/widget/callbacks', request(phone));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return { visitor, res };
    }

    test('a valid request opens a phone conversation with the number as the contact identity', async () => {
      const { res } = await requestCallback();
      assert.equal(res.body.callback.phone, `${'•'.repeat(9)}8000`);
      assert.equal(res.body.callback.status, 'requested');
      assert.equal(res.body.callback.windowStart.slice(11), '02:00:00.000Z');
      const detail = await supervisor.call('GET', `/api/agent/conversations/${res.body.conversationId}`);
      assert.equal(detail.status, 200);
      const conversation = detail.body.conversation;
      assert.equal(conversation.channel, 'phone');
      assert.equal(conversation.priority, 'high');
      assert.ok(conversation.tags.includes('callback'));
      assert.ok(
        conversation.contact.identities.some(
          (i: { kind: string; value: string }) => i.kind === 'phone' && i.value === '+8613800138000',
        ),
        JSON.stringify(conversation.contact.identities),
      );
      const [first] = detail.body.messages;
      assert.equal(first.authorKind, 'customer');
      assert.match(first.body, /请给我回电：•+8000/);
      assert.ok(!first.body.includes('13800138000'), 'the message masks the number');
      assert.match(first.body, /提现一直没到账/);

      const calls = await supervisor.call('GET', `/api/agent/conversations/${res.body.conversationId}/calls`);
      assert.equal(calls.status, 200);
      assert.equal(calls.body.callbacks.length, 1);
      assert.equal(calls.body.callbacks[0].phone, '+8613800138000');
      assert.equal(calls.body.callbacks[0].timeZone, 'Asia/Shanghai');
      assert.equal(calls.body.callbacks[0].locale, 'zh-CN');
      assert.deepEqual(calls.body.calls, []);

      // It shows in the agents' inbox among the others.
      const list = await agent.call('GET', '/api/agent/conversations?assignee=all');
      assert.ok(list.body.conversations.some((c: { id: string }) => c.id === res.body.conversationId));
      // A second callback reuses the organization's one phone inbox.
      const again = await requestCallback('+886 912 345 678');
      const other = await agent.call('GET', `/api/agent/conversations/${again.res.body.conversationId}`);
      assert.equal(other.body.conversation.inboxId, conversation.inboxId);
    });

    test('an invalid number is a 400 phone_invalid and stores nothing', async () => {
      const count = async () => {
        const [row] = await db.query<{ c: number; i: number; r: number }>(
          `SELECT (SELECT count(*)::int FROM conversations WHERE org_id = $1) AS c,
                  (SELECT count(*)::int FROM contact_identities WHERE org_id = $1 AND kind = 'phone') AS i,
                  (SELECT count(*)::int FROM callback_requests WHERE org_id = $1) AS r`,
          [org.id],
        );
        return row;
      };
      const beforeCounts = await count();
      const visitor = await startVisitor(server, org);
      for (const phone of ['12345', '+86 123', 'call me maybe']) {
        const res = await visitor.call('POST', '/api/widget/callbacks', request(phone));
        assert.equal(res.status, 400, phone);
        assert.equal(res.body.error.code, 'phone_invalid', phone);
      }
      const past = await visitor.call(
        'POST',
        '/api/widget/callbacks',
        request('+8613800138000', { day: 'today', fromHour: 0, toHour: 1, timeZone: 'Pacific/Kiritimati' }),
      );
      // 00:00–01:00 today on the clock furthest ahead is over unless the test runs in that very hour.
      if (past.status !== 201) assert.equal(past.body.error.code, 'callback_window_invalid');
      const bad = await visitor.call(
        'POST',
        '/api/widget/callbacks',
        request('+8613800138000', { timeZone: 'Mars/Base' }),
      );
      assert.equal(bad.status, 400);
      if (past.status !== 201) assert.deepEqual(await count(), beforeCounts);
    });

    test('a logged call shows in the timeline as a private note and completes the callback', async () => {
      const { res, visitor } = await requestCallback();
      const id = res.body.conversationId;
      const missed = await agent.call('POST', `/api/agent/conversations/${id}/calls`, {
        direction: 'outbound',
        durationSeconds: 0,
        outcome: 'no_answer',
      });
      assert.equal(missed.status, 201, JSON.stringify(missed.body));
      assert.equal(missed.body.callback.status, 'missed');
      const logged = await agent.call('POST', `/api/agent/conversations/${id}/calls`, {
        direction: 'outbound',
        durationSeconds: 125,
        outcome: 'reached',
        notes: 'Explained the withdrawal delay; customer satisfied.',
      });
      assert.equal(logged.status, 201, JSON.stringify(logged.body));
      assert.equal(logged.body.callback.status, 'done');
      assert.equal(logged.body.call.durationSeconds, 125);
      assert.equal(logged.body.call.agent.id, org.agents.agent.id);

      const detail = await agent.call('GET', `/api/agent/conversations/${id}`);
      const notes = detail.body.messages.filter((m: { meta: { call?: unknown } }) => m.meta.call);
      assert.equal(notes.length, 2);
      const last = detail.body.messages[detail.body.messages.length - 1];
      assert.equal(last.id, logged.body.call.messageId);
      assert.equal(last.private, true);
      assert.equal(last.meta.call.outcome, 'reached');
      assert.match(last.body, /2:05/);
      assert.match(last.body, /Explained the withdrawal delay/);

      // The customer never sees the call notes.
      const seen = await visitor.call('GET', `/api/widget/conversations/${id}/messages`);
      assert.ok(seen.body.messages.every((m: { private: boolean; meta: { call?: unknown } }) => !m.meta.call));

      const calls = await agent.call('GET', `/api/agent/conversations/${id}/calls`);
      assert.equal(calls.body.callbacks[0].status, 'done');
      assert.deepEqual(
        calls.body.calls.map((c: { outcome: string }) => c.outcome),
        ['reached', 'no_answer'],
      );
      const audit = await db.query<{ action: string }>(
        "SELECT action FROM audit_log WHERE org_id = $1 AND target_id = $2 AND action = 'call.log'",
        [org.id, id],
      );
      assert.equal(audit.length, 2);
    });

    test('calls can be logged on any conversation, and a seed phrase in the notes is redacted', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: 'please call me',
        clientId: crypto.randomUUID(),
      });
      assert.equal(created.status, 201);
      const id = created.body.conversation.id;
      const seed = entropyToMnemonic(crypto.randomBytes(16), wordlist);
      const logged = await agent.call('POST', `/api/agent/conversations/${id}/calls`, {
        direction: 'inbound',
        durationSeconds: 61,
        outcome: 'reached',
        notes: `Customer read out their words: ${seed} — told them never to share it.`,
      });
      assert.equal(logged.status, 201, JSON.stringify(logged.body));
      assert.equal(logged.body.callback, null);
      assert.ok(!logged.body.call.notes.includes(seed), logged.body.call.notes);
      assert.match(logged.body.call.notes, /told them never to share it/);
      const stored = await db.query<{ notes: string }>('SELECT notes FROM call_logs WHERE org_id = $1 AND id = $2', [
        org.id,
        logged.body.call.id,
      ]);
      assert.ok(!stored[0].notes.includes(seed));
      const [message] = await db.query<{ body: string }>('SELECT body FROM messages WHERE org_id = $1 AND id = $2', [
        org.id,
        logged.body.call.messageId,
      ]);
      assert.ok(!message.body.includes(seed), message.body);
      const detail = await agent.call('GET', `/api/agent/conversations/${id}`);
      assert.equal(detail.body.conversation.channel, 'web');
    });

    test('only agents log or read calls', async () => {
      const { res, visitor } = await requestCallback();
      const id = res.body.conversationId;
      const body = { direction: 'outbound', durationSeconds: 10, outcome: 'reached' };
      const asVisitor = await visitor.call('POST', `/api/agent/conversations/${id}/calls`, body);
      assert.equal(asVisitor.status, 401);
      const anonymous = await fetch(`${server.url}/api/agent/conversations/${id}/calls`);
      assert.equal(anonymous.status, 401);
      const noCsrf = await fetch(`${server.url}/api/agent/conversations/${id}/calls`, {
        method: 'POST',
        headers: { cookie: agent.cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(noCsrf.status, 403);
      // Another organization's agent gets "not found".
      const otherOrg = await createTestOrg(db);
      const stranger = await loginAgent(server, otherOrg.agents.agent);
      const foreign = await stranger.call('POST', `/api/agent/conversations/${id}/calls`, body);
      assert.equal(foreign.status, 404);
      const bad = await agent.call('POST', `/api/agent/conversations/${id}/calls`, { ...body, outcome: 'hung_up' });
      assert.equal(bad.status, 400);
      const [{ count }] = await db.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM call_logs WHERE org_id = $1 AND conversation_id = $2',
        [org.id, id],
      );
      assert.equal(count, 0);
    });
  });
}
