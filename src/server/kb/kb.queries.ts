import type { KbLocale, KbLocaleNames, KbStatus } from '../../contracts/kb.ts';
import type { Queryable } from '../db/db.ts';

/** The knowledge base's SQL. Every statement is scoped by org_id. */

export type CategoryRow = { id: string; slug: string; names: KbLocaleNames; position: number };
export type SectionRow = CategoryRow & { category_id: string };

export async function selectCategories(db: Queryable, orgId: string): Promise<CategoryRow[]> {
  return db.query<CategoryRow>(
    'SELECT id, slug, names, position FROM kb_categories WHERE org_id = $1 ORDER BY position, slug',
    [orgId],
  );
}

export async function selectSections(db: Queryable, orgId: string): Promise<SectionRow[]> {
  return db.query<SectionRow>(
    'SELECT id, category_id, slug, names, position FROM kb_sections WHERE org_id = $1 ORDER BY position, slug',
    [orgId],
  );
}

export async function selectSection(db: Queryable, orgId: string, sectionId: string): Promise<SectionRow | undefined> {
  const rows = await db.query<SectionRow>(
    'SELECT id, category_id, slug, names, position FROM kb_sections WHERE org_id = $1 AND id = $2',
    [orgId, sectionId],
  );
  return rows[0];
}

/** Inserts or renames a category by slug; returns its id. */
export async function upsertCategory(
  db: Queryable,
  orgId: string,
  c: { slug: string; names: KbLocaleNames; position: number },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO kb_categories (org_id, slug, names, position) VALUES ($1, $2, $3, $4)
     ON CONFLICT (org_id, slug) DO UPDATE SET names = EXCLUDED.names, position = EXCLUDED.position
     RETURNING id`,
    [orgId, c.slug, JSON.stringify(c.names), c.position],
  );
  return (rows[0] as { id: string }).id;
}

export async function upsertSection(
  db: Queryable,
  orgId: string,
  s: { categoryId: string; slug: string; names: KbLocaleNames; position: number },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO kb_sections (org_id, category_id, slug, names, position)
     SELECT $1, c.id, $3, $4, $5 FROM kb_categories c WHERE c.org_id = $1 AND c.id = $2
     ON CONFLICT (org_id, category_id, slug) DO UPDATE SET names = EXCLUDED.names, position = EXCLUDED.position
     RETURNING id`,
    [orgId, s.categoryId, s.slug, JSON.stringify(s.names), s.position],
  );
  return rows[0]?.id ?? '';
}

// ---------- Articles ----------

export type ArticleRow = {
  id: string;
  slug: string;
  section_id: string | null;
  status: KbStatus;
  intents: string[];
  related_slugs: string[];
  source_locale: KbLocale;
  created_at: Date;
  updated_at: Date;
  published_at: Date | null;
};

const ARTICLE_COLUMNS =
  'a.id, a.slug, a.section_id, a.status, a.intents, a.related_slugs, a.source_locale, a.created_at, a.updated_at, a.published_at';

export type TextRow = {
  article_id: string;
  locale: KbLocale;
  title: string;
  body_md: string;
  body_html: string;
  tags: string[];
  generated: boolean;
  source_revision: number | null;
  revision: number;
  updated_at: Date;
};

const TEXT_COLUMNS =
  't.article_id, t.locale, t.title, t.body_md, t.body_html, t.tags, t.generated, t.source_revision, t.revision, t.updated_at';

export async function selectArticles(
  db: Queryable,
  orgId: string,
  filter: { status?: KbStatus; q?: string } = {},
): Promise<ArticleRow[]> {
  return db.query<ArticleRow>(
    `SELECT ${ARTICLE_COLUMNS} FROM kb_articles a
      WHERE a.org_id = $1 AND ($2::text IS NULL OR a.status = $2)
        AND ($3::text IS NULL OR a.slug ILIKE '%' || $3 || '%'
             OR EXISTS (SELECT 1 FROM kb_article_texts t
                         WHERE t.org_id = $1 AND t.article_id = a.id AND t.title ILIKE '%' || $3 || '%'))
      ORDER BY a.updated_at DESC, a.slug`,
    [orgId, filter.status ?? null, filter.q ?? null],
  );
}

export async function selectArticle(db: Queryable, orgId: string, articleId: string): Promise<ArticleRow | undefined> {
  const rows = await db.query<ArticleRow>(
    `SELECT ${ARTICLE_COLUMNS} FROM kb_articles a WHERE a.org_id = $1 AND a.id = $2`,
    [orgId, articleId],
  );
  return rows[0];
}

export async function lockArticle(db: Queryable, orgId: string, articleId: string): Promise<ArticleRow | undefined> {
  const rows = await db.query<ArticleRow>(
    `SELECT ${ARTICLE_COLUMNS} FROM kb_articles a WHERE a.org_id = $1 AND a.id = $2 FOR UPDATE`,
    [orgId, articleId],
  );
  return rows[0];
}

export async function selectArticleIdBySlug(db: Queryable, orgId: string, slug: string): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>('SELECT id FROM kb_articles WHERE org_id = $1 AND slug = $2', [
    orgId,
    slug,
  ]);
  return rows[0]?.id;
}

export async function insertArticle(
  db: Queryable,
  orgId: string,
  a: { slug: string; sectionId: string | null; intents: string[]; related: string[]; sourceLocale: KbLocale },
): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO kb_articles (org_id, slug, section_id, intents, related_slugs, source_locale)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, slug) DO NOTHING RETURNING id`,
    [orgId, a.slug, a.sectionId, a.intents, a.related, a.sourceLocale],
  );
  return rows[0]?.id;
}

/** Changes the given fields; false when the new slug is another article's. */
export async function updateArticleFields(
  db: Queryable,
  orgId: string,
  articleId: string,
  f: { slug?: string; sectionId?: string | null; intents?: string[]; related?: string[] },
): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `UPDATE kb_articles a
        SET slug = COALESCE($3, a.slug),
            section_id = CASE WHEN $4::boolean THEN $5::uuid ELSE a.section_id END,
            intents = COALESCE($6, a.intents),
            related_slugs = COALESCE($7, a.related_slugs),
            updated_at = now()
      WHERE a.org_id = $1 AND a.id = $2
        AND NOT EXISTS (SELECT 1 FROM kb_articles o WHERE o.org_id = $1 AND o.slug = $3 AND o.id <> $2)
  RETURNING a.id`,
    [
      orgId,
      articleId,
      f.slug ?? null,
      f.sectionId !== undefined,
      f.sectionId ?? null,
      f.intents ?? null,
      f.related ?? null,
    ],
  );
  return rows.length > 0;
}

export async function updateArticleStatus(
  db: Queryable,
  orgId: string,
  articleId: string,
  status: KbStatus,
): Promise<void> {
  await db.query(
    `UPDATE kb_articles
        SET status = $3, updated_at = now(),
            published_at = CASE WHEN $3 = 'published' THEN COALESCE(published_at, now()) ELSE published_at END
      WHERE org_id = $1 AND id = $2`,
    [orgId, articleId, status],
  );
}

export async function touchArticle(db: Queryable, orgId: string, articleId: string): Promise<void> {
  await db.query('UPDATE kb_articles SET updated_at = now() WHERE org_id = $1 AND id = $2', [orgId, articleId]);
}

export async function selectTexts(db: Queryable, orgId: string, articleIds: string[]): Promise<TextRow[]> {
  return db.query<TextRow>(
    `SELECT ${TEXT_COLUMNS} FROM kb_article_texts t WHERE t.org_id = $1 AND t.article_id = ANY($2::uuid[])
      ORDER BY t.article_id, t.locale`,
    [orgId, articleIds],
  );
}

/**
 * Writes one locale's text as its next revision and records the revision, in one statement pair inside the
 * caller's transaction. Returns the new revision number.
 */
export async function saveTextRevision(
  db: Queryable,
  orgId: string,
  t: {
    articleId: string;
    locale: KbLocale;
    title: string;
    bodyMd: string;
    bodyHtml: string;
    tags: string[];
    generated: boolean;
    sourceRevision: number | null;
    authorId: string | null;
    authorName: string | null;
    note: string | null;
  },
): Promise<number> {
  const rows = await db.query<{ revision: number }>(
    `INSERT INTO kb_article_texts (org_id, article_id, locale, title, body_md, body_html, tags, generated, source_revision)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (article_id, locale) DO UPDATE
       SET title = EXCLUDED.title, body_md = EXCLUDED.body_md, body_html = EXCLUDED.body_html, tags = EXCLUDED.tags,
           generated = EXCLUDED.generated, source_revision = EXCLUDED.source_revision,
           revision = kb_article_texts.revision + 1, updated_at = now()
     RETURNING revision`,
    [orgId, t.articleId, t.locale, t.title, t.bodyMd, t.bodyHtml, t.tags, t.generated, t.sourceRevision],
  );
  const revision = (rows[0] as { revision: number }).revision;
  await db.query(
    `INSERT INTO kb_revisions (org_id, article_id, locale, revision, title, body_md, tags, generated, author_id,
                               author_name, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [orgId, t.articleId, t.locale, revision, t.title, t.bodyMd, t.tags, t.generated, t.authorId, t.authorName, t.note],
  );
  return revision;
}

export type RevisionRow = {
  locale: KbLocale;
  revision: number;
  title: string;
  body_md: string;
  tags: string[];
  generated: boolean;
  author_name: string | null;
  note: string | null;
  created_at: Date;
};

const REVISION_COLUMNS = 'locale, revision, title, body_md, tags, generated, author_name, note, created_at';

export async function selectRevisions(
  db: Queryable,
  orgId: string,
  articleId: string,
  locale: KbLocale,
): Promise<RevisionRow[]> {
  return db.query<RevisionRow>(
    `SELECT ${REVISION_COLUMNS} FROM kb_revisions WHERE org_id = $1 AND article_id = $2 AND locale = $3
      ORDER BY revision DESC`,
    [orgId, articleId, locale],
  );
}

export async function selectRevision(
  db: Queryable,
  orgId: string,
  articleId: string,
  locale: KbLocale,
  revision: number,
): Promise<RevisionRow | undefined> {
  const rows = await db.query<RevisionRow>(
    `SELECT ${REVISION_COLUMNS} FROM kb_revisions
      WHERE org_id = $1 AND article_id = $2 AND locale = $3 AND revision = $4`,
    [orgId, articleId, locale, revision],
  );
  return rows[0];
}

// ---------- What the public sees ----------

export type PublishedTextRow = TextRow & {
  slug: string;
  intents: string[];
  related_slugs: string[];
  section_id: string | null;
  category_slug: string | null;
  position: number;
  published_at: Date | null;
};

/** Every published article's texts, for the search index and the help centre. */
export async function selectPublishedTexts(db: Queryable, orgId: string): Promise<PublishedTextRow[]> {
  return db.query<PublishedTextRow>(
    `SELECT ${TEXT_COLUMNS}, a.slug, a.intents, a.related_slugs, a.section_id, a.position, a.published_at,
            c.slug AS category_slug
       FROM kb_articles a
       JOIN kb_article_texts t ON t.org_id = a.org_id AND t.article_id = a.id
       LEFT JOIN kb_sections s ON s.org_id = a.org_id AND s.id = a.section_id
       LEFT JOIN kb_categories c ON c.org_id = a.org_id AND c.id = s.category_id
      WHERE a.org_id = $1 AND a.status = 'published'
      ORDER BY a.position, a.slug, t.locale`,
    [orgId],
  );
}

export async function countArticles(db: Queryable, orgId: string): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_articles WHERE org_id = $1', [orgId]);
  return rows[0]?.n ?? 0;
}

// ---------- Feedback ----------

/** One vote per visitor and article text: a second vote replaces the first. */
export async function upsertFeedback(
  db: Queryable,
  orgId: string,
  f: { articleId: string; locale: KbLocale; visitorKey: string; helpful: boolean; comment: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO kb_feedback (org_id, article_id, locale, visitor_key, helpful, comment) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (article_id, locale, visitor_key) DO UPDATE
       SET helpful = EXCLUDED.helpful, comment = COALESCE(EXCLUDED.comment, kb_feedback.comment), created_at = now()`,
    [orgId, f.articleId, f.locale, f.visitorKey, f.helpful, f.comment],
  );
}

export async function selectFeedbackCounts(
  db: Queryable,
  orgId: string,
  articleIds: string[],
): Promise<{ article_id: string; yes: number; no: number }[]> {
  return db.query(
    `SELECT article_id, count(*) FILTER (WHERE helpful)::int AS yes, count(*) FILTER (WHERE NOT helpful)::int AS no
       FROM kb_feedback WHERE org_id = $1 AND article_id = ANY($2::uuid[]) GROUP BY article_id`,
    [orgId, articleIds],
  );
}

export async function selectFeedbackComments(
  db: Queryable,
  orgId: string,
  articleId: string,
  limit: number,
): Promise<{ locale: KbLocale; helpful: boolean; comment: string; created_at: Date }[]> {
  return db.query(
    `SELECT locale, helpful, comment, created_at FROM kb_feedback
      WHERE org_id = $1 AND article_id = $2 AND comment IS NOT NULL AND comment <> ''
      ORDER BY created_at DESC LIMIT $3`,
    [orgId, articleId, limit],
  );
}

// ---------- Synonyms ----------

export async function selectSynonymGroups(db: Queryable, orgId: string): Promise<string[][]> {
  const rows = await db.query<{ terms: string[] }>(
    'SELECT terms FROM kb_synonyms WHERE org_id = $1 ORDER BY created_at, id',
    [orgId],
  );
  return rows.map((row) => row.terms);
}

export async function replaceSynonymGroups(db: Queryable, orgId: string, groups: string[][]): Promise<void> {
  await db.query('DELETE FROM kb_synonyms WHERE org_id = $1', [orgId]);
  for (const terms of groups) {
    await db.query('INSERT INTO kb_synonyms (org_id, terms) VALUES ($1, $2)', [orgId, terms]);
  }
}

// ---------- The public help centre ----------

export type HelpTitleRow = {
  article_id: string;
  slug: string;
  locale: KbLocale;
  title: string;
  section_id: string | null;
  position: number;
  updated_at: Date;
};

/** Every published article's title per locale (no bodies): the help centre's lists, breadcrumbs and sitemap. */
export async function selectPublishedTitles(db: Queryable, orgId: string): Promise<HelpTitleRow[]> {
  return db.query<HelpTitleRow>(
    `SELECT t.article_id, a.slug, t.locale, t.title, a.section_id, a.position,
            GREATEST(a.updated_at, t.updated_at) AS updated_at
       FROM kb_articles a
       JOIN kb_article_texts t ON t.org_id = a.org_id AND t.article_id = a.id
      WHERE a.org_id = $1 AND a.status = 'published'
      ORDER BY a.position, a.slug, t.locale`,
    [orgId],
  );
}

/** One published article's texts in every locale it has (with the stored, sanitised HTML); none when unpublished. */
export async function selectPublishedArticleTexts(
  db: Queryable,
  orgId: string,
  slug: string,
): Promise<PublishedTextRow[]> {
  return db.query<PublishedTextRow>(
    `SELECT ${TEXT_COLUMNS}, a.slug, a.intents, a.related_slugs, a.section_id, a.position, a.published_at,
            c.slug AS category_slug
       FROM kb_articles a
       JOIN kb_article_texts t ON t.org_id = a.org_id AND t.article_id = a.id
       LEFT JOIN kb_sections s ON s.org_id = a.org_id AND s.id = a.section_id
       LEFT JOIN kb_categories c ON c.org_id = a.org_id AND c.id = s.category_id
      WHERE a.org_id = $1 AND a.slug = $2 AND a.status = 'published'
      ORDER BY t.locale`,
    [orgId, slug],
  );
}
