import type { AgentRole } from '../../contracts/domain.ts';
import type { ExchangeAction } from '../../contracts/exchange.ts';
import type {
  AccountStatus,
  DepositAddress,
  ExchangeAccount,
  ExchangeDeposit,
  ExchangeWithdrawal,
  LoginRecord,
} from './exchange.types.ts';
import { maskAddress, maskEmail as maskContactEmail } from '../privacy/pii-mask.ts';

/**
 * What each staff role may see of a customer's exchange data and do to the account. Agents handle most chats and see
 * the least personal data that lets them help; supervisors and admins handle escalations and security cases.
 */

type Mask = (value: string) => string;

const keep: Mask = (value) => value;

/**
 * `maria.lopez@example.com` → `m•••z@example.com`: enough to confirm with the customer, not enough to contact them.
 * The same mask as the contact's everywhere else (privacy/pii-mask.ts), so one customer reads the same in every panel.
 */
export const maskEmail: Mask = maskContactEmail;

/** IPv4 to its /24 (`203.0.113.x`), IPv6 to its /48 (`2001:db8:4a2f::x`): the network, not the household. */
export const maskIp: Mask = (ip) => {
  const v4 = ip.match(/(?:^|:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.x`;
  if (!ip.includes(':')) return 'x';
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 3)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::x`;
};

/** `TRtrjm•••yG61` (first 6, last 4): enough to compare with what the customer pasted, not to copy a usable address. */
export const shortenAddress: Mask = maskAddress;

/** A memo or destination tag identifies the account on a shared wallet: the last digits only. */
export const maskMemo: Mask = (memo) => (memo.length <= 4 ? '***' : `***${memo.slice(-4)}`);

/** The anti-phishing code proves an e-mail is really from the exchange; staff never need all of it. */
const hideSecret: Mask = () => '***';
const secretPrefix: Mask = (code) => (code.length <= 4 ? '***' : `${code.slice(0, 2)}***`);

type PiiField = 'email' | 'ip' | 'address' | 'memo' | 'antiPhishingCode';

export const MASKING_BY_ROLE: Record<AgentRole, Record<PiiField, Mask>> = {
  agent: { email: maskEmail, ip: maskIp, address: shortenAddress, memo: maskMemo, antiPhishingCode: hideSecret },
  supervisor: { email: keep, ip: keep, address: keep, memo: keep, antiPhishingCode: secretPrefix },
  admin: { email: keep, ip: keep, address: keep, memo: keep, antiPhishingCode: secretPrefix },
};

export type ExchangeProfileData = {
  account: ExchangeAccount | null;
  depositAddresses: DepositAddress[];
  deposits: ExchangeDeposit[];
  withdrawals: ExchangeWithdrawal[];
  logins: LoginRecord[];
};

/** The profile as the role may see it. Every personal field goes through the role's row of MASKING_BY_ROLE. */
export function maskForRole(role: AgentRole, data: ExchangeProfileData): ExchangeProfileData {
  const m = MASKING_BY_ROLE[role];
  const memo = (value: string | null) => (value === null ? null : m.memo(value));
  return {
    account: data.account && {
      ...data.account,
      email: m.email(data.account.email),
      antiPhishingCode:
        data.account.antiPhishingCode === null ? null : m.antiPhishingCode(data.account.antiPhishingCode),
    },
    depositAddresses: data.depositAddresses.map((a) => ({ ...a, address: m.address(a.address), memo: memo(a.memo) })),
    deposits: data.deposits.map((d) => ({ ...d, address: m.address(d.address), memo: memo(d.memo) })),
    withdrawals: data.withdrawals.map((w) => ({ ...w, address: m.address(w.address), memo: memo(w.memo) })),
    logins: data.logins.map((l) => ({ ...l, ip: m.ip(l.ip) })),
  };
}

/** Agents may freeze (a stolen account cannot wait for a supervisor); lifting a freeze takes a supervisor's approval. */
const ACTIONS_BY_ROLE: Record<AgentRole, readonly ExchangeAction[]> = {
  agent: ['freeze', 'request_unfreeze'],
  supervisor: ['freeze', 'revoke_sessions', 'request_unfreeze', 'approve_unfreeze'],
  admin: ['freeze', 'revoke_sessions', 'request_unfreeze', 'approve_unfreeze'],
};

const ACTION_FITS_STATUS: Record<ExchangeAction, (status: AccountStatus) => boolean> = {
  freeze: (status) => status !== 'frozen',
  revoke_sessions: () => true,
  request_unfreeze: (status) => status === 'frozen',
  approve_unfreeze: (status) => status === 'frozen',
};

export function roleAllows(role: AgentRole, action: ExchangeAction): boolean {
  return ACTIONS_BY_ROLE[role].includes(action);
}

export function allowedActions(role: AgentRole, status: AccountStatus): ExchangeAction[] {
  return ACTIONS_BY_ROLE[role].filter((action) => ACTION_FITS_STATUS[action](status));
}
