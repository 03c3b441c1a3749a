import type { Logger } from 'pino';
import { type Clock, systemClock } from '../clock.ts';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import type { DomainEventOf } from '../events/domain-events.ts';
import type { JobQueue } from '../jobs/jobs.types.ts';
import { notifyMentions } from '../notifications/notifications.service.ts';
import { publishConversationUpdated } from './conversations.service.ts';
import { copyBotReadingToConversation, setConversationIntent } from './conversations.tools.queries.ts';
import { wakeAllSnoozedConversations } from './conversations.tools.service.ts';

type Deps = { db: Db; log: Logger; events: EventBus };

/**
 * The agent tools' side effects, as listeners on domain events: mentions in internal notes notify the agents named,
 * and the bot's reading of the customer (intent, language) is copied onto the conversation for the list filters.
 */
export function startAgentTools(deps: Deps): { close(): void } {
  const systemCtx = (orgId: string): Ctx => ({ ...deps, org: { id: orgId }, actor: { kind: 'system' } });
  const unsubscribe = deps.events.subscribe(async (event) => {
    if (event.type !== 'message.created') return;
    const ctx = systemCtx(event.orgId);
    try {
      if (event.message.private && event.message.authorKind === 'agent') await notifyMentions(ctx, event);
      if (event.message.authorKind === 'bot') await copyBotReading(ctx, event);
    } catch (error) {
      deps.log.error({ err: error, conversationId: event.conversationId }, 'agent tools listener failed');
    }
  });
  return { close: unsubscribe };
}

/**
 * The bot writes its reading into the customer message's meta before it replies; its reply (meta.bot.inReplyTo) or
 * its hand-off note (meta.handoff.intent, the flow's intent) is our cue to copy it — one row by primary key, no scan.
 */
async function copyBotReading(ctx: Ctx, event: DomainEventOf<'message.created'>): Promise<void> {
  const meta = event.message.meta as { bot?: { inReplyTo?: string }; handoff?: { intent?: string } };
  let changed = false;
  if (typeof meta.bot?.inReplyTo === 'string') {
    changed = await copyBotReadingToConversation(ctx.db, ctx.org.id, event.conversationId, meta.bot.inReplyTo);
  }
  if (typeof meta.handoff?.intent === 'string') {
    changed = (await setConversationIntent(ctx.db, ctx.org.id, event.conversationId, meta.handoff.intent)) || changed;
  }
  if (changed) await publishConversationUpdated(ctx, event.conversationId, ['lastIntent', 'lastLanguage']);
}

export const WAKE_SNOOZED_JOB = 'conversations.wake-snoozed';

/** Wakes due snoozes every `seconds` on one node, once the job queue (src/server/jobs/) is started by the app. */
export async function scheduleSnoozeWakeups(
  jobs: JobQueue,
  deps: Deps,
  options: { clock?: Clock; seconds?: number } = {},
): Promise<void> {
  const clock = options.clock ?? systemClock;
  await jobs.every(WAKE_SNOOZED_JOB, options.seconds ?? 15, async () => {
    const woken = await wakeAllSnoozedConversations(deps, clock.now());
    if (woken > 0) deps.log.info({ woken }, 'woke snoozed conversations');
  });
}
