import './suggestions.css';
import { useEffect, useState } from 'react';
import type { KbArticleSummary, KbSearchHit } from '../../../contracts/kb.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { fetchKbArticle, fetchKbArticles, fetchKbSuggestions } from './kb-api.ts';
import { describeKbFailure } from './describe-failure.ts';
import { kbText } from './strings.ts';

/** The published articles, asked once per page: suggestions name articles by slug, the article API wants the id. */
let published: Promise<KbArticleSummary[]> | null = null;
function articleIdOf(slug: string): Promise<string | undefined> {
  published ??= fetchKbArticles({ status: 'published' }).catch((error) => {
    published = null;
    throw error;
  });
  return published.then((list) => list.find((article) => article.slug === slug)?.id);
}

/** Markdown as a chat message reads it: no heading marks, emphasis or link syntax (the address stays). */
export function markdownToChat(markdown: string): string {
  return markdown
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, '$1$2')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '$1 ($2)')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^\s*[-*+]\s+/gm, '• ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const absolute = (url: string) => (url.startsWith('/') ? `${location.origin}${url}` : url);

/** "Suggested articles" for the open conversation: what the knowledge base has for what the customer said. */
export function KbSuggestions({
  conversationId,
  onInsert,
}: {
  conversationId: string;
  onInsert: (text: string) => void;
}) {
  const { locale, t } = useI18n();
  const [open, setOpen] = useState(true);
  const [results, setResults] = useState<KbSearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busySlug, setBusySlug] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    fetchKbSuggestions(conversationId)
      .then((hits) => live && setResults(hits))
      .catch((failure) => live && setError(describeKbFailure(locale, t, failure)));
    return () => {
      live = false;
    };
  }, [conversationId, locale, t]);

  async function insertText(hit: KbSearchHit) {
    setBusySlug(hit.slug);
    setError(null);
    try {
      const id = await articleIdOf(hit.slug);
      const text = id ? (await fetchKbArticle(id)).texts.find((x) => x.locale === hit.locale) : undefined;
      onInsert(text ? markdownToChat(text.body) : hit.snippet);
    } catch (failure) {
      setError(describeKbFailure(locale, t, failure));
    } finally {
      setBusySlug(null);
    }
  }

  if (results?.length === 0 && !error) return null;
  return (
    <section className="kb-suggest" data-testid="kb-suggestions">
      <button
        type="button"
        className="kb-suggest__toggle"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid="kb-suggestions-toggle"
      >
        {open ? '▾' : '▸'} {kbText(locale, 'suggested')}
        {results ? ` (${results.length})` : ''}
      </button>
      {open && (
        <>
          {error && (
            <div className="alert alert--error" role="alert">
              {error}
            </div>
          )}
          <ul className="kb-suggest__list">
            {results?.map((hit) => (
              <li key={`${hit.slug}-${hit.locale}`} className="kb-suggest__item" data-testid="kb-suggestion">
                <span className="kb-suggest__text" lang={hit.locale}>
                  <a href={hit.url} target="_blank" rel="noreferrer" className="kb-suggest__title">
                    {hit.title}
                  </a>
                  <span className="kb-suggest__snippet">{hit.snippet}</span>
                </span>
                <span className="kb-actions">
                  <button
                    type="button"
                    className="button button--small button--ghost"
                    data-testid="kb-insert-link"
                    onClick={() => onInsert(`${hit.title}\n${absolute(hit.url)}`)}
                  >
                    {kbText(locale, 'insertLink')}
                  </button>
                  <button
                    type="button"
                    className="button button--small button--ghost"
                    data-testid="kb-insert-text"
                    disabled={busySlug === hit.slug}
                    onClick={() => void insertText(hit)}
                  >
                    {kbText(locale, 'insertText')}
                  </button>
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
