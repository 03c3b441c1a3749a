import type { Locale } from '../../contracts/domain.ts';
import { normalizeText } from './normalize.ts';

/**
 * 'zh' / 'en' for messages dominated by one language, 'mixed' when both carry real content,
 * 'unknown' when there is nothing to judge (empty, digits, punctuation, emoji, a bare address).
 */
export type DetectedLanguage = 'zh' | 'en' | 'mixed' | 'unknown';

// Latin tokens that Chinese users type inside Chinese sentences without switching language.
const LOANWORDS = new Set([
  'u',
  'usdt',
  'usdc',
  'btc',
  'eth',
  'bnb',
  'trx',
  'sol',
  'xrp',
  'doge',
  'trc20',
  'erc20',
  'bep20',
  'trc',
  'erc',
  'bep',
  'bsc',
  'kyc',
  'otc',
  'p2p',
  'c2c',
  'api',
  'app',
  'id',
  'vip',
  'ok',
  'okk',
  'hi',
  'hello',
  'memo',
  'tag',
  'txid',
  'hash',
  'google',
  '2fa',
  'sms',
  'pc',
  'web',
  'ip',
  'usd',
  'cny',
  'rmb',
]);

// Loanwords that say nothing about the writer's language even alone: tickers, networks, crypto and app terms.
const NEUTRAL_TERMS = new Set([...LOANWORDS].filter((word) => !['u', 'hi', 'hello'].includes(word)));

// Hashes, addresses and other machine identifiers: they say nothing about the language.
function isMachineToken(token: string): boolean {
  return (
    token.length >= 20 || /^0x[0-9a-f]+$/.test(token) || (/\d/.test(token) && /[a-z]/.test(token) && token.length >= 12)
  );
}

export function detectLanguage(text: string): DetectedLanguage {
  const normalized = normalizeText(text);
  const hanCount = normalized.match(/\p{Script=Han}/gu)?.length ?? 0;
  const latinTokens = (normalized.match(/[a-z][a-z0-9']*/g) ?? []).filter((token) => !isMachineToken(token));
  const englishWords = latinTokens.filter((token) => !LOANWORDS.has(token)).length;
  // "TRC20" or "USDT ok" alone is an answer to the bot's question, not a switch to English.
  if (hanCount === 0) return latinTokens.some((token) => !NEUTRAL_TERMS.has(token)) ? 'en' : 'unknown';
  if (englishWords === 0) return 'zh';
  // A Chinese word averages ~1.6 characters; compare words with words.
  const englishShare = englishWords / (englishWords + hanCount / 1.6);
  if (englishShare < 0.15) return 'zh';
  if (englishShare > 0.85) return 'en';
  return 'mixed';
}

/**
 * Replies in the language the customer writes in; the Chinese variant follows their chosen locale. A message with
 * no words of its own (an email address, a code, a hash) keeps the language the conversation already has.
 */
export function chooseReplyLocale(text: string, previousLocale: string | null): Locale {
  const words = text
    .replace(/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/gi, ' ')
    .replace(/\b(0x)?[0-9a-f]{16,}\b/gi, ' ')
    .replace(/https?:\/\/\S+/gi, ' ')
    .replace(/\[redacted: [^\]]+\]/g, ' ');
  const language = detectLanguage(words);
  const known =
    previousLocale === 'zh-TW' || previousLocale === 'en' || previousLocale === 'zh-CN' ? previousLocale : null;
  if (language === 'en' && /[a-z]{2,}/i.test(words)) return 'en';
  if (language === 'zh') return known === 'zh-TW' ? 'zh-TW' : 'zh-CN';
  return known ?? 'zh-CN';
}
