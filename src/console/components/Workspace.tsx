import { lazy, Suspense, useCallback, useState } from 'react';
import type { SessionResponse } from '../../contracts/api.ts';
import type { Conversation, ConversationStatus, Priority } from '../../contracts/domain.ts';
import {
  ApiError,
  assignConversation,
  type ConversationFilters,
  errorCodeOf,
  updateConversation,
} from '../api/client.ts';
import { useAgents } from '../hooks/useAgents.ts';
import { useConversation } from '../hooks/useConversation.ts';
import { useConversationList } from '../hooks/useConversationList.ts';
import { beginEdit, endEdit } from '../lib/local-edits.ts';
import { useRoute } from '../lib/route.ts';
import type { ActionError } from './action-error.ts';
import { AdminPages } from './admin/AdminPages.tsx';
import { useAdminPage } from './admin/admin-route.ts';
import { ConversationList } from './ConversationList.tsx';
import { ConversationView } from './ConversationView.tsx';
import { CustomerPanel } from './CustomerPanel.tsx';
import { Filters } from './Filters.tsx';
import { useKbRoute } from './kb/kb-route.ts';
import { canSee, useInsightsPage } from './reports/page-route.ts';
import { ReasonDialog } from './exchange/ReasonDialog.tsx';
import { SearchBox } from './SearchBox.tsx';
import { useI18n } from '../i18n/locale.tsx';

// Its own chunk (the editor, its Markdown preview): most agents open the inbox, not the knowledge base.
const KnowledgeBase = lazy(() => import('./kb/KnowledgeBase.tsx'));
// Their own chunks too (ECharts): supervisors' pages.
const INSIGHTS = {
  reports: lazy(() => import('./reports/Reports.tsx')),
  workforce: lazy(() => import('./workforce/Workforce.tsx')),
  wallboard: lazy(() => import('./wallboard/Wallboard.tsx')),
};

/** The three panes: list (with filters), the open conversation, and the customer's details. */
export function Workspace({ session }: { session: SessionResponse }) {
  const [route, navigate] = useRoute();
  const me = session.agent;
  // The search box's text once typing pauses (SearchBox debounces); not part of the URL or a saved view.
  const [search, setSearch] = useState('');
  const list = useConversationList(route.filters, me.id, search);
  const detail = useConversation(route.conversationId);
  const agents = useAgents();
  const [actionError, setActionError] = useState<ActionError | null>(null);
  // A priority change waits here for its reason; the select keeps showing the current priority until it is saved.
  const [pendingPriority, setPendingPriority] = useState<{ conversation: Conversation; priority: Priority } | null>(
    null,
  );
  const { t } = useI18n();
  const adminPage = useAdminPage();
  const kbRoute = useKbRoute();
  const insightsPage = useInsightsPage();

  // Show the list's snapshot while the conversation itself loads, so the header and details appear at once.
  const conversation = detail.conversation ?? list.items.find((item) => item.id === route.conversationId) ?? null;

  const { upsert } = list;
  const { setConversation } = detail;

  const applyChange = useCallback(
    async (current: Conversation, optimistic: Conversation, request: () => Promise<Conversation | null>) => {
      setActionError(null);
      setConversation(optimistic);
      upsert(optimistic);
      const token = beginEdit(current.id);
      try {
        const saved = await request();
        if (endEdit(current.id, token) && saved) {
          setConversation(saved);
          upsert(saved);
        }
      } catch (error) {
        if (endEdit(current.id, token)) {
          setConversation(current);
          upsert(current);
        }
        setActionError({ code: errorCodeOf(error), message: error instanceof ApiError ? error.message : '' });
      }
    },
    [setConversation, upsert],
  );

  const changeStatus = useCallback(
    (current: Conversation, status: ConversationStatus) =>
      applyChange(current, { ...current, status }, () => updateConversation(current.id, { status })),
    [applyChange],
  );

  const changePriority = useCallback((current: Conversation, priority: Priority) => {
    if (priority !== current.priority) setPendingPriority({ conversation: current, priority });
  }, []);

  const savePriority = useCallback(
    (reason: string) => {
      if (!pendingPriority) return;
      const { conversation: current, priority } = pendingPriority;
      setPendingPriority(null);
      return applyChange(current, { ...current, priority }, () => updateConversation(current.id, { priority, reason }));
    },
    [applyChange, pendingPriority],
  );

  const assign = useCallback(
    (current: Conversation, agentId: string | null) => {
      const name = agentId === me.id ? me.name : (agents.find((agent) => agent.id === agentId)?.name ?? '');
      const assignee = agentId ? { id: agentId, name } : null;
      return applyChange(current, { ...current, assignee }, () => assignConversation(current.id, agentId));
    },
    [applyChange, agents, me.id, me.name],
  );

  function changeFilters(filters: ConversationFilters) {
    navigate({ ...route, filters }, { replace: true });
  }

  function openConversation(conversationId: string | null) {
    setActionError(null);
    navigate({ ...route, conversationId });
  }

  if (adminPage) return <AdminPages page={adminPage} role={me.role} />;
  if (insightsPage && canSee(me, insightsPage)) {
    const Page = INSIGHTS[insightsPage];
    return (
      <Suspense fallback={<div className="splash">{t('list.loading')}</div>}>
        <Page />
      </Suspense>
    );
  }
  if (kbRoute)
    return (
      <Suspense fallback={<div className="splash">{t('list.loading')}</div>}>
        <KnowledgeBase route={kbRoute} session={session} />
      </Suspense>
    );
  return (
    <div className={`workspace${route.conversationId ? ' workspace--open' : ''}`}>
      <aside className="pane pane--list">
        <SearchBox value={search} onSearch={setSearch} />
        <Filters filters={route.filters} onChange={changeFilters} />
        <ConversationList
          list={list}
          selectedId={route.conversationId}
          meId={me.id}
          onSelect={(id) => openConversation(id)}
        />
      </aside>
      <main className="pane pane--conversation">
        <ConversationView
          key={route.conversationId ?? 'none'}
          conversationId={route.conversationId}
          conversation={conversation}
          detail={detail}
          me={me}
          agents={agents}
          actionError={actionError}
          onDismissError={() => setActionError(null)}
          onStatus={changeStatus}
          onPriority={changePriority}
          onAssign={assign}
          onClose={() => openConversation(null)}
        />
      </main>
      <aside className="pane pane--details">
        <CustomerPanel conversation={conversation} />
      </aside>
      {pendingPriority && (
        <ReasonDialog
          testId="priority-dialog"
          title={t('priority.reasonTitle', { priority: pendingPriority.priority })}
          hint={t('priority.reasonHint')}
          busy={false}
          error={null}
          onConfirm={savePriority}
          onCancel={() => setPendingPriority(null)}
        />
      )}
    </div>
  );
}
