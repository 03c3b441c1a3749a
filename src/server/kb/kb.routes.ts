import crypto from 'node:crypto';
import { z } from 'zod';
import {
  createKbArticleBodySchema,
  kbArticleListQuerySchema,
  kbCategoryBodySchema,
  kbDiffQuerySchema,
  kbFeedbackBodySchema,
  kbSearchQuerySchema,
  kbSectionBodySchema,
  kbSlugSchema,
  kbStatusBodySchema,
  kbSynonymsBodySchema,
  kbTextInputSchema,
  updateKbArticleBodySchema,
} from '../../contracts/kb.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { limitKbFeedback, limitKbSearch } from '../rate-limit/rate-limit.service.ts';
import {
  createKbArticle,
  diffKbRevisions,
  generateKbTaiwanText,
  getKbArticle,
  getKbSynonyms,
  listKbArticles,
  listKbRevisions,
  listKbTree,
  recordKbFeedback,
  restoreKbRevision,
  saveKbCategory,
  saveKbSection,
  saveKbText,
  searchKnowledgeBase,
  setKbArticleStatus,
  setKbSynonyms,
  suggestKbArticles,
  updateKbArticle,
} from './kb.service.ts';

/** Articles hold up to 200 KB of Markdown (checked by the service, article_too_large); the JSON around it needs room. */
const EDITOR_BODY_LIMIT = 1024 * 1024;

/** A visitor's vote key without a cookie: the address and browser, hashed (nothing personal is stored). */
export function anonymousVisitorKey(ip: string, userAgent: string | undefined): string {
  return crypto
    .createHash('sha256')
    .update(`${ip}\n${userAgent ?? ''}`)
    .digest('base64url')
    .slice(0, 32);
}

export const KB_VISITOR_COOKIE = 'kefu_kb_visitor';

export function registerKbRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: knowledge base'];
  const articleParams = z.object({ articleId: z.uuid() });
  const textParams = articleParams.extend({ locale: z.string().max(10) });

  // ---------- Public ----------

  app.get(
    '/api/kb/search',
    { schema: { tags: ['public: knowledge base'], querystring: kbSearchQuerySchema } },
    async (request) => {
      await limitKbSearch(deps, request.ip);
      const org = await deps.kb.orgs.resolve(deps.db, request.query.org);
      const { q, locale, category, limit } = request.query;
      return {
        results: await searchKnowledgeBase({ db: deps.db, org }, deps.kb.index, { q, locale, category, limit }),
      };
    },
  );

  app.post(
    '/api/kb/articles/:slug/feedback',
    {
      schema: {
        tags: ['public: knowledge base'],
        params: z.object({ slug: kbSlugSchema }),
        querystring: z.object({ org: z.string().max(63).optional() }),
        body: kbFeedbackBodySchema,
      },
    },
    async (request) => {
      await limitKbFeedback(deps, request.ip);
      const org = await deps.kb.orgs.resolve(deps.db, request.query.org);
      const visitorKey =
        request.cookies[KB_VISITOR_COOKIE] ?? anonymousVisitorKey(request.ip, request.headers['user-agent']);
      await recordKbFeedback({ db: deps.db, org }, { slug: request.params.slug, ...request.body, visitorKey });
      return { ok: true };
    },
  );

  // ---------- Editor ----------

  app.get('/api/agent/kb/categories', { schema: { tags }, preHandler }, async (request) => ({
    categories: await listKbTree(request.ctx),
  }));
  app.post(
    '/api/agent/kb/categories',
    { schema: { tags, body: kbCategoryBodySchema }, preHandler },
    async (request) => ({
      categories: await saveKbCategory(request.ctx, request.body),
    }),
  );
  app.post('/api/agent/kb/sections', { schema: { tags, body: kbSectionBodySchema }, preHandler }, async (request) => ({
    categories: await saveKbSection(request.ctx, request.body),
  }));

  app.get(
    '/api/agent/kb/articles',
    { schema: { tags, querystring: kbArticleListQuerySchema }, preHandler },
    async (request) => ({ articles: await listKbArticles(request.ctx, request.query) }),
  );
  app.post(
    '/api/agent/kb/articles',
    { schema: { tags, body: createKbArticleBodySchema }, preHandler, bodyLimit: EDITOR_BODY_LIMIT },
    async (request, reply) => reply.status(201).send({ article: await createKbArticle(request.ctx, request.body) }),
  );
  app.get(
    '/api/agent/kb/articles/:articleId',
    { schema: { tags, params: articleParams }, preHandler },
    async (request) => ({
      article: await getKbArticle(request.ctx, request.params.articleId),
    }),
  );
  app.patch(
    '/api/agent/kb/articles/:articleId',
    { schema: { tags, params: articleParams, body: updateKbArticleBodySchema }, preHandler },
    async (request) => ({ article: await updateKbArticle(request.ctx, request.params.articleId, request.body) }),
  );
  app.post(
    '/api/agent/kb/articles/:articleId/status',
    { schema: { tags, params: articleParams, body: kbStatusBodySchema }, preHandler },
    async (request) => ({
      article: await setKbArticleStatus(request.ctx, request.params.articleId, request.body.status),
    }),
  );
  app.put(
    '/api/agent/kb/articles/:articleId/texts/:locale',
    { schema: { tags, params: textParams, body: kbTextInputSchema }, preHandler, bodyLimit: EDITOR_BODY_LIMIT },
    async (request) => ({
      article: await saveKbText(request.ctx, request.params.articleId, request.params.locale, request.body),
    }),
  );
  app.post(
    '/api/agent/kb/articles/:articleId/texts/zh-TW/generate',
    { schema: { tags, params: articleParams }, preHandler },
    async (request) => ({ article: await generateKbTaiwanText(request.ctx, request.params.articleId) }),
  );
  app.get(
    '/api/agent/kb/articles/:articleId/texts/:locale/revisions',
    { schema: { tags, params: textParams }, preHandler },
    async (request) => ({
      revisions: await listKbRevisions(request.ctx, request.params.articleId, request.params.locale),
    }),
  );
  app.get(
    '/api/agent/kb/articles/:articleId/texts/:locale/diff',
    { schema: { tags, params: textParams, querystring: kbDiffQuerySchema }, preHandler },
    async (request) => diffKbRevisions(request.ctx, request.params.articleId, request.params.locale, request.query),
  );
  app.post(
    '/api/agent/kb/articles/:articleId/texts/:locale/revisions/:revision/restore',
    {
      schema: { tags, params: textParams.extend({ revision: z.coerce.number().int().min(1) }) },
      preHandler,
    },
    async (request) => ({
      article: await restoreKbRevision(
        request.ctx,
        request.params.articleId,
        request.params.locale,
        request.params.revision,
      ),
    }),
  );

  app.get('/api/agent/kb/synonyms', { schema: { tags }, preHandler }, async (request) => ({
    groups: await getKbSynonyms(request.ctx),
  }));
  app.put('/api/agent/kb/synonyms', { schema: { tags, body: kbSynonymsBodySchema }, preHandler }, async (request) => ({
    groups: await setKbSynonyms(request.ctx, request.body.groups),
  }));

  app.get(
    '/api/agent/conversations/:conversationId/kb-suggestions',
    { schema: { tags, params: z.object({ conversationId: z.uuid() }) }, preHandler },
    async (request) => ({
      results: await suggestKbArticles(request.ctx, deps.kb.index, request.params.conversationId),
    }),
  );
}
