import './tools.css';
import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../i18n/locale.tsx';
import { useRealtimeEvent, useReconnect } from '../../realtime/context.tsx';
import { listNotifications, markNotificationsRead, type Notification } from './api.ts';
import { toolText } from './strings.ts';
import { BellIcon } from '../icons.tsx';

/** The header's bell: mentions arrive live over the socket; opening one marks it read and goes to the conversation. */
export function NotificationBell({ onOpenConversation }: { onOpenConversation: (conversationId: string) => void }) {
  const { locale } = useI18n();
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);

  const load = useCallback(() => {
    listNotifications()
      .then((response) => {
        setItems(response.notifications);
        setUnread(response.unreadCount);
      })
      .catch(() => {
        // The bell stays as it was; the next reconnect reloads it.
      });
  }, []);
  useEffect(load, [load]);
  useReconnect(load);
  useRealtimeEvent((event) => {
    if (event.type !== 'notification') return;
    setItems((current) => [event.notification, ...current.filter((n) => n.id !== event.notification.id)].slice(0, 20));
    setUnread((count) => count + 1);
  });

  async function openNotification(notification: Notification) {
    setOpen(false);
    onOpenConversation(notification.conversationId);
    if (notification.readAt) return;
    setItems((current) =>
      current.map((n) => (n.id === notification.id ? { ...n, readAt: new Date().toISOString() } : n)),
    );
    const result = await markNotificationsRead([notification.id]).catch(() => null);
    if (result) setUnread(result.unreadCount);
  }

  async function readAll() {
    const result = await markNotificationsRead(null).catch(() => null);
    if (!result) return;
    setUnread(result.unreadCount);
    setItems((current) => current.map((n) => ({ ...n, readAt: n.readAt ?? new Date().toISOString() })));
  }

  return (
    <div className="bell">
      <button
        type="button"
        className="button button--ghost button--small bell__button"
        aria-label={toolText(locale, 'notifications')}
        aria-expanded={open}
        data-testid="notifications-bell"
        onClick={() => setOpen(!open)}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="bell__count" data-testid="notifications-unread">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell__panel" role="menu">
          <div className="bell__head">
            <strong>{toolText(locale, 'notifications')}</strong>
            {unread > 0 && (
              <button type="button" className="link-button" onClick={readAll}>
                {toolText(locale, 'markAllRead')}
              </button>
            )}
          </div>
          {items.length === 0 && <div className="bell__empty">{toolText(locale, 'noNotifications')}</div>}
          {items.map((n) => (
            <button
              type="button"
              role="menuitem"
              key={n.id}
              className={`bell__item${n.readAt ? '' : ' bell__item--unread'}`}
              onClick={() => void openNotification(n)}
            >
              <span className="bell__who">
                {n.actor.name ?? '—'} {toolText(locale, 'mentionedYou')} #{n.conversationNumber}
              </span>
              <span className="bell__excerpt">{n.excerpt}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
