import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Hex, parseUnits } from 'viem';
import { insertAgent } from '../../src/server/auth/auth.queries.ts';
import { hashPassword } from '../../src/server/auth/passwords.ts';
import { selectCase } from '../../src/server/cases/cases.queries.ts';
import { openPglite } from '../../src/server/db/db.ts';
import { migrate, readMigrations } from '../../src/server/db/migrate.ts';
import { insertSandboxDeposit } from '../../src/server/exchange/sandbox.queries.ts';
import { addSandboxCustomer, createSandboxExchange } from '../../src/server/exchange/sandbox.ts';
import { wipeExpiredMailSecrets } from '../../src/server/mail/mailer.ts';
import { botReplies, waitForMessages } from '../helpers/conversation.ts';
import { testDatabases } from '../helpers/databases.ts';
import { deployToken, type EvmNode, sendToken, startEvmNode, wallet } from '../helpers/evm-node.ts';
import {
  type AgentClient,
  connectSocket,
  createTestOrg,
  loginAgent,
  PASSWORD,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

const DEPOSIT_ADDRESS = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const STRANGER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

function customer(uid: string, email: string) {
  return {
    account: {
      uid,
      email,
      kycLevel: 2,
      vipLevel: 1,
      status: 'active' as const,
      registeredAt: '2025-01-01T00:00:00Z',
      locale: 'zh-CN' as const,
      antiPhishingCode: 'LUMEN42',
      activeSessions: 3,
      apiKeys: 2,
    },
    addresses: [
      { coin: 'USDT', network: 'ERC20', address: DEPOSIT_ADDRESS, memo: null },
      { coin: 'ETH', network: 'ERC20', address: DEPOSIT_ADDRESS, memo: null },
    ],
  };
}

// One database is enough here: the flows are the same on both, and each EVM node costs a second of the suite.
const [database] = await testDatabases();

describe('crypto self-service against a real local EVM node and the sandbox exchange', () => {
  let db: Awaited<ReturnType<typeof database.open>>;
  let server: TestServer;
  let org: TestOrg;
  let ethereum: EvmNode;
  let bsc: EvmNode;
  let usdt: Hex;

  before(async () => {
    [ethereum, bsc] = await Promise.all([startEvmNode({ chainId: 31337 }), startEvmNode({ chainId: 56 })]);
    usdt = await deployToken(ethereum, 'Tether USD', 'USDT', 6);
    const usdtOnBsc = await deployToken(bsc, 'Tether USD', 'USDT', 18);
    db = await database.open();
    server = await startTestServer(db);
    org = await createTestOrg(db, undefined, { bot: true });
    await db.query(`UPDATE organizations SET settings = $2 WHERE id = $1`, [
      org.id,
      JSON.stringify({
        chains: {
          ERC20: { endpoint: ethereum.url, chainId: 31337, tokens: { USDT: usdt }, requiredConfirmations: 12 },
          BEP20: { endpoint: bsc.url, chainId: 56, tokens: { USDT: usdtOnBsc } },
        },
      }),
    ]);
    await addSandboxCustomer(db, org.id, customer('7001', 'depositor@example.test'));
    await addSandboxCustomer(db, org.id, customer('7002', 'victim@example.test'));
    await addSandboxCustomer(db, org.id, customer('7003', 'forgetful@example.test'));
    await addSandboxCustomer(db, org.id, {
      ...customer('7004', 'waiting@example.test'),
      withdrawals: [
        {
          id: 'W-7004-1',
          coin: 'BTC',
          network: 'BTC',
          amount: '0.3',
          address: 'bc1qdmuy9qtuh88rw56fc5y8uyhr2mh7cu8a0a02ac',
          memo: null,
          state: 'under_review',
          reasonCode: 'risk_review_new_address',
          txHash: null,
          createdAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
        },
      ],
    });
  });
  after(async () => {
    await server?.close();
    await db?.drop();
    await Promise.all([ethereum?.stop(), bsc?.stop()]);
  });

  test('a USDT deposit goes from "2 of 12 confirmations" to "credited" as blocks are mined and the exchange credits it', async () => {
    const hash = await sendToken(ethereum, usdt, DEPOSIT_ADDRESS, parseUnits('500', 6));
    await ethereum.mine(1);
    const visitor = await startVisitor(server, org, { uid: '7001', name: '张伟' });
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: `我的 USDT 充值还没到账，ERC20 网络，哈希 ${hash}`,
      clientId: 'd1',
    });
    const id = created.body.conversation.id as string;
    const first = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 1);
    assert.match(botReplies(first).at(-1)!.body, /2\/12 个区块确认/);

    await ethereum.mine(10);
    await insertSandboxDeposit(db, org.id, {
      id: 'dep-7001-1',
      uid: '7001',
      coin: 'USDT',
      network: 'ERC20',
      amount: '500',
      txHash: hash,
      address: DEPOSIT_ADDRESS,
      memo: null,
      status: 'credited',
      creditedAt: new Date().toISOString(),
      createdAt: new Date().toISOString(),
    });
    await visitor.call('POST', `/api/widget/conversations/${id}/messages`, {
      body: `现在呢？USDT ERC20 ${hash} 还是没看到到账`,
      clientId: 'd2',
    });
    const second = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 2);
    assert.match(botReplies(second).at(-1)!.body, /500 USDT）已于 .* 入账/);
  });

  test('a native ETH deposit is looked up on its only network and, confirmed but not credited, opens an investigation', async () => {
    const hash = await wallet(ethereum).sendTransaction({
      to: DEPOSIT_ADDRESS,
      value: parseUnits('0.75', 18),
      chain: null,
    });
    await ethereum.mine(12);
    const visitor = await startVisitor(server, org, { uid: '7001' });
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: `ETH deposit not credited, tx ${hash}`,
      clientId: 'e1',
    });
    const id = created.body.conversation.id as string;
    const messages = await waitForMessages(visitor, id, (m) => botReplies(m).some((x) => /investigation/.test(x.body)));
    assert.match(botReplies(messages).at(-1)!.body, /CASE-[0-9A-F]{8}/);
    const cases = await visitor.call('GET', '/api/widget/cases');
    assert.equal(cases.body.cases[0].kind, 'deposit_investigation');
    assert.equal(cases.body.cases[0].status, 'open');
    assert.equal('evidence' in cases.body.cases[0], false, 'customers see the case, not the evidence');
    const agent = await loginAgent(server, org.agents.agent);
    const detail = await agent.call('GET', `/api/agent/conversations/${id}`);
    assert.equal(detail.body.conversation.priority, 'high');
  });

  test('on a network with no chain endpoint, the exchange record answers: pending with the time left, or stuck with a case', async () => {
    const record = (id: string, txHash: string, confirmations: number) => ({
      id,
      uid: '7003',
      coin: 'USDT',
      network: 'TRC20',
      amount: '500',
      txHash,
      address: 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv8',
      memo: null,
      status: 'pending' as const,
      creditedAt: null,
      createdAt: new Date().toISOString(),
      confirmations,
      requiredConfirmations: 20,
    });
    const early = 'c1'.repeat(32);
    const stuck = 'd2'.repeat(32);
    await insertSandboxDeposit(db, org.id, record('dep-7003-1', early, 5));
    await insertSandboxDeposit(db, org.id, record('dep-7003-2', stuck, 1180));
    const visitor = await startVisitor(server, org, { uid: '7003' });

    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: `我500U充值还没到账，波场的 ${early}`,
      clientId: 't1',
    });
    const id = created.body.conversation.id as string;
    const first = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 1);
    assert.match(botReplies(first).at(-1)!.body, /5\/20 个区块确认/);
    // "现在呢？" asks about the same deposit: it is looked up again without asking for the details twice.
    await visitor.call('POST', `/api/widget/conversations/${id}/messages`, { body: '现在呢？', clientId: 't1b' });
    const again = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 2);
    assert.match(botReplies(again)[1].body, /5\/20 个区块确认/);

    const other = await visitor.call('POST', '/api/widget/conversations', {
      body: `USDT TRC20 deposit missing for 2 hours, tx ${stuck}`,
      clientId: 't2',
    });
    const otherId = other.body.conversation.id as string;
    const messages = await waitForMessages(visitor, otherId, (m) => botReplies(m).some((x) => /CASE-/.test(x.body)));
    assert.match(botReplies(messages).at(-1)!.body, /investigation/);
    const cases = await visitor.call('GET', '/api/widget/cases');
    assert.ok(cases.body.cases.some((c: { kind: string }) => c.kind === 'deposit_investigation'));
  });

  test('"要多久" after a withdrawal answer is read as a follow-up on that withdrawal; asked again, a human takes over', async () => {
    const visitor = await startVisitor(server, org, { uid: '7004' });
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: '我的BTC提币一直在审核中，怎么回事',
      clientId: 'f1',
    });
    const id = created.body.conversation.id as string;
    const first = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 1);
    assert.match(botReplies(first)[0].body, /W-7004-1.*安全审核/);

    await visitor.call('POST', `/api/widget/conversations/${id}/messages`, { body: '要多久', clientId: 'f2' });
    const second = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 2);
    assert.match(botReplies(second)[1].body, /W-7004-1.*30 分钟到 2 小时/);

    await visitor.call('POST', `/api/widget/conversations/${id}/messages`, { body: '到底要多久？', clientId: 'f3' });
    const third = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 3);
    assert.match(botReplies(third)[2].body, /转接人工/);
  });

  test('a deposit sent on another chain is reported as the wrong network, with a recovery case', async () => {
    const hash = await sendToken(bsc, (await bscToken()) as Hex, DEPOSIT_ADDRESS, parseUnits('20', 18));
    const visitor = await startVisitor(server, org, { uid: '7001' });
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: `充了 20 USDT 到 ERC20 地址，一直没到，交易哈希 ${hash}`,
      clientId: 'w1',
    });
    const id = created.body.conversation.id as string;
    const messages = await waitForMessages(visitor, id, (m) => botReplies(m).some((x) => /BEP20/.test(x.body)));
    assert.match(botReplies(messages).at(-1)!.body, /不在 ERC20 网络上，而是在 BEP20 网络上/);
    const cases = await visitor.call('GET', '/api/widget/cases');
    assert.ok(cases.body.cases.some((c: { kind: string }) => c.kind === 'deposit_recovery'));
  });

  test('a transfer to an address that is not the customer’s is said plainly', async () => {
    const hash = await sendToken(ethereum, usdt, STRANGER, parseUnits('10', 6));
    await ethereum.mine(12);
    const visitor = await startVisitor(server, org, { uid: '7001' });
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: `USDT ERC20 deposit missing ${hash}`,
      clientId: 's1',
    });
    const messages = await waitForMessages(visitor, created.body.conversation.id, (m) => botReplies(m).length >= 1);
    assert.match(botReplies(messages).at(-1)!.body, /not one of your deposit addresses/);
  });

  test('a malformed hash for the chosen network gets a clear answer, not a lookup', async () => {
    const visitor = await startVisitor(server, org, { uid: '7001' });
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: 'USDT TRC20 充值没到账 哈希 0x1234abcd',
      clientId: 'b1',
    });
    const messages = await waitForMessages(visitor, created.body.conversation.id, (m) => botReplies(m).length >= 1);
    assert.doesNotMatch(botReplies(messages)[0].body, /找到了|没有找到这笔交易/);
  });

  test('a signed-in customer freezes a stolen account at once; unfreezing needs two different approvers, all audited', async () => {
    const visitor = await startVisitor(server, org, { uid: '7002', name: 'Victim' });
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: '我的账户被盗了，有人在提币！',
      clientId: 'f1',
    });
    const id = created.body.conversation.id as string;
    await waitForMessages(visitor, id, (m) => botReplies(m).some((x) => /冻结/.test(x.body)));
    await visitor.call('POST', `/api/widget/conversations/${id}/messages`, { body: '冻结', clientId: 'f2' });
    const done = await waitForMessages(visitor, id, (m) => botReplies(m).some((x) => /已冻结您的账户/.test(x.body)));
    assert.match(botReplies(done).at(-1)!.body, /撤销了 3 个登录会话和 2 个 API Key/);
    const sandbox = createSandboxExchange(db, org.id);
    assert.equal((await sandbox.getAccount('7002'))?.status, 'frozen');

    const agent = await loginAgent(server, org.agents.agent);
    const detail = await agent.call('GET', `/api/agent/conversations/${id}`);
    assert.equal(detail.body.conversation.priority, 'urgent');
    // Another console with this conversation open hears every change to its exchange sidebar.
    const admin = await loginAgent(server, org.agents.admin);
    const adminConsole = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: admin.cookie });
    const sidebarChanges = () =>
      adminConsole.events.filter((e) => e.type === 'exchange.changed' && e.conversationId === id).length;
    const request = await agent.call('POST', '/api/agent/unfreeze-requests', {
      conversationId: id,
      reason: 'Identity verified by video call',
    });
    assert.equal(request.status, 201);
    const caseId = request.body.case.id as string;
    await adminConsole.waitFor((e) => e.type === 'exchange.changed' && e.conversationId === id);
    assert.equal(sidebarChanges(), 1, 'the unfreeze request');
    assert.equal((await agent.call('POST', `/api/agent/cases/${caseId}/approve`)).status, 403, 'agents cannot approve');

    const supervisor = await loginAgent(server, org.agents.secure);
    const first = await supervisor.call('POST', `/api/agent/cases/${caseId}/approve`);
    assert.equal(first.body.unfrozen, false, 'one approver is not enough');
    await adminConsole.waitFor(() => sidebarChanges() === 2);
    const again = await supervisor.call('POST', `/api/agent/cases/${caseId}/approve`);
    assert.equal(again.status, 409, 'the same person twice is not enough');
    assert.equal((await sandbox.getAccount('7002'))?.status, 'frozen');

    const second = await admin.call('POST', `/api/agent/cases/${caseId}/approve`);
    assert.equal(second.body.unfrozen, true);
    await adminConsole.waitFor(() => sidebarChanges() === 3);
    assert.equal(sidebarChanges(), 3, 'nothing heard for the refused attempts');
    await adminConsole.close();
    assert.equal(second.body.case.status, 'resolved');
    assert.equal((await sandbox.getAccount('7002'))?.status, 'active');

    const audit = await admin.call('GET', '/api/agent/audit?limit=200');
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    assert.equal(actions.filter((a: string) => a === 'case.unfreeze_approved').length, 2);
    for (const action of ['account.frozen', 'account.unfrozen', 'case.open'])
      assert.ok(actions.includes(action), action);
  });

  test('"hacked, freeze it!" offers the freeze and brings a human in at once, before the customer confirms', async () => {
    const visitor = await startVisitor(server, org, { uid: '7001' });
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: '我的账户被盗了！！刚收到提币通知但不是我操作的，赶紧帮我冻结账户！',
      clientId: 'h1',
    });
    const id = created.body.conversation.id as string;
    const messages = await waitForMessages(visitor, id, (m) => botReplies(m).some((x) => /回复“冻结”/.test(x.body)));
    assert.equal(botReplies(messages).filter((x) => /回复“冻结”/.test(x.body)).length, 1, 'one freeze offer');
    const agent = await loginAgent(server, org.agents.agent);
    const { body } = await agent.call('GET', `/api/agent/conversations/${id}`);
    assert.equal(body.conversation.priority, 'urgent');
    assert.ok(body.conversation.tags.includes('account-compromised'), JSON.stringify(body.conversation.tags));
    assert.equal((await createSandboxExchange(db, org.id).getAccount('7001'))?.status, 'active', 'not frozen yet');
  });

  test('answering the freeze offer with the account e-mail goes straight to the mailed code', async () => {
    const visitor = await startVisitor(server, org);
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: '帮我冻结账户，我手机丢了',
      clientId: 'q1',
    });
    const id = created.body.conversation.id as string;
    await waitForMessages(visitor, id, (m) => botReplies(m).some((x) => /确认冻结请回复/.test(x.body)));
    await visitor.call('POST', `/api/widget/conversations/${id}/messages`, {
      body: 'depositor@example.test',
      clientId: 'q2',
    });
    const sent = await waitForMessages(visitor, id, (m) => botReplies(m).some((x) => /一次性验证码/.test(x.body)));
    assert.ok(!botReplies(sent).some((x) => /没太理解/.test(x.body)));
    const mails = await db.query<{ to_address: string }>(
      `SELECT to_address FROM outbound_emails WHERE org_id = $1 AND to_address = 'depositor@example.test'`,
      [org.id],
    );
    assert.equal(mails.length, 1);
    assert.equal(
      (await createSandboxExchange(db, org.id).getAccount('7001'))?.status,
      'active',
      'not frozen before the code',
    );
  });

  test('without signing in, the freeze is authenticated by a one-time code mailed to the account', async () => {
    const visitor = await startVisitor(server, org);
    const created = await visitor.call('POST', '/api/widget/conversations', { body: '紧急冻结账户', clientId: 'o1' });
    const id = created.body.conversation.id as string;
    await waitForMessages(visitor, id, (m) => botReplies(m).some((x) => /确认冻结请回复/.test(x.body)));
    await visitor.call('POST', `/api/widget/conversations/${id}/messages`, { body: '冻结', clientId: 'o2' });
    await waitForMessages(visitor, id, (m) => botReplies(m).some((x) => /邮箱地址/.test(x.body)));
    await visitor.call('POST', `/api/widget/conversations/${id}/messages`, {
      body: 'forgetful@example.test',
      clientId: 'o3',
    });
    await waitForMessages(visitor, id, (m) => botReplies(m).some((x) => /一次性验证码/.test(x.body)));

    const [mail] = await db.query<{ to_address: string; body: string }>(
      'SELECT to_address, body FROM outbound_emails WHERE org_id = $1 ORDER BY created_at DESC LIMIT 1',
      [org.id],
    );
    assert.equal(mail.to_address, 'forgetful@example.test');
    const code = mail.body.match(/\d{6}/)![0];
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await visitor.call('POST', `/api/widget/conversations/${id}/messages`, { body: wrong, clientId: 'o4' });
    await waitForMessages(visitor, id, (m) => botReplies(m).some((x) => /验证码不正确/.test(x.body)));
    await visitor.call('POST', `/api/widget/conversations/${id}/messages`, { body: code, clientId: 'o5' });
    const done = await waitForMessages(visitor, id, (m) =>
      botReplies(m).some((x) => /已冻结您的账户（UID 7003）/.test(x.body)),
    );
    assert.ok(
      done.every((m) => !m.body.includes(code)),
      'the code is never stored in the conversation',
    );
    assert.ok(
      !done.some((m) => /谷歌验证码/.test(m.body) && m.authorKind === 'bot' && /请不要向任何人提供/.test(m.body)),
    );
    assert.equal((await createSandboxExchange(db, org.id).getAccount('7003'))?.status, 'frozen');

    // Without SMTP the mail waits in the outbox, but not its code: once the code has expired the body is wiped.
    assert.equal(await wipeExpiredMailSecrets(db), 0, 'a live code is kept for delivery');
    await db.query(
      `UPDATE outbound_emails SET wipe_at = now() - interval '1 second'
        WHERE org_id = $1 AND wipe_at IS NOT NULL AND to_address = 'forgetful@example.test'`,
      [org.id],
    );
    assert.equal(await wipeExpiredMailSecrets(db), 1);
    const bodies = await db.query<{ body: string }>('SELECT body FROM outbound_emails WHERE org_id = $1', [org.id]);
    assert.ok(bodies.every((row) => !row.body.includes(code)));
  });

  async function bscToken(): Promise<string> {
    const rows = await db.query<{ settings: { chains: { BEP20: { tokens: { USDT: string } } } } }>(
      'SELECT settings FROM organizations WHERE id = $1',
      [org.id],
    );
    return rows[0].settings.chains.BEP20.tokens.USDT;
  }
});

// Four eyes hold per request: approvals belong to one unfreeze request and end with it; the requester never counts.
for (const fourEyesDatabase of await testDatabases()) {
  describe(`four-eyes unfreeze: approvals belong to one request (${fourEyesDatabase.name})`, () => {
    let db: Awaited<ReturnType<typeof fourEyesDatabase.open>>;
    let server: TestServer;
    let org: TestOrg;
    let agent: AgentClient;
    let admin: AgentClient;
    let supervisor: AgentClient;
    let secondSupervisor: AgentClient;
    let accounts = 0;

    before(async () => {
      db = await fourEyesDatabase.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      agent = await loginAgent(server, org.agents.agent);
      admin = await loginAgent(server, org.agents.admin);
      supervisor = await loginAgent(server, org.agents.secure);
      const email = `supervisor-2-${org.slug}@example.test`;
      const id = await insertAgent(db, {
        orgId: org.id,
        email,
        name: 'Second supervisor',
        passwordHash: await hashPassword(PASSWORD),
        role: 'supervisor',
        locale: 'en',
      });
      secondSupervisor = await loginAgent(server, { id, email, password: PASSWORD });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    const sandbox = () => createSandboxExchange(db, org.id);
    const statusOf = async (uid: string) => (await sandbox().getAccount(uid))?.status;

    /** A frozen exchange account, its customer's conversation, and an unfreeze request for it opened by `by`. */
    async function unfreezeRequest(by: AgentClient): Promise<{ uid: string; caseId: string }> {
      accounts++;
      const uid = `${8100 + accounts}`;
      await addSandboxCustomer(db, org.id, customer(uid, `frozen-${uid}@example.test`));
      await sandbox().freezeAccount(uid, { requestId: `freeze-${uid}`, reason: 'suspected takeover' });
      const visitor = await startVisitor(server, org, { uid, name: `Customer ${uid}` });
      const created = await visitor.call('POST', '/api/widget/conversations', {});
      assert.equal(created.status, 201);
      const opened = await by.call('POST', '/api/agent/unfreeze-requests', {
        conversationId: created.body.conversation.id,
        reason: 'Identity verified by video call',
      });
      assert.equal(opened.status, 201, JSON.stringify(opened.body));
      return { uid, caseId: opened.body.case.id as string };
    }
    const approve = (by: AgentClient, caseId: string) => by.call('POST', `/api/agent/cases/${caseId}/approve`);
    const setStatus = (by: AgentClient, caseId: string, status: string) =>
      by.call('PATCH', `/api/agent/cases/${caseId}`, { status });

    test('a completed unfreeze reopened after a re-freeze needs two new approvals: the old ones ended with it', async () => {
      const { uid, caseId } = await unfreezeRequest(agent);
      assert.equal((await approve(supervisor, caseId)).body.unfrozen, false);
      const done = await approve(admin, caseId);
      assert.equal(done.body.unfrozen, true);
      assert.equal(done.body.case.approvers.length, 2, 'a completed request still shows who approved it');
      assert.equal(await statusOf(uid), 'active');

      // The account is frozen again; any agent moves the resolved case back to open.
      await sandbox().freezeAccount(uid, { requestId: `refreeze-${uid}`, reason: 'suspected takeover again' });
      const reopened = await setStatus(agent, caseId, 'open');
      assert.equal(reopened.status, 200);
      assert.deepEqual(reopened.body.case.approvers, [], 'reopening revives no approval');

      const one = await approve(secondSupervisor, caseId);
      assert.equal(one.status, 200);
      assert.equal(one.body.unfrozen, false, 'one new approval is not enough');
      assert.equal(await statusOf(uid), 'frozen');

      // The new request is approved on its own: the earlier approvers may approve it again, once each.
      const two = await approve(supervisor, caseId);
      assert.equal(two.body.unfrozen, true);
      assert.equal(await statusOf(uid), 'active', 'the second unfreeze is carried out, not replayed');
    });

    test('approvals of a cancelled request do not count when the case is reopened', async () => {
      const { uid, caseId } = await unfreezeRequest(agent);
      assert.equal((await approve(supervisor, caseId)).body.unfrozen, false);
      assert.equal((await setStatus(agent, caseId, 'rejected')).status, 200);
      assert.equal((await approve(admin, caseId)).status, 409, 'a cancelled request takes no approval');
      const reopened = await setStatus(agent, caseId, 'in_progress');
      assert.deepEqual(reopened.body.case.approvers, []);
      const fresh = await approve(admin, caseId);
      assert.equal(fresh.body.unfrozen, false, "the cancelled request's approval is gone");
      assert.equal(await statusOf(uid), 'frozen');
    });

    test('the supervisor who asked for an unfreeze cannot approve it; two others can', async () => {
      const { uid, caseId } = await unfreezeRequest(supervisor);
      const own = await approve(supervisor, caseId);
      assert.equal(own.status, 403);
      assert.equal(own.body.error.code, 'approval_self_refused');
      assert.equal((await agent.call('GET', `/api/agent/cases/${caseId}`)).body.case.approvers.length, 0);
      assert.equal((await approve(admin, caseId)).body.unfrozen, false);
      assert.equal(await statusOf(uid), 'frozen');
      assert.equal((await approve(secondSupervisor, caseId)).body.unfrozen, true);
      assert.equal(await statusOf(uid), 'active');

      // Whoever reopens the case asks for the new request, and so cannot approve that one either.
      await sandbox().freezeAccount(uid, { requestId: `refreeze-${uid}`, reason: 'again' });
      assert.equal((await setStatus(admin, caseId, 'open')).status, 200);
      assert.equal((await approve(admin, caseId)).body.error.code, 'approval_self_refused');
    });
  });
}

// The migration gives existing cases the same rule: a reopened case's old approvals and a requester's own stop counting.
test('migration 011 expires the approvals of reopened unfreeze requests and finds each requester', async () => {
  const db = await openPglite();
  try {
    await migrate(
      db,
      readMigrations().filter((m) => m.version < '011'),
    );
    const org = await createTestOrg(db);
    const { admin, agent, secure } = org.agents;
    const insertUnfreezeCase = async () => {
      const [row] = await db.query<{ id: string }>(
        `INSERT INTO support_cases (org_id, kind, status, exchange_uid, title)
         VALUES ($1, 'unfreeze_request', 'open', '9001', 'Unfreeze account 9001') RETURNING id`,
        [org.id],
      );
      return row.id;
    };
    const audit = (actorId: string, action: string, caseId: string, details: object, at: string) =>
      db.query(
        `INSERT INTO audit_log (org_id, actor_kind, actor_id, action, target_type, target_id, details, created_at)
         VALUES ($1, 'agent', $2, $3, 'case', $4, $5, $6)`,
        [org.id, actorId, action, caseId, JSON.stringify(details), at],
      );
    const approval = (caseId: string, agentId: string, at: string) =>
      db.query('INSERT INTO case_approvals (org_id, case_id, agent_id, created_at) VALUES ($1, $2, $3, $4)', [
        org.id,
        caseId,
        agentId,
        at,
      ]);

    // Resolved by two approvals, then reopened by an agent: both approvals belong to the finished request.
    const reopened = await insertUnfreezeCase();
    await audit(agent.id, 'case.open', reopened, { kind: 'unfreeze_request' }, '2025-01-01T10:00:00Z');
    await approval(reopened, secure.id, '2025-01-01T11:00:00Z');
    await approval(reopened, admin.id, '2025-01-01T12:00:00Z');
    await audit(agent.id, 'case.status', reopened, { from: 'resolved', to: 'open' }, '2025-01-02T10:00:00Z');
    // Still pending, opened by the supervisor who then approved it: their own approval does not count.
    const pending = await insertUnfreezeCase();
    await audit(secure.id, 'case.open', pending, { kind: 'unfreeze_request' }, '2025-01-03T10:00:00Z');
    await approval(pending, secure.id, '2025-01-03T11:00:00Z');
    await approval(pending, admin.id, '2025-01-03T12:00:00Z');

    await migrate(db);
    const reopenedCase = await selectCase(db, org.id, reopened);
    assert.equal(reopenedCase?.request_round, 2);
    assert.equal(reopenedCase?.requested_by, agent.id);
    assert.deepEqual(reopenedCase?.approvers, []);
    const pendingCase = await selectCase(db, org.id, pending);
    assert.equal(pendingCase?.requested_by, secure.id);
    assert.deepEqual(pendingCase?.approvers, [admin.id]);
  } finally {
    await db.close();
  }
});
