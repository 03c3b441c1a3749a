import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { currentTotp } from '../../src/server/auth/totp.ts';
import { signIdentityToken, signToken } from '../../src/server/visitors/tokens.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

for (const database of await testDatabases()) {
  describe(`bad input gets a 4xx with a specific code, never a 500 (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let otherOrg: TestOrg;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      otherOrg = await createTestOrg(db);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    const countMessages = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages'))[0].n;

    test('malformed JSON is malformed_json and stores nothing', async () => {
      const visitor = await startVisitor(server, org);
      const before = await countMessages();
      const result = await request(`${server.url}/api/widget/conversations`, {
        method: 'POST',
        rawBody: '{"body": "hi",',
        headers: { authorization: `Bearer ${visitor.token}` },
      });
      assert.equal(result.status, 400);
      assert.equal(result.body.error.code, 'malformed_json');
      assert.equal(await countMessages(), before);
    });

    test('a message over 10,000 characters is validation_failed and stores nothing', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'hi', clientId: 'a' });
      const before = await countMessages();
      const result = await visitor.call('POST', `/api/widget/conversations/${created.body.conversation.id}/messages`, {
        body: 'x'.repeat(10_001),
        clientId: 'b',
      });
      assert.equal(result.status, 400);
      assert.equal(result.body.error.code, 'validation_failed');
      assert.match(result.body.error.message, /body/);
      assert.equal(await countMessages(), before);
      const exactly = await visitor.call('POST', `/api/widget/conversations/${created.body.conversation.id}/messages`, {
        body: 'x'.repeat(10_000),
        clientId: 'c',
      });
      assert.equal(exactly.status, 201, '10,000 characters is still allowed');
    });

    test('an unknown conversation is conversation_not_found', async () => {
      const agent = await loginAgent(server, org.agents.agent);
      const result = await agent.call('GET', '/api/agent/conversations/00000000-0000-4000-8000-000000000000');
      assert.equal(result.status, 404);
      assert.equal(result.body.error.code, 'conversation_not_found');
      const notUuid = await agent.call('GET', '/api/agent/conversations/not-a-uuid');
      assert.equal(notUuid.status, 400);
      assert.equal(notUuid.body.error.code, 'validation_failed');
    });

    test("another organization's conversation is a 404 through every route, for agents and customers", async () => {
      const theirVisitor = await startVisitor(server, otherOrg);
      const theirs = await theirVisitor.call('POST', '/api/widget/conversations', { body: 'secret', clientId: 'z' });
      const id = theirs.body.conversation.id as string;
      const agent = await loginAgent(server, org.agents.admin);
      const attempts = [
        await agent.call('GET', `/api/agent/conversations/${id}`),
        await agent.call('GET', `/api/agent/conversations/${id}/messages`),
        await agent.call('POST', `/api/agent/conversations/${id}/messages`, { body: 'hi', clientId: 'q' }),
        await agent.call('PATCH', `/api/agent/conversations/${id}`, { status: 'resolved' }),
        await agent.call('POST', `/api/agent/conversations/${id}/assign`, { agentId: org.agents.admin.id }),
      ];
      for (const attempt of attempts) {
        assert.equal(attempt.status, 404);
        assert.equal(attempt.body.error.code, 'conversation_not_found');
      }
      const list = await agent.call('GET', '/api/agent/conversations?limit=100');
      assert.equal(
        list.body.conversations.some((c: { id: string }) => c.id === id),
        false,
      );
      // Another customer of the same org cannot read it either.
      const sameOrgStranger = await startVisitor(server, otherOrg);
      const peek = await sameOrgStranger.call('GET', `/api/widget/conversations/${id}/messages`);
      assert.equal(peek.status, 404);
      const untouched = await theirVisitor.call('GET', `/api/widget/conversations/${id}/messages`);
      assert.equal(untouched.body.messages.length, 1);
    });

    test('a state-changing agent request without the CSRF token is csrf_token_invalid', async () => {
      const agent = await loginAgent(server, org.agents.agent);
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'hi', clientId: 'a' });
      const result = await request(`${server.url}/api/agent/conversations/${created.body.conversation.id}`, {
        method: 'PATCH',
        body: { status: 'resolved' },
        headers: { cookie: agent.cookie },
      });
      assert.equal(result.status, 403);
      assert.equal(result.body.error.code, 'csrf_token_invalid');
      const wrong = await request(`${server.url}/api/agent/conversations/${created.body.conversation.id}`, {
        method: 'PATCH',
        body: { status: 'resolved' },
        headers: { cookie: agent.cookie, 'x-csrf-token': 'guess' },
      });
      assert.equal(wrong.body.error.code, 'csrf_token_invalid');
      const unchanged = await agent.call('GET', `/api/agent/conversations/${created.body.conversation.id}`);
      assert.equal(unchanged.body.conversation.status, 'open');
    });

    test('no session is unauthenticated', async () => {
      const result = await request(`${server.url}/api/agent/conversations`);
      assert.equal(result.status, 401);
      assert.equal(result.body.error.code, 'unauthenticated');
    });

    test('a wrong password is invalid_credentials, the same as an unknown email', async () => {
      const wrong = await request(`${server.url}/api/agent/auth/login`, {
        method: 'POST',
        body: { email: org.agents.admin.email, password: 'nope' },
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error.code, 'invalid_credentials');
      const unknown = await request(`${server.url}/api/agent/auth/login`, {
        method: 'POST',
        body: { email: 'nobody@example.test', password: 'nope' },
      });
      assert.equal(unknown.status, 401);
      assert.equal(unknown.body.error.code, 'invalid_credentials');
    });

    test('an enrolled agent needs a TOTP code, and a wrong one is totp_invalid', async () => {
      const secure = org.agents.secure;
      const missing = await request(`${server.url}/api/agent/auth/login`, {
        method: 'POST',
        body: { email: secure.email, password: secure.password },
      });
      assert.equal(missing.status, 401);
      assert.equal(missing.body.error.code, 'totp_required');
      const code = await currentTotp(secure.totpSecret!);
      const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const wrong = await request(`${server.url}/api/agent/auth/login`, {
        method: 'POST',
        body: { email: secure.email, password: secure.password, totp: wrongCode },
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error.code, 'totp_invalid');
      const malformed = await request(`${server.url}/api/agent/auth/login`, {
        method: 'POST',
        body: { email: secure.email, password: secure.password, totp: '12ab56' },
      });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error.code, 'validation_failed');
      const ok = await request(`${server.url}/api/agent/auth/login`, {
        method: 'POST',
        body: { email: secure.email, password: secure.password, totp: code },
      });
      assert.equal(ok.status, 200);
      const replay = await request(`${server.url}/api/agent/auth/login`, {
        method: 'POST',
        body: { email: secure.email, password: secure.password, totp: code },
      });
      assert.equal(replay.body.error.code, 'totp_invalid', 'a TOTP code works once');
    });

    test('a forged, tampered or expired widget identity token is identity_token_invalid', async () => {
      const forged = signIdentityToken('not-the-exchange-secret', { uid: '1001' });
      const genuine = signIdentityToken(org.identitySecret, { uid: '1001', name: 'Ann' });
      const [payload, signature] = genuine.split('.');
      const tampered = `${Buffer.from(JSON.stringify({ uid: '9999', exp: 4e9 })).toString('base64url')}.${signature}`;
      const expired = signToken(org.identitySecret, { uid: '1001', exp: Math.floor(Date.now() / 1000) - 10 });
      for (const identityToken of [forged, tampered, expired, `${payload}`, 'garbage']) {
        const result = await request(`${server.url}/api/widget/session`, {
          method: 'POST',
          body: { org: org.slug, identityToken },
        });
        assert.equal(result.status, 401, identityToken);
        assert.equal(result.body.error.code, 'identity_token_invalid');
      }
      const accepted = await request(`${server.url}/api/widget/session`, {
        method: 'POST',
        body: { org: org.slug, identityToken: genuine },
      });
      assert.equal(accepted.status, 200);
      assert.equal(accepted.body.contact.verified, true);
      assert.equal(accepted.body.contact.name, 'Ann');
    });

    test('a forged visitor token is visitor_token_invalid', async () => {
      const result = await request(`${server.url}/api/widget/conversations`, {
        headers: { authorization: 'Bearer eyJvIjoieCJ9.forged' },
      });
      assert.equal(result.status, 401);
      assert.equal(result.body.error.code, 'visitor_token_invalid');
    });

    test('login brute force is rate-limited per account, even with the right password afterwards', async () => {
      const target = org.agents.agent;
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) {
        const result = await request(`${server.url}/api/agent/auth/login`, {
          method: 'POST',
          body: { email: target.email, password: `guess-${i}` },
        });
        codes.push(result.status);
      }
      assert.deepEqual(codes, [401, 401, 401, 401, 401, 429]);
      const right = await request(`${server.url}/api/agent/auth/login`, {
        method: 'POST',
        body: { email: target.email, password: target.password },
      });
      assert.equal(right.status, 429);
      assert.equal(right.body.error.code, 'too_many_attempts');
    });

    test('unknown routes and organizations are 404 with the error shape', async () => {
      const route = await request(`${server.url}/api/nope`);
      assert.equal(route.status, 404);
      assert.equal(route.body.error.code, 'not_found');
      const unknownOrg = await request(`${server.url}/api/widget/config?org=no-such-exchange`);
      assert.equal(unknownOrg.status, 404);
      assert.equal(unknownOrg.body.error.code, 'org_not_found');
    });
  });
}
