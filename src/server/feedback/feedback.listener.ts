import type { DomainEvent } from '../events/domain-events.ts';
import {
  announceOverdueFollowUp,
  CSAT_SEND_JOB,
  cancelCsatRequest,
  createFollowUp,
  FOLLOW_UP_CREATE_JOB,
  FOLLOW_UP_DUE_JOB,
  type FeedbackDeps,
  openBotComplaint,
  planComplaintFollowUp,
  planCsatRequest,
  sendCsatRequest,
} from './feedback.service.ts';

const REOPENED = new Set(['open', 'pending', 'snoozed']);

/**
 * Feedback follows conversations through domain events: a resolution plans the rating request (and a complaint's
 * follow-up), a reopening cancels a request not yet sent, the bot's complaint hand-off files a complaint. The sends
 * run on the job queue, so they survive restarts and run once across nodes.
 */
export async function startFeedback(deps: FeedbackDeps): Promise<{ close(): void }> {
  await deps.jobs.handle<{ orgId: string; conversationId: string }>(CSAT_SEND_JOB, ({ orgId, conversationId }) =>
    sendCsatRequest(deps, orgId, conversationId),
  );
  await deps.jobs.handle<{ orgId: string; conversationId: string; resolvedAt: string; dueAt: string }>(
    FOLLOW_UP_CREATE_JOB,
    (payload) => createFollowUp(deps, payload),
  );
  await deps.jobs.handle<{ orgId: string; followUpId: string }>(FOLLOW_UP_DUE_JOB, ({ orgId, followUpId }) =>
    announceOverdueFollowUp(deps, orgId, followUpId),
  );

  // One conversation's events are handled in order: a resolve and a quick reopen must not cross.
  const chains = new Map<string, Promise<void>>();
  const enqueue = (conversationId: string, work: () => Promise<void>) => {
    const next = (chains.get(conversationId) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => deps.log.error({ err: error, conversationId }, 'feedback update failed'))
      .finally(() => {
        if (chains.get(conversationId) === next) chains.delete(conversationId);
      });
    chains.set(conversationId, next);
  };

  const onEvent = (event: DomainEvent) => {
    if (event.type !== 'conversation.updated') return;
    const { orgId, conversation, changes } = event;
    if (changes.includes('handoff') && conversation.handoffReason === 'complaint') {
      enqueue(conversation.id, () => openBotComplaint(deps, orgId, conversation.id));
    }
    if (!changes.includes('status')) return;
    if (conversation.status === 'resolved') {
      // The moment of resolution is read now, when it is published, not when the queued work gets to it.
      const resolvedAt = deps.clock.now();
      enqueue(conversation.id, async () => {
        await planCsatRequest(deps, orgId, conversation.id, resolvedAt);
        await planComplaintFollowUp(deps, orgId, conversation, resolvedAt);
      });
    } else if (REOPENED.has(conversation.status)) {
      enqueue(conversation.id, () => cancelCsatRequest(deps, orgId, conversation.id));
    }
  };
  const unsubscribe = deps.events.subscribe(onEvent);
  return { close: unsubscribe };
}
