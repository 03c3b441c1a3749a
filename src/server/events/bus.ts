import type { Logger } from 'pino';
import type { DomainEvent } from './domain-events.ts';

export type DomainEventHandler = (event: DomainEvent) => void | Promise<void>;

/**
 * The one interface between publishers and listeners. In-process today; a Redis-backed bus that fans events out
 * across app nodes implements the same two methods.
 */
export type EventBus = {
  publish(event: DomainEvent): void;
  subscribe(handler: DomainEventHandler): () => void;
  close(): Promise<void>;
};

export function createInProcessBus(log: Logger): EventBus {
  const handlers = new Set<DomainEventHandler>();
  return {
    publish(event) {
      for (const handler of handlers) {
        // A failing listener must not break the request that published, nor the other listeners.
        try {
          const result = handler(event);
          if (result instanceof Promise)
            result.catch((error) => log.error({ err: error, event: event.type }, 'listener failed'));
        } catch (error) {
          log.error({ err: error, event: event.type }, 'listener failed');
        }
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
    },
  };
}
