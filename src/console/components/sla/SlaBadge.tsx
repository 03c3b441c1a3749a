import type { Conversation } from '../../../contracts/domain.ts';
import type { SlaMetric } from '../../../contracts/sla.ts';
import { useNow } from '../../hooks/useNow.ts';
import { useI18n } from '../../i18n/locale.tsx';

type Lang = 'zh' | 'en';
const TEXT: Record<Lang, Record<SlaMetric | 'paused' | 'overdue', string>> = {
  en: {
    firstResponse: 'First reply',
    nextResponse: 'Reply',
    resolution: 'Resolve',
    paused: 'SLA paused',
    overdue: 'overdue',
  },
  zh: { firstResponse: '首次响应', nextResponse: '回复', resolution: '解决', paused: 'SLA 已暂停', overdue: '已超时' },
};

/** The target that falls due first; a breached one first of all, since it is the one to act on. */
function nearest(sla: NonNullable<Conversation['sla']>): { metric: SlaMetric; dueAt: number } | null {
  const due: [SlaMetric, string | null][] = [
    ['firstResponse', sla.firstResponseDueAt],
    ['nextResponse', sla.nextResponseDueAt],
    ['resolution', sla.resolutionDueAt],
  ];
  const running = due
    .filter((entry): entry is [SlaMetric, string] => entry[1] !== null)
    .map(([metric, at]) => ({ metric, dueAt: Date.parse(at) }))
    .sort((a, b) => a.dueAt - b.dueAt);
  return running[0] ?? null;
}

function formatLeft(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const seconds = Math.floor((Math.abs(ms) % 60_000) / 1000);
  if (minutes >= 120) return `${Math.floor(minutes / 60)}h`;
  if (minutes >= 60) return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/**
 * Time left on the SLA target due first, recomputed every second from the due timestamps the server sent (a
 * conversation.updated event replaces them). Amber once warned, red once breached or overdue.
 */
export function SlaBadge({ conversation }: { conversation: Conversation }) {
  const { locale } = useI18n();
  const now = useNow(1000);
  const sla = conversation.sla;
  if (!sla || conversation.status === 'resolved' || conversation.status === 'closed') return null;
  const text = TEXT[locale.startsWith('zh') ? 'zh' : 'en'];
  if (sla.paused) {
    return (
      <span className="badge badge--sla badge--sla-paused" data-sla="paused">
        {text.paused}
      </span>
    );
  }
  const next = nearest(sla);
  if (!next) return null;
  const left = next.dueAt - now;
  const state =
    left <= 0 || sla.breached.includes(next.metric) ? 'breached' : sla.warned.includes(next.metric) ? 'warned' : 'ok';
  return (
    <span
      className={`badge badge--sla badge--sla-${state}`}
      data-sla={state}
      title={`${text[next.metric]} · ${new Date(next.dueAt).toLocaleString()}`}
    >
      <time dateTime={new Date(next.dueAt).toISOString()}>
        {text[next.metric]} {left <= 0 ? `${text.overdue} ${formatLeft(left)}` : formatLeft(left)}
      </time>
    </span>
  );
}
