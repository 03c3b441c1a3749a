/**
 * Knowledge-base search benchmark: latency at scale, and answer quality on labelled questions.
 *   npm run bench:kb -- [--articles 2000] [--rounds 20] [--questions bench/data/kb-questions.tsv] [--misses]
 *
 * Latency: the starter knowledge base grown synthetically to `--articles` articles per locale (each a new slug whose
 * title and body recombine sentences of real articles of that locale, from a fixed seed, so every run indexes the
 * same text), searched with every labelled question plus a few fixed ones, `--rounds` times, in the question's
 * locale. It is compared with a plain substring scan of the same articles for the same queries (no ranking, no
 * Chinese variants, no stemming): what a search costs at the very least.
 *
 * Quality: top-1 and top-3 hit rate of the labelled questions (`locale<TAB>question<TAB>slug`, with a header) against
 * the REAL starter knowledge base, with the built-in synonyms. `--misses` lists the questions that missed top-1.
 * The last line printed is one JSON object.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadStarterKb } from '../src/server/kb/starter.ts';
import { buildKbIndex, type KbArticle, type KbLocale, searchKb } from '../src/server/kb/search.ts';
import { round, summarize } from './lib.ts';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '20' },
    questions: { type: 'string', default: path.join(import.meta.dirname, 'data/kb-questions.tsv') },
    misses: { type: 'boolean', default: false },
  },
});
const perLocale = Number(values.articles);
const rounds = Number(values.rounds);
const LOCALES: KbLocale[] = ['zh-CN', 'zh-TW', 'en'];

type Question = { locale: KbLocale; question: string; slug: string };

function readQuestions(file: string): Question[] {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  if (header.trim() !== 'locale\tquestion\tslug')
    throw new Error(`${file}: expected the header "locale\tquestion\tslug"`);
  return lines
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line, i) => {
      const [locale, question, slug] = line.split('\t');
      if (!LOCALES.includes(locale as KbLocale) || !question || !slug)
        throw new Error(`${file}:${i + 2}: bad row "${line}"`);
      return { locale: locale as KbLocale, question: question.trim(), slug: slug.trim() };
    });
}

/** Mulberry32: a small deterministic generator, so the synthetic knowledge base is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` articles per locale: the real ones, then synthetic ones recombining the real ones' sentences. */
function growKb(real: KbArticle[], count: number): KbArticle[] {
  const next = random(20240611);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  const out: KbArticle[] = [];
  for (const locale of LOCALES) {
    const mine = real.filter((a) => a.locale === locale);
    const sentences = mine.flatMap((a) => a.body.split(/(?<=[。！？.!?])\s*|\n+/).filter((s) => s.trim().length > 8));
    const titles = mine.map((a) => a.title);
    const tags = [...new Set(mine.flatMap((a) => a.tags))];
    out.push(...mine.slice(0, count));
    for (let i = mine.length; i < count; i++) {
      const base = pick(mine);
      const sentenceCount = 6 + Math.floor(next() * 14);
      const body = Array.from({ length: sentenceCount }, () => pick(sentences)).join(locale === 'en' ? ' ' : '');
      const title = locale === 'en' ? `${pick(titles)}: ${pick(tags)}` : `${pick(titles)}（${pick(tags)}）`;
      const slug = `${base.slug}-${i}`;
      out.push({
        ...base,
        id: `bench:${locale}:${slug}`,
        slug,
        title,
        body,
        tags: [pick(tags), pick(tags), pick(tags)],
        intents: next() < 0.3 ? base.intents : [],
        url: `/help/${locale}/${slug}`,
      });
    }
  }
  return out;
}

const real = loadStarterKb();
const questions = readQuestions(values.questions);

// ---------- Quality, on the real starter knowledge base ----------
const realIndex = buildKbIndex(real);
let top1 = 0;
let top3 = 0;
const misses: string[] = [];
for (const { locale, question, slug } of questions) {
  const results = searchKb(realIndex, question, { locale, limit: 3 }).map((r) => r.article.slug);
  if (results[0] === slug) top1++;
  else misses.push(`${locale}\t${question}\t${slug}\t→ ${results.join(' ') || '(nothing)'}`);
  if (results.includes(slug)) top3++;
}

// ---------- Latency, on the grown knowledge base ----------
const articles = growKb(real, perLocale);
const buildStart = performance.now();
const index = buildKbIndex(articles);
const buildMs = performance.now() - buildStart;
const fixed: Question[] = [
  { locale: 'zh-CN', question: '我的充值还没到账', slug: '' },
  { locale: 'zh-TW', question: '充幣沒到帳', slug: '' },
  { locale: 'en', question: 'withdrawal pending review', slug: '' },
  { locale: 'en', question: 'withdrawl pendng', slug: '' },
  { locale: 'zh-CN', question: '谷歌验证丢了', slug: '' },
];
// zh-TW questions: the zh-CN ones, asked in the Traditional partition.
const queries = [
  ...fixed,
  ...questions,
  ...questions.filter((q) => q.locale === 'zh-CN').map((q) => ({ ...q, locale: 'zh-TW' as const })),
];

function time(search: (query: Question) => unknown): number[] {
  for (const query of queries) search(query);
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const query of queries) {
      const start = performance.now();
      search(query);
      samples.push(performance.now() - start);
    }
  }
  return samples;
}

const lowered = new Map(
  LOCALES.map((locale) => [
    locale,
    articles.filter((a) => a.locale === locale).map((a) => `${a.title}\n${a.body}`.toLowerCase()),
  ]),
);
const scan = summarize(
  time(({ locale, question }) => lowered.get(locale)!.filter((text) => text.includes(question.toLowerCase()))),
);
const search = summarize(time(({ locale, question }) => searchKb(index, question, { locale })));

if (values.misses) for (const miss of misses) console.log(`miss\t${miss}`);
const n = questions.length;
console.log(
  `quality on the starter KB (${real.length} articles): top-1 ${round(top1 / n, 3)}, top-3 ${round(top3 / n, 3)} over ${n} questions`,
);
console.log(`grown KB: ${perLocale} articles per locale (${articles.length} in all), index build ${round(buildMs)} ms`);
console.log(`query: p50 ${round(search.p50, 3)} ms, p99 ${round(search.p99, 3)} ms over ${search.count} queries`);
console.log(`substring scan (the floor): p50 ${round(scan.p50, 3)} ms, p99 ${round(scan.p99, 3)} ms`);
console.log(`ratio search/scan: p50 ${round(search.p50 / scan.p50, 1)}×, p99 ${round(search.p99 / scan.p99, 1)}×`);
console.log(
  JSON.stringify({
    bench: 'kb-search',
    articles: perLocale,
    articlesTotal: articles.length,
    buildMs: round(buildMs, 1),
    p50Ms: round(search.p50, 4),
    p99Ms: round(search.p99, 4),
    scanP50Ms: round(scan.p50, 4),
    scanP99Ms: round(scan.p99, 4),
    ratioToScanP50: round(search.p50 / scan.p50, 2),
    ratioToScanP99: round(search.p99 / scan.p99, 2),
    questions: n,
    top1: round(top1 / n, 3),
    top3: round(top3 / n, 3),
  }),
);
