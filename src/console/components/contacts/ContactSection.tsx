import './contacts.css';
import { useEffect, useState } from 'react';
import type { ContactMerge } from '../../../contracts/contacts.ts';
import type { Conversation } from '../../../contracts/domain.ts';
import { errorCodeOf } from '../../api/client.ts';
import { describeError, useI18n } from '../../i18n/locale.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { StatusBadge } from '../badges.tsx';
import { openConversation } from '../views/MergeControl.tsx';
import { ChannelBadge } from './ChannelBadge.tsx';
import {
  fetchContactConversations,
  fetchContactMerges,
  mergeContacts,
  searchOtherContacts,
  undoContactMerge,
} from './contacts-api.ts';
import { type ContactText, contactText } from './strings.ts';

/**
 * The customer panel's part of "one customer, one history": the identities the contact is known by, their
 * conversations on every channel, "Merge with…" another contact (found by the inbox search) and Undo of the latest
 * merge (an agent's or kefu's automatic one).
 */
export function ContactSection({ conversation }: { conversation: Conversation }) {
  const { locale, t } = useI18n();
  const s = (key: ContactText, vars?: Record<string, string | number>) => contactText(locale, key, vars);
  const contact = conversation.contact;
  const [history, setHistory] = useState<Conversation[] | null>(null);
  const [merges, setMerges] = useState<ContactMerge[]>([]);
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Conversation[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [targetId, setTargetId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload after a merge or an undo.
  useEffect(() => {
    let live = true;
    setHistory(null);
    fetchContactConversations(contact.id)
      .then((list) => live && setHistory(list))
      .catch(() => live && setHistory([]));
    fetchContactMerges(contact.id)
      .then((list) => live && setMerges(list))
      .catch(() => live && setMerges([]));
    return () => {
      live = false;
    };
  }, [contact.id, reload, conversation.updatedAt]);

  useEffect(() => {
    if (!open || query.trim().length < 2) {
      setFound(null);
      return;
    }
    let live = true;
    setSearching(true);
    const timer = setTimeout(() => {
      searchOtherContacts(query.trim(), contact.id)
        .then((list) => {
          if (!live) return;
          setFound(list);
          setTargetId(list[0]?.contact.id ?? '');
        })
        .catch((failure: unknown) => live && setError(describeError(t, errorCodeOf(failure))))
        .finally(() => live && setSearching(false));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [open, query, contact.id, t]);

  const fail = (failure: unknown) =>
    setError(describeError(t, errorCodeOf(failure), failure instanceof Error ? failure.message : ''));

  async function merge() {
    const other = found?.find((c) => c.contact.id === targetId);
    if (!other) return;
    setBusy(true);
    setError(null);
    try {
      const done = await mergeContacts(contact.id, other.contact.id);
      setOpen(false);
      setQuery('');
      setNotice(s('merged', { name: nameOf(other), n: done.conversationIds.length }));
      setReload((n) => n + 1);
    } catch (failure) {
      fail(failure);
    } finally {
      setBusy(false);
    }
  }

  async function undo(mergeId: string) {
    setBusy(true);
    setError(null);
    try {
      await undoContactMerge(mergeId);
      setNotice(s('undone'));
      setReload((n) => n + 1);
    } catch (failure) {
      fail(failure);
    } finally {
      setBusy(false);
    }
  }

  const standing = merges.find((m) => m.undoneAt === null && m.survivorId === contact.id);
  const identities = contact.identities.filter((identity) => identity.kind !== 'web_visitor');

  return (
    <section className="details__section contact-section" data-testid="contact-section">
      <h3 className="details__heading">{s('identities')}</h3>
      {identities.length === 0 ? (
        <div className="muted">{s('noIdentities')}</div>
      ) : (
        <ul className="identities" data-testid="contact-identities">
          {identities.map((identity) => (
            <li key={`${identity.kind}:${identity.value}`} className="identities__item" data-kind={identity.kind}>
              <span className="identities__kind">{s(`identity.${identity.kind}`)}</span>
              <code className="identities__value" title={identity.value}>
                {identity.value}
              </code>
            </li>
          ))}
        </ul>
      )}

      {notice && (
        <div className="alert alert--success contact-section__notice" role="status" data-testid="contact-notice">
          <span>{notice}</span>
          {standing && (
            <button
              type="button"
              className="button button--small"
              data-testid="contact-merge-undo"
              disabled={busy}
              onClick={() => void undo(standing.id)}
            >
              {s('undo')}
            </button>
          )}
        </div>
      )}
      {!notice && standing?.automatic && (
        <div className="alert contact-section__notice" data-testid="contact-merge-auto">
          <span>{s('mergedAuto')}</span>
          <button type="button" className="button button--small" disabled={busy} onClick={() => void undo(standing.id)}>
            {s('undo')}
          </button>
        </div>
      )}

      <button
        type="button"
        className="button button--small"
        data-testid="contact-merge-open"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        {s('merge')}
      </button>
      {open && (
        <div className="contact-merge" role="dialog" aria-label={s('mergeTitle')}>
          <div className="contact-merge__title">{s('mergeTitle')}</div>
          <input
            className="input"
            type="search"
            data-testid="contact-merge-search"
            placeholder={s('mergeSearch')}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
          {searching && <div className="muted">{s('mergeSearching')}</div>}
          {found !== null && !searching && found.length === 0 && <div className="muted">{s('mergeNone')}</div>}
          {found !== null && found.length > 0 && (
            <select
              className="select"
              data-testid="contact-merge-target"
              value={targetId}
              onChange={(event) => setTargetId(event.target.value)}
            >
              {found.map((candidate) => (
                <option key={candidate.contact.id} value={candidate.contact.id}>
                  {nameOf(candidate)} · #{candidate.number} · {s(`channel.${candidate.channel}`)}
                </option>
              ))}
            </select>
          )}
          <div className="muted">{s('mergeHint')}</div>
          <div className="contact-merge__actions">
            <button type="button" className="button button--ghost button--small" onClick={() => setOpen(false)}>
              {s('cancel')}
            </button>
            <button
              type="button"
              className="button button--primary button--small"
              data-testid="contact-merge-confirm"
              disabled={busy || !targetId || !found?.length}
              onClick={() => void merge()}
            >
              {s('mergeConfirm')}
            </button>
          </div>
        </div>
      )}
      {error && (
        <div className="alert alert--error" role="alert" data-testid="contact-error">
          {error}
        </div>
      )}

      <h3 className="details__heading">{s('history')}</h3>
      {history === null && <div className="muted">{s('historyLoading')}</div>}
      {history !== null && history.filter((c) => c.id !== conversation.id).length === 0 && (
        <div className="muted">{s('historyEmpty')}</div>
      )}
      {history !== null && (
        <ul className="contact-history" data-testid="contact-history">
          {history
            .filter((c) => c.id !== conversation.id)
            .map((c) => (
              <li key={c.id}>
                <a
                  className="contact-history__item"
                  href={`/conversations/${encodeURIComponent(c.id)}${location.search}`}
                  onClick={(event) => {
                    event.preventDefault();
                    openConversation(c.id);
                  }}
                >
                  <ChannelBadge channel={c.channel} />
                  <span className="contact-history__number">#{c.number}</span>
                  <StatusBadge status={c.status} />
                  <span className="contact-history__when">{formatDateTime(c.lastActivityAt, locale)}</span>
                </a>
              </li>
            ))}
        </ul>
      )}
    </section>
  );
}

function nameOf(conversation: Conversation): string {
  const c = conversation.contact;
  return c.name || c.email || c.exchangeUid || `#${conversation.number}`;
}
