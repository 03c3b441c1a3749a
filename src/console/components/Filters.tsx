import type { ConversationFilters } from '../api/client.ts';
import { useI18n } from '../i18n/locale.tsx';
import { priorityOptions, SelectField, statusOptions } from './fields.tsx';
import { NotificationBell } from './tools/NotificationBell.tsx';
import { HelpdeskFilters } from './views/HelpdeskFilters.tsx';
import { SavedViews } from './views/SavedViews.tsx';

type Props = { filters: ConversationFilters; onChange: (filters: ConversationFilters) => void };

export function Filters({ filters, onChange }: Props) {
  const { t } = useI18n();
  return (
    <div className="filters">
      <SelectField
        look="filters"
        label={t('filter.assignee')}
        testId="filter-assignee"
        value={filters.assignee}
        options={(['mine', 'unassigned', 'all'] as const).map((assignee) => ({
          value: assignee,
          label: t(`assignee.${assignee}`),
        }))}
        onChange={(assignee) => onChange({ ...filters, assignee })}
      />
      <SelectField
        look="filters"
        label={t('filter.status')}
        testId="filter-status"
        value={filters.status}
        options={[...statusOptions(t), { value: 'any', label: t('filter.any') }]}
        onChange={(status) => onChange({ ...filters, status })}
      />
      <SelectField
        look="filters"
        label={t('filter.priority')}
        testId="filter-priority"
        value={filters.priority}
        options={[{ value: 'any', label: t('filter.any') }, ...priorityOptions(t)]}
        onChange={(priority) => onChange({ ...filters, priority })}
      />
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
