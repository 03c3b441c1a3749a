import { loadSeedFaq } from '../kb/faq.ts';
import { buildKbIndex, type KbIndex } from '../kb/search.ts';
import { answerCustomerMessage, type BotDeps } from './bot.service.ts';
import { getBuiltinIntentModel } from './model-store.ts';

/**
 * Subscribes the bot to customer messages. Turns of one conversation run one after another (a customer who sends
 * three lines quickly gets answers in order); different conversations run independently.
 */
export function startBot(deps: Omit<BotDeps, 'kb'>): { close(): void; ready(): Promise<void> } {
  let kbIndex: KbIndex | undefined;
  const kb = () => {
    kbIndex ??= buildKbIndex(loadSeedFaq());
    return kbIndex;
  };
  const turns = new Map<string, Promise<void>>();
  const unsubscribe = deps.events.subscribe((event) => {
    if (event.type !== 'message.created' || event.message.authorKind !== 'customer') return;
    const previous = turns.get(event.conversationId) ?? Promise.resolve();
    const next = previous
      .then(() => answerCustomerMessage({ ...deps, kb }, event))
      .catch((error: unknown) =>
        deps.log.error({ err: error, conversationId: event.conversationId }, 'bot turn failed'),
      )
      .finally(() => {
        if (turns.get(event.conversationId) === next) turns.delete(event.conversationId);
      });
    turns.set(event.conversationId, next);
  });
  return {
    close: unsubscribe,
    /** Loads the model and the knowledge base ahead of the first customer, so nobody waits for training. */
    async ready() {
      await getBuiltinIntentModel(deps.db);
      kb();
    },
  };
}
