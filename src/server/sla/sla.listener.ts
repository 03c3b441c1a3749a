import type { DomainEvent } from '../events/domain-events.ts';
import { isInboxBotEnabled } from '../orgs/orgs.service.ts';
import { selectOverdueSlas } from './sla.queries.ts';
import { advanceSla, SLA_CHECK_JOB, type SlaDeps, startSla } from './sla.service.ts';
import { pauseTimers, recordAgentReply, recordCustomerMessage, resumeTimers } from './sla-timers.ts';

const SWEEP_JOB = 'sla-sweep';
/** How long a "nothing to do" verdict for customer messages is trusted without any other event. */
const QUIET_TTL_MS = 60_000;
const PAUSED_STATUSES = new Set(['pending', 'snoozed', 'resolved', 'closed']);
/** Changes that move the targets or the calendar: priority and team. */
const RETARGETING_CHANGES = new Set(['priority', 'team', 'teamId', 'escalation']);

/**
 * The SLA clocks follow the conversation through domain events, and fire through the job queue: one check job per
 * conversation at its next warning or breach, plus a slow sweep for anything a lost job missed. Events of one
 * conversation are handled one after another, in the order they were published.
 */
export async function startSlaClocks(deps: SlaDeps, options: { sweepSeconds?: number } = {}): Promise<() => void> {
  await deps.jobs.handle<{ orgId: string; conversationId: string }>(
    SLA_CHECK_JOB,
    async ({ orgId, conversationId }) => {
      await advanceSla(deps, orgId, conversationId, (t) => t);
    },
  );
  await deps.jobs.every(SWEEP_JOB, options.sweepSeconds ?? 60, async () => {
    for (const row of await selectOverdueSlas(deps.db, deps.clock.now(), 100)) {
      await advanceSla(deps, row.org_id, row.conversation_id, (t) => t);
    }
  });

  const chains = new Map<string, Promise<void>>();
  /**
   * Conversations whose next customer message is known to change no clock, until the mark expires. A mark only stands
   * if nothing else happened to the conversation while its verdict was being worked out (the `moves` counter).
   */
  const quiet = createQuietMarks(QUIET_TTL_MS);
  /**
   * Conversations known to have no clocks (the bot is answering: they start at the hand-off). Without this mark every
   * message of such a conversation read its SLA row only to find none — a fifth of all statements under a surge.
   * Only a start (conversation.created, a hand-off) clears it, on any node.
   */
  const noClocks = createQuietMarks(QUIET_TTL_MS);
  const enqueue = (conversationId: string, work: () => Promise<unknown>) => {
    const next = (chains.get(conversationId) ?? Promise.resolve())
      .then(async () => {
        await work();
      })
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
          if (await isInboxBotEnabled({ db: deps.db, org: { id: orgId } }, conversation.inboxId)) return;
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
        if (noClocks.isQuiet(conversationId)) return;
        const clockMoves = noClocks.moves(conversationId);
        const markIfNoClocks = (outcome: Awaited<ReturnType<typeof advanceSla>>) => {
          if (outcome === 'no_clocks') noClocks.markIfStill(conversationId, clockMoves);
        };
        if (message.authorKind === 'customer') {
          // A customer writing again while already waiting changes no clock: once seen, skip until something moves.
          if (quiet.isQuiet(conversationId)) return;
          const seen = quiet.moves(conversationId);
          enqueue(conversationId, async () => {
            const outcome = await advanceSla(deps, orgId, conversationId, (t, calendar, now) =>
              recordCustomerMessage(t, calendar, now),
            );
            if (outcome !== 'changed') quiet.markIfStill(conversationId, seen);
            markIfNoClocks(outcome);
          });
        } else if (message.authorKind === 'agent' && !message.private) {
          enqueue(conversationId, async () =>
            markIfNoClocks(await advanceSla(deps, orgId, conversationId, (t, _c, now) => recordAgentReply(t, now))),
          );
        }
        return;
      }
      default:
        return;
    }
  };
  // Anything but another customer message may start or stop a clock: forget the "quiet" mark. Cluster scope, so an
  // agent's reply on another node is heard here too.
  const forgetQuiet = (event: DomainEvent) => {
    if (event.type === 'message.created' && event.message.authorKind !== 'customer') quiet.moved(event.conversationId);
    if (event.type === 'conversation.updated' && !(event.changes.length === 1 && event.changes[0] === 'sla')) {
      quiet.moved(event.conversation.id);
    }
    if (event.type === 'conversation.created') noClocks.moved(event.conversation.id);
    if (event.type === 'conversation.updated' && event.changes.includes('handoff'))
      noClocks.moved(event.conversation.id);
  };
  const stopForgetting = deps.events.subscribe(forgetQuiet, { scope: 'cluster' });
  const stopListening = deps.events.subscribe(onEvent);
  return () => {
    stopListening();
    stopForgetting();
  };
}

/** The "nothing to do for customer messages" marks, with a move counter so a late verdict cannot undo a change. */
function createQuietMarks(ttlMs: number) {
  const until = new Map<string, number>();
  const moveCount = new Map<string, number>();
  // Pruning forgets the counters; the generation makes every verdict taken before it void.
  let generation = 0;
  const prune = () => {
    if (until.size + moveCount.size < 20_000) return;
    until.clear();
    moveCount.clear();
    generation++;
  };
  return {
    isQuiet: (id: string) => (until.get(id) ?? 0) > Date.now(),
    moves: (id: string) => `${generation}:${moveCount.get(id) ?? 0}`,
    moved(id: string) {
      until.delete(id);
      moveCount.set(id, (moveCount.get(id) ?? 0) + 1);
      prune();
    },
    markIfStill(id: string, seenMoves: string) {
      if (`${generation}:${moveCount.get(id) ?? 0}` !== seenMoves) return;
      until.set(id, Date.now() + ttlMs);
      prune();
    },
  };
}
