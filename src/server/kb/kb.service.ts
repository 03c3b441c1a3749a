import { createTwoFilesPatch } from 'diff';
import {
  isKbLocale,
  KB_LOCALES,
  KB_MAX_BODY_BYTES,
  type CreateKbArticleBody,
  type KbArticleDetail,
  type KbArticleSummary,
  type KbArticleText,
  type KbCategory,
  type KbLocale,
  type KbLocaleNames,
  type KbRevision,
  type KbSearchHit,
  type KbStatus,
  type KbTextInput,
  type KbTextState,
  type UpdateKbArticleBody,
} from '../../contracts/kb.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { type AgentActor, type Ctx, requireAgentRole } from '../context.ts';
import type { Queryable } from '../db/db.ts';
import { getConversation, listMessages } from '../conversations/conversations.service.ts';
import { AppError } from '../errors.ts';
import { screenFreeText } from '../secrets/secret-guard.ts';
import { chooseReplyLocale } from '../text/language.ts';
import { convertToSimplified } from '../text/normalize.ts';
import { toTaiwanText } from '../text/taiwan-text.ts';
import type { KbFileArticle, KbFileCategory, KbFileSet } from './kb-files.ts';
import { KbFileError } from './kb-files.ts';
import type { KbIndexCache } from './kb-index.ts';
import {
  type ArticleRow,
  insertArticle,
  lockArticle,
  replaceSynonymGroups,
  saveTextRevision,
  selectArticle,
  selectArticleIdBySlug,
  selectArticles,
  selectCategories,
  selectFeedbackComments,
  selectFeedbackCounts,
  selectRevision,
  selectRevisions,
  selectSection,
  selectSections,
  selectSynonymGroups,
  selectTexts,
  type TextRow,
  touchArticle,
  updateArticleFields,
  updateArticleStatus,
  upsertCategory,
  upsertFeedback,
  upsertSection,
} from './kb.queries.ts';
import { renderArticleMarkdown } from './markdown.ts';
import { searchKb } from './search.ts';

/**
 * The knowledge base: articles in categories and sections, one text per locale, every save a revision. Admins and
 * agents with the `kb_editor` permission edit; everyone reads what is published (help centre, widget, bot, console).
 * A zh-TW text made from zh-CN stays generated (and follows every zh-CN edit) until someone edits it by hand; a
 * translation whose source changed after it was written is shown as stale.
 */

type Scope = { db: Queryable; org: { id: string } };

export function canEditKb(ctx: Pick<Ctx, 'actor'>): boolean {
  const actor = ctx.actor;
  return actor.kind === 'agent' && (actor.role === 'admin' || (actor.permissions ?? []).includes('kb_editor'));
}

function requireEditor(ctx: Ctx): AgentActor {
  const actor = requireAgentRole(ctx);
  if (!canEditKb(ctx)) throw new AppError('forbidden', 'Editing the knowledge base needs the editor permission.');
  return actor;
}

function requireLocale(locale: string): KbLocale {
  if (!isKbLocale(locale)) throw new AppError('locale_unknown');
  return locale;
}

/** zh-TW is always made from zh-CN; of zh-CN and en, the one the article was not written in is the translation. */
function sourceLocaleOf(article: Pick<ArticleRow, 'source_locale'>, locale: KbLocale): KbLocale | null {
  if (locale === 'zh-TW') return 'zh-CN';
  return locale === article.source_locale ? null : article.source_locale;
}

function textState(article: ArticleRow, texts: Map<KbLocale, TextRow>, locale: KbLocale): KbTextState {
  const text = texts.get(locale);
  if (!text) return 'missing';
  const source = sourceLocaleOf(article, locale);
  const sourceText = source ? texts.get(source) : undefined;
  const stale = !!sourceText && text.source_revision !== null && sourceText.revision > text.source_revision;
  if (text.generated) return stale ? 'stale' : 'generated';
  return stale ? 'stale' : 'current';
}

function checkSize(body: string): void {
  if (Buffer.byteLength(body, 'utf8') > KB_MAX_BODY_BYTES) throw new AppError('article_too_large');
}

type Author = { id: string | null; name: string | null };

/**
 * Writes a text as its next revision (inside the caller's transaction); a zh-CN change carries on into a generated
 * zh-TW, so the Taiwan text never lags behind unless someone wrote it by hand.
 */
async function writeText(
  tx: Queryable,
  orgId: string,
  article: ArticleRow,
  texts: Map<KbLocale, TextRow>,
  locale: KbLocale,
  input: { title: string; body: string; tags: string[]; note?: string | null },
  author: Author,
  generated = false,
): Promise<void> {
  checkSize(input.body);
  const source = sourceLocaleOf(article, locale);
  const sourceRevision = source ? (texts.get(source)?.revision ?? null) : null;
  const bodyHtml = renderArticleMarkdown(input.body);
  const revision = await saveTextRevision(tx, orgId, {
    articleId: article.id,
    locale,
    title: input.title,
    bodyMd: input.body,
    bodyHtml,
    tags: input.tags,
    generated,
    sourceRevision,
    authorId: author.id,
    authorName: author.name,
    note: input.note ?? null,
  });
  texts.set(locale, {
    article_id: article.id,
    locale,
    title: input.title,
    body_md: input.body,
    body_html: bodyHtml,
    tags: input.tags,
    generated,
    source_revision: sourceRevision,
    revision,
    updated_at: new Date(),
  });
  if (locale === 'zh-CN') {
    const taiwan = texts.get('zh-TW');
    if (!taiwan || taiwan.generated) {
      await writeText(tx, orgId, article, texts, 'zh-TW', taiwanTextOf(input), author, true);
    }
  }
}

function taiwanTextOf(text: { title: string; body: string; tags: string[] }) {
  return {
    title: toTaiwanText(text.title),
    body: toTaiwanText(text.body),
    tags: text.tags.map((tag) => toTaiwanText(tag)),
    note: 'generated from zh-CN',
  };
}

function textMap(rows: TextRow[], articleId: string): Map<KbLocale, TextRow> {
  return new Map(rows.filter((row) => row.article_id === articleId).map((row) => [row.locale, row]));
}

function sameText(row: TextRow | undefined, input: { title: string; body: string; tags: string[] }): boolean {
  return (
    !!row &&
    row.title === input.title &&
    row.body_md === input.body &&
    row.tags.length === input.tags.length &&
    row.tags.every((tag, i) => tag === input.tags[i])
  );
}

function _authorOf(ctx: Ctx): Author {
  return ctx.actor.kind === 'agent' ? { id: ctx.actor.id, name: ctx.actor.name } : { id: null, name: null };
}

function changed(ctx: Ctx): void {
  ctx.events.publish({ type: 'kb.changed', orgId: ctx.org.id });
}

// ---------- Reading (editor) ----------

function toSummary(
  article: ArticleRow,
  texts: Map<KbLocale, TextRow>,
  helpful: { yes: number; no: number } = { yes: 0, no: 0 },
): KbArticleSummary {
  const titles: Partial<Record<KbLocale, string>> = {};
  for (const [locale, text] of texts) titles[locale] = text.title;
  return {
    id: article.id,
    slug: article.slug,
    status: article.status,
    sectionId: article.section_id,
    intents: article.intents,
    related: article.related_slugs,
    titles,
    states: Object.fromEntries(KB_LOCALES.map((l) => [l, textState(article, texts, l)])) as Record<
      KbLocale,
      KbTextState
    >,
    helpful,
    updatedAt: new Date(article.updated_at).toISOString(),
    publishedAt: article.published_at ? new Date(article.published_at).toISOString() : null,
  };
}

export async function listKbArticles(
  ctx: Ctx,
  filter: { status?: KbStatus; q?: string } = {},
): Promise<KbArticleSummary[]> {
  requireAgentRole(ctx);
  const articles = await selectArticles(ctx.db, ctx.org.id, filter);
  const ids = articles.map((a) => a.id);
  const [texts, counts] = await Promise.all([
    selectTexts(ctx.db, ctx.org.id, ids),
    selectFeedbackCounts(ctx.db, ctx.org.id, ids),
  ]);
  const helpful = new Map(counts.map((c) => [c.article_id, { yes: c.yes, no: c.no }]));
  return articles.map((a) => toSummary(a, textMap(texts, a.id), helpful.get(a.id)));
}

export async function getKbArticle(ctx: Ctx, articleId: string): Promise<KbArticleDetail> {
  requireAgentRole(ctx);
  return articleDetail(ctx.db, ctx.org.id, articleId);
}

async function articleDetail(db: Queryable, orgId: string, articleId: string): Promise<KbArticleDetail> {
  const article = await selectArticle(db, orgId, articleId);
  if (!article) throw new AppError('article_not_found');
  const [rows, counts, comments] = await Promise.all([
    selectTexts(db, orgId, [articleId]),
    selectFeedbackCounts(db, orgId, [articleId]),
    selectFeedbackComments(db, orgId, articleId, 20),
  ]);
  const texts = textMap(rows, articleId);
  const summary = toSummary(article, texts, counts[0] ? { yes: counts[0].yes, no: counts[0].no } : undefined);
  return {
    ...summary,
    texts: [...texts.values()].map(
      (t): KbArticleText => ({
        locale: t.locale,
        title: t.title,
        body: t.body_md,
        html: t.body_html,
        tags: t.tags,
        generated: t.generated,
        state: textState(article, texts, t.locale),
        revision: t.revision,
        updatedAt: new Date(t.updated_at).toISOString(),
      }),
    ),
    comments: comments.map((c) => ({
      locale: c.locale,
      helpful: c.helpful,
      comment: c.comment,
      createdAt: new Date(c.created_at).toISOString(),
    })),
  };
}

export async function listKbTree(scope: Scope): Promise<KbCategory[]> {
  const [categories, sections] = await Promise.all([
    selectCategories(scope.db, scope.org.id),
    selectSections(scope.db, scope.org.id),
  ]);
  return categories.map((c) => ({
    id: c.id,
    slug: c.slug,
    names: c.names,
    position: c.position,
    sections: sections
      .filter((s) => s.category_id === c.id)
      .map((s) => ({ id: s.id, slug: s.slug, names: s.names, position: s.position })),
  }));
}

// ---------- Writing ----------

export async function saveKbCategory(
  ctx: Ctx,
  c: { slug: string; names: KbLocaleNames; position: number },
): Promise<KbCategory[]> {
  requireEditor(ctx);
  await ctx.db.transaction(async (tx) => {
    const id = await upsertCategory(tx, ctx.org.id, c);
    await recordAudit(ctx, tx, { action: 'kb.category.save', targetType: 'kb_category', targetId: id, details: c });
  });
  changed(ctx);
  return listKbTree(ctx);
}

export async function saveKbSection(
  ctx: Ctx,
  s: { categoryId: string; slug: string; names: KbLocaleNames; position: number },
): Promise<KbCategory[]> {
  requireEditor(ctx);
  await ctx.db.transaction(async (tx) => {
    const id = await upsertSection(tx, ctx.org.id, s);
    if (!id) throw new AppError('kb_section_not_found', 'No such category.');
    await recordAudit(ctx, tx, { action: 'kb.section.save', targetType: 'kb_section', targetId: id, details: s });
  });
  changed(ctx);
  return listKbTree(ctx);
}

async function requireSection(db: Queryable, orgId: string, sectionId: string | null | undefined): Promise<void> {
  if (sectionId && !(await selectSection(db, orgId, sectionId))) throw new AppError('kb_section_not_found');
}

export async function createKbArticle(ctx: Ctx, body: CreateKbArticleBody): Promise<KbArticleDetail> {
  const author = requireEditor(ctx);
  const locales = KB_LOCALES.filter((l) => body.texts[l]);
  if (locales.length === 0) throw new AppError('article_text_missing', 'Write the article in at least one language.');
  for (const locale of locales) checkSize((body.texts[locale] as KbTextInput).body);
  const sourceLocale: KbLocale = body.texts['zh-CN'] || !body.texts.en ? 'zh-CN' : 'en';
  const articleId = await ctx.db.transaction(async (tx) => {
    await requireSection(tx, ctx.org.id, body.sectionId);
    const id = await insertArticle(tx, ctx.org.id, {
      slug: body.slug,
      sectionId: body.sectionId,
      intents: body.intents,
      related: body.related,
      sourceLocale,
    });
    if (!id) throw new AppError('article_slug_taken');
    const article = (await lockArticle(tx, ctx.org.id, id)) as ArticleRow;
    const texts = new Map<KbLocale, TextRow>();
    // The source first, so the translations record which revision of it they match.
    const order = [sourceLocale, ...locales.filter((l) => l !== sourceLocale)];
    for (const locale of order) {
      const input = body.texts[locale];
      if (input) await writeText(tx, ctx.org.id, article, texts, locale, input, { id: author.id, name: author.name });
    }
    if (body.publish) await updateArticleStatus(tx, ctx.org.id, id, 'published');
    await recordAudit(ctx, tx, {
      action: 'kb.article.create',
      targetType: 'kb_article',
      targetId: id,
      details: { slug: body.slug, locales, published: body.publish },
    });
    return id;
  });
  changed(ctx);
  return articleDetail(ctx.db, ctx.org.id, articleId);
}

export async function updateKbArticle(
  ctx: Ctx,
  articleId: string,
  body: UpdateKbArticleBody,
): Promise<KbArticleDetail> {
  requireEditor(ctx);
  await ctx.db.transaction(async (tx) => {
    if (!(await lockArticle(tx, ctx.org.id, articleId))) throw new AppError('article_not_found');
    await requireSection(tx, ctx.org.id, body.sectionId);
    if (!(await updateArticleFields(tx, ctx.org.id, articleId, body))) throw new AppError('article_slug_taken');
    await recordAudit(ctx, tx, {
      action: 'kb.article.update',
      targetType: 'kb_article',
      targetId: articleId,
      details: body,
    });
  });
  changed(ctx);
  return articleDetail(ctx.db, ctx.org.id, articleId);
}

/** Saves one locale's text as a new revision (nothing new when it is unchanged). */
export async function saveKbText(
  ctx: Ctx,
  articleId: string,
  localeParam: string,
  input: KbTextInput,
): Promise<KbArticleDetail> {
  const author = requireEditor(ctx);
  const locale = requireLocale(localeParam);
  checkSize(input.body);
  await ctx.db.transaction(async (tx) => {
    const article = await lockArticle(tx, ctx.org.id, articleId);
    if (!article) throw new AppError('article_not_found');
    const texts = textMap(await selectTexts(tx, ctx.org.id, [articleId]), articleId);
    const current = texts.get(locale);
    // Saving the same words again still marks a stale translation as checked against its source.
    if (sameText(current, input) && textState(article, texts, locale) === 'current') return;
    await writeText(tx, ctx.org.id, article, texts, locale, input, { id: author.id, name: author.name });
    await touchArticle(tx, ctx.org.id, articleId);
    await recordAudit(ctx, tx, {
      action: 'kb.text.save',
      targetType: 'kb_article',
      targetId: articleId,
      details: { locale, revision: texts.get(locale)?.revision, note: input.note ?? null },
    });
  });
  changed(ctx);
  return articleDetail(ctx.db, ctx.org.id, articleId);
}

/** (Re)makes the zh-TW text from zh-CN with Taiwan usage, replacing a hand-written one; marked generated. */
export async function generateKbTaiwanText(ctx: Ctx, articleId: string): Promise<KbArticleDetail> {
  const author = requireEditor(ctx);
  await ctx.db.transaction(async (tx) => {
    const article = await lockArticle(tx, ctx.org.id, articleId);
    if (!article) throw new AppError('article_not_found');
    const texts = textMap(await selectTexts(tx, ctx.org.id, [articleId]), articleId);
    const source = texts.get('zh-CN');
    if (!source) throw new AppError('article_text_missing', 'Write the zh-CN text first: zh-TW is made from it.');
    const input = { title: source.title, body: source.body_md, tags: source.tags };
    await writeText(
      tx,
      ctx.org.id,
      article,
      texts,
      'zh-TW',
      taiwanTextOf(input),
      { id: author.id, name: author.name },
      true,
    );
    await touchArticle(tx, ctx.org.id, articleId);
    await recordAudit(ctx, tx, {
      action: 'kb.text.generate',
      targetType: 'kb_article',
      targetId: articleId,
      details: { locale: 'zh-TW' },
    });
  });
  changed(ctx);
  return articleDetail(ctx.db, ctx.org.id, articleId);
}

export async function setKbArticleStatus(ctx: Ctx, articleId: string, status: KbStatus): Promise<KbArticleDetail> {
  requireEditor(ctx);
  await ctx.db.transaction(async (tx) => {
    const article = await lockArticle(tx, ctx.org.id, articleId);
    if (!article) throw new AppError('article_not_found');
    if (status === 'published' && (await selectTexts(tx, ctx.org.id, [articleId])).length === 0)
      throw new AppError('article_text_missing', 'An article needs a text before it is published.');
    if (article.status === status) return;
    await updateArticleStatus(tx, ctx.org.id, articleId, status);
    await recordAudit(ctx, tx, {
      action: 'kb.article.status',
      targetType: 'kb_article',
      targetId: articleId,
      details: { from: article.status, to: status },
    });
  });
  changed(ctx);
  return articleDetail(ctx.db, ctx.org.id, articleId);
}

// ---------- History ----------

function toRevision(row: Awaited<ReturnType<typeof selectRevisions>>[number]): KbRevision {
  return {
    locale: row.locale,
    revision: row.revision,
    title: row.title,
    body: row.body_md,
    tags: row.tags,
    generated: row.generated,
    authorName: row.author_name,
    note: row.note,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function listKbRevisions(ctx: Ctx, articleId: string, localeParam: string): Promise<KbRevision[]> {
  requireAgentRole(ctx);
  const locale = requireLocale(localeParam);
  if (!(await selectArticle(ctx.db, ctx.org.id, articleId))) throw new AppError('article_not_found');
  return (await selectRevisions(ctx.db, ctx.org.id, articleId, locale)).map(toRevision);
}

async function requireRevision(db: Queryable, orgId: string, articleId: string, locale: KbLocale, revision: number) {
  const row = await selectRevision(db, orgId, articleId, locale, revision);
  if (!row) throw new AppError('revision_not_found');
  return row;
}

/** A unified diff of two revisions of one text (title and tags first, then the Markdown). */
export async function diffKbRevisions(
  ctx: Ctx,
  articleId: string,
  localeParam: string,
  range: { from: number; to: number },
): Promise<{ from: KbRevision; to: KbRevision; diff: string }> {
  requireAgentRole(ctx);
  const locale = requireLocale(localeParam);
  const [from, to] = await Promise.all([
    requireRevision(ctx.db, ctx.org.id, articleId, locale, range.from),
    requireRevision(ctx.db, ctx.org.id, articleId, locale, range.to),
  ]);
  const asText = (r: typeof from) => `# ${r.title}\ntags: ${r.tags.join(', ')}\n\n${r.body_md}\n`;
  const diff = createTwoFilesPatch(
    `revision ${from.revision}`,
    `revision ${to.revision}`,
    asText(from),
    asText(to),
    undefined,
    undefined,
    { context: 3 },
  );
  return { from: toRevision(from), to: toRevision(to), diff };
}

/** Restores an old revision as the newest one (history is never rewritten). */
export async function restoreKbRevision(
  ctx: Ctx,
  articleId: string,
  localeParam: string,
  revision: number,
): Promise<KbArticleDetail> {
  const author = requireEditor(ctx);
  const locale = requireLocale(localeParam);
  await ctx.db.transaction(async (tx) => {
    const article = await lockArticle(tx, ctx.org.id, articleId);
    if (!article) throw new AppError('article_not_found');
    const old = await requireRevision(tx, ctx.org.id, articleId, locale, revision);
    const texts = textMap(await selectTexts(tx, ctx.org.id, [articleId]), articleId);
    await writeText(
      tx,
      ctx.org.id,
      article,
      texts,
      locale,
      { title: old.title, body: old.body_md, tags: old.tags, note: `restored revision ${revision}` },
      { id: author.id, name: author.name },
      old.generated,
    );
    await touchArticle(tx, ctx.org.id, articleId);
    await recordAudit(ctx, tx, {
      action: 'kb.revision.restore',
      targetType: 'kb_article',
      targetId: articleId,
      details: { locale, revision },
    });
  });
  changed(ctx);
  return articleDetail(ctx.db, ctx.org.id, articleId);
}

// ---------- Synonyms ----------

export async function getKbSynonyms(ctx: Ctx): Promise<string[][]> {
  requireAgentRole(ctx);
  return selectSynonymGroups(ctx.db, ctx.org.id);
}

export async function setKbSynonyms(ctx: Ctx, groups: string[][]): Promise<string[][]> {
  requireEditor(ctx);
  const cleaned = groups
    .map((group) => [...new Set(group.map((term) => term.trim()).filter(Boolean))])
    .filter((g) => g.length >= 2);
  await ctx.db.transaction(async (tx) => {
    await replaceSynonymGroups(tx, ctx.org.id, cleaned);
    await recordAudit(ctx, tx, {
      action: 'kb.synonyms',
      targetType: 'kb',
      targetId: null,
      details: { groups: cleaned.length },
    });
  });
  changed(ctx);
  return cleaned;
}

// ---------- Search and feedback (public) ----------

export async function searchKnowledgeBase(
  scope: Scope,
  index: KbIndexCache,
  query: { q: string; locale?: string; category?: string; limit?: number; intent?: string },
): Promise<KbSearchHit[]> {
  const locale = query.locale === undefined ? undefined : requireLocale(query.locale);
  const built = await index.get(scope.db, scope.org.id);
  return searchKb(built, query.q, {
    locale,
    limit: query.limit ?? 5,
    ...(query.category ? { category: query.category } : {}),
    ...(query.intent ? { intent: query.intent } : {}),
  }).map(({ article, snippet }) => ({
    slug: article.slug,
    title: article.title,
    url: article.url,
    snippet,
    locale: article.locale,
  }));
}

/**
 * Articles for the conversation an agent has open: searched with what the customer said last (and the bot's reading
 * of it), in the customer's language; the agent inserts one as a link or as text.
 */
export async function suggestKbArticles(ctx: Ctx, index: KbIndexCache, conversationId: string): Promise<KbSearchHit[]> {
  requireAgentRole(ctx);
  const conversation = await getConversation(ctx, conversationId);
  const messages = await listMessages(ctx, conversationId, {
    afterSeq: Math.max(0, conversation.lastSeq - 20),
    limit: 20,
  });
  const said = messages
    .filter((m) => m.authorKind === 'customer' && !m.private)
    .slice(-3)
    .map((m) => m.body)
    .join('\n')
    .slice(0, 200)
    .trim();
  if (!said) return [];
  const known = conversation.contact.locale;
  const locale = known && isKbLocale(known) ? known : localeOfText(said);
  return searchKnowledgeBase(ctx, index, {
    q: said,
    locale,
    limit: 5,
    ...(conversation.lastIntent ? { intent: conversation.lastIntent } : {}),
  });
}

/** The locale a customer wrote in, for a customer whose profile has none: Chinese written in Traditional is zh-TW. */
function localeOfText(text: string): KbLocale {
  const locale = chooseReplyLocale(text, null);
  return locale === 'zh-CN' && convertToSimplified(text, 'tw') !== text ? 'zh-TW' : locale;
}

/** "Was this helpful?" One vote per visitor and article text; a later vote replaces it. */
export async function recordKbFeedback(
  scope: Scope,
  vote: { slug: string; locale: string; helpful: boolean; comment?: string; visitorKey: string },
): Promise<void> {
  const locale = requireLocale(vote.locale);
  const articleId = await selectArticleIdBySlug(scope.db, scope.org.id, vote.slug);
  const article = articleId ? await selectArticle(scope.db, scope.org.id, articleId) : undefined;
  if (article?.status !== 'published') throw new AppError('article_not_found');
  await upsertFeedback(scope.db, scope.org.id, {
    articleId: article.id,
    locale,
    visitorKey: vote.visitorKey,
    helpful: vote.helpful,
    comment: vote.comment ? screenFreeText(vote.comment) : null,
  });
}

// ---------- Import and export ----------

export type KbImportResult = { categories: number; created: number; updated: number; unchanged: number };

/**
 * Imports a parsed folder or CSV in ONE transaction: the tree, then each article by slug (created, or its fields and
 * changed texts updated as new revisions). Any problem rolls everything back and names the file and line.
 */
export async function importKbFiles(
  ctx: Ctx,
  set: KbFileSet,
  options: { publish?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<KbImportResult> {
  const author = ctx.actor.kind === 'system' ? { id: null, name: 'import' } : requireEditor(ctx);
  const result: KbImportResult = { categories: set.categories.length, created: 0, updated: 0, unchanged: 0 };
  await ctx.db.transaction(async (tx) => {
    const sectionIds = await importTree(tx, ctx.org.id, set.categories);
    let done = 0;
    for (const file of set.articles) {
      const sectionId = file.section ? sectionIds.get(`${file.category}/${file.section}`) : null;
      if (file.section && !sectionId)
        throw new KbFileError(file.from, 1, `section "${file.category}/${file.section}" does not exist`);
      const outcome = await importArticle(tx, ctx.org.id, file, sectionId ?? null, {
        id: author.id,
        name: author.name,
      });
      if (options.publish) await updateArticleStatus(tx, ctx.org.id, outcome.id, 'published');
      result[outcome.kind]++;
      options.onProgress?.(++done, set.articles.length);
    }
    await recordAudit(ctx, tx, {
      action: 'kb.import',
      targetType: 'kb',
      targetId: null,
      details: { ...result, published: options.publish ?? false },
    });
  });
  changed(ctx);
  return result;
}

async function importTree(tx: Queryable, orgId: string, categories: KbFileCategory[]): Promise<Map<string, string>> {
  const existing = await listKbTree({ db: tx, org: { id: orgId } });
  const ids = new Map<string, string>();
  for (const c of existing) for (const s of c.sections) ids.set(`${c.slug}/${s.slug}`, s.id);
  for (const [position, category] of categories.entries()) {
    const categoryId = await upsertCategory(tx, orgId, { slug: category.slug, names: category.names, position });
    for (const [sectionPosition, section] of category.sections.entries()) {
      const id = await upsertSection(tx, orgId, {
        categoryId,
        slug: section.slug,
        names: section.names,
        position: sectionPosition,
      });
      ids.set(`${category.slug}/${section.slug}`, id);
    }
  }
  return ids;
}

async function importArticle(
  tx: Queryable,
  orgId: string,
  file: KbFileArticle,
  sectionId: string | null,
  author: Author,
): Promise<{ id: string; kind: 'created' | 'updated' | 'unchanged' }> {
  const locales = KB_LOCALES.filter((l) => file.texts[l]);
  if (locales.length === 0) throw new KbFileError(file.from, 1, `"${file.slug}" has no text`);
  for (const locale of locales) {
    if (Buffer.byteLength(file.texts[locale]?.body ?? '', 'utf8') > KB_MAX_BODY_BYTES)
      throw new KbFileError(file.from, 1, `the ${locale} text of "${file.slug}" is over 200 KB`);
  }
  let id = await selectArticleIdBySlug(tx, orgId, file.slug);
  let kind: 'created' | 'updated' | 'unchanged' = 'unchanged';
  if (!id) {
    id = await insertArticle(tx, orgId, {
      slug: file.slug,
      sectionId,
      intents: file.intents,
      related: file.related,
      sourceLocale: file.texts['zh-CN'] || !file.texts.en ? 'zh-CN' : 'en',
    });
    kind = 'created';
  } else {
    await updateArticleFields(tx, orgId, id, { sectionId, intents: file.intents, related: file.related });
  }
  const article = (await lockArticle(tx, orgId, id as string)) as ArticleRow;
  const texts = textMap(await selectTexts(tx, orgId, [article.id]), article.id);
  const order = [article.source_locale, ...locales.filter((l) => l !== article.source_locale)];
  for (const locale of order) {
    const input = file.texts[locale];
    if (!input || sameText(texts.get(locale), input)) continue;
    await writeText(tx, orgId, article, texts, locale, { ...input, note: 'imported' }, author);
    if (kind === 'unchanged') kind = 'updated';
  }
  return { id: article.id, kind };
}

/** Everything, in the import format: hand-written texts only (generated zh-TW is made again on import). */
export async function exportKbFiles(ctx: Ctx): Promise<KbFileSet> {
  // Any agent may read it; the command line exports as the system.
  if (ctx.actor.kind !== 'system') requireAgentRole(ctx);
  const tree = await listKbTree(ctx);
  const sectionPath = new Map<string, { category: string; section: string }>();
  for (const c of tree) for (const s of c.sections) sectionPath.set(s.id, { category: c.slug, section: s.slug });
  const articles = await selectArticles(ctx.db, ctx.org.id);
  const texts = await selectTexts(
    ctx.db,
    ctx.org.id,
    articles.map((a) => a.id),
  );
  return {
    categories: tree.map((c) => ({
      slug: c.slug,
      names: c.names,
      sections: c.sections.map((s) => ({ slug: s.slug, names: s.names })),
    })),
    articles: articles
      .sort((a, b) => a.slug.localeCompare(b.slug))
      .map((a) => {
        const place = a.section_id ? sectionPath.get(a.section_id) : undefined;
        const own = texts.filter((t) => t.article_id === a.id && !t.generated);
        return {
          slug: a.slug,
          category: place?.category ?? null,
          section: place?.section ?? null,
          intents: a.intents,
          related: a.related_slugs,
          texts: Object.fromEntries(own.map((t) => [t.locale, { title: t.title, body: t.body_md, tags: t.tags }])),
          from: a.slug,
        };
      }),
  };
}
