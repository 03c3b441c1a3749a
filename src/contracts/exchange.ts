import { z } from 'zod';

/**
 * The agent console's view of the customer's exchange account (the sidebar) and the actions it may take on it. Values
 * arrive already masked for the agent's role: the console shows what it gets and never unmasks anything.
 */

export const EXCHANGE_UNAVAILABLE_REASONS = [
  'timeout',
  'server_error',
  'malformed_response',
  'circuit_open',
  'network',
  'rejected',
] as const;
export type ExchangeUnavailableReasonCode = (typeof EXCHANGE_UNAVAILABLE_REASONS)[number];

/** What the agent's role allows on the account in its current status. */
export const EXCHANGE_ACTIONS = ['freeze', 'revoke_sessions', 'request_unfreeze', 'approve_unfreeze'] as const;
export type ExchangeAction = (typeof EXCHANGE_ACTIONS)[number];

export type ExchangeAccountView = {
  uid: string;
  /** Masked for agents: `ma***@example.com`. */
  email: string;
  kycLevel: number;
  vipLevel: number;
  status: 'active' | 'locked' | 'frozen' | 'restricted';
  registeredAt: string;
  locale: 'zh-CN' | 'zh-TW' | 'en';
  /** Never shown in full (it is what the customer checks our e-mails against); null when the customer set none. */
  antiPhishingCode: string | null;
};

/** A deposit address of the customer's, as the exchange gives it (and the console shows it). */
export type DepositAddress = { coin: string; network: string; address: string; memo: string | null };
export type ExchangeDepositAddressView = DepositAddress;

/** A deposit as the exchange connector returns it (docs/exchange-connector.openapi.yaml). */
export type ExchangeDeposit = {
  id: string;
  uid: string;
  coin: string;
  network: string;
  amount: string;
  txHash: string;
  address: string;
  memo: string | null;
  status: 'pending' | 'credited' | 'failed';
  creditedAt: string | null;
  createdAt: string;
  /** Optional: the confirmations the exchange's node has seen, and needs to credit; pending past them = stuck. */
  confirmations?: number | null;
  requiredConfirmations?: number | null;
};

/** The console's view of a deposit: the same record without the uid, the confirmations always present (null if unknown). */
export type ExchangeDepositView = Omit<ExchangeDeposit, 'uid' | 'confirmations' | 'requiredConfirmations'> & {
  confirmations: number | null;
  requiredConfirmations: number | null;
};

export type ExchangeWithdrawalView = {
  id: string;
  coin: string;
  network: string;
  amount: string;
  address: string;
  memo: string | null;
  state: 'under_review' | 'processing' | 'broadcast' | 'completed' | 'rejected' | 'cancelled';
  reasonCode: string | null;
  txHash: string | null;
  createdAt: string;
  updatedAt: string;
};

/** `ip` is masked to its /24 (IPv4) or /48 (IPv6) for agents: `203.0.113.x`. */
export type ExchangeLoginView = { at: string; ip: string; device: string; country: string };

export type ExchangeProfileResponse =
  /** The contact has no exchange UID (an anonymous visitor, or an e-mail not matched to an account). */
  | { linked: false }
  /** The exchange could not be asked: the console shows "exchange unavailable" with the reason. */
  | { linked: true; uid: string; available: false; reason: ExchangeUnavailableReasonCode; message: string }
  | {
      linked: true;
      uid: string;
      available: true;
      /** False when the exchange has no account with this UID. */
      found: boolean;
      account: ExchangeAccountView | null;
      depositAddresses: ExchangeDepositAddressView[];
      deposits: ExchangeDepositView[];
      withdrawals: ExchangeWithdrawalView[];
      logins: ExchangeLoginView[];
      allowedActions: ExchangeAction[];
    };

export const freezeExchangeAccountBodySchema = z.object({
  /** Chosen by the console once per click: a retried request freezes and is audited once. */
  requestId: z
    .string()
    .min(8)
    .max(100)
    .regex(/^[\w:.-]+$/),
  reason: z.string().trim().min(3).max(500),
});
export type FreezeExchangeAccountBody = z.infer<typeof freezeExchangeAccountBodySchema>;

export type FreezeExchangeAccountResponse = {
  status: ExchangeAccountView['status'];
  /** True when this request id had already been carried out: nothing was done again. */
  replayed: boolean;
};
