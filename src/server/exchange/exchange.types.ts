import type { DepositAddress, ExchangeDeposit } from '../../contracts/exchange.ts';

/**
 * What the support desk reads from, and asks of, the exchange it serves. One interface, two implementations: the
 * built-in sandbox exchange (tables in kefu's own database, for the demo and the tests) and an HTTP connector to the
 * exchange's backend following docs/exchange-connector.openapi.yaml.
 */

export type AccountStatus = 'active' | 'locked' | 'frozen' | 'restricted';

export type ExchangeAccount = {
  uid: string;
  email: string;
  kycLevel: number;
  vipLevel: number;
  status: AccountStatus;
  registeredAt: string;
  locale: 'zh-CN' | 'zh-TW' | 'en';
  antiPhishingCode: string | null;
};

export type { DepositAddress, ExchangeDeposit };

export const WITHDRAWAL_STATES = [
  'under_review',
  'processing',
  'broadcast',
  'completed',
  'rejected',
  'cancelled',
] as const;
export type WithdrawalState = (typeof WITHDRAWAL_STATES)[number];

export type ExchangeWithdrawal = {
  id: string;
  uid: string;
  coin: string;
  network: string;
  amount: string;
  address: string;
  memo: string | null;
  state: WithdrawalState;
  reasonCode: string | null;
  txHash: string | null;
  createdAt: string;
  updatedAt: string;
};

export type LoginRecord = { at: string; ip: string; device: string; country: string };

export type ExchangeConnector = {
  getAccount(uid: string): Promise<ExchangeAccount | null>;
  findAccountByEmail(email: string): Promise<ExchangeAccount | null>;
  listDepositAddresses(uid: string): Promise<DepositAddress[]>;
  listDeposits(uid: string, options?: { limit?: number }): Promise<ExchangeDeposit[]>;
  findDepositByTxHash(txHash: string): Promise<ExchangeDeposit | null>;
  listWithdrawals(uid: string, options?: { limit?: number }): Promise<ExchangeWithdrawal[]>;
  getWithdrawal(uid: string, withdrawalId: string): Promise<ExchangeWithdrawal | null>;
  listRecentLogins(uid: string, options?: { limit?: number }): Promise<LoginRecord[]>;
  /** Idempotent by requestId: a retried freeze freezes once. */
  freezeAccount(uid: string, request: { requestId: string; reason: string }): Promise<{ status: AccountStatus }>;
  revokeSessionsAndApiKeys(
    uid: string,
    request: { requestId: string },
  ): Promise<{ sessionsRevoked: number; apiKeysRevoked: number }>;
  /** Called only after kefu's own four-eyes approval; `approvedBy` names the two staff. */
  unfreezeAccount(
    uid: string,
    request: { requestId: string; approvedBy: [string, string] },
  ): Promise<{ status: AccountStatus }>;
};

/**
 * Why the exchange could not answer. Callers turn this into a clear message for the customer and a hand-off with
 * the context — never a crash, never a made-up answer.
 */
export class ExchangeUnavailableError extends Error {
  override name = 'ExchangeUnavailableError';
  readonly reason: 'timeout' | 'server_error' | 'malformed_response' | 'circuit_open' | 'network' | 'rejected';
  constructor(reason: ExchangeUnavailableError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

export type ExchangeUnavailableReason = ExchangeUnavailableError['reason'];
