import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Agent, Conversation, ConversationStatus, Priority } from '../../contracts/domain.ts';
import type { AgentOption } from '../hooks/useAgents.ts';
import type { useConversation } from '../hooks/useConversation.ts';
import { describeError, useI18n } from '../i18n/locale.tsx';
import { useRealtime } from '../realtime/context.tsx';
import { contactNameOf } from './ConversationList.tsx';
import { Composer } from './Composer.tsx';
import { CollisionWarning } from './tools/CollisionWarning.tsx';
import { ChatIcon } from './icons.tsx';
import { MessageItem, PendingMessageItem } from './MessageItem.tsx';
import { SlaBadge } from './sla/SlaBadge.tsx';
import { ConversationFeedback } from './feedback/ConversationFeedback.tsx';
import { MergeControl, MergedNotice } from './views/MergeControl.tsx';
import type { ActionError } from './action-error.ts';
import { Field, priorityOptions, SelectField, statusOptions } from './fields.tsx';
import { KbSuggestions } from './kb/KbSuggestions.tsx';
import { CallsPanel } from './calls/CallsPanel.tsx';
import { ChannelBadge } from './contacts/ChannelBadge.tsx';
import { ReplyChannelPicker } from './contacts/ReplyChannelPicker.tsx';

type Props = {
  conversationId: string | null;
  conversation: Conversation | null;
  detail: ReturnType<typeof useConversation>;
  me: Agent;
  agents: AgentOption[];
  actionError: ActionError | null;
  onDismissError: () => void;
  onStatus: (conversation: Conversation, status: ConversationStatus) => void;
  onPriority: (conversation: Conversation, priority: Priority) => void;
  onAssign: (conversation: Conversation, agentId: string | null) => void;
  onClose: () => void;
};

const TYPING_REPEAT_MS = 3_000;
const TYPING_IDLE_MS = 4_000;
const STICK_THRESHOLD_PX = 80;

/** Sends `typing` at most every few seconds while the agent types, and `false` once they stop. */
function useTypingNotifier(conversationId: string | null) {
  const realtime = useRealtime();
  const lastSentRef = useRef(0);
  const idleTimerRef = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const activeRef = useRef(false);

  const notify = useCallback(
    (typing: boolean) => {
      if (!conversationId) return;
      clearTimeout(idleTimerRef.current);
      if (!typing) {
        if (activeRef.current) realtime.send({ type: 'typing', conversationId, typing: false });
        activeRef.current = false;
        lastSentRef.current = 0;
        return;
      }
      const now = Date.now();
      if (!activeRef.current || now - lastSentRef.current > TYPING_REPEAT_MS) {
        if (realtime.send({ type: 'typing', conversationId, typing: true })) {
          activeRef.current = true;
          lastSentRef.current = now;
        }
      }
      idleTimerRef.current = setTimeout(() => notify(false), TYPING_IDLE_MS);
    },
    [conversationId, realtime],
  );

  useEffect(() => () => notify(false), [notify]);
  return notify;
}

function dayKey(iso: string): string {
  return new Date(iso).toDateString();
}

export function ConversationView(props: Props) {
  const { conversationId, conversation, detail, me, agents, actionError } = props;
  const { t, locale } = useI18n();
  const notifyTyping = useTypingNotifier(conversationId);
  const scrollerRef = useRef<HTMLDivElement>(null);
  const stickToBottomRef = useRef(true);
  const olderAnchorRef = useRef<{ height: number; top: number } | null>(null);
  // Text a suggested article puts in the reply box (a new object each time, so the same text can go in twice).
  const [insertion, setInsertion] = useState<{ text: string } | null>(null);

  const lastSeq = detail.messages.length > 0 ? detail.messages[detail.messages.length - 1].seq : 0;
  const firstSeq = detail.messages[0]?.seq ?? 0;

  // Keep the newest message in view as messages arrive, unless the agent has scrolled up to read history;
  // after loading older messages, keep the viewport on what the agent was reading.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the message set or typing line changes.
  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const anchor = olderAnchorRef.current;
    if (anchor) {
      scroller.scrollTop = anchor.top + (scroller.scrollHeight - anchor.height);
      olderAnchorRef.current = null;
      return;
    }
    if (stickToBottomRef.current) scroller.scrollTop = scroller.scrollHeight;
  }, [lastSeq, firstSeq, detail.pending.length, detail.customerTyping, detail.status]);

  function handleScroll() {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    stickToBottomRef.current = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < STICK_THRESHOLD_PX;
  }

  function loadOlder() {
    const scroller = scrollerRef.current;
    if (scroller) olderAnchorRef.current = { height: scroller.scrollHeight, top: scroller.scrollTop };
    void detail.loadOlder();
  }

  const send = useCallback(
    (body: string, isPrivate: boolean) => {
      // Sending always brings the agent back to the newest message.
      stickToBottomRef.current = true;
      return detail.send(body, isPrivate);
    },
    [detail.send],
  );

  if (!conversationId) {
    return (
      <div className="empty">
        <ChatIcon size={40} className="empty__icon" />
        <div className="empty__title">{t('view.empty')}</div>
        <div className="empty__hint">{t('view.emptyHint')}</div>
      </div>
    );
  }

  if (detail.status === 'error' && !detail.conversation) {
    return (
      <div className="empty" data-testid="conversation-view" data-state="error">
        <div className="empty__title">{describeError(t, detail.errorCode ?? 'unknown')}</div>
        <button type="button" className="button button--small" onClick={props.onClose}>
          {t('view.back')}
        </button>
      </div>
    );
  }

  const contactName = conversation ? contactNameOf(conversation, t) : '';
  const assigneeInList = !conversation?.assignee || agents.some((agent) => agent.id === conversation.assignee?.id);
  const meInList = agents.some((agent) => agent.id === me.id);

  return (
    <section
      className="conversation"
      data-testid="conversation-view"
      data-conversation-id={conversationId}
      data-state={detail.status}
    >
      <header className="conversation__header">
        <div className="conversation__title">
          <button
            type="button"
            className="conversation__back button button--ghost button--small"
            onClick={props.onClose}
          >
            ←<span className="visually-hidden">{t('view.back')}</span>
          </button>
          <div className="conversation__title-text">
            <h2>
              {conversation && <span className="conversation__number">#{conversation.number}</span>}
              <span className="conversation__name">{contactName}</span>
            </h2>
            {conversation?.contact.email && <div className="conversation__sub">{conversation.contact.email}</div>}
            {conversation && <ChannelBadge channel={conversation.channel} />}
            {conversation && <SlaBadge conversation={conversation} />}
            {conversation && <ConversationFeedback conversation={conversation} />}
          </div>
          {conversationId && <CollisionWarning conversationId={conversationId} meId={me.id} />}
        </div>
        {conversation && (
          <div className="conversation__controls">
            <SelectField
              look="control"
              label={t('ctl.status')}
              className={`select select--status-${conversation.status}`}
              testId="status-select"
              value={conversation.status}
              options={statusOptions(t)}
              onChange={(status) => props.onStatus(conversation, status)}
            />
            <SelectField
              look="control"
              label={t('ctl.priority')}
              className={`select select--priority-${conversation.priority}`}
              testId="priority-select"
              value={conversation.priority}
              options={priorityOptions(t)}
              onChange={(priority) => props.onPriority(conversation, priority)}
            />
            <Field look="control" label={t('ctl.assignee')}>
              <select
                className="select select--assignee"
                data-testid="assign-select"
                value={conversation.assignee?.id ?? ''}
                onChange={(event) => props.onAssign(conversation, event.target.value || null)}
              >
                <option value="">{t('ctl.unassigned')}</option>
                {!meInList && <option value={me.id}>{me.name}</option>}
                {!assigneeInList && conversation.assignee && (
                  <option value={conversation.assignee.id}>{conversation.assignee.name}</option>
                )}
                {agents.map((agent) => (
                  <option key={agent.id} value={agent.id}>
                    {agent.online ? '● ' : '○ '}
                    {agent.name}
                    {agent.id === me.id ? ` (${t('author.you')})` : ''}
                  </option>
                ))}
              </select>
            </Field>
            <button
              type="button"
              className="button button--small"
              data-testid="assign-me"
              onClick={() => {
                if (conversation.assignee?.id !== me.id) props.onAssign(conversation, me.id);
              }}
              aria-pressed={conversation.assignee?.id === me.id}
            >
              {t('ctl.assignMe')}
            </button>
            <MergeControl conversation={conversation} />
          </div>
        )}
      </header>

      {conversation && <MergedNotice conversation={conversation} />}
      {actionError && (
        <div className="alert alert--error alert--bar" role="alert" data-testid="action-error">
          <span>{describeError(t, actionError.code, actionError.message)}</span>
          <button type="button" className="button button--link" onClick={props.onDismissError} aria-label="×">
            ×
          </button>
        </div>
      )}

      <div className="conversation__messages" ref={scrollerRef} onScroll={handleScroll}>
        {detail.status === 'loading' && detail.messages.length === 0 && (
          <div className="conversation__state">{t('view.loading')}</div>
        )}
        {firstSeq > 1 && (
          <div className="conversation__older">
            <button type="button" className="button button--small" onClick={loadOlder} disabled={detail.loadingOlder}>
              {detail.loadingOlder ? t('list.loading') : t('view.loadOlder')}
            </button>
          </div>
        )}
        {detail.status === 'ready' && detail.messages.length === 0 && detail.pending.length === 0 && (
          <div className="conversation__state">{t('view.noMessages')}</div>
        )}
        {detail.messages.map((message, index) => {
          const previous = detail.messages[index - 1];
          const newDay = !previous || dayKey(previous.createdAt) !== dayKey(message.createdAt);
          return (
            <Fragment key={message.seq}>
              {newDay && (
                <div className="day-divider">
                  <span>
                    {new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(message.createdAt))}
                  </span>
                </div>
              )}
              <MessageItem message={message} me={me} contactName={contactName} />
            </Fragment>
          );
        })}
        {detail.pending.map((item) => (
          <PendingMessageItem
            key={item.clientId}
            item={item}
            me={me}
            onRetry={(pending) => void detail.retry(pending)}
            onDiscard={detail.discard}
          />
        ))}
      </div>

      <div className="conversation__typing" data-testid="typing-indicator" aria-live="polite">
        {detail.customerTyping !== null && (
          <>
            <span className="typing-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {t('view.typing', { name: detail.customerTyping || contactName || t('author.customer') })}
          </>
        )}
      </div>

      {conversation && <CallsPanel key={conversation.id} conversation={conversation} />}
      <KbSuggestions conversationId={conversationId} onInsert={(text) => setInsertion({ text })} />
      <ReplyChannelPicker conversation={conversation} />
      <Composer
        insertion={insertion}
        disabled={detail.status !== 'ready'}
        onSend={send}
        onTyping={notifyTyping}
        conversation={conversation}
        agentName={me.name}
        agents={agents.filter((a) => a.id !== me.id)}
      />
    </section>
  );
}
