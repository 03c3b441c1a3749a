import type { KbLocale } from '../../contracts/kb.ts';
import { convertToSimplified, normalizeText } from '../text/normalize.ts';
import { BUILTIN_SYNONYMS } from './synonyms.ts';

/**
 * Ranked retrieval over knowledge-base articles, for Chinese (Simplified and Traditional) and English.
 *
 * BM25F over three fields (title, tags, body). Chinese is indexed as character bigrams plus low-weight
 * unigrams of Han runs: no dictionary to maintain, and 充值/到账/提币 match however the user segments them.
 * English words are lower-cased, stop-words dropped and lightly stemmed (deposit/deposits/deposited).
 * Everything is folded to lower-case Simplified before indexing, so a Traditional query meets a
 * Simplified article and the reverse.
 *
 * Synonym groups (充值 = 充币 = 入金, 谷歌验证 = 2FA …) are one extra term per group: an article holding any of a
 * group's terms holds the group, and a query naming one of them asks for the group too, a little below the words it
 * actually wrote. An English query word the index has never seen is read as the nearest vocabulary word (edit
 * distance 1, or 2 for words of 8 letters and more), at reduced weight: "withdrawl pendng" finds the pending
 * withdrawal.
 */

export type { KbLocale } from '../../contracts/kb.ts';

export type KbArticle = {
  id: string;
  slug: string;
  locale: KbLocale;
  title: string;
  body: string;
  tags: string[];
  intents: string[];
  /** The category's slug, for filtering; null when the article is in none. */
  category: string | null;
  url: string;
};

export type KbSearchOptions = {
  /** Preferred locale: other locales are searched only when nothing in this one matches. */
  locale?: KbLocale;
  /** Maximum results. Default 5. */
  limit?: number;
  /** Intent id from the classifier: articles tagged with it are boosted, and match even without shared words. */
  intent?: string;
  /** Only articles of this category (its slug). */
  category?: string;
};

export type KbIndexOptions = {
  /**
   * Synonym groups, each a list of terms (words or phrases, any locale) that mean the same. Default: the built-in
   * exchange groups of data/kb/synonyms.txt; an organisation passes `[...BUILTIN_SYNONYMS, ...its own]`, and `[]`
   * switches synonyms off.
   */
  synonyms?: readonly (readonly string[])[];
};

export type KbSearchResult = { article: KbArticle; score: number; snippet: string };

type Posting = { doc: number; tf: number };

/**
 * An index term. Han unigrams and bigrams of the main CJK blocks are small integers (no string is built,
 * and hashing a small integer is far cheaper than hashing a fresh string); English words and rarer Han
 * characters are strings.
 */
type Term = string | number;

type Partition = {
  docs: number[];
  postings: Map<Term, Posting[]>;
  idf: Map<Term, number>;
};

type DocText = {
  /** Body as display text (light markdown removed, whitespace collapsed), one entry per code point. */
  chars: string[];
  /** Body terms in reading order, with their [start, end) code-point offsets in `chars`. */
  tokens: AlignedTokens;
};

export type KbIndex = {
  articles: KbArticle[];
  docs: DocText[];
  partitions: Map<KbLocale, Partition>;
  synonyms: SynonymMatcher;
  /** Every English (non-Han) surface word of titles, tags and bodies, lower-cased, with its stem. */
  vocabulary: Map<string, string>;
  /** The vocabulary's words by length, built on the first query that needs a spelling correction. */
  wordsByLength?: Map<number, string[]>;
};

/** Synonym terms as term sequences, by their first term; the longest first. */
type SynonymMatcher = { byFirst: Map<Term, { group: number; seq: Term[] }[]>; groups: Term[][][] };

// Tuned on bench/data/kb-questions.tsv (npm run bench:kb): a high K1 saturates slowly, so a term in the title
// (weight 5) counts clearly more than the same term once in the body.
const K1 = 5;
const B = 0.75;
const FIELD_WEIGHTS = { title: 5, tags: 2, body: 1 } as const;
// A single Han character says little (的, 币, 账 are everywhere); bigrams carry the meaning.
const HAN_UNIGRAM_WEIGHT = 0.3;
const INTENT_MULTIPLIER = 1.5;
const INTENT_BONUS = 1;
// A group term in the query asks for the group at this weight (the words written keep theirs; tuned on bench/data).
const SYNONYM_WEIGHT = 1;
// A misspelt word read as a vocabulary word counts this much of a word spelt right.
const TYPO_WEIGHT = 0.7;
const TYPO_MIN_LENGTH = 4;
const TYPO_TWO_EDITS_LENGTH = 8;
const DEFAULT_LIMIT = 5;
const SNIPPET_LENGTH = 160;
// Context kept before the first matched term, so the snippet does not start on the match itself.
const SNIPPET_LEAD = 24;
const ELLIPSIS = '…';
// Han code points in U+3400..U+9FFF (extension A + the unified block) map to 0..HAN_SPAN-1.
const HAN_BASE = 0x3400;
const HAN_SPAN = 0xa000 - HAN_BASE;
// Bigram ids start above every unigram id; HAN_SPAN² + BIGRAM_BASE stays below 2^30 (a V8 small integer).
const BIGRAM_BASE = 0x10000;

const LOCALE_FALLBACKS: Record<KbLocale, KbLocale[]> = {
  'zh-CN': ['zh-TW', 'en'],
  'zh-TW': ['zh-CN', 'en'],
  en: ['zh-CN', 'zh-TW'],
};

const EN_STOP_WORDS = new Set(
  (
    'a an the and or but if then of to in on at for from by with as into onto over under about after before ' +
    "is are was were be been being am do does did done has have had having it its it's this that these those " +
    'i me my mine we us our you your yours he him his she her they them their what which who whom whose how why ' +
    'when where there here can could should would will shall may might must not no so than too very just also ' +
    "any all some each please hi hello hey thanks thank get got still yet im i'm ive i've dont don't"
  ).split(' '),
);

const ZH_STOP_UNIGRAMS = new Set<Term>(
  Array.from('的了是我你您他她它们在吗呢吧啊呀哦和与及或也都就要会能请把被有这那个一么怎如何什为可以吧嘛').map(
    hanUnigramTerm,
  ),
);
const ZH_STOP_BIGRAMS = new Set<Term>(
  [
    '怎么',
    '如何',
    '什么',
    '为什',
    '可以',
    '我的',
    '你们',
    '我们',
    '您的',
    '请问',
    '一下',
    '这个',
    '那个',
    '的话',
    '了吗',
    '帮我',
    '么办',
    '怎样',
    '一直',
  ].map((bigram) => hanBigramTerm(bigram[0], bigram[1])),
);

// Misspellings rewritten in queries to the spelling the articles use. Words that mean the same (提现 / 提币) are
// synonym groups instead (data/kb/synonyms.txt); unknown English misspellings go through the typo matching.
const QUERY_SYNONYMS: [RegExp, string][] = [
  [/冲币/g, '充币'],
  [/冲值/g, '充值'],
  [/登陆/g, '登录'],
  [/秘钥/g, '密钥'],
  [/\bwithdrawl\b/g, 'withdrawal'],
  [/\bdeposite\b/g, 'deposit'],
];

// Bodies fold character by character (tw → cn) to stay aligned with their display text for snippets; titles, tags
// and queries use the same character-level conversion, so a word folds the same way wherever it appears.
const CHARACTER_LEVEL = { taiwanPhrases: false } as const;

/** Build the search index. Articles are kept in the given order; ids should be unique. */
export function buildKbIndex(articles: KbArticle[], options: KbIndexOptions = {}): KbIndex {
  const synonyms = buildSynonymMatcher(options.synonyms ?? BUILTIN_SYNONYMS);
  const vocabulary = new Map<string, string>();
  const docs: DocText[] = [];
  const fields: Fields[] = [];
  for (const article of articles) {
    const chars = Array.from(toPlainText(article.body));
    // Only zh-TW bodies go through the Traditional → Simplified converter: it is most of the indexing time,
    // and zh-CN / en articles are Simplified or Han-free by contract.
    const tokens = tokenizeAligned(foldAligned(chars, article.locale === 'zh-TW'), vocabulary);
    docs.push({ chars, tokens });
    const title = tokenizeText(normalizeText(article.title, CHARACTER_LEVEL), vocabulary);
    const tags = tokenizeText(normalizeText(article.tags.join(' , '), CHARACTER_LEVEL), vocabulary);
    fields.push({
      title: withGroupTerms(title, synonyms),
      tags: withGroupTerms(tags, synonyms),
      body: withGroupTerms(tokens.terms, synonyms),
      lengths: { title: title.length, tags: tags.length, body: tokens.terms.length },
    });
  }

  const partitions = new Map<KbLocale, Partition>();
  const byLocale = new Map<KbLocale, number[]>();
  articles.forEach((article, doc) => {
    const list = byLocale.get(article.locale) ?? [];
    list.push(doc);
    byLocale.set(article.locale, list);
  });
  for (const [locale, members] of byLocale) partitions.set(locale, buildPartition(members, fields));
  return { articles, docs, partitions, synonyms, vocabulary };
}

/**
 * Search the index. Results come from the asked locale; only when nothing there matches are the fallback
 * locales tried (zh-TW ↔ zh-CN first, then en). Without a locale every locale is searched.
 * Ties are broken by article order, so results are deterministic.
 */
export function searchKb(index: KbIndex, query: string, options: KbSearchOptions = {}): KbSearchResult[] {
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (limit <= 0) return [];
  const { terms, snippetTerms } = weighQuery(index, query);
  const filter = { intent: options.intent, category: options.category };

  let scored: { doc: number; score: number }[] = [];
  if (options.locale) {
    for (const locale of [options.locale, ...LOCALE_FALLBACKS[options.locale]]) {
      scored = scorePartition(index, locale, terms, filter);
      if (scored.length > 0) break;
    }
  } else {
    for (const locale of index.partitions.keys()) scored.push(...scorePartition(index, locale, terms, filter));
  }

  scored.sort((a, b) => b.score - a.score || a.doc - b.doc);
  return scored.slice(0, limit).map(({ doc, score }) => ({
    article: index.articles[doc],
    score: Math.round(score * 1e4) / 1e4,
    snippet: makeSnippet(index.docs[doc], snippetTerms),
  }));
}

/** Index terms of an already normalised text (lower-case, Simplified), in reading order. */
export function tokenizeText(normalized: string, vocabulary?: Map<string, string>): Term[] {
  return tokenizeAligned(Array.from(normalized).map(foldVariant), vocabulary).terms;
}

type FieldName = keyof typeof FIELD_WEIGHTS;
type Fields = Record<FieldName, Term[]> & { lengths: Record<FieldName, number> };

function buildPartition(members: number[], fields: Fields[]): Partition {
  // Lengths are of the words written: a field's group terms do not make it longer.
  const average = (name: FieldName) =>
    members.reduce((sum, doc) => sum + fields[doc].lengths[name], 0) / members.length || 1;
  const averages = { title: average('title'), tags: average('tags'), body: average('body') };
  // Terms are interned to ids once, so the per-document accumulation is array arithmetic, not string hashing.
  const ids = new Map<Term, number>();
  const lists: Posting[][] = [];
  let scratch = new Float64Array(1024);
  const touched: number[] = [];

  for (const doc of members) {
    // BM25F: field-weighted, length-normalised term frequency, saturated once per term at query time.
    for (const name of ['title', 'tags', 'body'] as const) {
      const tokens = fields[doc][name];
      const norm = 1 - B + (B * fields[doc].lengths[name]) / averages[name];
      const increment = FIELD_WEIGHTS[name] / norm;
      for (const term of tokens) {
        let id = ids.get(term);
        if (id === undefined) {
          id = lists.length;
          ids.set(term, id);
          lists.push([]);
          if (id >= scratch.length) {
            const grown = new Float64Array(scratch.length * 2);
            grown.set(scratch);
            scratch = grown;
          }
        }
        if (scratch[id] === 0) touched.push(id);
        scratch[id] += increment;
      }
    }
    for (const id of touched) {
      lists[id].push({ doc, tf: scratch[id] });
      scratch[id] = 0;
    }
    touched.length = 0;
  }

  const postings = new Map<Term, Posting[]>();
  const idf = new Map<Term, number>();
  const n = members.length;
  for (const [term, id] of ids) {
    const list = lists[id];
    postings.set(term, list);
    idf.set(term, Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5)));
  }
  return { docs: members, postings, idf };
}

function scorePartition(
  index: KbIndex,
  locale: KbLocale,
  terms: Map<Term, number>,
  filter: { intent: string | undefined; category: string | undefined },
): { doc: number; score: number }[] {
  const partition = index.partitions.get(locale);
  if (!partition) return [];
  const { intent, category } = filter;
  const articles = index.articles;
  const scores = new Map<number, number>();
  for (const [term, weight] of terms) {
    const list = partition.postings.get(term);
    if (!list) continue;
    const idf = partition.idf.get(term) ?? 0;
    for (const { doc, tf } of list) {
      if (category !== undefined && articles[doc].category !== category) continue;
      scores.set(doc, (scores.get(doc) ?? 0) + (weight * idf * tf * (K1 + 1)) / (tf + K1));
    }
  }
  if (intent) {
    for (const doc of partition.docs) {
      if (!articles[doc].intents.includes(intent)) continue;
      if (category !== undefined && articles[doc].category !== category) continue;
      scores.set(doc, (scores.get(doc) ?? 0) * INTENT_MULTIPLIER + INTENT_BONUS);
    }
  }
  const out: { doc: number; score: number }[] = [];
  for (const [doc, score] of scores) if (score > 0) out.push({ doc, score });
  return out;
}

/**
 * Query terms with their weights: Han unigrams count less than bigrams and words, a misspelt word read as a
 * vocabulary word less than a word spelt right, a synonym group less than the words written. `snippetTerms` adds the
 * words of the groups named, so a snippet can start at 充值 for a query that said 入金.
 */
function weighQuery(index: KbIndex, query: string): { terms: Map<Term, number>; snippetTerms: Map<Term, number> } {
  let normalized = normalizeText(query, CHARACTER_LEVEL);
  for (const [pattern, replacement] of QUERY_SYNONYMS) normalized = normalized.replace(pattern, replacement);
  const surfaces = new Map<string, string>();
  const tokens = tokenizeText(normalized, surfaces);
  const factors = tokens.map(() => 1);
  // A word the index has never seen, spelt like one it has: read as that one.
  const corrected = new Map<string, string>();
  for (const [surface, stem] of surfaces) {
    if (index.vocabulary.has(surface) || isIndexed(index, stem)) continue;
    const replacement = correctSpelling(index, surface);
    if (replacement !== undefined) corrected.set(stem, replacement);
  }
  for (let i = 0; i < tokens.length; i++) {
    const replacement = corrected.get(tokens[i] as string);
    if (replacement === undefined) continue;
    tokens[i] = replacement;
    factors[i] = TYPO_WEIGHT;
  }

  const put = (map: Map<Term, number>, term: Term, weight: number) => {
    if (weight > (map.get(term) ?? 0)) map.set(term, weight);
  };
  const groups = matchGroups(tokens, index.synonyms);
  const terms = new Map<Term, number>();
  for (let i = 0; i < tokens.length; i++)
    put(terms, tokens[i], (isHanUnigram(tokens[i]) ? HAN_UNIGRAM_WEIGHT : 1) * factors[i]);
  const snippetTerms = new Map(terms);
  for (const { group, start, end } of groups) {
    put(terms, groupTerm(group), SYNONYM_WEIGHT * Math.min(...factors.slice(start, end)));
    for (const seq of index.synonyms.groups[group]) {
      for (const term of seq) put(snippetTerms, term, (isHanUnigram(term) ? HAN_UNIGRAM_WEIGHT : 1) * SYNONYM_WEIGHT);
    }
  }
  return { terms, snippetTerms };
}

function isIndexed(index: KbIndex, term: Term): boolean {
  for (const partition of index.partitions.values()) if (partition.postings.has(term)) return true;
  return false;
}

/**
 * The stem of the vocabulary word nearest to a misspelt word: within one edit (insertion, deletion, substitution or
 * swap of neighbours) from 4 letters, two from 8; the most widely used of the nearest. Undefined when none is near.
 */
function correctSpelling(index: KbIndex, word: string): string | undefined {
  if (word.length < TYPO_MIN_LENGTH || !/^[a-z]+$/.test(word)) return undefined;
  const maxEdits = word.length >= TYPO_TWO_EDITS_LENGTH ? 2 : 1;
  if (!index.wordsByLength) {
    const byLength = new Map<number, string[]>();
    for (const surface of index.vocabulary.keys()) {
      if (surface.length < TYPO_MIN_LENGTH - 1 || !/^[a-z]+$/.test(surface)) continue;
      const list = byLength.get(surface.length) ?? [];
      list.push(surface);
      byLength.set(surface.length, list);
    }
    for (const list of byLength.values()) list.sort();
    index.wordsByLength = byLength;
  }
  let best: string | undefined;
  let bestEdits = maxEdits + 1;
  let bestSpread = -1;
  for (let length = word.length - maxEdits; length <= word.length + maxEdits; length++) {
    for (const candidate of index.wordsByLength.get(length) ?? []) {
      const edits = editDistance(word, candidate, Math.min(maxEdits, bestEdits));
      if (edits > maxEdits || edits > bestEdits) continue;
      const stem = index.vocabulary.get(candidate)!;
      const spread = documentFrequency(index, stem);
      if (edits < bestEdits || spread > bestSpread) [best, bestEdits, bestSpread] = [stem, edits, spread];
    }
  }
  return best;
}

function documentFrequency(index: KbIndex, term: Term): number {
  let count = 0;
  for (const partition of index.partitions.values()) count += partition.postings.get(term)?.length ?? 0;
  return count;
}

/** Optimal-string-alignment distance of a and b, or anything above `max` once it must exceed it. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2] + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length];
}

/** The index term standing for synonym group `group` (no text produces a term starting with U+0000). */
function groupTerm(group: number): Term {
  return `\u0000${group}`;
}

function buildSynonymMatcher(groups: readonly (readonly string[])[]): SynonymMatcher {
  const matcher: SynonymMatcher = { byFirst: new Map(), groups: [] };
  groups.forEach((group, id) => {
    const seqs: Term[][] = [];
    for (const text of group) {
      const seq = tokenizeText(normalizeText(text, CHARACTER_LEVEL));
      if (seq.length === 0 || seqs.some((other) => sameTerms(other, seq))) continue;
      seqs.push(seq);
      const list = matcher.byFirst.get(seq[0]) ?? [];
      list.push({ group: id, seq });
      list.sort((x, y) => y.seq.length - x.seq.length);
      matcher.byFirst.set(seq[0], list);
    }
    matcher.groups.push(seqs);
  });
  return matcher;
}

function sameTerms(a: Term[], b: Term[]): boolean {
  return a.length === b.length && a.every((term, i) => term === b[i]);
}

/** Where group terms occur in a term sequence, as [start, end) term offsets; a group's matches do not overlap. */
function matchGroups(terms: Term[], matcher: SynonymMatcher): { group: number; start: number; end: number }[] {
  const out: { group: number; start: number; end: number }[] = [];
  if (matcher.byFirst.size === 0) return out;
  const coveredUntil = new Map<number, number>();
  for (let i = 0; i < terms.length; i++) {
    const candidates = matcher.byFirst.get(terms[i]);
    if (!candidates) continue;
    for (const { group, seq } of candidates) {
      if ((coveredUntil.get(group) ?? 0) > i || i + seq.length > terms.length) continue;
      let k = 1;
      while (k < seq.length && terms[i + k] === seq[k]) k++;
      if (k < seq.length) continue;
      out.push({ group, start: i, end: i + seq.length });
      coveredUntil.set(group, i + seq.length);
    }
  }
  return out;
}

/** A field's terms followed by one group term per occurrence of a group's term. */
function withGroupTerms(terms: Term[], matcher: SynonymMatcher): Term[] {
  const matches = matchGroups(terms, matcher);
  return matches.length === 0 ? terms : [...terms, ...matches.map(({ group }) => groupTerm(group))];
}

type AlignedTokens = { terms: Term[]; starts: number[]; ends: number[] };

function hanUnigramTerm(ch: string): Term {
  const cp = ch.codePointAt(0)!;
  return cp >= HAN_BASE && cp < HAN_BASE + HAN_SPAN ? cp : ch;
}

function hanBigramTerm(a: string, b: string): Term {
  const x = a.codePointAt(0)! - HAN_BASE;
  const y = b.codePointAt(0)! - HAN_BASE;
  return x >= 0 && x < HAN_SPAN && y >= 0 && y < HAN_SPAN ? BIGRAM_BASE + x * HAN_SPAN + y : a + b;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/**
 * Terms of folded code points, with their code-point offsets (parallel arrays: this runs on every body). Each
 * non-Han word and its stem go into `vocabulary` when given.
 */
function tokenizeAligned(chars: string[], vocabulary?: Map<string, string>): AlignedTokens {
  const out: AlignedTokens = { terms: [], starts: [], ends: [] };
  const push = (term: Term, start: number, end: number) => {
    out.terms.push(term);
    out.starts.push(start);
    out.ends.push(end);
  };
  let i = 0;
  while (i < chars.length) {
    if (isHanChar(chars[i])) {
      let end = i;
      while (end < chars.length && isHanChar(chars[end])) end++;
      for (let k = i; k < end; k++) {
        const unigram = hanUnigramTerm(chars[k]);
        if (!ZH_STOP_UNIGRAMS.has(unigram)) push(unigram, k, k + 1);
        if (k + 1 < end) {
          const bigram = hanBigramTerm(chars[k], chars[k + 1]);
          if (!ZH_STOP_BIGRAMS.has(bigram)) push(bigram, k, k + 2);
        }
      }
      i = end;
    } else if (isWordChar(chars[i])) {
      let end = i;
      // Apostrophes inside words ("don't", "exchange's") stay part of the word.
      while (end < chars.length && (isWordChar(chars[end]) || isInnerApostrophe(chars, end))) end++;
      const word = chars
        .slice(i, end)
        .join('')
        .replace(/['’]s$/, '')
        .replace(/['’]/g, '');
      if (word && !EN_STOP_WORDS.has(word)) {
        const stem = stemWord(word);
        vocabulary?.set(word, stem);
        push(stem, i, end);
      }
      i = end;
    } else {
      i++;
    }
  }
  return out;
}

function isInnerApostrophe(chars: string[], at: number): boolean {
  return (chars[at] === "'" || chars[at] === '’') && at > 0 && isWordChar(chars[at - 1]) && isWordChar(chars[at + 1]);
}

function isHanUnigram(term: Term): boolean {
  return typeof term === 'number' ? term < BIGRAM_BASE : Array.from(term).length === 1 && isHanChar(term);
}

// Code-point range checks: a regex per character was the slowest part of indexing.
function isHanChar(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x20000 && cp <= 0x3134f)
  );
}

/** A letter or digit of a non-Han word (Latin, Cyrillic, kana …). */
function isWordChar(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const cp = ch.codePointAt(0)!;
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a);
  return !isHanChar(ch) && LETTER_OR_DIGIT.test(ch);
}

/**
 * A light English stemmer: enough that deposit/deposits/deposited, confirm/confirmations and
 * liquidate/liquidated/liquidation meet. Words with digits (trc20, 2fa) are left alone.
 */
export function stemWord(word: string): string {
  let stem = stemCache.get(word);
  if (stem === undefined) {
    stem = computeStem(word);
    if (stemCache.size < 50_000) stemCache.set(word, stem);
  }
  return stem;
}

const stemCache = new Map<string, string>();

function computeStem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let stem = word;
  if (stem.endsWith('ication') && stem.length > 9) stem = `${stem.slice(0, -7)}y`;
  else if (stem.endsWith('ies') && stem.length > 4) stem = `${stem.slice(0, -3)}y`;
  else if (stem.endsWith('ied') && stem.length > 4) stem = `${stem.slice(0, -3)}y`;
  else if (stem.endsWith('sses')) stem = stem.slice(0, -2);
  else if (stem.endsWith('s') && !/(?:ss|us|is)$/.test(stem)) stem = stem.slice(0, -1);

  if (stem.endsWith('ation') && stem.length - 5 >= 4) stem = stem.slice(0, -5);
  else if (stem.endsWith('ated') && stem.length - 4 >= 5) stem = stem.slice(0, -4);
  else if (stem.endsWith('ate') && stem.length - 3 >= 5) stem = stem.slice(0, -3);
  else if (stem.endsWith('ion') && stem.length - 3 >= 4) stem = stem.slice(0, -3);
  else if (stem.endsWith('ing') && stem.length - 3 >= 3) stem = undouble(stem.slice(0, -3));
  else if (stem.endsWith('ed') && stem.length - 2 >= 3) stem = undouble(stem.slice(0, -2));
  else if (stem.endsWith('al') && stem.length - 2 >= 6) stem = stem.slice(0, -2); // withdrawal → withdraw
  if (stem.endsWith('e') && stem.length > 4) stem = stem.slice(0, -1);
  return stem;
}

function undouble(stem: string): string {
  return /([b-df-hj-km-np-tv-z])\1$/.test(stem) && !/(?:ll|ss|zz)$/.test(stem) ? stem.slice(0, -1) : stem;
}

/** Strip light markdown and collapse whitespace: the snippet is plain text. */
function toPlainText(body: string): string {
  return body
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s*[-*+]\s+/gm, '')
    .replace(/\*\*|__|`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Fold text for matching while keeping one output entry per input code point, so positions found in
 * the folded text are positions in the display text: NFKC + lower-case per character, then tw → cn.
 */
function foldAligned(chars: string[], traditional: boolean): string[] {
  let hasHan = false;
  const folded = chars.map((ch) => {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : ch;
    if (isHanChar(ch)) {
      hasHan = true;
      return ch;
    }
    const out = ch.normalize('NFKC').toLowerCase();
    return Array.from(out).length === 1 ? out : ch;
  });
  if (!hasHan) return folded;
  if (!traditional) return folded.map(foldVariant);
  // Character by character, memoised: Traditional → Simplified is essentially a per-character mapping, and
  // the whole-string phrase converter was most of the indexing time.
  return folded.map((ch) => {
    if (!isHanChar(ch)) return ch;
    let out = simplifiedChars.get(ch);
    if (out === undefined) {
      const converted = convertToSimplified(ch, 'tw');
      out = foldVariant(Array.from(converted).length === 1 ? converted : ch);
      simplifiedChars.set(ch, out);
    }
    return out;
  });
}

const simplifiedChars = new Map<string, string>();

// Both are Simplified, but Taiwan's 帳 folds to 帐 while the articles write 账: one spelling for index and query.
function foldVariant(ch: string): string {
  return ch === '帐' ? '账' : ch;
}

/** The ~160-character window of the body holding the most (and most distinctive) query terms. */
function makeSnippet(doc: DocText, terms: Map<Term, number>): string {
  const { chars } = doc;
  if (chars.length <= SNIPPET_LENGTH) return chars.join('');

  const hits: { start: number; end: number; term: Term; weight: number }[] = [];
  const { terms: docTerms, starts, ends } = doc.tokens;
  for (let i = 0; i < docTerms.length; i++) {
    const weight = terms.get(docTerms[i]);
    if (weight !== undefined) hits.push({ start: starts[i], end: ends[i], term: docTerms[i], weight });
  }

  let anchor = 0;
  let best = 0;
  for (let i = 0; i < hits.length; i++) {
    const windowEnd = Math.max(0, hits[i].start - SNIPPET_LEAD) + SNIPPET_LENGTH;
    // Each distinct term counts once: coverage of the query matters more than repetition.
    const seen = new Map<Term, number>();
    for (let j = i; j < hits.length && hits[j].end <= windowEnd; j++) seen.set(hits[j].term, hits[j].weight);
    let value = 0;
    for (const weight of seen.values()) value += weight;
    if (value > best) {
      best = value;
      anchor = hits[i].start;
    }
  }

  let start = best > 0 ? Math.min(Math.max(0, anchor - SNIPPET_LEAD), chars.length - SNIPPET_LENGTH) : 0;
  if (start > 0) {
    // Prefer starting at a sentence boundary inside the lead-in, else at a word boundary.
    const sentence = findLastIndex(chars, start, Math.max(anchor, start), (ch) => /[。！？；.!?;]/.test(ch));
    if (sentence >= 0) start = sentence + 1;
    else if (isWordChar(chars[start - 1]) && isWordChar(chars[start])) {
      const space = chars.indexOf(' ', start);
      if (space >= 0 && space < anchor) start = space + 1;
    }
  }
  while (start < chars.length && /[\s,，、:：]/.test(chars[start])) start++;
  while (start > 0 && start < chars.length && isClusterContinuation(chars, start)) start++;

  let end = Math.min(chars.length, start + SNIPPET_LENGTH);
  if (end < chars.length && isWordChar(chars[end - 1]) && isWordChar(chars[end])) {
    const space = chars.lastIndexOf(' ', end - 1);
    if (space > start + SNIPPET_LENGTH / 2) end = space;
  }
  while (end > start && end < chars.length && isClusterContinuation(chars, end)) end--;

  const text = chars.slice(start, end).join('').trim();
  return (start > 0 ? ELLIPSIS : '') + text + (end < chars.length ? ELLIPSIS : '');
}

function findLastIndex(chars: string[], from: number, to: number, test: (ch: string) => boolean): number {
  for (let i = Math.min(to, chars.length) - 1; i >= from; i--) if (test(chars[i])) return i;
  return -1;
}

const ZWJ = '\u200D';
const CLUSTER_CONTINUATION = /^(?:\p{M}|[\uFE00-\uFE0F]|[\u{1F3FB}-\u{1F3FF}])$/u;

// Combining marks, variation selectors, skin tones and ZWJ sequences belong to the character before them.
function isClusterContinuation(chars: string[], at: number): boolean {
  return CLUSTER_CONTINUATION.test(chars[at]) || chars[at - 1] === ZWJ || chars[at] === ZWJ;
}
