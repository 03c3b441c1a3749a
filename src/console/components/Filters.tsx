import type { ConversationFilters } from '../api/client.ts';
import { useI18n } from '../i18n/locale.tsx';
import { CONVERSATION_STATUSES, PRIORITIES } from '../lib/constants.ts';
import { NotificationBell } from './tools/NotificationBell.tsx';
import { HelpdeskFilters } from './views/HelpdeskFilters.tsx';
import { SavedViews } from './views/SavedViews.tsx';

type Props = { filters: ConversationFilters; onChange: (filters: ConversationFilters) => void };

export function Filters({ filters, onChange }: Props) {
  const { t } = useI18n();
  return (
    <div className="filters">
      <label className="filters__field">
        <span className="filters__label">{t('filter.assignee')}</span>
        <select
          className="select"
          data-testid="filter-assignee"
          value={filters.assignee}
          onChange={(event) =>
            onChange({ ...filters, assignee: event.target.value as ConversationFilters['assignee'] })
          }
        >
          <option value="mine">{t('assignee.mine')}</option>
          <option value="unassigned">{t('assignee.unassigned')}</option>
          <option value="all">{t('assignee.all')}</option>
        </select>
      </label>
      <label className="filters__field">
        <span className="filters__label">{t('filter.status')}</span>
        <select
          className="select"
          data-testid="filter-status"
          value={filters.status}
          onChange={(event) => onChange({ ...filters, status: event.target.value as ConversationFilters['status'] })}
        >
          {CONVERSATION_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`status.${status}`)}
            </option>
          ))}
          <option value="any">{t('filter.any')}</option>
        </select>
      </label>
      <label className="filters__field">
        <span className="filters__label">{t('filter.priority')}</span>
        <select
          className="select"
          data-testid="filter-priority"
          value={filters.priority}
          onChange={(event) =>
            onChange({ ...filters, priority: event.target.value as ConversationFilters['priority'] })
          }
        >
          <option value="any">{t('filter.any')}</option>
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {t(`priority.${priority}`)}
            </option>
          ))}
        </select>
      </label>
      <HelpdeskFilters filters={filters} onChange={onChange} />
      <SavedViews filters={filters} onApply={onChange} />
      <NotificationBell onOpenConversation={openFromNotification} />
    </div>
  );
}

/** Opens a conversation the way the list does: a new history entry the console's router picks up. */
function openFromNotification(conversationId: string): void {
  history.pushState(null, '', `/conversations/${encodeURIComponent(conversationId)}${location.search}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
