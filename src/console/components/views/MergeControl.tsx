import './views.css';
import { useEffect, useState } from 'react';
import type { Conversation } from '../../../contracts/domain.ts';
import { errorCodeOf } from '../../api/client.ts';
import { describeError, useI18n } from '../../i18n/locale.tsx';
import { viewText } from './strings.ts';
import { fetchConversation, findMergeTargets, mergeConversation } from './views-api.ts';

/** Opens a conversation the way the list does: a new history entry the console's router picks up. */
export function openConversation(conversationId: string): void {
  history.pushState(null, '', `/conversations/${encodeURIComponent(conversationId)}${location.search}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** "Merge into…": pick another conversation of the same customer, confirm, then follow the survivor. */
export function MergeControl({ conversation }: { conversation: Conversation }) {
  const { locale, t } = useI18n();
  const s = (key: Parameters<typeof viewText>[1]) => viewText(locale, key);
  const [open, setOpen] = useState(false);
  const [targets, setTargets] = useState<Conversation[] | null>(null);
  const [targetId, setTargetId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    setTargets(null);
    setError(null);
    findMergeTargets(conversation)
      .then((found) => {
        if (!live) return;
        setTargets(found);
        setTargetId(found[0]?.id ?? '');
      })
      .catch((failure: unknown) => live && setError(describeError(t, errorCodeOf(failure))));
    return () => {
      live = false;
    };
  }, [open, conversation, t]);

  if (conversation.mergedIntoId) return null;

  async function confirm() {
    if (!targetId) return;
    setBusy(true);
    setError(null);
    try {
      const survivor = await mergeConversation(conversation.id, targetId);
      setOpen(false);
      openConversation(survivor.id);
    } catch (failure) {
      setError(describeError(t, errorCodeOf(failure), failure instanceof Error ? failure.message : ''));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="merge">
      <button
        type="button"
        className="button button--small"
        data-testid="merge-open"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        {s('merge')}
      </button>
      {open && (
        <div className="merge__panel" role="dialog" aria-label={s('mergeTitle')}>
          <div className="merge__title">{s('mergeTitle')}</div>
          {targets === null && !error && <div className="muted">{s('mergeLoading')}</div>}
          {targets !== null && targets.length === 0 && <div className="muted">{s('mergeNone')}</div>}
          {targets !== null && targets.length > 0 && (
            <>
              <select
                className="select"
                data-testid="merge-target"
                value={targetId}
                onChange={(event) => setTargetId(event.target.value)}
              >
                {targets.map((target) => (
                  <option key={target.id} value={target.id}>
                    #{target.number} · {t(`status.${target.status}`)} · {target.lastMessage?.body.slice(0, 40) ?? ''}
                  </option>
                ))}
              </select>
              <div className="muted">{s('mergeHint')}</div>
            </>
          )}
          {error && (
            <div className="alert alert--error" role="alert" data-testid="merge-error">
              {error}
            </div>
          )}
          <div className="merge__actions">
            <button type="button" className="button button--ghost button--small" onClick={() => setOpen(false)}>
              {s('cancel')}
            </button>
            {targets !== null && targets.length > 0 && (
              <button
                type="button"
                className="button button--primary button--small"
                data-testid="merge-confirm"
                disabled={busy || !targetId}
                onClick={() => void confirm()}
              >
                {s('mergeConfirm')}
              </button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

/** On a conversation merged away: where its history went, one click to go there. */
export function MergedNotice({ conversation }: { conversation: Conversation }) {
  const { locale } = useI18n();
  const survivorId = conversation.mergedIntoId ?? null;
  const [number, setNumber] = useState<number | null>(null);

  useEffect(() => {
    if (!survivorId) return;
    let live = true;
    fetchConversation(survivorId)
      .then((survivor) => live && setNumber(survivor.number))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [survivorId]);

  if (!survivorId) return null;
  return (
    <div className="alert merged-banner" data-testid="merged-notice">
      <span>{viewText(locale, 'mergedInto')}</span>
      <a
        className="button button--link"
        data-testid="merged-link"
        href={`/conversations/${encodeURIComponent(survivorId)}${location.search}`}
        onClick={(event) => {
          event.preventDefault();
          openConversation(survivorId);
        }}
      >
        {number === null ? viewText(locale, 'open') : `#${number}`}
      </a>
    </div>
  );
}
