import type {
  CreateKbArticleBody,
  KbArticleDetail,
  KbArticleSummary,
  KbCategory,
  KbLocale,
  KbLocaleNames,
  KbRevision,
  KbSearchHit,
  KbStatus,
  KbTextInput,
  UpdateKbArticleBody,
} from '../../../contracts/kb.ts';
import { callApi } from '../../api/client.ts';

/** The console's calls to the knowledge-base editor API (src/server/kb/kb.routes.ts), through the console's client. */
const articlePath = (id: string) => `/api/agent/kb/articles/${encodeURIComponent(id)}`;
const textPath = (id: string, locale: KbLocale) => `${articlePath(id)}/texts/${encodeURIComponent(locale)}`;

export async function fetchKbCategories(): Promise<KbCategory[]> {
  return (await callApi<{ categories: KbCategory[] }>('/api/agent/kb/categories')).categories;
}

export async function saveKbCategory(c: {
  slug: string;
  names: KbLocaleNames;
  position?: number;
}): Promise<KbCategory[]> {
  return (await callApi<{ categories: KbCategory[] }>('/api/agent/kb/categories', { method: 'POST', body: c }))
    .categories;
}

export async function saveKbSection(s: {
  categoryId: string;
  slug: string;
  names: KbLocaleNames;
  position?: number;
}): Promise<KbCategory[]> {
  return (await callApi<{ categories: KbCategory[] }>('/api/agent/kb/sections', { method: 'POST', body: s }))
    .categories;
}

export async function fetchKbArticles(filter: { status?: KbStatus; q?: string } = {}): Promise<KbArticleSummary[]> {
  const query = new URLSearchParams();
  if (filter.status) query.set('status', filter.status);
  const q = filter.q?.trim();
  if (q) query.set('q', q);
  const suffix = query.size > 0 ? `?${query}` : '';
  return (await callApi<{ articles: KbArticleSummary[] }>(`/api/agent/kb/articles${suffix}`)).articles;
}

type ArticleReply = { article: KbArticleDetail };

export async function fetchKbArticle(id: string): Promise<KbArticleDetail> {
  return (await callApi<ArticleReply>(articlePath(id))).article;
}

export async function createKbArticle(body: CreateKbArticleBody): Promise<KbArticleDetail> {
  return (await callApi<ArticleReply>('/api/agent/kb/articles', { method: 'POST', body })).article;
}

export async function updateKbArticle(id: string, body: UpdateKbArticleBody): Promise<KbArticleDetail> {
  return (await callApi<ArticleReply>(articlePath(id), { method: 'PATCH', body })).article;
}

export async function saveKbText(id: string, locale: KbLocale, body: KbTextInput): Promise<KbArticleDetail> {
  return (await callApi<ArticleReply>(textPath(id, locale), { method: 'PUT', body })).article;
}

export async function generateKbTaiwan(id: string): Promise<KbArticleDetail> {
  return (await callApi<ArticleReply>(`${textPath(id, 'zh-TW')}/generate`, { method: 'POST', body: {} })).article;
}

export async function setKbStatus(id: string, status: KbStatus): Promise<KbArticleDetail> {
  return (await callApi<ArticleReply>(`${articlePath(id)}/status`, { method: 'POST', body: { status } })).article;
}

export async function fetchKbRevisions(id: string, locale: KbLocale): Promise<KbRevision[]> {
  return (await callApi<{ revisions: KbRevision[] }>(`${textPath(id, locale)}/revisions`)).revisions;
}

export function fetchKbDiff(
  id: string,
  locale: KbLocale,
  from: number,
  to: number,
): Promise<{ diff: string; from: KbRevision; to: KbRevision }> {
  return callApi(`${textPath(id, locale)}/diff?${new URLSearchParams({ from: String(from), to: String(to) })}`);
}

export async function restoreKbRevision(id: string, locale: KbLocale, revision: number): Promise<KbArticleDetail> {
  const path = `${textPath(id, locale)}/revisions/${revision}/restore`;
  return (await callApi<ArticleReply>(path, { method: 'POST', body: {} })).article;
}

export async function fetchKbSynonyms(): Promise<string[][]> {
  return (await callApi<{ groups: string[][] }>('/api/agent/kb/synonyms')).groups;
}

export async function saveKbSynonyms(groups: string[][]): Promise<string[][]> {
  return (await callApi<{ groups: string[][] }>('/api/agent/kb/synonyms', { method: 'PUT', body: { groups } })).groups;
}

export async function fetchKbSuggestions(conversationId: string): Promise<KbSearchHit[]> {
  const path = `/api/agent/conversations/${encodeURIComponent(conversationId)}/kb-suggestions`;
  return (await callApi<{ results: KbSearchHit[] }>(path)).results;
}

/** The synonyms editor's text: one group a line, terms joined by " = ". */
export function synonymsToText(groups: string[][]): string {
  return groups.map((group) => group.join(' = ')).join('\n');
}

/** Lines with fewer than two terms are dropped (the server wants at least two a group). */
export function textToSynonyms(text: string): string[][] {
  return text
    .split('\n')
    .map((line) =>
      line
        .split('=')
        .map((term) => term.trim())
        .filter(Boolean),
    )
    .filter((group) => group.length >= 2);
}
