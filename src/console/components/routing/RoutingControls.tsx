import { useCallback, useEffect, useState } from 'react';
import type { AgentRouting, AgentStatus } from '../../../contracts/routing.ts';
import { errorCodeOf } from '../../api/client.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { useRealtimeEvent } from '../../realtime/context.tsx';
import { fetchMyRouting, setMyStatus, takeNext } from './routing-api.ts';
import { routingStrings } from './strings.ts';

type Props = { agentId: string };

/** Opens a conversation the way the back button would, so the workspace's router picks it up. */
function openConversation(conversationId: string): void {
  history.pushState(null, '', `/conversations/${encodeURIComponent(conversationId)}${location.search}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The agent's routing switch in the header: status, load against capacity, and "take next". */
export function RoutingControls({ agentId }: Props) {
  const { locale } = useI18n();
  const s = routingStrings(locale);
  const [me, setMe] = useState<AgentRouting | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(() => {
    fetchMyRouting()
      .then(setMe)
      .catch(() => {});
  }, []);
  useEffect(refresh, [refresh]);
  // Assignments (ours or routing's) change the load: re-read it when one of our conversations changes hands.
  useRealtimeEvent((event) => {
    if (event.type === 'conversation.updated' && event.conversation.assignee?.id === agentId) refresh();
  });

  async function changeStatus(status: AgentStatus) {
    setBusy(true);
    try {
      setMe(await setMyStatus(agentId, status));
    } finally {
      setBusy(false);
    }
  }

  async function handleTakeNext() {
    setBusy(true);
    setNotice(null);
    try {
      const conversation = await takeNext();
      if (conversation) openConversation(conversation.id);
      else setNotice(s.nothingWaiting);
    } catch (error) {
      setNotice(errorCodeOf(error) === 'agent_at_capacity' ? s.atCapacity : String(errorCodeOf(error)));
    } finally {
      setBusy(false);
      refresh();
    }
  }

  if (!me) return null;
  return (
    <span className="routing-controls" data-testid="routing-controls">
      <label className="filters__field">
        <span className="sr-only">{s.status}</span>
        <select
          className={`select routing-status routing-status--${me.status}`}
          data-testid="routing-status"
          value={me.status}
          disabled={busy}
          onChange={(event) => void changeStatus(event.target.value as AgentStatus)}
        >
          <option value="online">{s.online}</option>
          <option value="away">{s.away}</option>
          <option value="offline">{s.offline}</option>
        </select>
      </label>
      <span className="routing-load" data-testid="routing-load" title={s.load}>
        {me.load}/{me.capacity}
      </span>
      <button
        type="button"
        className="button button--small"
        data-testid="take-next"
        disabled={busy}
        onClick={() => void handleTakeNext()}
      >
        {s.takeNext}
      </button>
      {notice && (
        <span className="routing-notice" role="status">
          {notice}
        </span>
      )}
    </span>
  );
}
