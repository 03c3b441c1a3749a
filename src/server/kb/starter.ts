import type { KbLocale } from '../../contracts/kb.ts';
import { toTaiwanText } from '../text/taiwan-text.ts';
import { type KbFileArticle, type KbFileText, readKbFolder, STARTER_KB_DIR } from './kb-files.ts';
import type { KbArticle } from './search.ts';

/**
 * The starter knowledge base (data/kb/starter) as searchable articles without a database: for the unit tests, the
 * benchmark and the bot scenarios. The running product reads the organization's articles from the database (the
 * demo seed imports this same folder).
 */

/** zh-TW from zh-CN with Taiwan usage, for an article that has no hand-written zh-TW. */
export function taiwanTextOf(text: KbFileText): KbFileText {
  return {
    title: toTaiwanText(text.title),
    body: toTaiwanText(text.body),
    tags: text.tags.map((tag) => toTaiwanText(tag)),
  };
}

/** Every text of these articles in zh-CN, zh-TW (generated when missing) and en, grouped by locale. */
export function fileArticlesToKb(articles: KbFileArticle[]): KbArticle[] {
  const out: KbArticle[] = [];
  for (const locale of ['zh-CN', 'zh-TW', 'en'] as KbLocale[]) {
    for (const article of articles) {
      const source = article.texts['zh-CN'];
      const text = article.texts[locale] ?? (locale === 'zh-TW' && source ? taiwanTextOf(source) : undefined);
      if (!text) continue;
      out.push({
        id: `starter:${locale}:${article.slug}`,
        slug: article.slug,
        locale,
        title: text.title,
        body: text.body,
        tags: [...text.tags],
        intents: [...article.intents],
        category: article.category,
        url: `/help/${locale}/${article.slug}`,
      });
    }
  }
  return out;
}

let cached: KbArticle[] | undefined;

/** The starter knowledge base in three locales (cached; callers must not mutate it). */
export function loadStarterKb(): KbArticle[] {
  cached ??= fileArticlesToKb(readKbFolder(STARTER_KB_DIR).articles);
  return cached;
}
