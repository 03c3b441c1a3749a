import type { Priority } from '../../contracts/domain.ts';
import type { SlaPolicy } from '../../contracts/sla.ts';

/**
 * Which priority the facts about a conversation call for. Pure and table-tested. In order: funds at risk (a compromised
 * account, an unauthorised withdrawal, a large missing deposit) are urgent and nothing lowers that; then a VIP is at
 * least high; a furious customer goes up one level; a complaint is at least high.
 */

export type PriorityFacts = {
  vipLevel: number;
  /** The bot's reading of the latest customer message, when there is one. */
  intent?: string | null;
  confidence?: number;
  sentimentLabel?: string | null;
  amounts?: { value: string; coin?: string }[];
  /** The customer says a withdrawal happened that they did not make. */
  unauthorisedWithdrawal?: boolean;
};

export type PriorityDecision = { priority: Priority; reasons: string[] };
export type PriorityRules = SlaPolicy['priorityRules'];

const RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
const BY_RANK: Priority[] = ['low', 'normal', 'high', 'urgent'];
/** Below this the bot is guessing; a guess does not make a case urgent. */
export const INTENT_CONFIDENCE_FLOOR = 0.5;
const MISSING_DEPOSIT_INTENTS = new Set(['deposit_missing', 'deposit_wrong_network', 'deposit_missing_memo']);
const STABLECOINS = new Set(['USDT', 'USDC']);

export function priorityRank(priority: Priority): number {
  return RANK[priority];
}

export function higherPriority(a: Priority, b: Priority): Priority {
  return RANK[a] >= RANK[b] ? a : b;
}

export function raisePriority(priority: Priority): Priority {
  return BY_RANK[Math.min(RANK[priority] + 1, BY_RANK.length - 1)];
}

export function decidePriority(facts: PriorityFacts, rules: PriorityRules): PriorityDecision {
  const confident = (facts.confidence ?? 0) >= INTENT_CONFIDENCE_FLOOR;
  const intent = confident ? facts.intent : null;

  const fundsAtRisk: string[] = [];
  if (intent === 'account_compromised') fundsAtRisk.push('account_compromised');
  if (facts.unauthorisedWithdrawal) fundsAtRisk.push('unauthorised_withdrawal');
  if (intent && MISSING_DEPOSIT_INTENTS.has(intent)) {
    const value = largestUsdValue(facts.amounts ?? [], rules.prices);
    if (value !== null && value >= rules.missingDepositUrgentAmount) fundsAtRisk.push('large_missing_deposit');
  }
  if (fundsAtRisk.length > 0) return { priority: 'urgent', reasons: fundsAtRisk };

  let priority: Priority = 'normal';
  const reasons: string[] = [];
  if (facts.vipLevel >= rules.vipHighLevel) {
    priority = 'high';
    reasons.push('vip');
  }
  if (facts.sentimentLabel === 'very_negative') {
    priority = raisePriority(priority);
    reasons.push('very_negative_sentiment');
  }
  if (intent === 'complaint') {
    priority = higherPriority(priority, 'high');
    reasons.push('complaint');
  }
  return { priority, reasons };
}

/** The largest amount in USDT; stablecoins 1:1, other coins only with a configured price, bare numbers ignored. */
export function largestUsdValue(
  amounts: { value: string; coin?: string }[],
  prices: Record<string, number>,
): number | null {
  let largest: number | null = null;
  for (const amount of amounts) {
    const coin = amount.coin?.toUpperCase();
    if (!coin) continue;
    const price = STABLECOINS.has(coin) ? 1 : prices[coin];
    const value = Number(amount.value.replace(/[,_\s]/g, ''));
    if (!price || !Number.isFinite(value)) continue;
    largest = Math.max(largest ?? 0, value * price);
  }
  return largest;
}

// A withdrawal the customer says they did not make: "someone withdrew", "I didn't withdraw", 不是我提的, 被提走.
const UNAUTHORISED_WITHDRAWAL = [
  /\bunauthori[sz]ed\s+(withdrawals?|transfers?)\b/i,
  /\b(withdrawals?|withdrawn|withdrew)\b.{0,40}\b(not me|wasn'?t me|didn'?t (make|do|request)|never (made|requested)|without my)\b/i,
  /\b(i|we)\s+(didn'?t|did not|never)\s+(make|request|do|authori[sz]e)\b.{0,30}\bwithdraw/i,
  /\bsomeone\b.{0,30}\b(withdrew|withdrawn|took|stole)\b/i,
  /(不是我|我没有|我沒有|本人没有|本人沒有)(操作|申请|申請)?.{0,6}(提现|提現|提币|提幣|转出|轉出)/,
  /(被人?|有人|别人|別人|陌生人).{0,6}(提现|提現|提币|提幣|提走|转走|轉走|盗|盜)/,
  /(提现|提現|提币|提幣|转出|轉出).{0,10}(不是我|并非我|並非我|我没有|我沒有|本人没有|本人沒有)/,
];

export function mentionsUnauthorisedWithdrawal(text: string): boolean {
  return UNAUTHORISED_WITHDRAWAL.some((pattern) => pattern.test(text));
}
