import '../admin/admin.css';
import './kb.css';
import { type FormEvent, useEffect, useState } from 'react';
import type { SessionResponse } from '../../../contracts/api.ts';
import {
  KB_LOCALES,
  KB_STATUSES,
  type KbArticleSummary,
  type KbCategory,
  type KbLocaleNames,
  type KbStatus,
} from '../../../contracts/kb.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { Select } from '../fields.tsx';
import { ArticleEditor } from './ArticleEditor.tsx';
import {
  fetchKbArticles,
  fetchKbCategories,
  fetchKbSynonyms,
  saveKbCategory,
  saveKbSection,
  saveKbSynonyms,
  synonymsToText,
  textToSynonyms,
} from './kb-api.ts';
import { canEditKb, type KbRoute, openKb } from './kb-route.ts';
import { KbMessage, type KbOutcome, StateBadge, titleOf } from './parts.tsx';
import { describeKbFailure } from './describe-failure.ts';
import { kbText } from './strings.ts';

/** The knowledge base: replaces the three panes while open (as the admin pages do); the inbox keeps its state. */
export default function KnowledgeBase({ route, session }: { route: KbRoute; session: SessionResponse }) {
  const { locale } = useI18n();
  const canEdit = canEditKb(session.agent);
  const tab = route.view === 'synonyms' || route.view === 'categories' ? route.view : 'articles';
  return (
    <div className="admin kb" data-testid="kb-page" data-can-edit={canEdit}>
      <nav className="admin__nav" aria-label={kbText(locale, 'kb')}>
        <button type="button" className="button button--ghost button--small" onClick={() => openKb(null)}>
          ← {kbText(locale, 'back')}
        </button>
        <h2 className="kb__title">{kbText(locale, 'kb')}</h2>
        {(['articles', 'categories', 'synonyms'] as const).map((name) => (
          <button
            key={name}
            type="button"
            className={`admin__tab${tab === name ? ' admin__tab--active' : ''}`}
            aria-current={tab === name ? 'page' : undefined}
            data-testid={`kb-tab-${name}`}
            onClick={() => openKb({ view: name === 'articles' ? 'list' : name })}
          >
            {kbText(locale, name)}
          </button>
        ))}
      </nav>
      <main className="admin__main">
        {!canEdit && <p className="muted kb__readonly">{kbText(locale, 'readOnly')}</p>}
        {route.view === 'list' && <ArticleList canEdit={canEdit} />}
        {route.view === 'synonyms' && <SynonymsEditor canEdit={canEdit} />}
        {route.view === 'categories' && <CategoriesEditor canEdit={canEdit} />}
        {route.view === 'new' &&
          (canEdit ? <ArticleEditor key="new" articleId={null} canEdit /> : <ArticleList canEdit={false} />)}
        {route.view === 'article' && <ArticleEditor key={route.id} articleId={route.id} canEdit={canEdit} />}
      </main>
    </div>
  );
}

function ArticleList({ canEdit }: { canEdit: boolean }) {
  const { locale, t } = useI18n();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<KbStatus | 'any'>('any');
  const [articles, setArticles] = useState<KbArticleSummary[] | null>(null);
  const [error, setError] = useState<KbOutcome | null>(null);

  useEffect(() => {
    let live = true;
    // Wait for typing to pause before asking the server.
    const timer = setTimeout(
      () => {
        fetchKbArticles({ q, status: status === 'any' ? undefined : status })
          .then((list) => {
            if (!live) return;
            setArticles(list);
            setError(null);
          })
          .catch((failure) => live && setError({ kind: 'error', text: describeKbFailure(locale, t, failure) }));
      },
      q ? 250 : 0,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, status, locale, t]);

  return (
    <section className="kb-card" data-testid="kb-list">
      <div className="kb-list__bar">
        <input
          type="search"
          className="kb-input kb-list__search"
          data-testid="kb-search"
          placeholder={kbText(locale, 'search')}
          aria-label={kbText(locale, 'search')}
          value={q}
          maxLength={200}
          onChange={(event) => setQ(event.target.value)}
        />
        <Select
          testId="kb-status-filter"
          value={status}
          onChange={setStatus}
          options={[
            { value: 'any', label: kbText(locale, 'status.any') },
            ...KB_STATUSES.map((s) => ({ value: s, label: kbText(locale, `status.${s}`) })),
          ]}
        />
        {canEdit && (
          <button
            type="button"
            className="button button--primary button--small"
            data-testid="kb-new"
            onClick={() => openKb({ view: 'new' })}
          >
            + {kbText(locale, 'newArticle')}
          </button>
        )}
      </div>
      <KbMessage message={error} />
      {articles === null && !error && <p className="muted">{kbText(locale, 'loading')}</p>}
      {articles?.length === 0 && <p className="muted">{kbText(locale, 'noArticles')}</p>}
      <ul className="kb-list">
        {articles?.map((article) => (
          <li key={article.id}>
            <button
              type="button"
              className="kb-list__item"
              data-testid="kb-row"
              data-slug={article.slug}
              onClick={() => openKb({ view: 'article', id: article.id })}
            >
              <span className="kb-list__main">
                <span className="kb-list__title">{titleOf(article, locale)}</span>
                <span className="kb-list__slug">{article.slug}</span>
              </span>
              <span className={`kb-status kb-status--${article.status}`}>
                {kbText(locale, `status.${article.status}`)}
              </span>
              <span className="kb-list__states">
                {KB_LOCALES.map((l) => (
                  <StateBadge key={l} locale={l} state={article.states[l]} />
                ))}
              </span>
              <span className="kb-list__helpful" title={kbText(locale, 'helpful')}>
                👍 {article.helpful.yes} · 👎 {article.helpful.no}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The help centre's tree: categories and their sections, added (or renamed, by slug) by editors. */
function CategoriesEditor({ canEdit }: { canEdit: boolean }) {
  const { locale, t } = useI18n();
  const [categories, setCategories] = useState<KbCategory[] | null>(null);
  const [message, setMessage] = useState<KbOutcome | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    fetchKbCategories()
      .then(setCategories)
      .catch((failure) => setMessage({ kind: 'error', text: describeKbFailure(locale, t, failure) }));
  }, [locale, t]);

  async function save(action: () => Promise<KbCategory[]>): Promise<boolean> {
    setBusy(true);
    setMessage(null);
    try {
      setCategories(await action());
      setMessage({ kind: 'ok', text: kbText(locale, 'saved') });
      return true;
    } catch (failure) {
      setMessage({ kind: 'error', text: describeKbFailure(locale, t, failure) });
      return false;
    } finally {
      setBusy(false);
    }
  }

  const nameOf = (names: KbLocaleNames) => (locale === 'en' ? names.en : names['zh-CN']) ?? names.en ?? '';
  return (
    <section className="kb-card" data-testid="kb-categories">
      <p className="muted">{kbText(locale, 'categoriesIntro')}</p>
      {categories === null && !message && <p className="muted">{kbText(locale, 'loading')}</p>}
      {categories?.length === 0 && <p className="muted">{kbText(locale, 'noCategories')}</p>}
      <ul className="kb-tree">
        {categories?.map((category) => (
          <li key={category.id} data-testid={`kb-category-${category.slug}`}>
            <strong>{nameOf(category.names)}</strong> <code>{category.slug}</code>
            <ul>
              {category.sections.map((section) => (
                <li key={section.id}>
                  {nameOf(section.names)} <code>{section.slug}</code>
                </li>
              ))}
            </ul>
            {canEdit && (
              <NamedSlugForm
                label={kbText(locale, 'newSection', { category: nameOf(category.names) })}
                busy={busy}
                testId={`kb-new-section-${category.slug}`}
                onSubmit={(slug, names) => save(() => saveKbSection({ categoryId: category.id, slug, names }))}
              />
            )}
          </li>
        ))}
      </ul>
      {canEdit && (
        <NamedSlugForm
          label={kbText(locale, 'newCategory')}
          busy={busy}
          testId="kb-new-category"
          onSubmit={(slug, names) => save(() => saveKbCategory({ slug, names, position: categories?.length ?? 0 }))}
        />
      )}
      <KbMessage message={message} />
    </section>
  );
}

/** A slug and its names in Simplified Chinese and English; cleared once saved. */
function NamedSlugForm(props: {
  label: string;
  busy: boolean;
  testId: string;
  onSubmit: (slug: string, names: KbLocaleNames) => Promise<boolean>;
}) {
  const { locale } = useI18n();
  const [slug, setSlug] = useState('');
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  async function submit(event: FormEvent) {
    event.preventDefault();
    const names: KbLocaleNames = {
      ...(zh.trim() ? { 'zh-CN': zh.trim() } : {}),
      ...(en.trim() ? { en: en.trim() } : {}),
    };
    if (!slug.trim() || Object.keys(names).length === 0) return;
    if (await props.onSubmit(slug.trim(), names)) {
      setSlug('');
      setZh('');
      setEn('');
    }
  }
  return (
    <form className="kb-tree__form" data-testid={props.testId} onSubmit={(event) => void submit(event)}>
      <span className="kb-tree__label">{props.label}</span>
      <input
        className="kb-input"
        aria-label={kbText(locale, 'slug')}
        placeholder={kbText(locale, 'slug')}
        value={slug}
        onChange={(e) => setSlug(e.target.value)}
      />
      <input
        className="kb-input"
        aria-label={kbText(locale, 'nameZh')}
        placeholder={kbText(locale, 'nameZh')}
        value={zh}
        onChange={(e) => setZh(e.target.value)}
      />
      <input
        className="kb-input"
        aria-label={kbText(locale, 'nameEn')}
        placeholder={kbText(locale, 'nameEn')}
        value={en}
        onChange={(e) => setEn(e.target.value)}
      />
      <button type="submit" className="button button--small" disabled={props.busy}>
        {kbText(locale, 'add')}
      </button>
    </form>
  );
}

function SynonymsEditor({ canEdit }: { canEdit: boolean }) {
  const { locale, t } = useI18n();
  const [text, setText] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<KbOutcome | null>(null);

  useEffect(() => {
    fetchKbSynonyms()
      .then((groups) => setText(synonymsToText(groups)))
      .catch((failure) => setMessage({ kind: 'error', text: describeKbFailure(locale, t, failure) }));
  }, [locale, t]);

  async function save() {
    if (text === null) return;
    setBusy(true);
    setMessage(null);
    try {
      setText(synonymsToText(await saveKbSynonyms(textToSynonyms(text))));
      setMessage({ kind: 'ok', text: kbText(locale, 'saved') });
    } catch (failure) {
      setMessage({ kind: 'error', text: describeKbFailure(locale, t, failure) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="kb-card" data-testid="kb-synonyms">
      <p className="muted">{kbText(locale, 'synonymsIntro')}</p>
      {text === null && !message && <p className="muted">{kbText(locale, 'loading')}</p>}
      {text !== null && (
        <textarea
          className="kb-input kb-synonyms__text"
          data-testid="kb-synonyms-text"
          aria-label={kbText(locale, 'synonyms')}
          rows={14}
          value={text}
          readOnly={!canEdit}
          onChange={(event) => setText(event.target.value)}
        />
      )}
      <KbMessage message={message} />
      {canEdit && text !== null && (
        <div className="kb-actions">
          <button
            type="button"
            className="button button--primary"
            data-testid="kb-synonyms-save"
            disabled={busy}
            onClick={() => void save()}
          >
            {kbText(locale, 'save')}
          </button>
        </div>
      )}
    </section>
  );
}
