import { answerCustomerMessage, type BotDeps } from './bot.service.ts';
import { getBuiltinIntentModel } from './model-store.ts';
import type { JobQueue } from '../jobs/jobs.types.ts';
import { isInboxBotEnabled } from '../orgs/orgs.service.ts';
import { mayBeFreezeStep } from '../self-service/emergency-freeze.ts';
import { sweepWithdrawalWatches } from '../self-service/withdrawal-watch.ts';

export const WITHDRAWAL_WATCH_JOB = 'self-service.withdrawal-watch';

/**
 * Subscribes the bot to customer messages. Turns of one conversation run one after another (a customer who sends
 * three lines quickly gets answers in order); different conversations run independently.
 */
export type BotHandle = {
  close(): void;
  ready(): Promise<void>;
  /** Resolves when the bot has finished every turn it has started in this conversation. */
  settled(conversationId: string): Promise<void>;
};

export function startBot(deps: BotDeps & { jobs?: JobQueue }): BotHandle {
  const turns = new Map<string, Promise<void>>();
  const unsubscribe = deps.events.subscribe((event) => {
    if (event.type !== 'message.created' || event.message.authorKind !== 'customer') return;
    const previous = turns.get(event.conversationId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        // Most messages in a busy org go to conversations the bot is not part of: skip them without a query.
        const platformMatter = event.message.meta.redactions || mayBeFreezeStep(event.message.body, event.message.meta);
        if (!platformMatter && !(await isInboxBotEnabled({ db: deps.db, org: { id: event.orgId } }, event.inboxId)))
          return;
        await answerCustomerMessage(deps, event);
      })
      .catch((error: unknown) =>
        deps.log.error({ err: error, conversationId: event.conversationId }, 'bot turn failed'),
      )
      .finally(() => {
        if (turns.get(event.conversationId) === next) turns.delete(event.conversationId);
      });
    turns.set(event.conversationId, next);
  });
  // Withdrawal updates are pushed to customers who asked; one pass a minute, on one node, is plenty for review states.
  const sources = deps.sources;
  if (sources && deps.jobs) {
    deps.jobs
      .every(WITHDRAWAL_WATCH_JOB, 60, async () => {
        await sweepWithdrawalWatches({ ...deps, sources });
      })
      .catch((error: unknown) => deps.log.error({ err: error }, 'could not schedule the withdrawal watch'));
  }
  return {
    close: unsubscribe,
    /** Loads the model ahead of the first customer, so nobody waits for training. */
    async ready() {
      await getBuiltinIntentModel(deps.db);
    },
    async settled(conversationId) {
      // A turn may queue behind another: wait until no turn is left for this conversation.
      for (let turn = turns.get(conversationId); turn; turn = turns.get(conversationId)) await turn;
    },
  };
}
