import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeText } from '../text/normalize.ts';

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

/** `data/sentiment/` at the repo root, resolved from this file so it works from any working directory. */
export const SENTIMENT_DATA_DIR = fileURLToPath(new URL('../../../data/sentiment/', import.meta.url));

const ZH_LEXICON = loadLexicon('zh.txt');
const EN_LEXICON = loadLexicon('en.txt');
// Acronyms and tickers written in capitals are not shouting.
const ACRONYMS = new Set(dataLines('acronyms.txt').map(({ text }) => text));

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

/** The non-blank, non-`#` lines of a `data/sentiment/` file, with their line numbers. */
function dataLines(file: string): { text: string; line: number }[] {
  return readFileSync(path.join(SENTIMENT_DATA_DIR, file), 'utf8')
    .split(/\r?\n/)
    .map((text, index) => ({ text: text.trim(), line: index + 1 }))
    .filter(({ text }) => text !== '' && !text.startsWith('#'));
}

/** Parse one lexicon file (`<term><TAB><kind>[<TAB><number>][<TAB>askable]`, see data/sentiment/README.md). */
function loadLexicon(file: string): Record<string, Entry> {
  const lexicon: Record<string, Entry> = {};
  for (const { text, line } of dataLines(file)) {
    const [term, kind, value, flag, ...rest] = text.split('\t');
    const fail = (problem: string) => new Error(`data/sentiment/${file}:${line}: ${problem}`);
    const entry = rest.length === 0 ? parseEntry(kind, value, flag) : undefined;
    if (!entry) throw fail(`malformed entry "${text}"`);
    if (term !== term.toLowerCase()) throw fail(`term "${term}" is not lower case`);
    if (Object.hasOwn(lexicon, term)) throw fail(`duplicate term "${term}"`);
    lexicon[term] = entry;
  }
  return lexicon;
}

function parseEntry(kind: string | undefined, value: string | undefined, flag: string | undefined): Entry | undefined {
  const number = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
  switch (kind) {
    case 'sentiment':
      if (!Number.isFinite(number) || (flag !== undefined && flag !== 'askable')) return undefined;
      return { kind, weight: number, askable: flag === 'askable' };
    case 'intensifier':
      return Number.isFinite(number) && flag === undefined ? { kind, factor: number } : undefined;
    case 'negator':
    case 'contrast':
    case 'guard':
      return value === undefined ? { kind } : undefined;
    default:
      return undefined;
  }
}
