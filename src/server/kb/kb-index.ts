import type { KbLocale } from '../../contracts/kb.ts';
import type { Queryable } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import { selectPublishedTexts, selectSynonymGroups } from './kb.queries.ts';
import { markdownToPlainText } from './markdown.ts';
import { buildKbIndex, type KbArticle, type KbIndex } from './search.ts';
import { BUILTIN_SYNONYMS } from './synonyms.ts';

/**
 * The search index of each organization's published articles, in memory on every node. Built on first use from the
 * database, dropped when the organization's knowledge base changes (`kb.changed`, heard from every node through the
 * cluster bus, so an edit is searchable everywhere on the next query), and rebuilt lazily. A build in flight is
 * shared, and a change during a build makes the next query build again.
 */
export type KbIndexCache = {
  get(db: Queryable, orgId: string): Promise<KbIndex>;
  invalidate(orgId: string): void;
  close(): void;
};

/** The query string an organization's article links carry (`?org=<slug>` when the help centre is another's). */
export type LinkQuery = (db: Queryable, orgId: string) => Promise<string>;

export function articleUrl(locale: KbLocale, slug: string, query = ''): string {
  return `/help/${locale}/${slug}${query}`;
}

export function createKbIndexCache(events: EventBus, linkQuery: LinkQuery = async () => ''): KbIndexCache {
  const entries = new Map<string, { generation: number; index: Promise<KbIndex> }>();
  const generations = new Map<string, number>();
  const invalidate = (orgId: string) => {
    generations.set(orgId, (generations.get(orgId) ?? 0) + 1);
    entries.delete(orgId);
  };
  const unsubscribe = events.subscribe(
    (event) => {
      if (event.type === 'kb.changed') invalidate(event.orgId);
    },
    { scope: 'cluster' },
  );
  return {
    async get(db, orgId) {
      const generation = generations.get(orgId) ?? 0;
      const cached = entries.get(orgId);
      if (cached && cached.generation === generation) return cached.index;
      const index = loadIndex(db, orgId, linkQuery);
      entries.set(orgId, { generation, index });
      index.catch(() => {
        if (entries.get(orgId)?.index === index) entries.delete(orgId);
      });
      return index;
    },
    invalidate,
    close: unsubscribe,
  };
}

async function loadIndex(db: Queryable, orgId: string, linkQuery: LinkQuery): Promise<KbIndex> {
  const [rows, groups, query] = await Promise.all([
    selectPublishedTexts(db, orgId),
    selectSynonymGroups(db, orgId),
    linkQuery(db, orgId),
  ]);
  const articles: KbArticle[] = rows.map((row) => ({
    id: `${row.article_id}:${row.locale}`,
    slug: row.slug,
    locale: row.locale,
    title: row.title,
    body: markdownToPlainText(row.body_md),
    tags: row.tags,
    intents: row.intents,
    category: row.category_slug,
    url: articleUrl(row.locale, row.slug, query),
  }));
  return buildKbIndex(articles, { synonyms: [...BUILTIN_SYNONYMS, ...groups] });
}
