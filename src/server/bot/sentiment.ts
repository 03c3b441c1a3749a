import { normalizeText } from './nlu/normalize.ts';

/**
 * Lexicon-based sentiment for support messages (Chinese, simplified or traditional, and English).
 *
 * Built for one decision: is this customer angry or desperate enough that a human should take over?
 * So the lexicon is about anger, fear and desperation at an exchange (scam, 跑路, 报警, "give me my money back"),
 * and ordinary problem vocabulary (pending, 没到账, withdrawal, check) carries no weight: a missing deposit
 * is a problem, not an emotion.
 *
 * Scoring follows the VADER recipe: each lexicon hit has a valence in about -3.5..+3, modified by
 * intensifiers before it, a negator before it, shouting (ALL CAPS) and a contrast word (但是 / but);
 * the sum is amplified by repeated ! and ? and squashed to -1..1.
 */

export type SentimentLabel = 'very_negative' | 'negative' | 'neutral' | 'positive';

export type SentimentResult = {
  /** -1 (furious) .. 1 (delighted). */
  score: number;
  label: SentimentLabel;
  /** The lexicon hits (with their modifiers) and emphasis markers that produced the score, in reading order. */
  cues: string[];
};

/** At or below this score a message is `very_negative`: the bot should offer (or force) a human hand-off. */
export const VERY_NEGATIVE_THRESHOLD = -0.65;
const NEGATIVE_THRESHOLD = -0.2;
const POSITIVE_THRESHOLD = 0.2;

// VADER's normalisation constant: a sum of ±3 (one strong word) lands near ±0.6, ±5 near ±0.8.
const SQUASH_ALPHA = 15;
// A negated positive flips ("not happy"); a negated negative only softens, because in complaints
// "don't scam me", "别坑人了", "never use this garbage again" are still angry.
const NEGATED_POSITIVE = -0.75;
const NEGATED_NEGATIVE = 0.5;
const CAPS_BOOST = 1.5;
const MAX_INTENSITY = 2;
const MODIFIER_WINDOW = 3;
const CONTRAST_BEFORE = 0.5;
const CONTRAST_AFTER = 1.5;
// Words people use when *asking* about fraud ("is this a scam?", "是骗子吗"): half weight in a question.
const QUESTION_DAMPING = 0.5;
const EXCLAMATION_STEP = 0.3;
const QUESTION_STEP = 0.2;
const SHOUT_STEP = 0.25;

type Entry =
  | { kind: 'sentiment'; weight: number; askable?: boolean }
  | { kind: 'negator' }
  | { kind: 'intensifier'; factor: number }
  | { kind: 'contrast' }
  // Guards are words that contain a lexicon entry but mean something else (操作, 没用过, 不好意思): longest match
  // picks the guard, which carries no sentiment.
  | { kind: 'guard' };

const sentiment = (weight: number, askable = false): Entry => ({ kind: 'sentiment', weight, askable });
const intensifier = (factor: number): Entry => ({ kind: 'intensifier', factor });
const NEGATOR: Entry = { kind: 'negator' };
const CONTRAST: Entry = { kind: 'contrast' };
const GUARD: Entry = { kind: 'guard' };

const ZH_LEXICON: Record<string, Entry> = {
  // Accusations and insults aimed at the platform.
  骗子: sentiment(-3, true),
  骗子平台: sentiment(-3.5, true),
  大骗子: sentiment(-3.5),
  诈骗: sentiment(-3, true),
  骗局: sentiment(-3, true),
  骗钱: sentiment(-3),
  骗人: sentiment(-3),
  骗: sentiment(-2, true),
  被骗: sentiment(-2.5),
  垃圾: sentiment(-2.5),
  垃圾平台: sentiment(-3),
  黑平台: sentiment(-3, true),
  黑心: sentiment(-3),
  坑人: sentiment(-3),
  坑爹: sentiment(-2.5),
  坑: sentiment(-2),
  跑路: sentiment(-3, true),
  无耻: sentiment(-3),
  流氓: sentiment(-3),
  强盗: sentiment(-3),
  土匪: sentiment(-3),
  割韭菜: sentiment(-2),
  吃相难看: sentiment(-2.5),
  不要脸: sentiment(-3),
  不像话: sentiment(-2.5),
  废物: sentiment(-3),
  没用: sentiment(-2),
  差劲: sentiment(-2.5),
  烂: sentiment(-2),
  差: sentiment(-1.5),
  不靠谱: sentiment(-2),
  不专业: sentiment(-2),
  敷衍: sentiment(-2),
  踢皮球: sentiment(-2.5),
  他妈的: sentiment(-3),
  妈的: sentiment(-2.5),
  tmd: sentiment(-2.5),
  我操: sentiment(-2.5),
  卧槽: sentiment(-1.5),
  // Threats and escalation.
  报警: sentiment(-2.5),
  报案: sentiment(-2.5),
  起诉: sentiment(-2.5),
  律师: sentiment(-1.5),
  法院: sentiment(-1.5),
  曝光: sentiment(-2),
  维权: sentiment(-2),
  投诉: sentiment(-2),
  举报: sentiment(-1),
  差评: sentiment(-2),
  退钱: sentiment(-2.5),
  还钱: sentiment(-2.5),
  还我钱: sentiment(-3),
  把钱还给我: sentiment(-3),
  我的钱呢: sentiment(-2.5),
  钱呢: sentiment(-2),
  // Anger, exasperation, despair.
  气死: sentiment(-3),
  急死: sentiment(-2.5),
  烦死: sentiment(-2.5),
  愤怒: sentiment(-3),
  生气: sentiment(-2),
  火大: sentiment(-2.5),
  恶心: sentiment(-2.5),
  失望: sentiment(-2),
  绝望: sentiment(-3),
  无语: sentiment(-2),
  离谱: sentiment(-2.5),
  过分: sentiment(-2),
  忍无可忍: sentiment(-3),
  受够了: sentiment(-3),
  崩溃: sentiment(-1.5),
  求求: sentiment(-1),
  不满意: sentiment(-2),
  不满: sentiment(-2),
  不行: sentiment(-1.5),
  不好: sentiment(-1.5),
  不太好: sentiment(-1),
  不好用: sentiment(-1.5),
  // Neglect and slowness.
  没人管: sentiment(-2.5),
  没有人管: sentiment(-2.5),
  没人理: sentiment(-2.5),
  没人回复: sentiment(-2),
  不回复: sentiment(-1.5),
  不理: sentiment(-1.5),
  拖延: sentiment(-1.5),
  等了好久: sentiment(-1.5),
  等了半天: sentiment(-1.5),
  慢: sentiment(-1),
  // Worry and urgency: mild on their own, they matter in combination.
  急: sentiment(-1),
  着急: sentiment(-1),
  担心: sentiment(-1),
  害怕: sentiment(-1.5),
  怕: sentiment(-1),
  焦虑: sentiment(-1.5),
  亏: sentiment(-1),
  亏损: sentiment(-1),
  卡住: sentiment(-0.5),
  被盗: sentiment(-1),
  被黑: sentiment(-1),
  // Positive.
  谢谢: sentiment(2),
  感谢: sentiment(2),
  多谢: sentiment(2),
  谢了: sentiment(1.5),
  感激: sentiment(2),
  太好了: sentiment(2.5),
  很好: sentiment(2),
  挺好: sentiment(1.5),
  真好: sentiment(2),
  好评: sentiment(2),
  好用: sentiment(1.5),
  不错: sentiment(1.5),
  解决了: sentiment(2),
  已解决: sentiment(2),
  搞定: sentiment(1.5),
  给力: sentiment(2),
  满意: sentiment(2),
  专业: sentiment(1.5),
  耐心: sentiment(1.5),
  靠谱: sentiment(1.5),
  赞: sentiment(2),
  棒: sentiment(2),
  厉害: sentiment(1.5),
  开心: sentiment(2),
  高兴: sentiment(2),
  辛苦了: sentiment(1.5),
  方便: sentiment(1),
  及时: sentiment(1),
  没问题: sentiment(1),
  没事: sentiment(0.5),
  不客气: sentiment(0.5),
  好的: sentiment(0.3),
  // Negators.
  不: NEGATOR,
  没: NEGATOR,
  没有: NEGATOR,
  别: NEGATOR,
  不要: NEGATOR,
  并不: NEGATOR,
  并没有: NEGATOR,
  不是: NEGATOR,
  未: NEGATOR,
  从没: NEGATOR,
  从来没有: NEGATOR,
  毫不: NEGATOR,
  // Intensifiers.
  非常: intensifier(1.5),
  太: intensifier(1.5),
  特别: intensifier(1.5),
  真的: intensifier(1.3),
  真: intensifier(1.3),
  超级: intensifier(1.6),
  超: intensifier(1.4),
  极其: intensifier(1.7),
  极: intensifier(1.5),
  十分: intensifier(1.5),
  很: intensifier(1.3),
  好: intensifier(1.3),
  完全: intensifier(1.4),
  根本: intensifier(1.4),
  实在: intensifier(1.3),
  简直: intensifier(1.5),
  越来越: intensifier(1.3),
  // Contrast.
  但是: CONTRAST,
  但: CONTRAST,
  可是: CONTRAST,
  不过: CONTRAST,
  // Guards.
  操作: GUARD,
  是不是: GUARD,
  防骗: GUARD,
  反诈: GUARD,
  没用过: GUARD,
  不好意思: GUARD,
  好像: GUARD,
  差不多: GUARD,
  差价: GUARD,
  差额: GUARD,
  不管: GUARD,
  快点: GUARD,
  慢慢: GUARD,
  好久: GUARD,
  不急: sentiment(0),
};

const EN_LEXICON: Record<string, Entry> = {
  // Accusations and insults.
  scam: sentiment(-3, true),
  scams: sentiment(-3, true),
  scammer: sentiment(-3, true),
  scammers: sentiment(-3, true),
  scamming: sentiment(-3),
  scammed: sentiment(-2.5),
  fraud: sentiment(-3, true),
  fraudulent: sentiment(-3, true),
  fraudsters: sentiment(-3),
  fake: sentiment(-1.5, true),
  thief: sentiment(-3),
  thieves: sentiment(-3),
  steal: sentiment(-2.5),
  stealing: sentiment(-2.5),
  stole: sentiment(-2.5),
  criminal: sentiment(-3),
  criminals: sentiment(-3),
  crooks: sentiment(-3),
  liar: sentiment(-2.5),
  liars: sentiment(-2.5),
  lying: sentiment(-2),
  'rip off': sentiment(-2.5),
  ripoff: sentiment(-2.5),
  worst: sentiment(-3),
  garbage: sentiment(-3),
  trash: sentiment(-2.5),
  rubbish: sentiment(-2.5),
  pathetic: sentiment(-2.5),
  disgusting: sentiment(-3),
  disgrace: sentiment(-3),
  joke: sentiment(-1.5),
  useless: sentiment(-2.5),
  ridiculous: sentiment(-2.5),
  unacceptable: sentiment(-2.5),
  terrible: sentiment(-2.5),
  horrible: sentiment(-2.5),
  awful: sentiment(-2.5),
  incompetent: sentiment(-2.5),
  stupid: sentiment(-2.5),
  idiots: sentiment(-3),
  nonsense: sentiment(-2),
  sucks: sentiment(-2.5),
  bad: sentiment(-1.5),
  poor: sentiment(-1.5),
  slow: sentiment(-1),
  fuck: sentiment(-2.5),
  fucking: sentiment(-2),
  shit: sentiment(-2.5),
  bullshit: sentiment(-3),
  wtf: sentiment(-2),
  damn: sentiment(-1.5),
  'what the hell': sentiment(-2),
  'waste of time': sentiment(-2),
  // Threats and escalation.
  sue: sentiment(-2.5),
  suing: sentiment(-2.5),
  lawsuit: sentiment(-2.5),
  lawyer: sentiment(-2),
  police: sentiment(-2.5),
  'call the police': sentiment(-3),
  regulator: sentiment(-1.5),
  'report you': sentiment(-2),
  complaint: sentiment(-1.5),
  complain: sentiment(-1.5),
  'where is my money': sentiment(-2.5),
  "where's my money": sentiment(-2.5),
  'give me my money back': sentiment(-3),
  'give my money back': sentiment(-3),
  'i want my money back': sentiment(-3),
  'return my money': sentiment(-3),
  'money back': sentiment(-2),
  // Anger, exasperation, despair.
  furious: sentiment(-3),
  outraged: sentiment(-3),
  angry: sentiment(-2.5),
  pissed: sentiment(-2.5),
  mad: sentiment(-2),
  hate: sentiment(-2.5),
  'sick of': sentiment(-2.5),
  'fed up': sentiment(-2.5),
  'had enough': sentiment(-2.5),
  disappointed: sentiment(-2),
  disappointing: sentiment(-2),
  frustrated: sentiment(-2),
  frustrating: sentiment(-2),
  annoyed: sentiment(-2),
  annoying: sentiment(-2),
  upset: sentiment(-2),
  unhappy: sentiment(-2),
  desperate: sentiment(-2),
  // Neglect.
  'nobody cares': sentiment(-2.5),
  'no one cares': sentiment(-2.5),
  'nobody helps': sentiment(-2),
  'no one helps': sentiment(-2),
  'no response': sentiment(-1.5),
  'no reply': sentiment(-1.5),
  'no help': sentiment(-1.5),
  ignored: sentiment(-1.5),
  ignoring: sentiment(-1.5),
  // Worry, loss, urgency: mild.
  worried: sentiment(-1),
  scared: sentiment(-1.5),
  afraid: sentiment(-1),
  panic: sentiment(-1.5),
  hacked: sentiment(-1),
  stolen: sentiment(-1.5),
  lost: sentiment(-1),
  urgent: sentiment(-0.5),
  stuck: sentiment(-0.5),
  // Positive.
  thanks: sentiment(2),
  thank: sentiment(2),
  thx: sentiment(1.5),
  ty: sentiment(1.5),
  appreciate: sentiment(2),
  appreciated: sentiment(2),
  great: sentiment(2),
  awesome: sentiment(2.5),
  excellent: sentiment(2.5),
  perfect: sentiment(2.5),
  amazing: sentiment(2.5),
  wonderful: sentiment(2.5),
  brilliant: sentiment(2.5),
  solved: sentiment(2),
  resolved: sentiment(2),
  fixed: sentiment(1.5),
  'sorted out': sentiment(1.5),
  'it works': sentiment(1.5),
  helpful: sentiment(2),
  good: sentiment(1.5),
  nice: sentiment(1.5),
  love: sentiment(2),
  happy: sentiment(2),
  glad: sentiment(2),
  satisfied: sentiment(2),
  fast: sentiment(1),
  quick: sentiment(1),
  kind: sentiment(1.5),
  cheers: sentiment(1.5),
  'not bad': sentiment(1.5),
  'no problem': sentiment(1),
  'no worries': sentiment(1),
  // Negators.
  not: NEGATOR,
  no: NEGATOR,
  never: NEGATOR,
  "don't": NEGATOR,
  dont: NEGATOR,
  "doesn't": NEGATOR,
  doesnt: NEGATOR,
  "didn't": NEGATOR,
  didnt: NEGATOR,
  "isn't": NEGATOR,
  isnt: NEGATOR,
  "wasn't": NEGATOR,
  "aren't": NEGATOR,
  "won't": NEGATOR,
  "can't": NEGATOR,
  cannot: NEGATOR,
  "couldn't": NEGATOR,
  hardly: NEGATOR,
  barely: NEGATOR,
  // Intensifiers.
  very: intensifier(1.3),
  so: intensifier(1.3),
  too: intensifier(1.3),
  really: intensifier(1.3),
  extremely: intensifier(1.6),
  totally: intensifier(1.5),
  absolutely: intensifier(1.5),
  completely: intensifier(1.5),
  super: intensifier(1.4),
  incredibly: intensifier(1.6),
  utterly: intensifier(1.6),
  truly: intensifier(1.3),
  such: intensifier(1.3),
  most: intensifier(1.2),
  // Contrast.
  but: CONTRAST,
  however: CONTRAST,
  // Guards: "kind of", "no way to", "not sure" are not about kindness or doubt of the platform.
  'kind of': GUARD,
  'thank you for nothing': sentiment(-2.5),
  'good morning': GUARD,
  'good afternoon': GUARD,
  'good evening': GUARD,
};

// Acronyms and tickers written in capitals are not shouting.
const ACRONYMS = new Set(
  'usdt usdc btc eth bnb sol trx xrp xlm eos ton ada doge ltc dot matic trc erc bep kyc aml api p2p otc vip txid tx id ok faq sms nft defi usd eur cny hkd twd gmt utc ios apk url pdf jpg png'.split(
    ' ',
  ),
);

const ZH_MAX_LENGTH = Math.max(...Object.keys(ZH_LEXICON).map((key) => key.length));
const EN_PHRASES = indexEnglishPhrases(EN_LEXICON);

type Token =
  | { kind: 'sentiment'; text: string; weight: number; askable: boolean; caps: boolean }
  | { kind: 'negator'; text: string; caps: boolean }
  | { kind: 'intensifier'; text: string; factor: number; caps: boolean }
  | { kind: 'contrast'; text: string }
  | { kind: 'boundary'; text: string; question: boolean }
  | { kind: 'other'; text: string; caps: boolean };

/** Score a customer message. Never throws; an empty message is neutral. */
export function analyzeSentiment(text: string): SentimentResult {
  const raw = text.normalize('NFKC');
  const tokens = tokenizeForSentiment(normalizeText(raw), findShoutedWords(raw));
  const questions = markQuestionClauses(tokens);
  const lastContrast = tokens.findLastIndex((token) => token.kind === 'contrast');
  const cues: string[] = [];
  let sum = 0;
  let shouted = 0;

  tokens.forEach((token, index) => {
    if (token.kind !== 'sentiment') {
      if ('caps' in token && token.caps) shouted++;
      return;
    }
    let value = token.weight;
    const { negator, intensity, modifiers } = findModifiers(tokens, index, token.weight);
    if (token.caps) value *= CAPS_BOOST;
    value *= intensity;
    if (negator) value *= value > 0 ? NEGATED_POSITIVE : NEGATED_NEGATIVE;
    if (token.askable && questions[index]) value *= QUESTION_DAMPING;
    if (lastContrast >= 0) value *= index < lastContrast ? CONTRAST_BEFORE : CONTRAST_AFTER;
    if (value === 0) return;
    sum += value;
    const surface = token.caps ? token.text.toUpperCase() : token.text;
    cues.push(joinCue([...modifiers, surface]));
  });

  if (sum !== 0) {
    // Emphasis amplifies whatever the words say; on its own ("???", "URGENT HELP") it is not a sentiment.
    const exclamations = Math.min(countMatches(raw, /[!！]/g), 4);
    const questionMarks = countMatches(raw, /[?？]/g);
    let emphasis = exclamations * EXCLAMATION_STEP + Math.min(shouted, 4) * SHOUT_STEP;
    if (questionMarks >= 2) emphasis += Math.min(questionMarks, 3) * QUESTION_STEP;
    if (exclamations >= 2) cues.push('!!!');
    if (questionMarks >= 2) cues.push('???');
    sum += Math.sign(sum) * emphasis;
  }

  const score = roundScore(sum / Math.sqrt(sum * sum + SQUASH_ALPHA));
  return { score, label: labelScore(score), cues };
}

/** The label for a score, using the exported thresholds. */
export function labelScore(score: number): SentimentLabel {
  if (score <= VERY_NEGATIVE_THRESHOLD) return 'very_negative';
  if (score <= NEGATIVE_THRESHOLD) return 'negative';
  if (score >= POSITIVE_THRESHOLD) return 'positive';
  return 'neutral';
}

function findModifiers(
  tokens: Token[],
  index: number,
  weight: number,
): { negator: boolean; intensity: number; modifiers: string[] } {
  let negator = false;
  let intensity = 1;
  // Scanning backwards, intensifiers met before any negator sit between the negator and the word:
  // "not very happy" is milder than "not happy", so those are dropped once a negator turns up.
  let pendingIntensity = 1;
  let pendingModifiers: string[] = [];
  const modifiers: string[] = [];
  for (let j = index - 1; j >= 0 && j >= index - MODIFIER_WINDOW; j--) {
    const token = tokens[j];
    if (token.kind === 'boundary' || token.kind === 'contrast' || token.kind === 'sentiment') break;
    if (token.kind === 'negator' && !negator) {
      // A negator reaches a negative word only when adjacent (modulo intensifiers): "don't scam me" is softened,
      // "never use this garbage again" is not.
      const between = tokens.slice(j + 1, index).some((part) => part.kind !== 'intensifier');
      if (between && weight < 0) continue;
      negator = true;
      pendingIntensity = 1;
      pendingModifiers = [];
      modifiers.unshift(token.text);
    } else if (token.kind === 'intensifier') {
      // Before the negator it strengthens the flipped meaning ("太不专业").
      if (negator) {
        intensity *= token.factor;
        modifiers.unshift(token.text);
      } else {
        pendingIntensity *= token.factor;
        pendingModifiers.unshift(token.text);
      }
    }
  }
  return {
    negator,
    intensity: Math.min(intensity * pendingIntensity, MAX_INTENSITY),
    modifiers: [...modifiers, ...pendingModifiers],
  };
}

function tokenizeForSentiment(normalized: string, shouted: Set<string>): Token[] {
  const tokens: Token[] = [];
  const words: string[] = [];
  const flushWords = () => {
    tokens.push(...matchEnglish(words, shouted));
    words.length = 0;
  };
  for (const match of normalized.matchAll(/\p{Script=Han}+|[a-z0-9]+(?:'[a-z]+)?|[^\s]/gu)) {
    const part = match[0];
    if (/^[a-z0-9]/.test(part)) {
      // tmd and the like are written in Latin letters but belong to the Chinese lexicon.
      if (ZH_LEXICON[part] && !EN_LEXICON[part]) {
        flushWords();
        tokens.push(toToken(part, ZH_LEXICON[part], false));
      } else {
        words.push(part);
      }
      continue;
    }
    flushWords();
    if (/^\p{Script=Han}/u.test(part)) tokens.push(...matchChinese(part));
    else if (/^[.,!?;:~()[\]<>"'\-/]$/.test(part))
      tokens.push({ kind: 'boundary', text: part, question: part === '?' });
  }
  flushWords();
  return tokens;
}

function matchChinese(run: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < run.length) {
    let matched = false;
    for (let length = Math.min(ZH_MAX_LENGTH, run.length - at); length >= 1; length--) {
      const piece = run.slice(at, at + length);
      const entry = ZH_LEXICON[piece];
      if (!entry) continue;
      tokens.push(toToken(piece, entry, false));
      at += length;
      matched = true;
      break;
    }
    if (!matched) {
      // Han characters are in the BMP for everything this lexicon knows; astral ones are just "other".
      const ch = String.fromCodePoint(run.codePointAt(at)!);
      tokens.push({ kind: 'other', text: ch, caps: false });
      at += ch.length;
    }
  }
  return tokens;
}

function matchEnglish(words: string[], shouted: Set<string>): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < words.length) {
    const candidates = EN_PHRASES.get(words[at]) ?? [];
    const phrase = candidates.find((parts) => parts.every((word, k) => words[at + k] === word));
    if (phrase) {
      const text = phrase.join(' ');
      const caps = phrase.some((word) => shouted.has(word));
      tokens.push(toToken(text, EN_LEXICON[text], caps));
      at += phrase.length;
    } else {
      tokens.push({ kind: 'other', text: words[at], caps: shouted.has(words[at]) });
      at++;
    }
  }
  return tokens;
}

function toToken(text: string, entry: Entry, caps: boolean): Token {
  switch (entry.kind) {
    case 'sentiment':
      return { kind: 'sentiment', text, weight: entry.weight, askable: entry.askable ?? false, caps };
    case 'negator':
      return { kind: 'negator', text, caps };
    case 'intensifier':
      return { kind: 'intensifier', text, factor: entry.factor, caps };
    case 'contrast':
      return { kind: 'contrast', text };
    case 'guard':
      return { kind: 'other', text, caps };
  }
}

/** Lower-cased words written in capitals (2+ letters, not a ticker or acronym) in the raw message. */
function findShoutedWords(raw: string): Set<string> {
  const shouted = new Set<string>();
  for (const match of raw.matchAll(/[A-Za-z]+/g)) {
    const word = match[0];
    if (word.length >= 2 && word === word.toUpperCase() && !ACRONYMS.has(word.toLowerCase())) {
      shouted.add(word.toLowerCase());
    }
  }
  return shouted;
}

/** For each token, whether its clause is a question ("is this a scam?", "你们是骗子吗"). */
function markQuestionClauses(tokens: Token[]): boolean[] {
  const result = new Array<boolean>(tokens.length).fill(false);
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const token = tokens[i];
    if (i < tokens.length && token.kind !== 'boundary') continue;
    const clause = tokens.slice(start, i);
    const clauseText = clause.map((part) => part.text).join('');
    const question = (token?.kind === 'boundary' && token.question) || /吗|是不是|是否/.test(clauseText);
    if (question) result.fill(true, start, i);
    start = i + 1;
  }
  return result;
}

function indexEnglishPhrases(lexicon: Record<string, Entry>): Map<string, string[][]> {
  const byFirst = new Map<string, string[][]>();
  for (const key of Object.keys(lexicon)) {
    const parts = key.split(' ');
    const list = byFirst.get(parts[0]) ?? [];
    list.push(parts);
    byFirst.set(parts[0], list);
  }
  // Longest phrase first, so "not bad" wins over "not" and "give me my money back" over "money back".
  for (const list of byFirst.values()) list.sort((a, b) => b.length - a.length);
  return byFirst;
}

function joinCue(parts: string[]): string {
  return parts.reduce((cue, part) => {
    if (!cue) return part;
    const glue = /\p{Script=Han}$/u.test(cue) && /^\p{Script=Han}/u.test(part) ? '' : ' ';
    return cue + glue + part;
  }, '');
}

function countMatches(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

function roundScore(score: number): number {
  return Math.round(score * 1000) / 1000;
}
