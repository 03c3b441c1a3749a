import { type Clock, systemClock } from '../clock.ts';
import type { Db, Queryable } from '../db/db.ts';
import {
  type DepositAddress,
  type ExchangeAccount,
  type ExchangeConnector,
  type ExchangeDeposit,
  ExchangeUnavailableError,
  type ExchangeWithdrawal,
  type LoginRecord,
} from './exchange.types.ts';
import {
  insertSandboxAccount,
  insertSandboxAction,
  insertSandboxDeposit,
  insertSandboxDepositAddress,
  insertSandboxLogin,
  insertSandboxWithdrawal,
  selectSandboxAccount,
  selectSandboxAccountByEmail,
  selectSandboxAccountForUpdate,
  selectSandboxAction,
  selectSandboxDepositAddresses,
  selectSandboxDepositByTxHash,
  selectSandboxDeposits,
  selectSandboxLogins,
  selectSandboxWithdrawal,
  selectSandboxWithdrawals,
  updateSandboxAccount,
} from './sandbox.queries.ts';

/**
 * The built-in sandbox exchange: an exchange back office in kefu's own database, one per organization. The demo and
 * the tests use it; it behaves like a well-behaved exchange backend (idempotent actions, newest records first).
 */

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

type SandboxAction = 'freeze' | 'revoke_sessions' | 'unfreeze';

const reusedRequestId = () =>
  new ExchangeUnavailableError('rejected', 'This request id was already used for this action on another account.');

export function createSandboxExchange(db: Db, orgId: string): ExchangeConnector {
  /**
   * Runs an action once per (action, request id). The account row is locked first, so a concurrent duplicate waits
   * and then finds the first one's result instead of acting twice.
   */
  async function actOnce<T extends Record<string, unknown>>(
    uid: string,
    requestId: string,
    action: SandboxAction,
    act: (tx: Queryable, account: { status: string; active_sessions: number; api_keys: number }) => Promise<T>,
  ): Promise<T> {
    return db.transaction(async (tx) => {
      const account = await selectSandboxAccountForUpdate(tx, orgId, uid);
      const earlier = await selectSandboxAction(tx, orgId, action, requestId);
      if (earlier) {
        if (earlier.uid !== uid) throw reusedRequestId();
        return earlier.result as T;
      }
      if (!account) throw new ExchangeUnavailableError('rejected', 'The exchange has no such account.');
      const result = await act(tx, account);
      // Taken meanwhile: the same id for another account (this account's row lock rules out a duplicate for it).
      if (!(await insertSandboxAction(tx, orgId, { action, requestId, uid, result }))) throw reusedRequestId();
      return result;
    });
  }

  return {
    getAccount: (uid) => selectSandboxAccount(db, orgId, uid),
    findAccountByEmail: (email) => selectSandboxAccountByEmail(db, orgId, email),
    listDepositAddresses: (uid) => selectSandboxDepositAddresses(db, orgId, uid),
    listDeposits: (uid, options) => selectSandboxDeposits(db, orgId, uid, clampLimit(options?.limit)),
    findDepositByTxHash: (txHash) => selectSandboxDepositByTxHash(db, orgId, txHash),
    listWithdrawals: (uid, options) => selectSandboxWithdrawals(db, orgId, uid, clampLimit(options?.limit)),
    getWithdrawal: (uid, withdrawalId) => selectSandboxWithdrawal(db, orgId, uid, withdrawalId),
    listRecentLogins: (uid, options) => selectSandboxLogins(db, orgId, uid, clampLimit(options?.limit)),

    freezeAccount: (uid, request) =>
      actOnce(uid, request.requestId, 'freeze', async (tx) => {
        await updateSandboxAccount(tx, orgId, uid, { status: 'frozen' });
        return { status: 'frozen' as const };
      }),

    revokeSessionsAndApiKeys: (uid, request) =>
      actOnce(uid, request.requestId, 'revoke_sessions', async (tx, account) => {
        await updateSandboxAccount(tx, orgId, uid, { clearSessions: true });
        return { sessionsRevoked: account.active_sessions, apiKeysRevoked: account.api_keys };
      }),

    unfreezeAccount: (uid, request) => {
      const [first, second] = request.approvedBy;
      // The exchange re-checks kefu's four-eyes rule rather than trusting it blindly.
      if (!first || !second || first === second) {
        return Promise.reject(
          new ExchangeUnavailableError('rejected', 'An unfreeze needs the approval of two different staff.'),
        );
      }
      return actOnce(uid, request.requestId, 'unfreeze', async (tx, account) => {
        if (account.status !== 'frozen') return { status: account.status as ExchangeAccount['status'] };
        await updateSandboxAccount(tx, orgId, uid, { status: 'active' });
        return { status: 'active' as const };
      });
    },
  };
}

// ---------- Sandbox data ----------

/** One customer of the sandbox exchange with everything the support desk may look at. */
export type SandboxCustomer = {
  account: ExchangeAccount & { activeSessions?: number; apiKeys?: number };
  addresses?: DepositAddress[];
  deposits?: Omit<ExchangeDeposit, 'uid'>[];
  withdrawals?: Omit<ExchangeWithdrawal, 'uid'>[];
  logins?: LoginRecord[];
};

/** Adds a customer with explicit values (the seed and the tests), in one transaction. */
export async function addSandboxCustomer(db: Db, orgId: string, customer: SandboxCustomer): Promise<void> {
  const uid = customer.account.uid;
  await db.transaction(async (tx) => {
    await insertSandboxAccount(tx, orgId, customer.account);
    for (const address of customer.addresses ?? []) await insertSandboxDepositAddress(tx, orgId, uid, address);
    for (const deposit of customer.deposits ?? []) await insertSandboxDeposit(tx, orgId, { ...deposit, uid });
    for (const withdrawal of customer.withdrawals ?? []) {
      await insertSandboxWithdrawal(tx, orgId, { ...withdrawal, uid });
    }
    for (const login of customer.logins ?? []) await insertSandboxLogin(tx, orgId, uid, login);
  });
}

/**
 * The demo exchange's customers, matching the demo conversations (src/server/seed/demo.ts) by exchange UID. Times are
 * relative to now so "an hour ago" in a chat is an hour ago in the sidebar. Addresses and hashes are well-formed (valid
 * checksums) but belong to nobody; IPs are from the documentation ranges.
 */
export async function seedSandboxExchange(db: Db, orgId: string, clock: Clock = systemClock): Promise<void> {
  for (const customer of demoSandboxCustomers(clock.now())) await addSandboxCustomer(db, orgId, customer);
}

// The exchange's shared XRP hot wallet: customers are told apart by the memo (destination tag) alone.
const XRP_HOT_WALLET = 'rMVuCh2DCeDReBi3UTidjRTuU2hXFyP2g2';

function standardAddresses(a: { tron: string; evm: string; btc: string }, xrpMemo: string): DepositAddress[] {
  return [
    { coin: 'USDT', network: 'TRC20', address: a.tron, memo: null },
    { coin: 'USDT', network: 'ERC20', address: a.evm, memo: null },
    { coin: 'USDT', network: 'BEP20', address: a.evm, memo: null },
    { coin: 'BTC', network: 'BTC', address: a.btc, memo: null },
    { coin: 'ETH', network: 'ERC20', address: a.evm, memo: null },
    { coin: 'XRP', network: 'XRP', address: XRP_HOT_WALLET, memo: xrpMemo },
  ];
}

export function demoSandboxCustomers(now: Date): SandboxCustomer[] {
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
  const DAY = 24 * 60;
  return [
    {
      // 张伟: "500 USDT (TRC20) an hour ago, not credited" — the chain has it confirmed, the exchange has not credited it.
      account: {
        uid: '28810375',
        email: 'zhangwei88@example.cn',
        kycLevel: 2,
        vipLevel: 2,
        status: 'active',
        registeredAt: ago(640 * DAY),
        locale: 'zh-CN',
        antiPhishingCode: 'LUMEN-ZW7',
        activeSessions: 2,
        apiKeys: 0,
      },
      addresses: standardAddresses(
        {
          tron: 'TRtrjmzwvAv7XWFjPstbN94wGESqd5yG61',
          evm: '0x4a91a6685f8D870e585aE86BA76EBf9Df1ab4c29',
          btc: 'bc1qay6a0xpjj40pl3tpw3224jjsx3wzrvacmlegsu',
        },
        '104837261',
      ),
      deposits: [
        {
          id: 'D-7700431',
          coin: 'USDT',
          network: 'TRC20',
          amount: '500',
          txHash: '7c2d9a4f1b3e8c6d5a2f9e0b4c7d1a3e6f8b2c5d9e1a4f7b0c3d6e9f2a5b8c1d',
          address: 'TRtrjmzwvAv7XWFjPstbN94wGESqd5yG61',
          memo: null,
          status: 'pending',
          confirmations: 1180,
          requiredConfirmations: 20,
          creditedAt: null,
          createdAt: ago(68),
        },
        {
          id: 'D-7613820',
          coin: 'BTC',
          network: 'BTC',
          amount: '0.052',
          txHash: 'bb4ccb90e660063779fb2297a9fa20a92b8f2a994b9661e3db133d150f02e3c5',
          address: 'bc1qay6a0xpjj40pl3tpw3224jjsx3wzrvacmlegsu',
          memo: null,
          status: 'credited',
          confirmations: 2,
          requiredConfirmations: 2,
          creditedAt: ago(12 * DAY - 40),
          createdAt: ago(12 * DAY),
        },
        {
          id: 'D-7588104',
          coin: 'USDT',
          network: 'ERC20',
          amount: '1200',
          txHash: '0x7f5fb5b8ed20fa8a73600985963eedd0f13d96681b1a8c5e07ef951f99d44b38',
          address: '0x4a91a6685f8D870e585aE86BA76EBf9Df1ab4c29',
          memo: null,
          status: 'credited',
          confirmations: 12,
          requiredConfirmations: 12,
          creditedAt: ago(30 * DAY - 6),
          createdAt: ago(30 * DAY),
        },
      ],
      withdrawals: [
        {
          id: 'W-5520981',
          coin: 'USDT',
          network: 'TRC20',
          amount: '300',
          address: 'TMo2MecjKMNVmSxZK9oC8zezqdthrgf8Ge',
          memo: null,
          state: 'completed',
          reasonCode: null,
          txHash: '8bed80c3cff4b712dbf80ff364739ecb59272e269a94a0472ba1942c5131b5e8',
          createdAt: ago(20 * DAY),
          updatedAt: ago(20 * DAY - 9),
        },
      ],
      logins: [
        { at: ago(75), ip: '203.0.113.24', device: 'iPhone 15 · Lumen iOS 6.2', country: 'CN' },
        { at: ago(2 * DAY), ip: '203.0.113.24', device: 'iPhone 15 · Lumen iOS 6.2', country: 'CN' },
        { at: ago(5 * DAY), ip: '203.0.113.61', device: 'Windows 11 · Chrome 131', country: 'CN' },
      ],
    },
    {
      // Maria: a BTC withdrawal under review for six hours (first withdrawal to a new address).
      account: {
        uid: '30194422',
        email: 'maria.lopez@example.com',
        kycLevel: 1,
        vipLevel: 0,
        status: 'active',
        registeredAt: ago(95 * DAY),
        locale: 'en',
        antiPhishingCode: null,
        activeSessions: 1,
        apiKeys: 0,
      },
      addresses: standardAddresses(
        {
          tron: 'TMapGBXCDXR1p4Xsui4R13wnq56C3do7k1',
          evm: '0x5D83F493F21b0F274c22828A6d0F0d1da71efC1e',
          btc: 'bc1qzyjp3rrpzsg3gt9hgvtzkp3cd60waac2e00yda',
        },
        '208865130',
      ),
      deposits: [
        {
          id: 'D-7691277',
          coin: 'BTC',
          network: 'BTC',
          amount: '0.35',
          txHash: 'bbe55fe7a431d3460a4631f6de1a7b6414484a387ee8f917d7e1bbdf356f9eae',
          address: 'bc1qzyjp3rrpzsg3gt9hgvtzkp3cd60waac2e00yda',
          memo: null,
          status: 'credited',
          confirmations: 2,
          requiredConfirmations: 2,
          creditedAt: ago(3 * DAY - 50),
          createdAt: ago(3 * DAY),
        },
        {
          // Below the 10 USDT minimum: never credited.
          id: 'D-7650012',
          coin: 'USDT',
          network: 'TRC20',
          amount: '4.5',
          txHash: 'fb1991a08a01102346ce1d9b56714c8bf641551f0b6769b26dbfa9477c464cba',
          address: 'TMapGBXCDXR1p4Xsui4R13wnq56C3do7k1',
          memo: null,
          status: 'failed',
          confirmations: 20,
          requiredConfirmations: 20,
          creditedAt: null,
          createdAt: ago(9 * DAY),
        },
      ],
      withdrawals: [
        {
          id: 'W-5571340',
          coin: 'BTC',
          network: 'BTC',
          amount: '0.3',
          address: 'bc1qdmuy9qtuh88rw56fc5y8uyhr2mh7cu8a0a02ac',
          memo: null,
          state: 'under_review',
          reasonCode: 'risk_review_new_address',
          txHash: null,
          createdAt: ago(6 * 60 + 5),
          updatedAt: ago(6 * 60 + 5),
        },
        {
          id: 'W-5560219',
          coin: 'USDT',
          network: 'ERC20',
          amount: '150',
          address: '0x456BE2a93055CA1AF145BC9c07520fb4165138ab',
          memo: null,
          state: 'cancelled',
          reasonCode: 'user_cancelled',
          txHash: null,
          createdAt: ago(8 * DAY),
          updatedAt: ago(8 * DAY - 3),
        },
      ],
      logins: [
        { at: ago(6 * 60 + 12), ip: '198.51.100.14', device: 'macOS 15 · Safari 18', country: 'ES' },
        { at: ago(3 * DAY), ip: '198.51.100.14', device: 'macOS 15 · Safari 18', country: 'ES' },
      ],
    },
    {
      // 陈小姐: the stolen account. A login from a new country and device, a new API key, then withdrawals she did not make.
      account: {
        uid: '11873402',
        email: 'chen.ling@example.cn',
        kycLevel: 3,
        vipLevel: 5,
        status: 'active',
        registeredAt: ago(1210 * DAY),
        locale: 'zh-CN',
        antiPhishingCode: 'CL2019lumen',
        activeSessions: 3,
        apiKeys: 2,
      },
      addresses: standardAddresses(
        {
          tron: 'TYjDcs3jTSkCrVKMJn384hd9MnVbAuzHDH',
          evm: '0xDd8a09aE2d0C26E8BB83b0CB6BcbE1EA917bA3B0',
          btc: 'bc1qwddevaz860mmyxf76cj53zhfu5ecv0a9gnvj50',
        },
        '300451877',
      ),
      deposits: [
        {
          id: 'D-7402266',
          coin: 'USDT',
          network: 'TRC20',
          amount: '25000',
          txHash: '5e26e9b6db828c106200602c338fde5e8b8906bb1fb587e81e7f9aecb9719066',
          address: 'TYjDcs3jTSkCrVKMJn384hd9MnVbAuzHDH',
          memo: null,
          status: 'credited',
          confirmations: 20,
          requiredConfirmations: 20,
          creditedAt: ago(45 * DAY - 3),
          createdAt: ago(45 * DAY),
        },
      ],
      withdrawals: [
        {
          id: 'W-5573002',
          coin: 'BTC',
          network: 'BTC',
          amount: '2.5',
          address: 'bc1qlxwrdpds7aag70rdlskczfvrf8shtj28ttwwu5',
          memo: null,
          state: 'under_review',
          reasonCode: 'risk_review_large_amount',
          txHash: null,
          createdAt: ago(12),
          updatedAt: ago(12),
        },
        {
          id: 'W-5572987',
          coin: 'USDT',
          network: 'TRC20',
          amount: '9800',
          address: 'TBbhsA4FyX1XfE66DBTBCizT2p3FbRJHTi',
          memo: null,
          state: 'broadcast',
          reasonCode: null,
          txHash: '5f6198d6bafe64f61c0adb6779e97203cc74afb397d0d2d9e0ea7b696e2b46c1',
          createdAt: ago(19),
          updatedAt: ago(17),
        },
        {
          id: 'W-5412203',
          coin: 'ETH',
          network: 'ERC20',
          amount: '1.2',
          address: '0x267C0ECc88F88116fcB1Df729D646d4C6FF91063',
          memo: null,
          state: 'completed',
          reasonCode: null,
          txHash: '0x69b7001b6e1ba5794fc27ff0a554ebb339a25129f7fd1defeb0fb0f31f7ec74b',
          createdAt: ago(40 * DAY),
          updatedAt: ago(40 * DAY - 4),
        },
      ],
      logins: [
        // The unusual one: new country, new device, minutes before the withdrawals.
        { at: ago(24), ip: '198.51.100.77', device: 'Windows 10 · Chrome 129', country: 'NG' },
        { at: ago(9 * 60), ip: '203.0.113.88', device: 'iPhone 14 Pro · Lumen iOS 6.2', country: 'CN' },
        { at: ago(DAY + 30), ip: '203.0.113.88', device: 'iPhone 14 Pro · Lumen iOS 6.2', country: 'CN' },
        { at: ago(4 * DAY), ip: '203.0.113.90', device: 'macOS 14 · Chrome 131', country: 'CN' },
      ],
    },
    {
      // 林先生: a limit order that will not cancel; an ERC20 withdrawal in processing.
      account: {
        uid: '20455117',
        email: 'lin.chihao@example.tw',
        kycLevel: 2,
        vipLevel: 1,
        status: 'active',
        registeredAt: ago(300 * DAY),
        locale: 'zh-TW',
        antiPhishingCode: 'TWLIN88',
        activeSessions: 1,
        apiKeys: 1,
      },
      addresses: standardAddresses(
        {
          tron: 'TCVcwE1pSycuZjhfhvZXPrZ2MFqVi5f6Tn',
          evm: '0x4a1b1BA35416D1eB6C62B51Da48c28E0d411f878',
          btc: 'bc1qjq5y0tprljvrc8dlgtgzlpy3lj60hpuwt9jhfh',
        },
        '402198764',
      ),
      deposits: [
        {
          id: 'D-7688410',
          coin: 'USDT',
          network: 'BEP20',
          amount: '2000',
          txHash: '0x06be4e6bef682adfe3b215fabd4d52450f6d614c2fc951a0049a1accc11b9413',
          address: '0x4a1b1BA35416D1eB6C62B51Da48c28E0d411f878',
          memo: null,
          status: 'credited',
          confirmations: 15,
          requiredConfirmations: 15,
          creditedAt: ago(4 * DAY - 2),
          createdAt: ago(4 * DAY),
        },
      ],
      withdrawals: [
        {
          id: 'W-5572410',
          coin: 'USDT',
          network: 'ERC20',
          amount: '800',
          address: '0x465C5a0E6a1b55cAc2e1E6f93b784C09d137301b',
          memo: null,
          state: 'processing',
          reasonCode: null,
          txHash: null,
          createdAt: ago(35),
          updatedAt: ago(30),
        },
      ],
      logins: [{ at: ago(50), ip: '192.0.2.140', device: 'Android 15 · Lumen Android 6.1', country: 'TW' }],
    },
    {
      // 刘洋: a P2P dispute; an earlier withdrawal rejected for insufficient KYC.
      account: {
        uid: '33012984',
        email: 'liuyang.p2p@example.cn',
        kycLevel: 1,
        vipLevel: 0,
        status: 'restricted',
        registeredAt: ago(40 * DAY),
        locale: 'zh-CN',
        antiPhishingCode: null,
        activeSessions: 1,
        apiKeys: 0,
      },
      addresses: standardAddresses(
        {
          tron: 'TBT7xdvhAtPpHeS4AzMmQAG55w2HYZkZKo',
          evm: '0x3C5C1BE0DFD4e6a981e0E9eD950b4C26f8E9b1ed',
          btc: 'bc1qhvfnegwj89u7fkah2c0eqf278y873de9tm9s3u',
        },
        '509917345',
      ),
      deposits: [],
      withdrawals: [
        {
          id: 'W-5569011',
          coin: 'USDT',
          network: 'TRC20',
          amount: '5000',
          address: 'TNoG4Cnm4jDirrkJWv1dVHwsZ7XtSiMvYQ',
          memo: null,
          state: 'rejected',
          reasonCode: 'kyc_level_insufficient',
          txHash: null,
          createdAt: ago(2 * DAY),
          updatedAt: ago(2 * DAY - 20),
        },
      ],
      logins: [{ at: ago(45), ip: '203.0.113.150', device: 'Android 14 · Lumen Android 6.1', country: 'CN' }],
    },
    {
      // Sophie: ETH sent on Arbitrum to her Ethereum address (the exchange never saw it); a USDT BEP20 deposit pending.
      account: {
        uid: '41200871',
        email: 'sophie.m@example.com',
        kycLevel: 2,
        vipLevel: 3,
        status: 'active',
        registeredAt: ago(500 * DAY),
        locale: 'en',
        antiPhishingCode: 'sunflower42',
        activeSessions: 2,
        apiKeys: 1,
      },
      addresses: standardAddresses(
        {
          tron: 'TXfT8GicAnhe7eS7SjaEcFkWSkBPAr7JSi',
          evm: '0x981c6475F3Ac469757d2a50A18Dc92D0472BEe7c',
          btc: 'bc1qxe5s5645scl489urg3jsv525qzkn8grwvlu2ql',
        },
        '611034558',
      ),
      deposits: [
        {
          id: 'D-7701102',
          coin: 'USDT',
          network: 'BEP20',
          amount: '750',
          txHash: '0xbd1acde230582e1bd69501404ca1369e00770ac938edea4a8cc5ff74ee8709b9',
          address: '0x981c6475F3Ac469757d2a50A18Dc92D0472BEe7c',
          memo: null,
          status: 'pending',
          confirmations: 6,
          requiredConfirmations: 15,
          creditedAt: null,
          createdAt: ago(2),
        },
        {
          id: 'D-7598370',
          coin: 'ETH',
          network: 'ERC20',
          amount: '3.1',
          txHash: '0xfd0ddfc25dd2714179a154c7bd9dbce5d103c4d4e5490119f642adbf570aa3b0',
          address: '0x981c6475F3Ac469757d2a50A18Dc92D0472BEe7c',
          memo: null,
          status: 'credited',
          confirmations: 12,
          requiredConfirmations: 12,
          creditedAt: ago(25 * DAY - 4),
          createdAt: ago(25 * DAY),
        },
      ],
      withdrawals: [
        {
          id: 'W-5570777',
          coin: 'ETH',
          network: 'ERC20',
          amount: '0.9',
          address: '0xB8410F347e7eE6D72Dc51b94792a3Aa8D265C18A',
          memo: null,
          state: 'cancelled',
          reasonCode: 'user_cancelled',
          txHash: null,
          createdAt: ago(DAY + 200),
          updatedAt: ago(DAY + 190),
        },
        {
          id: 'W-5561830',
          coin: 'USDT',
          network: 'TRC20',
          amount: '1000',
          address: 'TVpqv3f5S37qpyheXMy2Q4oFazyN6aeDAE',
          memo: null,
          state: 'completed',
          reasonCode: null,
          txHash: 'df758c6bac262fb28b1c9840893789cb29d99707596542f74909bed9730454d1',
          createdAt: ago(7 * DAY),
          updatedAt: ago(7 * DAY - 12),
        },
      ],
      logins: [
        { at: ago(30), ip: '2001:db8:4a2f:17::21', device: 'macOS 15 · Firefox 133', country: 'FR' },
        { at: ago(6 * DAY), ip: '192.0.2.33', device: 'iPad Air · Lumen iOS 6.2', country: 'FR' },
      ],
    },
    {
      // 周婷: XRP sent without the memo (so it is not on her account); earlier XRP with the memo was credited.
      account: {
        uid: '50981233',
        email: 'zhouting@example.cn',
        kycLevel: 1,
        vipLevel: 0,
        status: 'active',
        registeredAt: ago(20 * DAY),
        locale: 'zh-CN',
        antiPhishingCode: null,
        activeSessions: 1,
        apiKeys: 0,
      },
      addresses: standardAddresses(
        {
          tron: 'TWqe8R2cAqmYWpAdyPAMg1yBJRzGKXBNEo',
          evm: '0x4bAB9293AeC3dB0DeE567eBbc3845b9B8234Bc94',
          btc: 'bc1qz3rh30c6yqy5u7n7q2esq2xk39vahn8zfkf53n',
        },
        '730215066',
      ),
      deposits: [
        {
          id: 'D-7630551',
          coin: 'XRP',
          network: 'XRP',
          amount: '180',
          txHash: '072666BD1260C67BDD3DE5F73D2EC5B0FCB4F72A7ED5569C9D77AFE38ACDDCFC',
          address: XRP_HOT_WALLET,
          memo: '730215066',
          status: 'credited',
          confirmations: 1,
          requiredConfirmations: 1,
          creditedAt: ago(10 * DAY - 1),
          createdAt: ago(10 * DAY),
        },
      ],
      withdrawals: [
        {
          id: 'W-5566120',
          coin: 'XRP',
          network: 'XRP',
          amount: '100',
          address: 'rHqTM6F3LeXWduH7dUds7wBNyjhD2Q7Q5Y',
          memo: '88120',
          state: 'completed',
          reasonCode: null,
          txHash: 'DA0942B6238D6CA5FFA2DB0806E8330CE05BD28911857A89B88DD22906BB0575',
          createdAt: ago(5 * DAY),
          updatedAt: ago(5 * DAY - 1),
        },
      ],
      logins: [{ at: ago(15), ip: '203.0.113.201', device: 'Android 13 · Lumen Android 6.1', country: 'CN' }],
    },
  ];
}
