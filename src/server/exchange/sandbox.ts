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
