import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { unseal } from '../../src/server/secrets/sealed.ts';
import { signIdentityToken, signToken, signVisitorToken } from '../../src/server/visitors/tokens.ts';
import { VISITOR_RENEWAL_GRACE_SECONDS } from '../../src/server/visitors/visitors.service.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  connectSocket,
  createTestOrg,
  type HttpResult,
  request,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How the server answers a widget socket opened with `token`: the close code, or 'open' once it says hello. */
function socketOutcome(wsUrl: string, token: string): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${wsUrl}/api/widget/ws?token=${encodeURIComponent(token)}`);
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'hello') {
        socket.close();
        resolve('open');
      }
    });
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

for (const database of await testDatabases()) {
  describe(`widget visitor tokens expire and renew (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let visitorKey: string;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      const [secret] = await db.query<{ value: string }>(
        "SELECT value FROM app_secrets WHERE name = 'visitor_token_key'",
      );
      // Stored sealed (secrets/sealed.ts).
      visitorKey = unseal(secret.value);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    /** A visitor (anonymous, or signed in as `identity`) with one conversation. */
    async function visitorWithConversation(identity?: { uid: string }) {
      const visitor = await startVisitor(server, org, identity);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'my deposit', clientId: 'c1' });
      assert.equal(created.status, 201);
      const session = await request(`${server.url}/api/widget/session`, {
        method: 'POST',
        body: { org: org.slug, visitorToken: visitor.token },
      });
      return { visitor, contactId: session.body.contact.id as string, conversationId: created.body.conversation.id };
    }

    function renew(body: { visitorToken: string; identityToken?: string }): Promise<HttpResult> {
      return request(`${server.url}/api/widget/session`, { method: 'POST', body: { org: org.slug, ...body } });
    }

    function listWith(token: string): Promise<HttpResult> {
      return request(`${server.url}/api/widget/conversations`, { headers: { authorization: `Bearer ${token}` } });
    }

    test('a session says when its token expires, about a day ahead', async () => {
      const session = await renew({ visitorToken: 'none' });
      const expiresAt = Date.parse(session.body.visitorTokenExpiresAt);
      assert.ok(expiresAt > Date.now() + DAY_MS - 60 * 60 * 1000 && expiresAt <= Date.now() + DAY_MS);
    });

    test('an expired token is refused on the API and on the WebSocket', async () => {
      const { contactId } = await visitorWithConversation();
      const expired = signVisitorToken(visitorKey, org.id, contactId, Date.now() - DAY_MS - 1000).token;
      const refused = await listWith(expired);
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error.code, 'visitor_token_invalid');
      assert.match(refused.body.error.message, /expired/);
      assert.equal(await socketOutcome(server.wsUrl, expired), 4401);
    });

    test('renewing with an expired token gives a fresh token for the same visitor and conversation', async () => {
      const { contactId, conversationId } = await visitorWithConversation();
      const expired = signVisitorToken(visitorKey, org.id, contactId, Date.now() - 10 * DAY_MS).token;
      const renewed = await renew({ visitorToken: expired });
      assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
      assert.notEqual(renewed.body.visitorToken, expired);
      assert.equal(renewed.body.contact.id, contactId);
      assert.equal(renewed.body.conversation.id, conversationId);

      const token = renewed.body.visitorToken as string;
      const list = await listWith(token);
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.conversations.map((c: { id: string }) => c.id),
        [conversationId],
      );
      const socket = await connectSocket(`${server.wsUrl}/api/widget/ws?token=${encodeURIComponent(token)}`);
      socket.send({ type: 'subscribe', conversationId, afterSeq: 0 });
      await socket.waitFor((e) => e.type === 'subscribed' && e.conversationId === conversationId);
      await socket.close();
    });

    test('a token from before tokens expired (v1) is refused on the API, and renews into the same conversation', async () => {
      const { contactId, conversationId } = await visitorWithConversation();
      const legacy = signToken(visitorKey, { o: org.id, c: contactId, v: 1 });
      assert.equal((await listWith(legacy)).status, 401);
      assert.equal(await socketOutcome(server.wsUrl, legacy), 4401);
      const renewed = await renew({ visitorToken: legacy });
      assert.equal(renewed.body.contact.id, contactId);
      assert.equal(renewed.body.conversation.id, conversationId);
      assert.equal((await listWith(renewed.body.visitorToken)).status, 200);
    });

    test('a token expired longer than the grace window starts a new visitor', async () => {
      const { contactId } = await visitorWithConversation();
      const issuedAt = Date.now() - DAY_MS - VISITOR_RENEWAL_GRACE_SECONDS * 1000 - 60_000;
      const renewed = await renew({ visitorToken: signVisitorToken(visitorKey, org.id, contactId, issuedAt).token });
      assert.equal(renewed.status, 200);
      assert.notEqual(renewed.body.contact.id, contactId);
      assert.equal(renewed.body.conversation, null);
    });

    test('a v1 token of a visitor not seen for longer than the grace window starts a new visitor', async () => {
      const { contactId } = await visitorWithConversation();
      const longAgo = new Date(Date.now() - VISITOR_RENEWAL_GRACE_SECONDS * 1000 - DAY_MS);
      await db.query('UPDATE contacts SET updated_at = $3 WHERE org_id = $1 AND id = $2', [org.id, contactId, longAgo]);
      await db.query('UPDATE conversations SET last_activity_at = $3 WHERE org_id = $1 AND contact_id = $2', [
        org.id,
        contactId,
        longAgo,
      ]);
      const renewed = await renew({ visitorToken: signToken(visitorKey, { o: org.id, c: contactId, v: 1 }) });
      assert.notEqual(renewed.body.contact.id, contactId);
    });

    test('an account-bound visitor renews only with the exchange’s identity token', async () => {
      const uid = `uid-${Date.now()}`;
      const { contactId, conversationId } = await visitorWithConversation({ uid });
      const expired = signVisitorToken(visitorKey, org.id, contactId, Date.now() - DAY_MS - 1000).token;
      const anonymous = await renew({ visitorToken: expired });
      assert.notEqual(anonymous.body.contact.id, contactId, 'an old token alone does not reopen an account’s chat');
      assert.equal(anonymous.body.contact.verified, false);
      const signedIn = await renew({
        visitorToken: expired,
        identityToken: signIdentityToken(org.identitySecret, { uid }),
      });
      assert.equal(signedIn.body.contact.id, contactId);
      assert.equal(signedIn.body.conversation.id, conversationId);
    });
  });
}
