import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/server/db/db.ts';
import { getExchangeConnector } from '../../src/server/exchange/exchange.service.ts';
import { ExchangeUnavailableError, WITHDRAWAL_STATES } from '../../src/server/exchange/exchange.types.ts';
import { addSandboxCustomer, createSandboxExchange } from '../../src/server/exchange/sandbox.ts';
import { demoSandboxCustomers, seedSandboxExchange } from '../../src/server/seed/demo-exchange-customers.ts';
import { testDatabases } from '../helpers/databases.ts';
import { type ExchangeTestServer, startExchangeServer } from '../helpers/exchange-server.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

const DEMO_UIDS = ['28810375', '30194422', '11873402', '20455117', '33012984', '41200871', '50981233'];

async function setExchangeSettings(db: Db, orgId: string, exchange: unknown): Promise<void> {
  await db.query(`UPDATE organizations SET settings = jsonb_set(settings, '{exchange}', $2::jsonb) WHERE id = $1`, [
    orgId,
    JSON.stringify(exchange),
  ]);
}

for (const database of await testDatabases()) {
  describe(`the customer's exchange account in the agent console (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let otherOrg: TestOrg;
    let agent: AgentClient;
    let supervisor: AgentClient;
    let admin: AgentClient;
    let clientIds = 0;

    /** A customer opens a chat from the widget, signed in as `uid` when given; returns the conversation id. */
    async function conversationOf(o: TestOrg, uid?: string): Promise<string> {
      const visitor = await startVisitor(server, o, uid ? { uid } : undefined);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: 'help with my account',
        clientId: `c-${++clientIds}`,
      });
      assert.equal(created.status, 201);
      return created.body.conversation.id;
    }

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      otherOrg = await createTestOrg(db);
      await seedSandboxExchange(db, org.id);
      agent = await loginAgent(server, org.agents.agent);
      supervisor = await loginAgent(server, org.agents.secure);
      admin = await loginAgent(server, org.agents.admin);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    test('an agent sees the account, deposits, withdrawals and logins with e-mail, IPs and addresses masked', async () => {
      const conversationId = await conversationOf(org, '11873402');
      const profile = await agent.call('GET', `/api/agent/conversations/${conversationId}/exchange`);
      assert.equal(profile.status, 200);
      const p = profile.body;
      assert.equal(p.linked, true);
      assert.equal(p.available, true);
      assert.equal(p.found, true);
      assert.deepEqual(
        {
          uid: p.account.uid,
          email: p.account.email,
          kyc: p.account.kycLevel,
          vip: p.account.vipLevel,
          status: p.account.status,
          antiPhishingCode: p.account.antiPhishingCode,
        },
        { uid: '•••3402', email: 'c•••g@example.cn', kyc: 3, vip: 5, status: 'active', antiPhishingCode: '***' },
      );
      assert.deepEqual(
        p.logins.map((l: { ip: string; country: string }) => [l.ip, l.country]),
        [
          ['198.51.100.x', 'NG'],
          ['203.0.113.x', 'CN'],
          ['203.0.113.x', 'CN'],
          ['203.0.113.x', 'CN'],
        ],
      );
      assert.deepEqual(
        p.withdrawals.map((w: { state: string; address: string }) => [w.state, w.address]),
        [
          ['under_review', 'bc1qlx•••wwu5'],
          ['broadcast', 'TBbhsA•••JHTi'],
          ['completed', '0x267C•••1063'],
        ],
      );
      assert.equal(p.withdrawals[0].reasonCode, 'risk_review_large_amount');
      assert.equal(p.withdrawals[1].txHash, '5f6198d6bafe64f61c0adb6779e97203cc74afb397d0d2d9e0ea7b696e2b46c1');
      const xrp = p.depositAddresses.find((a: { coin: string }) => a.coin === 'XRP');
      assert.deepEqual([xrp.address, xrp.memo], ['rMVuCh•••P2g2', '***1877']);
      assert.deepEqual(p.allowedActions, ['freeze']);
      assert.ok(!JSON.stringify(p).includes('chen.ling@'), 'the full e-mail appears nowhere');
    });

    test('a supervisor sees e-mail, IPs and addresses in full but never the whole anti-phishing code', async () => {
      const conversationId = await conversationOf(org, '11873402');
      const { body: p } = await supervisor.call('GET', `/api/agent/conversations/${conversationId}/exchange`);
      assert.equal(p.account.email, 'chen.ling@example.cn');
      assert.equal(p.account.antiPhishingCode, 'CL***');
      assert.equal(p.logins[0].ip, '198.51.100.77');
      assert.equal(p.withdrawals[1].address, 'TBbhsA4FyX1XfE66DBTBCizT2p3FbRJHTi');
      assert.deepEqual(p.allowedActions, ['freeze', 'revoke_sessions']);
    });

    test('the stuck deposit from the demo chat is pending with more confirmations than it needs', async () => {
      const conversationId = await conversationOf(org, '28810375');
      const { body: p } = await agent.call('GET', `/api/agent/conversations/${conversationId}/exchange`);
      const stuck = p.deposits.find((d: { txHash: string }) => d.txHash.startsWith('7c2d9a4f'));
      assert.equal(stuck.status, 'pending');
      assert.equal(stuck.amount, '500');
      assert.ok(stuck.confirmations > stuck.requiredConfirmations);
      assert.deepEqual(
        p.deposits.map((d: { status: string }) => d.status),
        ['pending', 'credited', 'credited'],
      );
    });

    test('a customer without an exchange UID is not linked', async () => {
      const conversationId = await conversationOf(org);
      const profile = await agent.call('GET', `/api/agent/conversations/${conversationId}/exchange`);
      assert.equal(profile.status, 200);
      assert.deepEqual(profile.body, { linked: false });
    });

    test('a UID the exchange does not know is linked but not found', async () => {
      const conversationId = await conversationOf(org, '99999999');
      const { body: p } = await agent.call('GET', `/api/agent/conversations/${conversationId}/exchange`);
      assert.deepEqual([p.linked, p.available, p.found, p.account, p.allowedActions], [true, true, false, null, []]);
    });

    test("another organization's conversation is not found, neither to read nor to freeze", async () => {
      const conversationId = await conversationOf(org, '11873402');
      const outsider = await loginAgent(server, otherOrg.agents.admin);
      const read = await outsider.call('GET', `/api/agent/conversations/${conversationId}/exchange`);
      assert.equal(read.status, 404);
      assert.equal(read.body.error.code, 'conversation_not_found');
      const freeze = await outsider.call('POST', `/api/agent/conversations/${conversationId}/exchange/freeze`, {
        requestId: 'outsider-freeze-1',
        reason: 'not mine',
      });
      assert.equal(freeze.status, 404);
      const { body: p } = await agent.call('GET', `/api/agent/conversations/${conversationId}/exchange`);
      assert.equal(p.account.status, 'active');
    });

    test('a freeze is carried out, audited and answered once per request id', async () => {
      const conversationId = await conversationOf(org, '30194422');
      const path = `/api/agent/conversations/${conversationId}/exchange/freeze`;
      const first = await agent.call('POST', path, {
        requestId: 'freeze-maria-1',
        reason: 'customer reports a stolen phone',
      });
      assert.equal(first.status, 200);
      assert.deepEqual(first.body, { status: 'frozen', replayed: false });
      const retried = await agent.call('POST', path, {
        requestId: 'freeze-maria-1',
        reason: 'customer reports a stolen phone',
      });
      assert.deepEqual(retried.body, { status: 'frozen', replayed: true });

      const audit = await admin.call('GET', '/api/agent/audit?targetId=30194422');
      const frozen = audit.body.entries.filter((e: { action: string }) => e.action === 'exchange.account_frozen');
      assert.equal(frozen.length, 1);
      assert.equal(frozen[0].actorId, org.agents.agent.id);
      assert.deepEqual(frozen[0].details, {
        conversationId,
        requestId: 'freeze-maria-1',
        reason: 'customer reports a stolen phone',
        status: 'frozen',
      });

      const { body: p } = await agent.call('GET', `/api/agent/conversations/${conversationId}/exchange`);
      assert.equal(p.account.status, 'frozen');
      assert.deepEqual(p.allowedActions, ['request_unfreeze']);

      const elsewhere = await conversationOf(org, '20455117');
      const reused = await agent.call('POST', `/api/agent/conversations/${elsewhere}/exchange/freeze`, {
        requestId: 'freeze-maria-1',
        reason: 'same id, other account',
      });
      assert.equal(reused.status, 409);
      const { body: other } = await agent.call('GET', `/api/agent/conversations/${elsewhere}/exchange`);
      assert.equal(other.account.status, 'active', 'a reused request id freezes nothing else');
    });

    test('a freeze needs a linked customer and a request id', async () => {
      const anonymous = await conversationOf(org);
      const unlinked = await agent.call('POST', `/api/agent/conversations/${anonymous}/exchange/freeze`, {
        requestId: 'freeze-anon-1',
        reason: 'stolen',
      });
      assert.equal(unlinked.status, 409);
      assert.equal(unlinked.body.error.code, 'exchange_not_linked');
      const linked = await conversationOf(org, '41200871');
      const noId = await agent.call('POST', `/api/agent/conversations/${linked}/exchange/freeze`, { reason: 'stolen' });
      assert.equal(noId.status, 400);
      assert.equal(noId.body.error.code, 'validation_failed');
    });

    test('the demo sandbox has every demo customer and withdrawals in every review state', async () => {
      const sandbox = createSandboxExchange(db, org.id);
      const states = new Set<string>();
      for (const uid of DEMO_UIDS) {
        assert.ok(await sandbox.getAccount(uid), uid);
        for (const w of await sandbox.listWithdrawals(uid)) {
          states.add(w.state);
          if (['under_review', 'rejected', 'cancelled'].includes(w.state)) assert.ok(w.reasonCode, w.id);
          if (['broadcast', 'completed'].includes(w.state)) assert.ok(w.txHash, w.id);
        }
      }
      assert.deepEqual([...states].sort(), [...WITHDRAWAL_STATES].sort());
      const byHash = await sandbox.findDepositByTxHash(
        '7C2D9A4F1B3E8C6D5A2F9E0B4C7D1A3E6F8B2C5D9E1A4F7B0C3D6E9F2A5B8C1D',
      );
      assert.equal(byHash?.uid, '28810375');
    });

    test('sandbox actions are idempotent per action and request id, and an unfreeze needs two different approvers', async () => {
      await addSandboxCustomer(db, org.id, {
        account: {
          uid: 'T-1001',
          email: 'idem@example.test',
          kycLevel: 1,
          vipLevel: 0,
          status: 'active',
          registeredAt: '2025-06-01T00:00:00Z',
          locale: 'en',
          antiPhishingCode: null,
          activeSessions: 2,
          apiKeys: 1,
        },
      });
      const sandbox = createSandboxExchange(db, org.id);
      const [a, b] = await Promise.all([
        sandbox.freezeAccount('T-1001', { requestId: 'r-1', reason: 'x' }),
        sandbox.freezeAccount('T-1001', { requestId: 'r-1', reason: 'x' }),
      ]);
      assert.deepEqual([a, b], [{ status: 'frozen' }, { status: 'frozen' }]);
      // The same id may cover the revocation that goes with the freeze; repeating it returns the first counts.
      assert.deepEqual(await sandbox.revokeSessionsAndApiKeys('T-1001', { requestId: 'r-1' }), {
        sessionsRevoked: 2,
        apiKeysRevoked: 1,
      });
      assert.deepEqual(await sandbox.revokeSessionsAndApiKeys('T-1001', { requestId: 'r-1' }), {
        sessionsRevoked: 2,
        apiKeysRevoked: 1,
      });
      await assert.rejects(
        sandbox.unfreezeAccount('T-1001', { requestId: 'u-1', approvedBy: ['alice', 'alice'] }),
        ExchangeUnavailableError,
      );
      assert.equal((await sandbox.getAccount('T-1001'))?.status, 'frozen');
      assert.deepEqual(await sandbox.unfreezeAccount('T-1001', { requestId: 'u-2', approvedBy: ['alice', 'bob'] }), {
        status: 'active',
      });
      await assert.rejects(
        sandbox.freezeAccount('no-such-uid', { requestId: 'r-9', reason: 'x' }),
        ExchangeUnavailableError,
      );
    });

    describe('an organization connected to its exchange over HTTP', () => {
      const keyId = 'lumen-prod';
      const secret = 'http-connector-secret-for-tests';
      let exchange: ExchangeTestServer;
      let httpOrg: TestOrg;
      let httpAgent: AgentClient;

      before(async () => {
        exchange = await startExchangeServer({
          keys: { [keyId]: secret },
          customers: demoSandboxCustomers(new Date()),
        });
        httpOrg = await createTestOrg(db);
        await setExchangeSettings(db, httpOrg.id, {
          kind: 'http',
          baseUrl: exchange.url,
          keyId,
          secret,
          timeoutMs: 3000,
        });
        httpAgent = await loginAgent(server, httpOrg.agents.agent);
      });
      after(() => exchange.close());

      test('the profile comes from the exchange through the signed connector, masked the same way', async () => {
        const conversationId = await conversationOf(httpOrg, '30194422');
        const { body: p } = await httpAgent.call('GET', `/api/agent/conversations/${conversationId}/exchange`);
        assert.equal(p.available, true);
        assert.equal(p.account.email, 'm•••z@example.com');
        assert.equal(p.withdrawals[0].state, 'under_review');
        assert.ok(exchange.hits.length >= 5 && exchange.hits.every((h) => h.verified));
        assert.ok(!JSON.stringify(p).includes(secret));
      });

      test('the connector is kept per organization, so its circuit breaker remembers failures across requests', async () => {
        assert.equal(await getExchangeConnector(db, httpOrg.id), await getExchangeConnector(db, httpOrg.id));
        assert.notEqual(await getExchangeConnector(db, httpOrg.id), await getExchangeConnector(db, org.id));
      });

      test('when the exchange answers garbage the profile says unavailable and why, and a freeze fails with 503', async () => {
        const conversationId = await conversationOf(httpOrg, '11873402');
        exchange.failNext('malformed_json', 5);
        const profile = await httpAgent.call('GET', `/api/agent/conversations/${conversationId}/exchange`);
        assert.equal(profile.status, 200);
        assert.equal(profile.body.linked, true);
        assert.equal(profile.body.available, false);
        assert.equal(profile.body.reason, 'malformed_response');

        // Five failures in a row opened the circuit: the freeze fails at once, and the failed attempt is audited.
        const hitsBefore = exchange.hits.length;
        const freeze = await httpAgent.call('POST', `/api/agent/conversations/${conversationId}/exchange/freeze`, {
          requestId: 'freeze-while-down',
          reason: 'stolen account',
        });
        assert.equal(freeze.status, 503);
        assert.equal(freeze.body.error.code, 'exchange_unavailable');
        assert.equal(exchange.hits.length, hitsBefore);
        const httpAdmin = await loginAgent(server, httpOrg.agents.admin);
        const audit = await httpAdmin.call('GET', '/api/agent/audit?targetId=11873402');
        assert.deepEqual(
          audit.body.entries.map((e: { action: string; details: { reason: string } }) => [e.action, e.details.reason]),
          [['exchange.account_freeze_failed', 'circuit_open']],
        );
      });

      test('misconfigured settings read as an unavailable exchange, not a crash, and never echo the secret', async () => {
        const brokenOrg = await createTestOrg(db);
        await setExchangeSettings(db, brokenOrg.id, { kind: 'http', baseUrl: 'not a url', keyId, secret });
        const brokenAgent = await loginAgent(server, brokenOrg.agents.agent);
        const conversationId = await conversationOf(brokenOrg, '11873402');
        const profile = await brokenAgent.call('GET', `/api/agent/conversations/${conversationId}/exchange`);
        assert.equal(profile.status, 200);
        assert.equal(profile.body.available, false);
        assert.equal(profile.body.reason, 'rejected');
        assert.match(profile.body.message, /misconfigured \(baseUrl\)/);
        assert.ok(!JSON.stringify(profile.body).includes(secret));
      });
    });
  });
}
