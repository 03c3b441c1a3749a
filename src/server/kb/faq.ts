import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isBuiltinIntent } from '../../contracts/intents.ts';
import { toTaiwanText } from '../text/taiwan-text.ts';
import type { KbArticle, KbLocale } from './search.ts';

/**
 * The seed FAQ of the fictional "Lumen Exchange" (`data/kb/faq.json`), written in zh-CN and en.
 * zh-TW is derived from zh-CN at load time, so the Chinese text is maintained once (an article may give its own zh-TW).
 */

/** `data/kb/faq.json` at the repo root, resolved from this file so it works from any working directory. */
export const SEED_FAQ_PATH = fileURLToPath(new URL('../../../data/kb/faq.json', import.meta.url));

type SeedText = { title: string; body: string; tags: string[] };
/** `zh-TW` is optional: without it, the zh-CN text converted by toTaiwanText. */
type SeedArticle = { slug: string; intents: string[]; en: SeedText; 'zh-CN': SeedText; 'zh-TW'?: SeedText };
type SeedFile = { articles: SeedArticle[] };

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

let cached: KbArticle[] | undefined;

/**
 * Every seed article in zh-CN, zh-TW and en (grouped by locale, file order within each), with stable ids
 * `faq:<locale>:<slug>` and urls `/help/<locale>/<slug>`. The result is cached; callers must not mutate it.
 */
export function loadSeedFaq(): KbArticle[] {
  if (!cached) cached = parseSeedFaq(JSON.parse(readFileSync(SEED_FAQ_PATH, 'utf8')) as SeedFile);
  return cached;
}

/** Validate a seed file and expand it to the three locales. Throws on a malformed article. */
export function parseSeedFaq(file: SeedFile): KbArticle[] {
  const seen = new Set<string>();
  for (const seed of file.articles) {
    if (!SLUG.test(seed.slug)) throw new Error(`faq: bad slug "${seed.slug}"`);
    if (seen.has(seed.slug)) throw new Error(`faq: duplicate slug "${seed.slug}"`);
    seen.add(seed.slug);
    const unknown = seed.intents.filter((intent) => !isBuiltinIntent(intent));
    if (unknown.length > 0) throw new Error(`faq: ${seed.slug} has unknown intents ${unknown.join(', ')}`);
    for (const locale of ['en', 'zh-CN'] as const) {
      const text = seed[locale];
      if (!text?.title || !text.body) throw new Error(`faq: ${seed.slug} is missing its ${locale} title or body`);
    }
  }

  const build = (seed: SeedArticle, locale: KbLocale, text: SeedText): KbArticle => ({
    id: `faq:${locale}:${seed.slug}`,
    slug: seed.slug,
    locale,
    title: text.title,
    body: text.body,
    tags: [...text.tags],
    intents: [...seed.intents],
    url: `/help/${locale}/${seed.slug}`,
  });
  return [
    ...file.articles.map((seed) => build(seed, 'zh-CN', seed['zh-CN'])),
    ...file.articles.map((seed) =>
      build(
        seed,
        'zh-TW',
        seed['zh-TW']?.title && seed['zh-TW'].body
          ? { ...seed['zh-TW'], tags: seed['zh-TW'].tags ?? [] }
          : {
              title: toTaiwanText(seed['zh-CN'].title),
              body: toTaiwanText(seed['zh-CN'].body),
              tags: seed['zh-CN'].tags.map((tag) => toTaiwanText(tag)),
            },
      ),
    ),
    ...file.articles.map((seed) => build(seed, 'en', seed.en)),
  ];
}
