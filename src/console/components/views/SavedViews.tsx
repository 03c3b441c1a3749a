import { type FormEvent, useEffect, useState } from 'react';
import type { SavedView } from '../../../contracts/tools.ts';
import { type ConversationFilters, errorCodeOf } from '../../api/client.ts';
import { describeError, useI18n } from '../../i18n/locale.tsx';
import { fromViewFilters, sameFilters, toViewFilters } from './filters.ts';
import { viewText } from './strings.ts';
import { fetchViews, removeView, saveView } from './views-api.ts';

type Props = { filters: ConversationFilters; onApply: (filters: ConversationFilters) => void };

/** Pick a saved view to apply its filters, or save the filters on screen as a personal or shared view. */
export function SavedViews({ filters, onApply }: Props) {
  const { locale, t } = useI18n();
  const s = (key: Parameters<typeof viewText>[1]) => viewText(locale, key);
  const [views, setViews] = useState<SavedView[]>([]);
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetchViews()
      .then(setViews)
      .catch(() => {});
  }, []);

  const current = views.find((view) => sameFilters(fromViewFilters(view.filters), filters)) ?? null;

  function apply(viewId: string) {
    const view = views.find((candidate) => candidate.id === viewId);
    if (view) onApply(fromViewFilters(view.filters));
  }

  async function handleSave(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const view = await saveView({ name: name.trim(), filters: toViewFilters(filters), shared });
      setViews((list) => [...list, view]);
      setSaving(false);
      setName('');
      setShared(false);
    } catch (failure) {
      setError(describeError(t, errorCodeOf(failure), failure instanceof Error ? failure.message : ''));
    } finally {
      setBusy(false);
    }
  }

  async function handleDelete(view: SavedView) {
    setError(null);
    try {
      await removeView(view.id);
      setViews((list) => list.filter((candidate) => candidate.id !== view.id));
    } catch (failure) {
      setError(describeError(t, errorCodeOf(failure), failure instanceof Error ? failure.message : ''));
    }
  }

  const mine = views.filter((view) => !view.shared);
  const team = views.filter((view) => view.shared);

  return (
    <div className="saved-views">
      <div className="saved-views__row">
        <select
          className="select"
          data-testid="saved-views"
          aria-label={s('views')}
          value={current?.id ?? ''}
          onChange={(event) => apply(event.target.value)}
        >
          <option value="">{s('noView')}</option>
          {mine.length > 0 && (
            <optgroup label={s('personal')}>
              {mine.map((view) => (
                <option key={view.id} value={view.id}>
                  {view.name}
                </option>
              ))}
            </optgroup>
          )}
          {team.length > 0 && (
            <optgroup label={s('shared')}>
              {team.map((view) => (
                <option key={view.id} value={view.id}>
                  {view.name}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        {current && (
          <button
            type="button"
            className="button button--ghost button--small"
            data-testid="delete-view"
            title={s('deleteView')}
            aria-label={s('deleteView')}
            onClick={() => void handleDelete(current)}
          >
            ×
          </button>
        )}
        <button
          type="button"
          className="button button--small"
          data-testid="save-view"
          aria-expanded={saving}
          onClick={() => setSaving((open) => !open)}
        >
          {s('saveView')}
        </button>
      </div>
      {saving && (
        <form className="saved-views__form" onSubmit={handleSave}>
          <input
            className="views-input"
            data-testid="save-view-name"
            placeholder={s('viewName')}
            aria-label={s('viewName')}
            maxLength={80}
            value={name}
            onChange={(event) => setName(event.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the agent just asked to name the view.
            autoFocus
          />
          <label className="saved-views__share">
            <input
              type="checkbox"
              data-testid="save-view-shared"
              checked={shared}
              onChange={(event) => setShared(event.target.checked)}
            />
            {s('shareView')}
          </label>
          <button
            type="submit"
            className="button button--primary button--small"
            data-testid="save-view-confirm"
            disabled={busy || !name.trim()}
          >
            {s('save')}
          </button>
          <button type="button" className="button button--ghost button--small" onClick={() => setSaving(false)}>
            {s('cancel')}
          </button>
        </form>
      )}
      {error && (
        <div className="alert alert--error" role="alert" data-testid="view-error">
          {error}
        </div>
      )}
    </div>
  );
}
