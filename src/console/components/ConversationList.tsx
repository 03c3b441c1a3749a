import type { Conversation } from '../../contracts/domain.ts';
import type { ConversationListState } from '../hooks/useConversationList.ts';
import { useNow } from '../hooks/useNow.ts';
import { describeError, type Translate, useI18n } from '../i18n/locale.tsx';
import { formatDateTime, formatRelativeTime } from '../lib/format.ts';
import { ContactAvatar } from './Avatar.tsx';
import { NoteIcon } from './icons.tsx';
import { PriorityBadge, StatusBadge } from './badges.tsx';
import { ChannelBadge } from './contacts/ChannelBadge.tsx';
import { SlaBadge } from './sla/SlaBadge.tsx';

type Props = {
  list: ConversationListState & {
    /** The search in effect ('' = none). */
    query?: string;
    loadMore: () => void;
    reload: (options: { keepItems: boolean }) => void;
  };
  selectedId: string | null;
  meId: string;
  onSelect: (conversationId: string) => void;
};

export function contactNameOf(conversation: Conversation, t: Translate): string {
  const contact = conversation.contact;
  return contact.name || contact.email || `${t('list.visitor')} #${conversation.number}`;
}

function previewOf(conversation: Conversation, t: Translate): string {
  const last = conversation.lastMessage;
  if (!last) return t('list.noMessages');
  // Collapse newlines so the preview stays one line.
  const body = last.body.replace(/\s+/g, ' ').trim();
  if (last.authorKind === 'bot') return `${t('author.bot')}: ${body}`;
  if (last.authorKind === 'agent' && !last.private) return `↩ ${body}`;
  return body;
}

export function ConversationList({ list, selectedId, meId, onSelect }: Props) {
  const { t, locale } = useI18n();
  const now = useNow();

  return (
    <div className="list" data-testid="conversation-list" aria-busy={list.status === 'loading'}>
      {list.status === 'loading' && list.items.length === 0 && <div className="list__state">{t('list.loading')}</div>}
      {list.status === 'error' && (
        <div className="list__state list__state--error">
          {describeError(t, list.errorCode ?? 'unknown')}{' '}
          <button type="button" className="button button--link" onClick={() => list.reload({ keepItems: true })}>
            {t('view.retry')}
          </button>
        </div>
      )}
      {list.status === 'ready' && list.items.length === 0 && (
        <div className="list__state" data-testid="conversation-list-empty">
          {list.query ? t('list.search.empty', { query: list.query }) : t('list.empty')}
        </div>
      )}
      <ul className="list__items">
        {list.items.map((conversation) => {
          const name = contactNameOf(conversation, t);
          const last = conversation.lastMessage;
          const selected = conversation.id === selectedId;
          return (
            <li key={conversation.id}>
              <button
                type="button"
                className={`item${selected ? ' item--selected' : ''} item--${conversation.priority}`}
                data-testid="conversation-item"
                data-conversation-id={conversation.id}
                data-number={conversation.number}
                data-status={conversation.status}
                aria-current={selected ? 'true' : undefined}
                onClick={() => onSelect(conversation.id)}
              >
                <ContactAvatar contact={conversation.contact} />
                <span className="item__body">
                  <span className="item__top">
                    <span className="item__name">{name}</span>
                    <time
                      className="item__time"
                      dateTime={conversation.lastActivityAt}
                      title={formatDateTime(conversation.lastActivityAt, locale)}
                    >
                      {formatRelativeTime(conversation.lastActivityAt, locale, now)}
                    </time>
                  </span>
                  <span className={`item__preview${last?.private ? ' item__preview--note' : ''}`}>
                    {last?.private && (
                      <span className="item__note" title={t('view.note')}>
                        <NoteIcon size={13} />
                        <span className="visually-hidden">{t('list.note')}</span>
                      </span>
                    )}
                    <span className="item__preview-text">{previewOf(conversation, t)}</span>
                  </span>
                  <span className="item__meta">
                    <span className="item__number">#{conversation.number}</span>
                    <ChannelBadge channel={conversation.channel} />
                    <PriorityBadge priority={conversation.priority} />
                    <SlaBadge conversation={conversation} />
                    <StatusBadge status={conversation.status} />
                    <span
                      className={`item__assignee${conversation.assignee ? '' : ' item__assignee--none'}`}
                      title={t('ctl.assignee')}
                    >
                      {conversation.assignee
                        ? conversation.assignee.id === meId
                          ? `${conversation.assignee.name} (${t('author.you')})`
                          : conversation.assignee.name
                        : t('list.unassigned')}
                    </span>
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {list.nextCursor && (
        <div className="list__more">
          {list.status === 'ready' && list.errorCode && (
            <div className="list__more-error" role="alert">
              {describeError(t, list.errorCode)}
            </div>
          )}
          <button
            type="button"
            className="button button--small"
            onClick={list.loadMore}
            disabled={list.loadingMore}
            data-testid="load-more"
          >
            {list.loadingMore ? t('list.loading') : t('list.loadMore')}
          </button>
        </div>
      )}
    </div>
  );
}
