import type { Locale } from '../../contracts/domain.ts';
import { KB_LOCALES, type KbLocale, type KbLocaleNames, type KbSearchHit } from '../../contracts/kb.ts';
import type { Queryable } from '../db/db.ts';
import type { OrgRow } from '../orgs/orgs.service.ts';
import { incidents, noteFor, type PlatformStatusEntry } from '../platform-status/platform-status.ts';
import { getPublicPlatformStatus } from '../platform-status/platform-status.service.ts';
import { reply } from '../text/replies.ts';
import { toTaiwanText } from '../text/taiwan-text.ts';
import type { KbIndexCache } from './kb-index.ts';
import { type HelpTitleRow, selectPublishedArticleTexts, selectPublishedTitles } from './kb.queries.ts';
import { listKbTree, recordKbFeedback, searchKnowledgeBase } from './kb.service.ts';

/**
 * What the public help centre (/help, src/server/kb/help.routes.ts) shows, read from the knowledge base: the tree of
 * categories and sections with article titles in a locale, one article with its stored HTML (sanitised on save, never
 * rendered again here), search, votes, the organization's branding and the platform-status incidents of the moment.
 */

export type HelpScope = { db: Queryable; org: OrgRow };

export type HelpBrand = { name: string; logoUrl: string | null; brandColor: string | null };

const BRAND_COLOR = /^#[0-9a-fA-F]{6}$/;

/** `org.settings.helpCentre` ({ logoUrl?, brandColor? }): an https URL and a #rrggbb colour, anything else dropped. */
export function helpCentreBrand(org: Pick<OrgRow, 'name' | 'settings'>): HelpBrand {
  const raw = (org.settings?.helpCentre ?? {}) as Record<string, unknown>;
  let logoUrl: string | null = null;
  if (typeof raw.logoUrl === 'string' && raw.logoUrl.length <= 2000) {
    try {
      const url = new URL(raw.logoUrl);
      if (url.protocol === 'https:' && !url.username && !url.password) logoUrl = url.href;
    } catch {}
  }
  const brandColor = typeof raw.brandColor === 'string' && BRAND_COLOR.test(raw.brandColor) ? raw.brandColor : null;
  return { name: org.name, logoUrl, brandColor };
}

/** A category's or section's name in a locale: zh-TW made from zh-CN when only that is given. */
export function localName(names: KbLocaleNames, locale: KbLocale, fallback: string): string {
  const own = names[locale];
  if (own) return own;
  if (locale === 'zh-TW' && names['zh-CN']) return toTaiwanText(names['zh-CN']);
  if (locale === 'en') return names.en ?? names['zh-CN'] ?? fallback;
  return names['zh-CN'] ?? names['zh-TW'] ?? names.en ?? fallback;
}

export type HelpArticleLink = { slug: string; title: string };
export type HelpSectionView = { slug: string; name: string; articles: HelpArticleLink[] };
export type HelpCategoryView = { slug: string; name: string; sections: HelpSectionView[] };
export type HelpTree = {
  categories: HelpCategoryView[];
  /** Published articles in this locale that are in no section. */
  unfiled: HelpArticleLink[];
};

/** The categories, their sections and the titles of the published articles in one locale (empty sections dropped). */
export async function getHelpTree(scope: HelpScope, locale: KbLocale): Promise<HelpTree> {
  const [tree, titles] = await Promise.all([listKbTree(scope), selectPublishedTitles(scope.db, scope.org.id)]);
  const inLocale = titles.filter((row) => row.locale === locale);
  const bySection = new Map<string, HelpArticleLink[]>();
  const unfiled: HelpArticleLink[] = [];
  const knownSections = new Set(tree.flatMap((c) => c.sections.map((s) => s.id)));
  for (const row of inLocale) {
    const link = { slug: row.slug, title: row.title };
    if (row.section_id && knownSections.has(row.section_id)) {
      const list = bySection.get(row.section_id) ?? [];
      list.push(link);
      bySection.set(row.section_id, list);
    } else unfiled.push(link);
  }
  const categories = tree
    .map((c) => ({
      slug: c.slug,
      name: localName(c.names, locale, c.slug),
      sections: c.sections
        .map((s) => ({ slug: s.slug, name: localName(s.names, locale, s.slug), articles: bySection.get(s.id) ?? [] }))
        .filter((s) => s.articles.length > 0),
    }))
    .filter((c) => c.sections.length > 0);
  return { categories, unfiled };
}

export type HelpArticleView = {
  slug: string;
  locale: KbLocale;
  title: string;
  /** Stored HTML, sanitised when the article was saved. */
  html: string;
  /** Every locale this article has a published text in. */
  locales: KbLocale[];
  /** The article's title in each of those locales (for the locale switch and hreflang). */
  titles: Partial<Record<KbLocale, string>>;
  category: { slug: string; name: string } | null;
  section: { slug: string; name: string } | null;
  related: HelpArticleLink[];
  updatedAt: string;
};

/** One published article in a locale, or undefined when it has no text there (or is not published). */
export async function getHelpArticle(
  scope: HelpScope,
  locale: KbLocale,
  slug: string,
): Promise<HelpArticleView | undefined> {
  const texts = await selectPublishedArticleTexts(scope.db, scope.org.id, slug);
  const text = texts.find((t) => t.locale === locale);
  if (!text) return undefined;
  const [tree, titles] = await Promise.all([listKbTree(scope), selectPublishedTitles(scope.db, scope.org.id)]);
  let category: HelpArticleView['category'] = null;
  let section: HelpArticleView['section'] = null;
  for (const c of tree) {
    const s = c.sections.find((candidate) => candidate.id === text.section_id);
    if (s) {
      category = { slug: c.slug, name: localName(c.names, locale, c.slug) };
      section = { slug: s.slug, name: localName(s.names, locale, s.slug) };
    }
  }
  const titleOf = new Map(titles.filter((t) => t.locale === locale).map((t) => [t.slug, t.title]));
  const related = text.related_slugs
    .filter((other) => other !== slug && titleOf.has(other))
    .map((other) => ({ slug: other, title: titleOf.get(other) as string }));
  return {
    slug,
    locale,
    title: text.title,
    html: text.body_html,
    locales: KB_LOCALES.filter((l) => texts.some((t) => t.locale === l)),
    titles: Object.fromEntries(texts.map((t) => [t.locale, t.title])),
    category,
    section,
    related,
    updatedAt: new Date(text.updated_at).toISOString(),
  };
}

/** The help centre's search: the knowledge base's own ranking, in the page's locale first. */
export async function searchHelpCentre(
  scope: HelpScope,
  index: KbIndexCache,
  locale: KbLocale,
  q: string,
): Promise<KbSearchHit[]> {
  return searchKnowledgeBase(scope, index, { q, locale, limit: 20 });
}

/** A "Was this helpful?" vote from the help page's form; a later vote by the same visitor replaces it. */
export async function recordHelpVote(
  scope: HelpScope,
  vote: { slug: string; locale: KbLocale; helpful: boolean; comment?: string; visitorKey: string },
): Promise<void> {
  await recordKbFeedback(scope, vote);
}

/** Every published article text, for the sitemap. */
export async function listHelpSitemap(scope: HelpScope): Promise<HelpTitleRow[]> {
  return selectPublishedTitles(scope.db, scope.org.id);
}

/** The platform-status incidents of the moment (a coin or network not fully normal), as one line each in a locale. */
export async function getHelpAnnouncements(scope: HelpScope, locale: KbLocale): Promise<string[]> {
  const entries = await getPublicPlatformStatus({ db: scope.db }, scope.org.slug);
  return incidents(entries).map((entry) => describeIncident(entry, locale));
}

function describeIncident(entry: PlatformStatusEntry, locale: Locale): string {
  const parts: string[] = [];
  const congested = (['deposits', 'withdrawals'] as const).filter((d) => entry[d] === 'congested');
  const suspended = (['deposits', 'withdrawals'] as const).filter((d) => entry[d] === 'suspended');
  if (congested.length > 0) {
    parts.push(reply('networkCongested', locale, { coin: entry.coin, network: entry.network, note: '' }).trim());
  }
  for (const direction of suspended) {
    const word = reply(direction === 'deposits' ? 'directionDeposits' : 'directionWithdrawals', locale);
    parts.push(
      reply('networkSuspended', locale, {
        coin: entry.coin,
        network: entry.network,
        direction: locale === 'en' ? word.charAt(0).toUpperCase() + word.slice(1) : word,
        note: '',
      }).trim(),
    );
  }
  return [...parts, noteFor(entry, locale)].filter(Boolean).join(' ');
}
