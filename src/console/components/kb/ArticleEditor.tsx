import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  KB_LOCALES,
  type KbArticleDetail,
  type KbCategory,
  type KbLocale,
  type KbRevision,
  type KbStatus,
  type KbTextInput,
} from '../../../contracts/kb.ts';
import { BUILTIN_INTENTS, type IntentId, OOS_INTENT } from '../../../contracts/intents.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { Field } from '../fields.tsx';
import { intentLabel } from '../views/strings.ts';
import {
  createKbArticle,
  fetchKbArticle,
  fetchKbCategories,
  fetchKbDiff,
  fetchKbRevisions,
  generateKbTaiwan,
  restoreKbRevision,
  saveKbText,
  setKbStatus,
  updateKbArticle,
} from './kb-api.ts';
import { openKb } from './kb-route.ts';
import { KbMessage, type KbOutcome, LOCALE_SHORT, StateBadge } from './parts.tsx';
import { renderPreview } from './markdown.ts';
import { describeKbFailure } from './describe-failure.ts';
import { kbText } from './strings.ts';

type Fields = { slug: string; sectionId: string; intents: IntentId[]; related: string };
type TextDraft = { title: string; body: string; tags: string; note: string };

const EMPTY_FIELDS: Fields = { slug: '', sectionId: '', intents: [], related: '' };
const EMPTY_TEXT: TextDraft = { title: '', body: '', tags: '', note: '' };
const INTENTS = BUILTIN_INTENTS.filter((intent) => intent !== OOS_INTENT);
const LOCALE_NAMES: Record<KbLocale, string> = { 'zh-CN': '简体中文', 'zh-TW': '繁體中文', en: 'English' };

const splitList = (text: string) =>
  text
    .split(/[,，、]/)
    .map((item) => item.trim())
    .filter(Boolean);

function fieldsOf(article: KbArticleDetail): Fields {
  return {
    slug: article.slug,
    sectionId: article.sectionId ?? '',
    intents: article.intents.filter((i): i is IntentId => (BUILTIN_INTENTS as readonly string[]).includes(i)),
    related: article.related.join(', '),
  };
}

function textsOf(article: KbArticleDetail): Record<KbLocale, TextDraft> {
  const drafts = { 'zh-CN': EMPTY_TEXT, 'zh-TW': EMPTY_TEXT, en: EMPTY_TEXT };
  for (const text of article.texts) {
    drafts[text.locale] = { title: text.title, body: text.body, tags: text.tags.join(', '), note: '' };
  }
  return drafts;
}

const toInput = (draft: TextDraft): KbTextInput => ({
  title: draft.title.trim(),
  body: draft.body,
  tags: splitList(draft.tags),
  ...(draft.note.trim() ? { note: draft.note.trim() } : {}),
});

/** One article: its details, a tab a language (title, tags, Markdown beside its live preview), history, feedback. */
export function ArticleEditor({ articleId, canEdit }: { articleId: string | null; canEdit: boolean }) {
  const { locale, t } = useI18n();
  const [article, setArticle] = useState<KbArticleDetail | null>(null);
  const [categories, setCategories] = useState<KbCategory[]>([]);
  const [fields, setFields] = useState<Fields>(EMPTY_FIELDS);
  const [texts, setTexts] = useState<Record<KbLocale, TextDraft>>(() => ({
    'zh-CN': EMPTY_TEXT,
    'zh-TW': EMPTY_TEXT,
    en: EMPTY_TEXT,
  }));
  const [edited, setEdited] = useState<Set<KbLocale>>(() => new Set());
  const [tab, setTab] = useState<KbLocale>('zh-CN');
  const [publishNow, setPublishNow] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<KbOutcome | null>(null);
  const [historyKey, setHistoryKey] = useState(0);

  const fail = useCallback(
    (failure: unknown) => setMessage({ kind: 'error', text: describeKbFailure(locale, t, failure) }),
    [locale, t],
  );

  /** A saved article replaces what is shown; a language edited here and not yet saved keeps its draft. */
  const adopt = useCallback((next: KbArticleDetail, keep: ReadonlySet<KbLocale> = new Set()) => {
    setArticle(next);
    setFields(fieldsOf(next));
    const fresh = textsOf(next);
    setTexts((current) => {
      const merged = { ...fresh };
      for (const l of keep) merged[l] = current[l];
      return merged;
    });
    setEdited(new Set(keep));
    setHistoryKey((key) => key + 1);
  }, []);

  useEffect(() => {
    fetchKbCategories().then(setCategories).catch(fail);
    if (articleId)
      fetchKbArticle(articleId)
        .then((next) => adopt(next))
        .catch(fail);
  }, [articleId, adopt, fail]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setMessage(null);
    try {
      await action();
    } catch (failure) {
      fail(failure);
    } finally {
      setBusy(false);
    }
  }

  const others = (l: KbLocale) => new Set([...edited].filter((e) => e !== l));

  const create = () =>
    run(async () => {
      const given = KB_LOCALES.filter((l) => texts[l].title.trim() && texts[l].body.trim());
      if (given.length === 0) {
        setMessage({ kind: 'error', text: kbText(locale, 'error.missingText') });
        return;
      }
      const created = await createKbArticle({
        slug: fields.slug.trim(),
        sectionId: fields.sectionId || null,
        intents: fields.intents,
        related: splitList(fields.related),
        texts: Object.fromEntries(given.map((l) => [l, toInput(texts[l])])),
        publish: publishNow,
      });
      openKb({ view: 'article', id: created.id }, { replace: true });
    });

  const saveFields = () =>
    run(async () => {
      if (!article) return;
      const saved = await updateKbArticle(article.id, {
        slug: fields.slug.trim(),
        sectionId: fields.sectionId || null,
        intents: fields.intents,
        related: splitList(fields.related),
      });
      adopt(saved, edited);
      setMessage({ kind: 'ok', text: kbText(locale, 'saved') });
    });

  const saveText = () =>
    run(async () => {
      if (!article) return;
      adopt(await saveKbText(article.id, tab, toInput(texts[tab])), others(tab));
      setMessage({ kind: 'ok', text: kbText(locale, 'saved') });
    });

  const generate = () =>
    run(async () => {
      if (!article) return;
      adopt(await generateKbTaiwan(article.id), others('zh-TW'));
    });

  const changeStatus = (status: KbStatus) =>
    run(async () => {
      if (!article) return;
      adopt(await setKbStatus(article.id, status), edited);
      const said = status === 'published' ? 'published' : status === 'draft' ? 'unpublished' : 'archived';
      setMessage({ kind: 'ok', text: kbText(locale, said) });
    });

  const restore = (revision: number) =>
    run(async () => {
      if (!article) return;
      adopt(await restoreKbRevision(article.id, tab, revision), others(tab));
      setMessage({ kind: 'ok', text: kbText(locale, 'restored', { n: revision }) });
    });

  function editText(change: Partial<TextDraft>) {
    setTexts((current) => ({ ...current, [tab]: { ...current[tab], ...change } }));
    setEdited((current) => new Set(current).add(tab));
  }

  if (articleId && !article) {
    return (
      <section className="kb-card">
        <KbMessage message={message} />
        {!message && <p className="muted">{kbText(locale, 'loading')}</p>}
      </section>
    );
  }

  const state = article?.states[tab] ?? 'missing';
  const draft = texts[tab];
  const sectionName = (names: Partial<Record<KbLocale, string>>, slug: string) =>
    names[locale] ?? names['zh-CN'] ?? names.en ?? slug;

  return (
    <div className="kb-editor" data-testid="kb-editor" data-article-id={article?.id ?? ''}>
      <section className="kb-card kb-editor__fields">
        <div className="kb-editor__head">
          <h3>{article ? draft.title || article.slug : kbText(locale, 'newArticle')}</h3>
          {article && (
            <span className={`kb-status kb-status--${article.status}`} data-testid="kb-article-status">
              {kbText(locale, `status.${article.status}`)}
            </span>
          )}
          {article && canEdit && (
            <span className="kb-actions">
              {article.status !== 'published' && (
                <button
                  type="button"
                  className="button button--small button--primary"
                  data-testid="kb-publish"
                  disabled={busy}
                  onClick={() => void changeStatus('published')}
                >
                  {kbText(locale, 'publish')}
                </button>
              )}
              {article.status !== 'draft' && (
                <button
                  type="button"
                  className="button button--small"
                  data-testid="kb-unpublish"
                  disabled={busy}
                  onClick={() => void changeStatus('draft')}
                >
                  {kbText(locale, 'unpublish')}
                </button>
              )}
              {article.status !== 'archived' && (
                <button
                  type="button"
                  className="button button--small button--ghost"
                  data-testid="kb-archive"
                  disabled={busy}
                  onClick={() => void changeStatus('archived')}
                >
                  {kbText(locale, 'archive')}
                </button>
              )}
            </span>
          )}
        </div>
        <div className="kb-editor__grid">
          <Field label={kbText(locale, 'slug')} hint={canEdit ? kbText(locale, 'slugHint') : undefined}>
            <input
              className="kb-input"
              data-testid="kb-slug"
              value={fields.slug}
              maxLength={120}
              readOnly={!canEdit}
              onChange={(event) => setFields({ ...fields, slug: event.target.value })}
            />
          </Field>
          <Field label={kbText(locale, 'section')}>
            <select
              className="select"
              data-testid="kb-section"
              value={fields.sectionId}
              disabled={!canEdit}
              onChange={(event) => setFields({ ...fields, sectionId: event.target.value })}
            >
              <option value="">{kbText(locale, 'noSection')}</option>
              {categories.map((category) => (
                <optgroup key={category.id} label={sectionName(category.names, category.slug)}>
                  {category.sections.map((section) => (
                    <option key={section.id} value={section.id}>
                      {sectionName(section.names, section.slug)}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </Field>
          <Field label={kbText(locale, 'related')} hint={canEdit ? kbText(locale, 'relatedHint') : undefined}>
            <input
              className="kb-input"
              data-testid="kb-related"
              value={fields.related}
              readOnly={!canEdit}
              onChange={(event) => setFields({ ...fields, related: event.target.value })}
            />
          </Field>
        </div>
        <fieldset className="kb-intents" disabled={!canEdit}>
          <legend className="field__label">{kbText(locale, 'intents')}</legend>
          {INTENTS.map((intent) => (
            <label key={intent} className="kb-intents__item">
              <input
                type="checkbox"
                data-testid={`kb-intent-${intent}`}
                checked={fields.intents.includes(intent)}
                onChange={(event) =>
                  setFields({
                    ...fields,
                    intents: event.target.checked
                      ? [...fields.intents, intent]
                      : fields.intents.filter((i) => i !== intent),
                  })
                }
              />
              {intentLabel(locale, intent)}
            </label>
          ))}
        </fieldset>
        {article && canEdit && (
          <div className="kb-actions">
            <button
              type="button"
              className="button button--small"
              data-testid="kb-save-fields"
              disabled={busy}
              onClick={() => void saveFields()}
            >
              {kbText(locale, 'saveFields')}
            </button>
          </div>
        )}
      </section>

      <section className="kb-card kb-editor__texts">
        <div className="kb-tabs" role="tablist">
          {KB_LOCALES.map((l) => (
            <button
              key={l}
              type="button"
              role="tab"
              aria-selected={tab === l}
              className={`kb-tabs__tab${tab === l ? ' kb-tabs__tab--active' : ''}`}
              data-testid={`kb-locale-${l}`}
              onClick={() => setTab(l)}
            >
              {LOCALE_NAMES[l]}
              {article && <StateBadge locale={l} state={article.states[l]} />}
              {edited.has(l) && <span className="kb-tabs__dirty">•</span>}
            </button>
          ))}
        </div>
        {article && state === 'generated' && <p className="muted">{kbText(locale, 'generatedHint')}</p>}
        {article && state === 'stale' && <p className="kb-warn">{kbText(locale, 'staleHint')}</p>}
        {article && state === 'missing' && !edited.has(tab) && <p className="muted">{kbText(locale, 'missingHint')}</p>}
        <div className="kb-editor__grid">
          <Field label={kbText(locale, 'title')}>
            <input
              className="kb-input"
              data-testid="kb-title"
              lang={tab}
              value={draft.title}
              maxLength={200}
              readOnly={!canEdit}
              onChange={(event) => editText({ title: event.target.value })}
            />
          </Field>
          <Field label={kbText(locale, 'tags')} hint={canEdit ? kbText(locale, 'tagsHint') : undefined}>
            <input
              className="kb-input"
              data-testid="kb-tags"
              lang={tab}
              value={draft.tags}
              readOnly={!canEdit}
              onChange={(event) => editText({ tags: event.target.value })}
            />
          </Field>
        </div>
        <div className={`kb-split${canEdit ? '' : ' kb-split--read'}`}>
          {canEdit && (
            <Field label={kbText(locale, 'body')}>
              <textarea
                className="kb-input kb-body"
                data-testid="kb-body"
                lang={tab}
                value={draft.body}
                onChange={(event) => editText({ body: event.target.value })}
              />
            </Field>
          )}
          <Preview markdown={draft.body} lang={tab} />
        </div>
        {canEdit && (
          <div className="kb-editor__save">
            {article && (
              <Field label={kbText(locale, 'note')}>
                <input
                  className="kb-input"
                  data-testid="kb-note"
                  value={draft.note}
                  maxLength={200}
                  onChange={(event) => editText({ note: event.target.value })}
                />
              </Field>
            )}
            <div className="kb-actions">
              {article ? (
                <button
                  type="button"
                  className="button button--primary"
                  data-testid="kb-save"
                  disabled={busy || !draft.title.trim() || !draft.body.trim()}
                  onClick={() => void saveText()}
                >
                  {kbText(locale, 'save')}
                </button>
              ) : (
                <>
                  <label className="kb-intents__item">
                    <input
                      type="checkbox"
                      data-testid="kb-publish-now"
                      checked={publishNow}
                      onChange={(event) => setPublishNow(event.target.checked)}
                    />
                    {kbText(locale, 'publishNow')}
                  </label>
                  <button
                    type="button"
                    className="button button--primary"
                    data-testid="kb-create"
                    disabled={busy || !fields.slug.trim()}
                    onClick={() => void create()}
                  >
                    {kbText(locale, 'create')}
                  </button>
                </>
              )}
              {article && tab === 'zh-TW' && article.states['zh-CN'] !== 'missing' && (
                <button
                  type="button"
                  className="button"
                  data-testid="kb-generate"
                  disabled={busy}
                  onClick={() => void generate()}
                >
                  {kbText(locale, 'generate')}
                </button>
              )}
            </div>
          </div>
        )}
        <KbMessage message={message} />
      </section>

      {article && article.states[tab] !== 'missing' && (
        <History
          key={`${tab}-${historyKey}`}
          articleId={article.id}
          locale={tab}
          canEdit={canEdit}
          busy={busy}
          onRestore={(n) => void restore(n)}
          onError={fail}
        />
      )}
      {article && <Feedback article={article} />}
    </div>
  );
}

function Preview({ markdown, lang }: { markdown: string; lang: KbLocale }) {
  const { locale } = useI18n();
  // markdown-it with raw HTML off: every tag typed is escaped, unsafe link schemes are refused (see markdown.ts).
  const html = useMemo(() => renderPreview(markdown), [markdown]);
  return (
    <div className="kb-preview">
      <span className="field__label">{kbText(locale, 'preview')}</span>
      <div
        className="kb-preview__body"
        data-testid="kb-preview"
        lang={lang}
        // biome-ignore lint/security/noDangerouslySetInnerHtml: markdown-it output with raw HTML off (escaped).
        dangerouslySetInnerHTML={{ __html: html }}
      />
    </div>
  );
}

function History(props: {
  articleId: string;
  locale: KbLocale;
  canEdit: boolean;
  busy: boolean;
  onRestore: (revision: number) => void;
  onError: (failure: unknown) => void;
}) {
  const { articleId, locale: textLocale, onError } = props;
  const { locale } = useI18n();
  const [revisions, setRevisions] = useState<KbRevision[] | null>(null);
  const [diff, setDiff] = useState<{ from: number; to: number; text: string } | null>(null);

  useEffect(() => {
    fetchKbRevisions(articleId, textLocale).then(setRevisions).catch(onError);
  }, [articleId, textLocale, onError]);

  const newest = revisions?.reduce((max, r) => Math.max(max, r.revision), 0) ?? 0;
  const when = (iso: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

  async function compare(from: number) {
    try {
      const result = await fetchKbDiff(articleId, textLocale, from, newest);
      setDiff({ from, to: newest, text: result.diff });
    } catch (failure) {
      onError(failure);
    }
  }

  return (
    <section className="kb-card" data-testid="kb-history">
      <h4>
        {kbText(locale, 'history')} · {LOCALE_SHORT[textLocale]}
      </h4>
      {revisions === null && <p className="muted">{kbText(locale, 'loading')}</p>}
      {revisions?.length === 0 && <p className="muted">{kbText(locale, 'noHistory')}</p>}
      <ol className="kb-history">
        {revisions?.map((r) => (
          <li key={r.revision} className="kb-history__row" data-testid="kb-revision" data-revision={r.revision}>
            <span className="kb-history__what">
              <strong>{kbText(locale, 'revision', { n: r.revision })}</strong>{' '}
              <span className="muted">
                {r.authorName ? kbText(locale, 'by', { name: r.authorName }) : kbText(locale, 'bySystem')} ·{' '}
                {when(r.createdAt)}
              </span>
              {r.generated && <span className="kb-state kb-state--generated">{kbText(locale, 'state.generated')}</span>}
              {r.note && <span className="kb-history__note">{r.note}</span>}
            </span>
            {r.revision !== newest && (
              <span className="kb-actions">
                <button
                  type="button"
                  className="button button--small"
                  data-testid="kb-compare"
                  onClick={() => void compare(r.revision)}
                >
                  {kbText(locale, 'compare')}
                </button>
                {props.canEdit && (
                  <button
                    type="button"
                    className="button button--small button--ghost"
                    data-testid="kb-restore"
                    disabled={props.busy}
                    onClick={() => props.onRestore(r.revision)}
                  >
                    {kbText(locale, 'restore')}
                  </button>
                )}
              </span>
            )}
          </li>
        ))}
      </ol>
      {diff && (
        <div className="kb-diff" data-testid="kb-diff">
          <div className="kb-diff__head">
            <span>{kbText(locale, 'compareWith', { from: diff.from, to: diff.to })}</span>
            <button type="button" className="button button--link" onClick={() => setDiff(null)}>
              {kbText(locale, 'close')}
            </button>
          </div>
          <pre className="kb-diff__text">
            {diff.text.split('\n').map((line, index) => (
              <span
                // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one fixed text, never reordered.
                key={index}
                className={
                  line.startsWith('+') && !line.startsWith('+++')
                    ? 'kb-diff__add'
                    : line.startsWith('-') && !line.startsWith('---')
                      ? 'kb-diff__del'
                      : line.startsWith('@@')
                        ? 'kb-diff__hunk'
                        : undefined
                }
              >
                {line}
                {'\n'}
              </span>
            ))}
          </pre>
        </div>
      )}
    </section>
  );
}

function Feedback({ article }: { article: KbArticleDetail }) {
  const { locale } = useI18n();
  return (
    <section className="kb-card" data-testid="kb-feedback">
      <h4>
        {kbText(locale, 'feedback')} · 👍 {article.helpful.yes} · 👎 {article.helpful.no}
      </h4>
      {article.comments.length === 0 && <p className="muted">{kbText(locale, 'noComments')}</p>}
      <ul className="kb-comments">
        {article.comments.map((c, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: comments have no id; the list is replaced whole.
          <li key={index} className="kb-comments__item">
            <span className="muted">
              {c.helpful ? '👍' : '👎'} {LOCALE_SHORT[c.locale]} ·{' '}
              {new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(c.createdAt))}
            </span>
            <span lang={c.locale}>{c.comment}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
