import type { ConversationStatus, Priority } from '../../contracts/domain.ts';
import { useI18n } from '../i18n/locale.tsx';

/** Normal priority is the default state and gets no badge: the list stays quiet unless something needs attention. */
export function PriorityBadge({ priority, always = false }: { priority: Priority; always?: boolean }) {
  const { t } = useI18n();
  if (priority === 'normal' && !always) return null;
  return (
    <span className={`badge badge--priority-${priority}`} data-priority={priority}>
      {t(`priority.${priority}`)}
    </span>
  );
}

export function StatusBadge({ status }: { status: ConversationStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge--status badge--status-${status}`} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}
