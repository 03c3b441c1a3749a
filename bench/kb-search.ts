/**
 * Knowledge-base search benchmark: index build and query latency over N copies of the seed FAQ.
 *   npm run bench:kb -- [--articles 200] [--rounds 200]
 * The limit it is compared with is a plain substring scan of the same articles for the same queries (no ranking, no
 * Chinese variants, no stemming): what a search costs at the very least. The last line printed is one JSON object.
 */
import { parseArgs } from 'node:util';
import { loadSeedFaq } from '../src/server/kb/faq.ts';
import { buildKbIndex, searchKb } from '../src/server/kb/search.ts';
import { round, summarize } from './lib.ts';

const { values } = parseArgs({
  options: { articles: { type: 'string', default: '200' }, rounds: { type: 'string', default: '200' } },
});
const articleCount = Number(values.articles);
const rounds = Number(values.rounds);

const seed = loadSeedFaq();
const articles = Array.from({ length: articleCount }, (_, i) => ({ ...seed[i % seed.length], id: `bench:${i}` }));
const queries = ['我的充值还没到账', '充幣沒到帳', 'withdrawal pending review', 'forgot memo', '谷歌验证丢了'];

let index = buildKbIndex(articles);
const builds: number[] = [];
for (let run = 0; run < 20; run++) {
  const start = performance.now();
  index = buildKbIndex(articles);
  builds.push(performance.now() - start);
}

function time(search: (query: string) => unknown): number[] {
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

const lowered = articles.map((a) => `${a.title}\n${a.body}`.toLowerCase());
const scan = summarize(time((query) => lowered.filter((text) => text.includes(query.toLowerCase()))));
const search = summarize(time((query) => searchKb(index, query, { locale: 'zh-CN' })));
const build = summarize(builds);

console.log(`articles ${articleCount}: index build p50 ${round(build.p50)} ms, p99 ${round(build.p99)} ms`);
console.log(`query: p50 ${round(search.p50, 3)} ms, p99 ${round(search.p99, 3)} ms over ${search.count} queries`);
console.log(`substring scan (the floor): p50 ${round(scan.p50, 3)} ms, p99 ${round(scan.p99, 3)} ms`);
console.log(`ratio search/scan at p50: ${round(search.p50 / scan.p50, 1)}×`);
console.log(
  JSON.stringify({
    bench: 'kb-search',
    articles: articleCount,
    buildP50Ms: round(build.p50, 3),
    buildP99Ms: round(build.p99, 3),
    queryP50Ms: round(search.p50, 4),
    queryP99Ms: round(search.p99, 4),
    scanP50Ms: round(scan.p50, 4),
    ratioToScanP50: round(search.p50 / scan.p50, 2),
  }),
);
