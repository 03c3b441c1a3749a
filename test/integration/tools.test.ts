import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import pino from 'pino';
import { mergeMessageMeta } from '../../src/server/conversations/conversation-writes.ts';
import { createManualClock } from '../../src/server/clock.ts';
import type { Ctx } from '../../src/server/context.ts';
import { postMessage } from '../../src/server/conversations/conversations.service.ts';
import { hasConversationColumn } from '../../src/server/conversations/conversations.queries.ts';
import { wakeSnoozedConversations } from '../../src/server/conversations/conversations.tools.service.ts';
import type { EventBus } from '../../src/server/events/bus.ts';
import { testDatabases } from '../helpers/databases.ts';
import { startTestServerWithBus } from '../helpers/tools-server.ts';
import {
  type AgentClient,
  connectSocket,
  createTestOrg,
  loginAgent,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

const silent = pino({ level: 'silent' });

for (const database of await testDatabases()) {
  describe(`agent tools (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let agent: AgentClient;
    let admin: AgentClient;
    let events: EventBus;

    before(async () => {
      db = await database.open();
      const started = await startTestServerWithBus(db);
      server = started;
      events = started.events;
      org = await createTestOrg(db);
      agent = await loginAgent(server, org.agents.agent);
      admin = await loginAgent(server, org.agents.admin);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    /** A customer with an exchange account opens a conversation; returns its id. */
    async function openConversation(uid: string, body = '我的 USDT 充值还没到账', locale?: 'en') {
      const visitor = await startVisitor(server, org, { uid, name: `客户${uid}` });
      if (locale)
        await db.query('UPDATE contacts SET locale = $2 WHERE org_id = $1 AND exchange_uid = $3', [
          org.id,
          locale,
          uid,
        ]);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body,
        clientId: `c-${uid}-${body.length}`,
      });
      assert.equal(created.status, 201);
      return { visitor, conversationId: created.body.conversation.id as string };
    }

    function systemCtx(): Ctx {
      return { db, log: silent, events, org: { id: org.id }, actor: { kind: 'system' } };
    }

    test('a macro is rendered for the customer, posted as a reply, and its actions and audit land together', async () => {
      const forbidden = await agent.call('POST', '/api/agent/macros', {
        name: 'x',
        shortcut: 'x',
        bodies: { en: 'x' },
      });
      assert.equal(forbidden.status, 403, 'agents use macros, they do not manage them');

      const created = await admin.call('POST', '/api/agent/macros', {
        name: '充值延迟',
        shortcut: '/Deposit-Delay',
        bodies: {
          zh: '{{contact.name}}您好，工单 #{{conversation.number}} 的充值正在区块确认中，{{agent.name}} 会持续跟进。{{ticket.eta}}',
          en: 'Hi {{contact.name | there}}, your deposit is confirming on chain.',
        },
        actions: { status: 'pending', priority: 'high', addTags: ['Deposit', 'delay'] },
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.macro.shortcut, 'deposit-delay');
      const duplicate = await admin.call('POST', '/api/agent/macros', {
        name: 'again',
        shortcut: 'deposit-delay',
        bodies: { en: 'x' },
      });
      assert.equal(duplicate.status, 409);
      const listed = await agent.call('GET', '/api/agent/macros');
      assert.deepEqual(
        listed.body.macros.map((m: { shortcut: string }) => m.shortcut),
        ['deposit-delay'],
      );

      const { conversationId } = await openConversation('U-100');
      const detail = await agent.call('GET', `/api/agent/conversations/${conversationId}`);
      const number = detail.body.conversation.number as number;
      const socket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: admin.cookie });
      await socket.waitFor((e) => e.type === 'hello');
      const applied = await agent.call(
        'POST',
        `/api/agent/conversations/${conversationId}/macros/${created.body.macro.id}/apply`,
        { clientId: 'apply-1' },
      );
      assert.equal(applied.status, 200);
      assert.equal(
        applied.body.message.body,
        `客户U-100您好，工单 #${number} 的充值正在区块确认中，agent ${org.slug} 会持续跟进。{{ticket.eta}}`,
      );
      assert.equal(applied.body.message.private, false);
      assert.deepEqual(applied.body.unknownVariables, ['ticket.eta']);
      assert.equal(applied.body.conversation.status, 'pending');
      assert.equal(applied.body.conversation.priority, 'high');
      assert.deepEqual(applied.body.conversation.tags, ['delay', 'deposit']);
      await socket.waitFor(
        (e) =>
          e.type === 'conversation.updated' && e.conversation.id === conversationId && e.conversation.tags.length === 2,
      );
      await socket.close();

      const retried = await agent.call(
        'POST',
        `/api/agent/conversations/${conversationId}/macros/${created.body.macro.id}/apply`,
        { clientId: 'apply-1' },
      );
      assert.equal(retried.body.message.id, applied.body.message.id, 'a retried apply posts the reply once');

      const english = await agent.call(
        'POST',
        `/api/agent/conversations/${conversationId}/macros/${created.body.macro.id}/apply`,
        { clientId: 'apply-2', language: 'en' },
      );
      assert.equal(english.body.message.body, 'Hi 客户U-100, your deposit is confirming on chain.');

      const audit = await admin.call('GET', `/api/agent/audit?targetId=${conversationId}`);
      const applies = audit.body.entries.filter((e: { action: string }) => e.action === 'macro.apply');
      assert.equal(applies.length, 3, 'every apply is audited, the retry too');
      const first = applies[applies.length - 1];
      assert.equal(first.details.messageId, applied.body.message.id);
      assert.deepEqual(first.details.unknownVariables, ['ticket.eta']);
      assert.deepEqual(first.details.actions, { status: 'pending', priority: 'high', addTags: ['deposit', 'delay'] });
      assert.equal(first.actorId, org.agents.agent.id);
    });

    test('a macro that asks the customer for a secret is refused by the message path and changes nothing', async () => {
      const macro = await admin.call('POST', '/api/agent/macros', {
        name: 'bad',
        shortcut: 'bad-seed',
        bodies: { en: 'Please send us your seed phrase so we can check.' },
        actions: { status: 'resolved' },
      });
      const { conversationId } = await openConversation('U-101', 'my withdrawal is stuck');
      const applied = await agent.call(
        'POST',
        `/api/agent/conversations/${conversationId}/macros/${macro.body.macro.id}/apply`,
        { clientId: 'bad-1', language: 'en' },
      );
      assert.equal(applied.status, 422);
      assert.equal(applied.body.error.code, 'message_blocked');
      const detail = await agent.call('GET', `/api/agent/conversations/${conversationId}`);
      assert.equal(detail.body.conversation.status, 'open');
      assert.equal(detail.body.messages.length, 1);
      const missing = await agent.call(
        'POST',
        `/api/agent/conversations/${conversationId}/macros/00000000-0000-4000-8000-000000000000/apply`,
        { clientId: 'x' },
      );
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'macro_not_found');
    });

    test('an @mention in an internal note notifies the mentioned agent live, and only them', async () => {
      const { conversationId } = await openConversation('U-102');
      const adminSocket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: admin.cookie });
      const agentSocket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      await adminSocket.waitFor((e) => e.type === 'hello');
      await agentSocket.waitFor((e) => e.type === 'hello');

      const publicReply = await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
        body: `@admin ${org.slug} this public reply mentions nobody`,
        clientId: 'pub-1',
      });
      assert.equal(publicReply.status, 201);
      const note = await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
        body: `@admin ${org.slug} 请帮忙看一下这笔 TRC20 充值`,
        clientId: 'note-1',
        private: true,
      });
      assert.equal(note.status, 201);

      const pushed = await adminSocket.waitFor((e) => e.type === 'notification');
      assert.ok(pushed.type === 'notification');
      assert.equal(pushed.notification.conversationId, conversationId);
      assert.equal(pushed.notification.messageId, note.body.message.id);
      assert.equal(pushed.notification.actor.id, org.agents.agent.id);
      assert.match(pushed.notification.excerpt, /TRC20/);

      const listed = await admin.call('GET', '/api/agent/notifications');
      assert.equal(listed.body.unreadCount, 1, 'the public reply did not notify');
      assert.equal(listed.body.notifications[0].id, pushed.notification.id);
      const authorList = await agent.call('GET', '/api/agent/notifications');
      assert.equal(authorList.body.notifications.length, 0);
      assert.equal(
        agentSocket.events.some((e) => e.type === 'notification'),
        false,
        'the author is not notified',
      );

      const othersRead = await agent.call('POST', '/api/agent/notifications/read', { ids: [pushed.notification.id] });
      assert.equal(othersRead.status, 200);
      assert.equal((await admin.call('GET', '/api/agent/notifications?unread=true')).body.notifications.length, 1);
      const read = await admin.call('POST', '/api/agent/notifications/read', { ids: [pushed.notification.id] });
      assert.equal(read.body.unreadCount, 0);
      assert.equal((await admin.call('GET', '/api/agent/notifications?unread=true')).body.notifications.length, 0);
      await adminSocket.close();
      await agentSocket.close();
    });

    test('tags, typed attributes and the list filters, with saved views per agent and shared', async () => {
      const first = await openConversation('U-103');
      const second = await openConversation('U-104', 'withdrawal under review', 'en');

      const tagged = await agent.call('POST', `/api/agent/conversations/${first.conversationId}/tags`, {
        add: ['VIP', 'trc20', '充值'],
      });
      assert.deepEqual(tagged.body.conversation.tags, ['trc20', 'vip', '充值']);
      const untagged = await agent.call('POST', `/api/agent/conversations/${first.conversationId}/tags`, {
        remove: ['trc20'],
      });
      assert.deepEqual(untagged.body.conversation.tags, ['vip', '充值']);
      const badTag = await agent.call('POST', `/api/agent/conversations/${first.conversationId}/tags`, {
        add: ['no spaces allowed'],
      });
      assert.equal(badTag.status, 400);

      const byTag = await agent.call('GET', `/api/agent/conversations?tag=${encodeURIComponent('充值')}`);
      assert.deepEqual(
        byTag.body.conversations.map((c: { id: string }) => c.id),
        [first.conversationId],
      );

      assert.equal(
        (
          await agent.call('POST', '/api/agent/attribute-definitions', {
            key: 'network',
            label: 'Network',
            type: 'list',
            options: ['TRC20', 'ERC20'],
          })
        ).status,
        403,
      );
      for (const definition of [
        { key: 'network', label: 'Network', type: 'list', options: ['TRC20', 'ERC20'] },
        { key: 'amount', label: 'Amount', type: 'number' },
        { key: 'due', label: 'Due', type: 'date' },
      ]) {
        assert.equal((await admin.call('POST', '/api/agent/attribute-definitions', definition)).status, 201);
      }
      const set = await agent.call('PATCH', `/api/agent/conversations/${first.conversationId}/attributes`, {
        values: { network: 'TRC20', amount: 1500.5, due: '2026-03-01' },
      });
      assert.equal(set.status, 200);
      assert.deepEqual(set.body.conversation.attributes, { network: 'TRC20', amount: 1500.5, due: '2026-03-01' });
      const wrongType = await agent.call('PATCH', `/api/agent/conversations/${first.conversationId}/attributes`, {
        values: { amount: 'a lot' },
      });
      assert.equal(wrongType.body.error.code, 'attribute_invalid');
      const unknown = await agent.call('PATCH', `/api/agent/conversations/${first.conversationId}/attributes`, {
        values: { colour: 'red' },
      });
      assert.equal(unknown.body.error.code, 'attribute_unknown');
      const removed = await agent.call('PATCH', `/api/agent/conversations/${first.conversationId}/attributes`, {
        values: { due: null },
      });
      assert.deepEqual(removed.body.conversation.attributes, { network: 'TRC20', amount: 1500.5 });

      // The bot's reading of the customer, written the way the bot writes it: meta on the customer message, then a
      // reply that points at it. The conversation carries the intent and language from then on.
      const detail = await agent.call('GET', `/api/agent/conversations/${second.conversationId}`);
      const customerMessageId = detail.body.messages[0].id as string;
      await mergeMessageMeta(db, org.id, customerMessageId, {
        bot: { intent: 'withdrawal_status', language: 'en', confidence: 0.9 },
      });
      const socket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      await socket.waitFor((e) => e.type === 'hello');
      await postMessage({ ...systemCtx(), actor: { kind: 'bot', name: 'Assistant' } }, second.conversationId, {
        body: 'Your withdrawal is under review.',
        clientId: 'bot-1',
        meta: { bot: { inReplyTo: customerMessageId, action: 'answer' } },
      });
      await socket.waitFor(
        (e) =>
          e.type === 'conversation.updated' &&
          e.conversation.id === second.conversationId &&
          e.conversation.lastIntent === 'withdrawal_status',
      );
      await socket.close();

      const byIntent = await agent.call('GET', '/api/agent/conversations?intent=withdrawal_status');
      assert.deepEqual(
        byIntent.body.conversations.map((c: { id: string }) => c.id),
        [second.conversationId],
      );
      const byLanguage = await agent.call('GET', '/api/agent/conversations?language=en');
      assert.deepEqual(
        byLanguage.body.conversations.map((c: { id: string; lastLanguage: string }) => [c.id, c.lastLanguage]),
        [[second.conversationId, 'en']],
      );
      const badIntent = await agent.call('GET', '/api/agent/conversations?intent=DROP%20TABLE');
      assert.equal(badIntent.status, 400);

      const slaColumn = await hasConversationColumn(db, 'sla_risk');
      const bySla = await agent.call('GET', '/api/agent/conversations?slaRisk=at_risk');
      if (slaColumn) assert.equal(bySla.status, 200);
      else assert.equal(bySla.body.error.code, 'filter_unavailable', 'an SLA filter without SLA data says so');

      const mine = await agent.call('POST', '/api/agent/views', {
        name: '充值 VIP',
        filters: { tag: '充值', status: 'open' },
      });
      assert.equal(mine.status, 201);
      assert.equal(mine.body.view.shared, false);
      const sharedByAgent = await agent.call('POST', '/api/agent/views', {
        name: 'All English',
        filters: { language: 'en' },
        shared: true,
      });
      assert.equal(sharedByAgent.status, 403);
      const shared = await admin.call('POST', '/api/agent/views', {
        name: 'Withdrawals',
        filters: { intent: 'withdrawal_status' },
        shared: true,
      });
      assert.equal(shared.status, 201);
      const agentViews = await agent.call('GET', '/api/agent/views');
      assert.deepEqual(
        agentViews.body.views.map((v: { name: string; shared: boolean }) => [v.name, v.shared]),
        [
          ['充值 VIP', false],
          ['Withdrawals', true],
        ],
      );
      const adminViews = await admin.call('GET', '/api/agent/views');
      assert.deepEqual(
        adminViews.body.views.map((v: { name: string }) => v.name),
        ['Withdrawals'],
        "another agent's personal view stays personal",
      );
      assert.equal((await admin.call('DELETE', `/api/agent/views/${mine.body.view.id}`)).status, 404);
      assert.equal((await agent.call('PATCH', `/api/agent/views/${shared.body.view.id}`, { name: 'x' })).status, 403);
      assert.equal((await agent.call('DELETE', `/api/agent/views/${mine.body.view.id}`)).status, 204);
    });

    test('a snoozed conversation wakes when the clock passes its time, or when the customer writes', async () => {
      const clock = createManualClock(new Date());
      const { visitor, conversationId } = await openConversation('U-105');
      const past = await agent.call('POST', `/api/agent/conversations/${conversationId}/snooze`, {
        until: new Date(Date.now() - 60_000).toISOString(),
      });
      assert.equal(past.status, 400);

      const until = new Date(clock.now().getTime() + 2 * 3600_000).toISOString();
      const snoozed = await agent.call('POST', `/api/agent/conversations/${conversationId}/snooze`, { until });
      assert.equal(snoozed.status, 200);
      assert.equal(snoozed.body.conversation.status, 'snoozed');
      assert.equal(snoozed.body.conversation.snoozedUntil, until);
      const listed = await agent.call('GET', '/api/agent/conversations?status=snoozed');
      assert.ok(listed.body.conversations.some((c: { id: string }) => c.id === conversationId));

      const socket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      await socket.waitFor((e) => e.type === 'hello');
      clock.advance(3600_000);
      assert.deepEqual(await wakeSnoozedConversations(systemCtx(), clock.now()), [], 'not due after one hour');
      clock.advance(3600_000);
      assert.deepEqual(await wakeSnoozedConversations(systemCtx(), clock.now()), [conversationId]);
      await socket.waitFor(
        (e) =>
          e.type === 'conversation.updated' && e.conversation.id === conversationId && e.conversation.status === 'open',
      );
      const woken = await agent.call('GET', `/api/agent/conversations/${conversationId}`);
      assert.equal(woken.body.conversation.status, 'open');
      assert.equal(woken.body.conversation.snoozedUntil, null);
      assert.deepEqual(await wakeSnoozedConversations(systemCtx(), clock.now()), [], 'woken once');

      const untilReply = await agent.call('POST', `/api/agent/conversations/${conversationId}/snooze`, {});
      assert.equal(untilReply.body.conversation.status, 'snoozed');
      assert.equal(untilReply.body.conversation.snoozedUntil, null);
      clock.advance(30 * 24 * 3600_000);
      assert.deepEqual(await wakeSnoozedConversations(systemCtx(), clock.now()), [], 'no time wakes it');
      await visitor.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
        body: '还没到账',
        clientId: 'again-1',
      });
      const reopened = await agent.call('GET', `/api/agent/conversations/${conversationId}`);
      assert.equal(reopened.body.conversation.status, 'open', 'the customer writing wakes it');
      const audit = await admin.call('GET', `/api/agent/audit?targetId=${conversationId}`);
      const actions = audit.body.entries.map((e: { action: string }) => e.action);
      assert.ok(actions.includes('conversation.wake'));
      assert.equal(actions.filter((a: string) => a === 'conversation.snooze').length, 2);
      await socket.close();
    });

    test('merging keeps the history readable from the survivor and is refused across customers', async () => {
      const older = await openConversation('U-106', '充值没到账');
      const newer = await startVisitor(server, org, { uid: 'U-106', name: '客户U-106' });
      const second = await newer.call('POST', '/api/widget/conversations', { body: 'TXID 0xabc', clientId: 'm-2' });
      const survivorId = second.body.conversation.id as string;
      const stranger = await openConversation('U-107');

      const across = await agent.call('POST', `/api/agent/conversations/${older.conversationId}/merge`, {
        intoConversationId: stranger.conversationId,
      });
      assert.equal(across.status, 409);
      assert.equal(across.body.error.code, 'merge_refused');
      const self = await agent.call('POST', `/api/agent/conversations/${survivorId}/merge`, {
        intoConversationId: survivorId,
      });
      assert.equal(self.body.error.code, 'merge_refused');

      await agent.call('POST', `/api/agent/conversations/${older.conversationId}/tags`, { add: ['deposit'] });
      const merged = await agent.call('POST', `/api/agent/conversations/${older.conversationId}/merge`, {
        intoConversationId: survivorId,
      });
      assert.equal(merged.status, 200);
      assert.equal(merged.body.conversation.id, survivorId);
      assert.ok(merged.body.conversation.tags.includes('deposit'), 'the survivor takes the tags');

      const oldDetail = await agent.call('GET', `/api/agent/conversations/${older.conversationId}`);
      assert.equal(oldDetail.body.conversation.status, 'closed');
      assert.equal(oldDetail.body.conversation.mergedIntoId, survivorId);
      const history = await agent.call('GET', `/api/agent/conversations/${survivorId}/history`);
      const bodies = history.body.messages.map((m: { body: string }) => m.body);
      assert.ok(bodies.includes('充值没到账'), "the merged conversation's messages are read from the survivor");
      assert.ok(bodies.includes('TXID 0xabc'));
      assert.deepEqual(
        history.body.conversations.map((c: { id: string }) => c.id),
        [survivorId, older.conversationId],
      );
      const viaMerged = await agent.call('GET', `/api/agent/conversations/${older.conversationId}/history`);
      assert.equal(viaMerged.body.messages.length, history.body.messages.length, 'either id gives the whole history');
      const survivorDetail = await agent.call('GET', `/api/agent/conversations/${survivorId}`);
      assert.ok(
        survivorDetail.body.messages.some(
          (m: { private: boolean; meta: { merge?: unknown } }) => m.private && m.meta.merge,
        ),
      );

      const again = await agent.call('POST', `/api/agent/conversations/${older.conversationId}/merge`, {
        intoConversationId: survivorId,
      });
      assert.equal(again.body.error.code, 'merge_refused');
      const customerSend = await older.visitor.call(
        'POST',
        `/api/widget/conversations/${older.conversationId}/messages`,
        {
          body: 'hello?',
          clientId: 'late',
        },
      );
      assert.equal(customerSend.status, 409, 'the merged conversation is closed');
    });

    test('a transcript has labelled internal notes and never a secret, as text or JSON', async () => {
      const phrase = entropyToMnemonic(new Uint8Array(16).fill(9), wordlist);
      const { conversationId } = await openConversation('U-108', `我的助记词是 ${phrase} 请帮我找回`);
      await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
        body: `internal: customer pasted ${phrase} earlier`,
        clientId: 'n-secret',
        private: true,
      });
      await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
        body: '请勿向任何人透露助记词。',
        clientId: 'r-1',
      });
      const firstWords = phrase.split(' ').slice(0, 4).join(' ');

      const text = await fetch(`${server.url}/api/agent/conversations/${conversationId}/transcript?format=txt`, {
        headers: { cookie: agent.cookie },
      });
      assert.equal(text.status, 200);
      assert.match(text.headers.get('content-type') ?? '', /text\/plain/);
      assert.match(text.headers.get('content-disposition') ?? '', /attachment; filename="conversation-\d+\.txt"/);
      const body = await text.text();
      assert.match(body, /\[INTERNAL NOTE — not visible to the customer\]:\n {4}internal: customer pasted/);
      assert.match(body, /请勿向任何人透露助记词。/);
      assert.equal(body.includes(firstWords), false, 'no seed phrase in the text transcript');

      const json = await agent.call('GET', `/api/agent/conversations/${conversationId}/transcript?format=json`);
      assert.equal(json.status, 200);
      const notes = json.body.messages.filter((m: { private: boolean }) => m.private);
      assert.equal(notes.length, 1);
      assert.equal(JSON.stringify(json.body).includes(firstWords), false, 'no seed phrase in the JSON transcript');
      assert.equal(
        (await agent.call('GET', `/api/agent/conversations/${conversationId}/transcript?format=pdf`)).status,
        400,
      );
      const visitorTry = await fetch(`${server.url}/api/agent/conversations/${conversationId}/transcript`);
      assert.equal(visitorTry.status, 401);
      const audit = await admin.call('GET', `/api/agent/audit?targetId=${conversationId}`);
      assert.ok(audit.body.entries.some((e: { action: string }) => e.action === 'conversation.transcript_export'));
    });

    test('an agent opening a conversation another agent has open sees them, and sees them leave', async () => {
      const { conversationId } = await openConversation('U-109');
      const first = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      const second = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: admin.cookie });
      await first.waitFor((e) => e.type === 'hello');
      await second.waitFor((e) => e.type === 'hello');

      first.send({ type: 'viewing', conversationId, viewing: true });
      const seenBySecond = await second.waitFor((e) => e.type === 'viewing' && e.conversationId === conversationId);
      assert.ok(seenBySecond.type === 'viewing');
      assert.equal(seenBySecond.agent.id, org.agents.agent.id);
      assert.equal(seenBySecond.viewing, true);

      second.send({ type: 'viewing', conversationId, viewing: true });
      const seenByFirst = await first.waitFor((e) => e.type === 'viewing' && e.agent.id === org.agents.admin.id);
      assert.ok(seenByFirst.type === 'viewing' && seenByFirst.viewing);
      // The agent who arrived second also learns who was there first (a re-announcement), not only the reverse.
      await second.waitFor(
        (e) =>
          e.type === 'viewing' &&
          e.agent.id === org.agents.agent.id &&
          second.events.filter((x) => x.type === 'viewing').length >= 2,
      );

      second.send({ type: 'typing', conversationId, typing: true });
      const typing = await first.waitFor((e) => e.type === 'typing' && e.conversationId === conversationId);
      assert.ok(typing.type === 'typing' && typing.author.kind === 'agent');

      await first.close();
      const left = await second.waitFor(
        (e) => e.type === 'viewing' && e.agent.id === org.agents.agent.id && e.viewing === false,
      );
      assert.ok(left.type === 'viewing');
      assert.equal(
        first.events.some((e) => e.type === 'viewing' && e.agent.id === org.agents.agent.id),
        false,
        'an agent is never warned about themselves',
      );

      const customer = await startVisitor(server, org);
      const customerSocket = await connectSocket(
        `${server.wsUrl}/api/widget/ws?token=${encodeURIComponent(customer.token)}`,
      );
      customerSocket.send({ type: 'viewing', conversationId, viewing: true });
      const refused = await customerSocket.waitFor((e) => e.type === 'error');
      assert.ok(refused.type === 'error' && refused.code === 'forbidden');
      await customerSocket.close();
      await second.close();
    });

    test("another organization's conversations, macros and views are invisible", async () => {
      const other = await createTestOrg(db);
      const otherAdmin = await loginAgent(server, other.agents.admin);
      const { conversationId } = await openConversation('U-110');
      const macros = await agent.call('GET', '/api/agent/macros');
      const macroId = macros.body.macros[0].id as string;
      for (const [method, path, body] of [
        ['POST', `/api/agent/conversations/${conversationId}/tags`, { add: ['x'] }],
        ['POST', `/api/agent/conversations/${conversationId}/snooze`, {}],
        ['GET', `/api/agent/conversations/${conversationId}/history`, undefined],
        ['GET', `/api/agent/conversations/${conversationId}/transcript`, undefined],
        ['PATCH', `/api/agent/macros/${macroId}`, { name: 'mine now' }],
      ] as const) {
        const result = await otherAdmin.call(method, path, body);
        assert.equal(result.status, 404, `${method} ${path}`);
      }
      assert.deepEqual((await otherAdmin.call('GET', '/api/agent/macros')).body.macros, []);
      assert.deepEqual((await otherAdmin.call('GET', '/api/agent/views')).body.views, []);
      assert.deepEqual((await otherAdmin.call('GET', '/api/agent/tags')).body.tags, []);
    });
  });
}
