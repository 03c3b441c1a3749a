import * as OpenCC from 'opencc-js/t2cn';

/**
 * Text normalisation used before any matching. The output is meant for machines (features, keyword rules),
 * not for display: it is lowercased, Simplified, and stripped of decoration.
 */

// Built lazily: the dictionaries take ~15 ms to load and many processes never classify anything.
const converters = new Map<'twp' | 'tw', (text: string) => string>();

/** Traditional → Simplified with OpenCC: `twp` converts Taiwan phrases too, `tw` only characters. */
export function convertToSimplified(text: string, from: 'twp' | 'tw'): string {
  const convert = converters.get(from) ?? OpenCC.Converter({ from, to: 'cn' });
  converters.set(from, convert);
  return convert(text);
}

export type NormalizeOptions = {
  /**
   * Convert Taiwan phrases too (登入 → 登录, 網路 → 网络, 簡訊 → 短信), so a zh-TW message meets the same features as
   * its mainland wording. Default on. Off: character by character, for text that must stay aligned with an index
   * folded per character (the knowledge-base search). Hong Kong text shares nearly all of these characters.
   */
  taiwanPhrases?: boolean;
};

const HAN = /\p{Script=Han}/u;
// Emoji, pictographs, skin tones, variation selectors, zero-width joiners and keycaps carry no intent.
const EMOJI =
  /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u{20E3}|\u{FE0E}|\u{FE0F}|\u{200D}|[\u{E0020}-\u{E007F}]/gu;
// Control and other invisible characters, except the ordinary whitespace we collapse below.
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

// CJK punctuation that NFKC leaves alone, folded to the ASCII character with the same role.
const PUNCTUATION_FOLD: Record<string, string> = {
  '。': '.',
  '｡': '.',
  '、': ',',
  '，': ',',
  '“': '"',
  '”': '"',
  '‘': "'",
  '’': "'",
  '「': '"',
  '」': '"',
  '『': '"',
  '』': '"',
  '【': '[',
  '】': ']',
  '〔': '[',
  '〕': ']',
  '《': '<',
  '》': '>',
  '〈': '<',
  '〉': '>',
  '…': '...',
  '—': '-',
  '–': '-',
  '～': '~',
  '·': ' ',
  '・': ' ',
};
const FOLDABLE = new RegExp(`[${Object.keys(PUNCTUATION_FOLD).join('')}]`, 'g');

/**
 * Normalise a user message for matching:
 * - NFKC (full-width letters, digits and punctuation become half-width), lowercase;
 * - Traditional → Simplified Chinese;
 * - emoji and invisible characters removed, CJK punctuation folded to ASCII;
 * - runs collapsed: 3+ identical Latin letters → 1 ("helppppp" → "help"), repeated punctuation → 1 ("！！！" → "!"),
 *   3+ identical CJK characters → 2 ("啊啊啊啊" → "啊啊"), whitespace → one space.
 * Digits are never collapsed: amounts, tx hashes and addresses must survive.
 */
export function normalizeText(text: string, options: NormalizeOptions = {}): string {
  let out = text.normalize('NFKC').toLowerCase();
  if (HAN.test(out)) out = convertToSimplified(out, options.taiwanPhrases === false ? 'tw' : 'twp');
  out = out.replace(EMOJI, ' ').replace(INVISIBLE, ' ');
  out = out.replace(FOLDABLE, (ch) => PUNCTUATION_FOLD[ch] ?? ch);
  // Letter runs inside tokens containing digits are probably hashes/addresses: leave those alone.
  out = out.replace(/[\p{L}\p{N}]+/gu, (word) => (/\d/.test(word) ? word : collapseLetters(word)));
  out = out.replace(/([\p{P}\p{S}])\1+/gu, '$1');
  out = out.replace(/\s+/g, ' ').trim();
  return out;
}

function collapseLetters(word: string): string {
  return word.replace(/([a-z])\1{2,}/g, '$1').replace(/(\p{Script=Han})\1{2,}/gu, '$1$1');
}

/** True when the text contains at least one Han character. */
export function hasHan(text: string): boolean {
  return HAN.test(text);
}
