import type { Locale } from '../../contracts/domain.ts';
import { detectSecretRequest, detectSecrets } from '../secrets/secret-guard.ts';

/**
 * Grounded answers: what the model is given (numbered passages from the organization's published articles and the
 * customer's question, nothing else about the customer) and what of its output may reach a customer. Pure, so every
 * guardrail is a table-driven test: an answer must cite a passage it was given, must not ask for or contain a
 * secret, and must not read as investment advice; otherwise the bot answers as it would without a model.
 */

export type Passage = { slug: string; title: string; url: string; text: string };

export type GroundedPrompt = { system: string; user: string };

const LANGUAGE_NAME: Record<Locale, string> = {
  'zh-CN': 'Simplified Chinese (zh-CN)',
  'zh-TW': 'Traditional Chinese as used in Taiwan (zh-TW)',
  en: 'English',
};

/** At most this much of each passage is sent: enough to answer from, bounded cost. */
const PASSAGE_CHARS = 1200;

export function buildGroundedPrompt(
  question: string,
  passages: Passage[],
  locale: Locale,
  orgName: string,
): GroundedPrompt {
  const system = [
    `You are the support assistant of ${orgName}, a cryptocurrency exchange.`,
    'Answer ONLY from the numbered help-centre passages the user message gives. If they do not answer the question, reply exactly NO_ANSWER.',
    'Cite the passages you used with their numbers in square brackets, like [1] or [2].',
    `Write in ${LANGUAGE_NAME[locale]}, in at most 120 words, plainly and politely.`,
    'Never ask for passwords, seed phrases, private keys or verification codes. Never give investment advice or price predictions.',
  ].join('\n');
  const numbered = passages.map((p, i) => `[${i + 1}] ${p.title}\n${p.text.slice(0, PASSAGE_CHARS)}`).join('\n\n');
  return { system, user: `Passages:\n\n${numbered}\n\nQuestion: ${question}` };
}

/**
 * What of the customer's message may leave kefu: the question, with contact details and account identifiers masked
 * (secrets were already redacted before the message was stored).
 */
export function maskForModel(text: string): string {
  return text
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]')
    .replace(/(?<![\w-])(?:0x)?[0-9a-fA-F]{40,64}(?![\w-])/g, '[hash]')
    .replace(/(?<![\w])(?:bc1|tb1)[0-9a-z]{20,80}|(?<![\w])T[1-9A-HJ-NP-Za-km-z]{33}(?![\w])/g, '[address]')
    .replace(/\+?\d[\d\s-]{7,}\d/g, '[number]');
}

export type Verdict =
  | { ok: true; text: string; cited: number[] }
  | {
      ok: false;
      reason: 'no_answer' | 'no_citation' | 'asks_secret' | 'contains_secret' | 'investment_advice' | 'empty';
    };

const ADVICE = [
  /(建议|推荐|应该|應該|可以考虑|可以考慮)(您|你)?(现在|現在)?(买入|買入|买|買|卖出|賣出|卖|賣|抄底|做多|做空|加仓|加倉|梭哈|囤)/,
  /(会|會|将|將|即将|即將)(大)?(涨|漲|跌|暴涨|暴漲|暴跌|拉盘|拉盤|砸盘|砸盤)/,
  /\b(you should|i (would )?recommend|i suggest|consider) (buy|sell|short|long|go long|go short)ing?\b/i,
  /\b(price|it|btc|eth|bitcoin)\b[^.]{0,30}\b(will|is going to|is likely to) (rise|fall|go up|go down|moon|pump|dump|increase|decrease)\b/i,
  /\b(good|great|right) time to (buy|sell)\b/i,
];

export function looksLikeInvestmentAdvice(text: string): boolean {
  return ADVICE.some((pattern) => pattern.test(text));
}

/** Checks a model's output against the passages it was given; only an `ok` verdict may be sent. */
export function judgeAnswer(output: string, passageCount: number): Verdict {
  const text = output.trim();
  if (!text) return { ok: false, reason: 'empty' };
  if (/^NO_ANSWER\b/.test(text)) return { ok: false, reason: 'no_answer' };
  const cited = [...text.matchAll(/\[(\d{1,2})\]/g)]
    .map((m) => Number(m[1]))
    .filter((n) => n >= 1 && n <= passageCount);
  if (cited.length === 0) return { ok: false, reason: 'no_citation' };
  if (detectSecretRequest(text)) return { ok: false, reason: 'asks_secret' };
  if (detectSecrets(text).length > 0) return { ok: false, reason: 'contains_secret' };
  if (looksLikeInvestmentAdvice(text)) return { ok: false, reason: 'investment_advice' };
  // Citations that point at nothing are dropped from the text; the valid ones stay, and become links below it.
  const cleaned = text.replace(/\[(\d{1,2})\]/g, (all, n) => (Number(n) >= 1 && Number(n) <= passageCount ? all : ''));
  return { ok: true, text: cleaned, cited: [...new Set(cited)].sort((a, b) => a - b) };
}
