import { convertToSimplified, normalizeText } from '../text/normalize.ts';

/**
 * Ranked retrieval over knowledge-base articles, for Chinese (Simplified and Traditional) and English.
 *
 * BM25F over three fields (title, tags, body). Chinese is indexed as character bigrams plus low-weight
 * unigrams of Han runs: no dictionary to maintain, and 充值/到账/提币 match however the user segments them.
 * English words are lower-cased, stop-words dropped and lightly stemmed (deposit/deposits/deposited).
 * Everything is folded to lower-case Simplified before indexing, so a Traditional query meets a
 * Simplified article and the reverse.
 */

export type KbLocale = 'zh-CN' | 'zh-TW' | 'en';

export type KbArticle = {
  id: string;
  slug: string;
  locale: KbLocale;
  title: string;
  body: string;
  tags: string[];
  intents: string[];
  url: string;
};

export type KbSearchOptions = {
  /** Preferred locale: other locales are searched only when nothing in this one matches. */
  locale?: KbLocale;
  /** Maximum results. Default 5. */
  limit?: number;
  /** Intent id from the classifier: articles tagged with it are boosted, and match even without shared words. */
  intent?: string;
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
};

const K1 = 1.2;
const B = 0.75;
const FIELD_WEIGHTS = { title: 3, tags: 2, body: 1 } as const;
// A single Han character says little (的, 币, 账 are everywhere); bigrams carry the meaning.
const HAN_UNIGRAM_WEIGHT = 0.3;
const INTENT_MULTIPLIER = 1.5;
const INTENT_BONUS = 1;
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

// Everyday variants rewritten in queries to the spelling the articles use (the articles mention both where it matters).
const QUERY_SYNONYMS: [RegExp, string][] = [
  [/提现|提款/g, '提币'],
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
export function buildKbIndex(articles: KbArticle[]): KbIndex {
  const docs: DocText[] = [];
  const fields: Fields[] = [];
  for (const article of articles) {
    const chars = Array.from(toPlainText(article.body));
    // Only zh-TW bodies go through the Traditional → Simplified converter: it is most of the indexing time,
    // and zh-CN / en articles are Simplified or Han-free by contract.
    const tokens = tokenizeAligned(foldAligned(chars, article.locale === 'zh-TW'));
    docs.push({ chars, tokens });
    fields.push({
      title: tokenizeText(normalizeText(article.title, CHARACTER_LEVEL)),
      tags: tokenizeText(normalizeText(article.tags.join(' , '), CHARACTER_LEVEL)),
      body: tokens.terms,
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
  return { articles, docs, partitions };
}

/**
 * Search the index. Results come from the asked locale; only when nothing there matches are the fallback
 * locales tried (zh-TW ↔ zh-CN first, then en). Without a locale every locale is searched.
 * Ties are broken by article order, so results are deterministic.
 */
export function searchKb(index: KbIndex, query: string, options: KbSearchOptions = {}): KbSearchResult[] {
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (limit <= 0) return [];
  const terms = weighQueryTerms(query);

  let scored: { doc: number; score: number }[] = [];
  if (options.locale) {
    for (const locale of [options.locale, ...LOCALE_FALLBACKS[options.locale]]) {
      scored = scorePartition(index, locale, terms, options.intent);
      if (scored.length > 0) break;
    }
  } else {
    for (const locale of index.partitions.keys()) scored.push(...scorePartition(index, locale, terms, options.intent));
  }

  scored.sort((a, b) => b.score - a.score || a.doc - b.doc);
  return scored.slice(0, limit).map(({ doc, score }) => ({
    article: index.articles[doc],
    score: Math.round(score * 1e4) / 1e4,
    snippet: makeSnippet(index.docs[doc], terms),
  }));
}

/** Index terms of an already normalised text (lower-case, Simplified), in reading order. */
export function tokenizeText(normalized: string): Term[] {
  return tokenizeAligned(Array.from(normalized).map(foldVariant)).terms;
}

type Fields = { title: Term[]; tags: Term[]; body: Term[] };

function buildPartition(members: number[], fields: Fields[]): Partition {
  const average = (name: keyof typeof FIELD_WEIGHTS) =>
    members.reduce((sum, doc) => sum + fields[doc][name].length, 0) / members.length || 1;
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
      const norm = 1 - B + (B * tokens.length) / averages[name];
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
  intent: string | undefined,
): { doc: number; score: number }[] {
  const partition = index.partitions.get(locale);
  if (!partition) return [];
  const scores = new Map<number, number>();
  for (const [term, weight] of terms) {
    const list = partition.postings.get(term);
    if (!list) continue;
    const idf = partition.idf.get(term) ?? 0;
    for (const { doc, tf } of list) {
      scores.set(doc, (scores.get(doc) ?? 0) + (weight * idf * tf * (K1 + 1)) / (tf + K1));
    }
  }
  if (intent) {
    for (const doc of partition.docs) {
      if (!index.articles[doc].intents.includes(intent)) continue;
      scores.set(doc, (scores.get(doc) ?? 0) * INTENT_MULTIPLIER + INTENT_BONUS);
    }
  }
  const out: { doc: number; score: number }[] = [];
  for (const [doc, score] of scores) if (score > 0) out.push({ doc, score });
  return out;
}

/** Query terms with their weights: Han unigrams count less than bigrams and words. */
function weighQueryTerms(query: string): Map<Term, number> {
  let normalized = normalizeText(query, CHARACTER_LEVEL);
  for (const [pattern, replacement] of QUERY_SYNONYMS) normalized = normalized.replace(pattern, replacement);
  const terms = new Map<Term, number>();
  for (const term of tokenizeText(normalized)) {
    terms.set(term, isHanUnigram(term) ? HAN_UNIGRAM_WEIGHT : 1);
  }
  return terms;
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

/** Terms of folded code points, with their code-point offsets (parallel arrays: this runs on every body). */
function tokenizeAligned(chars: string[]): AlignedTokens {
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
      if (word && !EN_STOP_WORDS.has(word)) push(stemWord(word), i, end);
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
