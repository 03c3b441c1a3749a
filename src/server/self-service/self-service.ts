import type { Locale } from '../../contracts/domain.ts';
import { type NetworkId, networkFamily } from '../chains/network-ids.ts';
import type { Handoff } from '../../contracts/handoff.ts';
import { reply } from '../text/replies.ts';
import { toTaiwanText } from '../text/taiwan-text.ts';
import { type ChainLookup, type ChainTxLookup, ChainUnavailableError } from '../chains/chains.types.ts';
import type { CaseKind } from '../../contracts/self-service.ts';
import type { Db } from '../db/db.ts';
import {
  type ExchangeConnector,
  ExchangeUnavailableError,
  type ExchangeWithdrawal,
} from '../exchange/exchange.types.ts';
import { findPlatformStatus, incidents, listPlatformStatus, noteFor } from '../platform-status/platform-status.ts';
import { assessDeposit, assessExchangeDeposit, type DepositFinding } from './deposit-assessment.ts';

/** How the bot reaches the facts: the exchange's records and the chains, per organization. */
export type FactSources = {
  connectorFor(orgId: string): Promise<ExchangeConnector>;
  chainsFor(orgId: string): Promise<ChainLookup>;
};

export type Unavailable = { unavailable: 'chain' | 'exchange'; detail: string };
/** No endpoint for this network at all: not an outage, so the details go to a human without an apology. */
export type NotConfigured = { notConfigured: true };

/** Looks the deposit up on chain (and on sibling networks when missing), then in the exchange's records. */
export async function checkDeposit(
  sources: FactSources,
  orgId: string,
  q: { uid: string | null; coin: string; network: NetworkId; txHash: string },
): Promise<{ finding: DepositFinding; evidence: Record<string, unknown> } | Unavailable | NotConfigured> {
  let chains: ChainLookup;
  let lookup: ChainTxLookup;
  try {
    chains = await sources.chainsFor(orgId);
    lookup = await chains.lookupTransaction(q.network, q.txHash);
  } catch (error) {
    if (!(error instanceof ChainUnavailableError)) throw error;
    const fromExchange = q.uid ? await checkDepositOnExchange(sources, orgId, { ...q, uid: q.uid }) : null;
    if (fromExchange) return { ...fromExchange, evidence: { ...fromExchange.evidence, chain: error.reason } };
    if (error.reason === 'not_configured' || error.reason === 'unsupported') return { notConfigured: true };
    return { unavailable: 'chain', detail: error.message };
  }
  let foundOnSibling: NetworkId | null = null;
  if (!lookup.found && networkFamily(q.network) === 'evm') {
    for (const sibling of chains.siblingNetworks(q.network)) {
      const other = await chains.lookupTransaction(sibling, q.txHash).catch(() => undefined);
      if (other?.found) {
        foundOnSibling = sibling;
        break;
      }
    }
  }
  const config = chains.networkConfig(q.network);
  let depositAddresses = null;
  let exchangeDeposit = null;
  if (q.uid) {
    try {
      const connector = await sources.connectorFor(orgId);
      [depositAddresses, exchangeDeposit] = await Promise.all([
        connector.listDepositAddresses(q.uid),
        connector.findDepositByTxHash(q.txHash),
      ]);
    } catch (error) {
      if (error instanceof ExchangeUnavailableError) return { unavailable: 'exchange', detail: error.message };
      throw error;
    }
  }
  const finding = assessDeposit({
    network: q.network,
    coin: q.coin,
    lookup,
    foundOnSibling,
    config: config ?? { minDeposit: {}, memoRequired: false, tokens: {}, nativeCoin: '' },
    depositAddresses,
    exchangeDeposit,
  });
  return { finding, evidence: { lookup, foundOnSibling, exchangeDeposit, query: q } };
}

/**
 * The signed-in customer's deposit as the exchange records it, for when the chain cannot be asked. Null when there is
 * no record of theirs, the exchange is down too, or the record settles nothing.
 */
async function checkDepositOnExchange(
  sources: FactSources,
  orgId: string,
  q: { uid: string; txHash: string },
): Promise<{ finding: DepositFinding; evidence: Record<string, unknown> } | null> {
  const deposit = await sources
    .connectorFor(orgId)
    .then((connector) => connector.findDepositByTxHash(q.txHash))
    .catch((error) => {
      if (error instanceof ExchangeUnavailableError) return null;
      throw error;
    });
  if (!deposit || deposit.uid !== q.uid) return null;
  const chains = await sources.chainsFor(orgId).catch(() => null);
  const finding = assessExchangeDeposit(deposit, chains?.networkConfig(deposit.network as NetworkId));
  return finding ? { finding, evidence: { source: 'exchange', exchangeDeposit: deposit, query: q } } : null;
}

export type FollowUp = {
  handoff: Handoff | null;
  openCase: { kind: CaseKind; priority: Handoff['priority']; title: string } | null;
};

/** What happens after a finding: most answer the customer outright; some open a case and bring in a human. */
export function followUpForDeposit(finding: DepositFinding): FollowUp {
  const handoff = (reason: Handoff['reason'], priority: Handoff['priority'], tags: string[]): Handoff => ({
    reason,
    priority,
    tags: ['deposit', ...tags],
    securityFlag: false,
  });
  switch (finding.kind) {
    case 'wrong_network':
      return {
        handoff: handoff('deposit_recovery', 'normal', ['recovery']),
        openCase: {
          kind: 'deposit_recovery',
          priority: 'normal',
          title: `Wrong-network deposit: sent on ${finding.foundOn}, expected ${finding.network}`,
        },
      };
    case 'memo_missing':
      return {
        handoff: handoff('deposit_recovery', 'normal', ['recovery', 'memo']),
        openCase: {
          kind: 'deposit_recovery',
          priority: 'normal',
          title: `Deposit without the right memo on ${finding.network}`,
        },
      };
    case 'confirmed_not_credited':
      return {
        handoff: handoff('deposit_not_credited', 'high', ['investigation']),
        openCase: {
          kind: 'deposit_investigation',
          priority: 'high',
          title: `Confirmed ${finding.amount} ${finding.coin} on ${finding.network} not credited`,
        },
      };
    case 'not_user_address':
      return { handoff: handoff('deposit_not_user_address', 'normal', []), openCase: null };
    case 'below_minimum':
      return { handoff: handoff('deposit_below_minimum', 'normal', []), openCase: null };
    case 'confirmed_unverified':
      return { handoff: handoff('deposit_details_collected', 'normal', []), openCase: null };
    default:
      return { handoff: null, openCase: null };
  }
}

export function describeDepositFinding(
  finding: DepositFinding,
  locale: Locale,
  vars: { txHash: string; caseRef?: string },
): string {
  const tx = shortHash(vars.txHash);
  switch (finding.kind) {
    case 'not_found':
      return reply('depositNotFound', locale, { network: finding.network, tx });
    case 'wrong_network':
      return reply('depositWrongNetwork', locale, {
        network: finding.network,
        foundOn: finding.foundOn,
        caseRef: vars.caseRef ?? '',
      });
    case 'failed_on_chain':
      return reply('depositFailed', locale);
    case 'not_user_address':
      return reply('depositNotYourAddress', locale, { to: finding.to.map(shortHash).join(', ') });
    case 'pending':
      return reply('depositPending', locale, {
        confirmations: String(finding.confirmations),
        required: String(finding.required),
        eta: formatDuration(finding.etaSeconds, locale),
      });
    case 'credited':
      return reply('depositCredited', locale, {
        amount: finding.amount,
        coin: finding.coin,
        creditedAt: finding.creditedAt ? formatTime(finding.creditedAt, locale) : '—',
      });
    case 'below_minimum':
      return reply('depositBelowMinimum', locale, {
        amount: finding.amount,
        coin: finding.coin,
        minimum: finding.minimum,
      });
    case 'memo_missing':
      return reply('depositMemoMissing', locale, { caseRef: vars.caseRef ?? '' });
    case 'confirmed_not_credited':
      return reply('depositNotCredited', locale, {
        confirmations: String(finding.confirmations),
        caseRef: vars.caseRef ?? '',
      });
    case 'confirmed_unverified':
      return reply('depositUnverified', locale, { confirmations: String(finding.confirmations) });
  }
}

/** A congested or suspended network explains a slow deposit: said before the finding. */
export async function networkNotice(
  db: Db,
  orgId: string,
  coin: string,
  network: string,
  direction: 'deposits' | 'withdrawals',
  locale: Locale,
): Promise<string | null> {
  const entry = await findPlatformStatus(db, orgId, coin, network);
  if (!entry || entry[direction] === 'enabled') return null;
  const note = noteFor(entry, locale);
  if (entry[direction] === 'congested') return reply('networkCongested', locale, { coin, network, note });
  return reply('networkSuspended', locale, { coin, network, direction: directionWord(direction, locale), note });
}

export async function describePlatformStatus(db: Db, orgId: string, locale: Locale): Promise<string> {
  const open = incidents(await listPlatformStatus(db, orgId));
  if (open.length === 0) return reply('platformAllNormal', locale);
  const lines: string[] = [];
  for (const e of open) {
    if (e.deposits !== 'enabled') {
      lines.push((await networkNotice(db, orgId, e.coin, e.network, 'deposits', locale)) ?? '');
    }
    if (e.withdrawals !== 'enabled') {
      lines.push((await networkNotice(db, orgId, e.coin, e.network, 'withdrawals', locale)) ?? '');
    }
  }
  return [reply('platformIncidentsIntro', locale), ...new Set(lines.filter(Boolean))].join('\n');
}

const WITHDRAWAL_WORDS: Record<ExchangeWithdrawal['state'], { 'zh-CN': string; en: string }> = {
  under_review: {
    'zh-CN':
      '正在进行安全审核，通常 30 分钟到 2 小时内完成；首次提币到新地址或大额提币可能更久。审核期间无需任何操作。',
    en: 'is in a security review, usually done within 30 minutes to 2 hours; first withdrawals to a new address or large amounts can take longer. Nothing to do meanwhile.',
  },
  processing: {
    'zh-CN': '已通过审核，正在处理并准备上链，通常几分钟内广播。',
    en: 'passed review and is being processed; it is usually broadcast within minutes.',
  },
  broadcast: {
    'zh-CN': '已广播上链，交易哈希 {tx}，当前 {confirmations}/{required} 个确认。到账时间取决于接收方平台。',
    en: 'has been broadcast: transaction {tx}, {confirmations} of {required} confirmations so far. Arrival depends on the receiving platform.',
  },
  completed: {
    'zh-CN': '已完成，交易哈希 {tx}。如果接收方还没到账，请把该哈希提供给接收方平台查询。',
    en: 'is complete: transaction {tx}. If the receiving side has not credited it, give them this hash.',
  },
  rejected: {
    'zh-CN': '未通过审核（原因：{reason}），资产已退回您的账户。如有疑问请回复“人工”。',
    en: 'was not approved (reason: {reason}) and the funds are back in your account. Reply "agent" if you have questions.',
  },
  cancelled: {
    'zh-CN': '已取消，资产已退回您的账户。',
    en: 'was cancelled and the funds are back in your account.',
  },
};

const REASON_WORDS: Record<string, { 'zh-CN': string; en: string }> = {
  risk_control: { 'zh-CN': '风控审核未通过', en: 'risk review' },
  address_blacklisted: { 'zh-CN': '目标地址存在风险', en: 'the destination address is flagged' },
  kyc_required: { 'zh-CN': '需要完成身份认证', en: 'identity verification required' },
  insufficient_balance: { 'zh-CN': '余额不足', en: 'insufficient balance' },
};

export function describeWithdrawal(
  w: ExchangeWithdrawal,
  locale: Locale,
  chain?: { confirmations: number; required: number },
): string {
  const words = WITHDRAWAL_WORDS[w.state];
  const inLocale = (text: { 'zh-CN': string; en: string }) =>
    locale === 'en' ? text.en : locale === 'zh-TW' ? toTaiwanText(text['zh-CN']) : text['zh-CN'];
  const reasonWords = w.reasonCode ? REASON_WORDS[w.reasonCode] : undefined;
  const reason = reasonWords ? inLocale(reasonWords) : (w.reasonCode ?? '—');
  const state = inLocale(words)
    .replace('{tx}', w.txHash ?? '—')
    .replace('{confirmations}', String(chain?.confirmations ?? '?'))
    .replace(/\{required\}/g, String(chain?.required ?? '?'))
    .replace('{reason}', reason);
  // The state sentence is converted before it is filled, so hashes and numbers pass through untouched.
  return reply('withdrawalState', locale, { id: w.id, amount: w.amount, coin: w.coin, state: '' }) + state;
}

/** Finds the withdrawal the customer means: by id, by tx hash, else their latest (of the coin, when named). */
export async function findWithdrawal(
  sources: FactSources,
  orgId: string,
  q: { uid: string; withdrawalId?: string; txHash?: string; coin?: string },
): Promise<ExchangeWithdrawal | null | Unavailable> {
  try {
    const connector = await sources.connectorFor(orgId);
    if (q.withdrawalId) {
      const byId = await connector.getWithdrawal(q.uid, q.withdrawalId);
      if (byId) return byId;
    }
    const recent = await connector.listWithdrawals(q.uid, { limit: 20 });
    if (q.txHash) return recent.find((w) => w.txHash?.toLowerCase() === q.txHash!.toLowerCase()) ?? null;
    if (q.withdrawalId) return null;
    return recent.find((w) => !q.coin || w.coin.toUpperCase() === q.coin.toUpperCase()) ?? null;
  } catch (error) {
    if (error instanceof ExchangeUnavailableError) return { unavailable: 'exchange', detail: error.message };
    throw error;
  }
}

export function isUnavailable(value: unknown): value is Unavailable {
  return typeof value === 'object' && value !== null && 'unavailable' in value;
}

function shortHash(value: string): string {
  return value.length > 20 ? `${value.slice(0, 10)}…${value.slice(-6)}` : value;
}

export function formatDuration(seconds: number, locale: Locale): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return reply('durationMinutes', locale, { n: String(minutes) });
  return reply('durationHours', locale, { n: String(Math.round((minutes / 60) * 10) / 10) });
}

/** "deposits" / 充值 / 充值, "withdrawals" / 提币 / 提幣, for sentences about a network's state. */
export function directionWord(direction: 'deposits' | 'withdrawals', locale: Locale): string {
  return reply(direction === 'deposits' ? 'directionDeposits' : 'directionWithdrawals', locale);
}

function formatTime(iso: string, locale: Locale): string {
  return new Date(iso).toLocaleString(locale === 'en' ? 'en-GB' : locale, { timeZone: 'Asia/Shanghai', hour12: false });
}
