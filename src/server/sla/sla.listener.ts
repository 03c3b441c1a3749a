import type { DomainEvent } from '../events/domain-events.ts';
import { selectInbox } from '../orgs/orgs.queries.ts';
import { selectOverdueSlas } from './sla.queries.ts';
import { advanceSla, SLA_CHECK_JOB, type SlaDeps, startSla } from './sla.service.ts';
import { pauseTimers, recordAgentReply, recordCustomerMessage, resumeTimers } from './sla-timers.ts';

const SWEEP_JOB = 'sla-sweep';
const PAUSED_STATUSES = new Set(['pending', 'snoozed', 'resolved', 'closed']);
/** Changes that move the targets or the calendar: priority and team. */
const RETARGETING_CHANGES = new Set(['priority', 'team', 'teamId', 'escalation']);

/**
 * The SLA clocks follow the conversation through domain events, and fire through the job queue: one check job per
 * conversation at its next warning or breach, plus a slow sweep for anything a lost job missed. Events of one
 * conversation are handled one after another, in the order they were published.
 */
export async function startSlaClocks(deps: SlaDeps, options: { sweepSeconds?: number } = {}): Promise<() => void> {
  await deps.jobs.handle<{ orgId: string; conversationId: string }>(SLA_CHECK_JOB, ({ orgId, conversationId }) =>
    advanceSla(deps, orgId, conversationId, (t) => t),
  );
  await deps.jobs.every(SWEEP_JOB, options.sweepSeconds ?? 60, async () => {
    for (const row of await selectOverdueSlas(deps.db, deps.clock.now(), 100)) {
      await advanceSla(deps, row.org_id, row.conversation_id, (t) => t);
    }
  });

  const chains = new Map<string, Promise<void>>();
  const enqueue = (conversationId: string, work: () => Promise<void>) => {
    const next = (chains.get(conversationId) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => deps.log.error({ err: error, conversationId }, 'SLA update failed'))
      .finally(() => {
        if (chains.get(conversationId) === next) chains.delete(conversationId);
      });
    chains.set(conversationId, next);
  };

  const onEvent = (event: DomainEvent) => {
    switch (event.type) {
      case 'conversation.created': {
        const { orgId, conversation } = event;
        enqueue(conversation.id, async () => {
          // While the bot answers, nobody is late: the clocks start at the hand-off.
          const inbox = await selectInbox(deps.db, orgId, conversation.inboxId);
          if ((inbox?.settings.bot as { enabled?: boolean } | undefined)?.enabled === true) return;
          await startSla(deps, orgId, conversation.id);
        });
        return;
      }
      case 'conversation.updated': {
        const { orgId, conversation, changes } = event;
        if (changes.includes('handoff')) enqueue(conversation.id, () => startSla(deps, orgId, conversation.id));
        if (changes.includes('status')) {
          const paused = PAUSED_STATUSES.has(conversation.status);
          enqueue(conversation.id, () =>
            advanceSla(deps, orgId, conversation.id, (t, calendar, now) =>
              paused ? pauseTimers(t, now) : resumeTimers(t, calendar, now),
            ),
          );
        } else if (!changes.includes('sla') && changes.some((c) => RETARGETING_CHANGES.has(c))) {
          // ('sla' in the changes: published by the clocks themselves, already recomputed.)
          enqueue(conversation.id, () => advanceSla(deps, orgId, conversation.id, (t) => t));
        }
        return;
      }
      case 'message.created': {
        const { orgId, conversationId, message } = event;
        if (message.authorKind === 'customer') {
          enqueue(conversationId, () =>
            advanceSla(deps, orgId, conversationId, (t, calendar, now) => recordCustomerMessage(t, calendar, now)),
          );
        } else if (message.authorKind === 'agent' && !message.private) {
          enqueue(conversationId, () =>
            advanceSla(deps, orgId, conversationId, (t, _c, now) => recordAgentReply(t, now)),
          );
        }
        return;
      }
      default:
        return;
    }
  };
  return deps.events.subscribe(onEvent);
}
