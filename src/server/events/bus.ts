import type { Logger } from 'pino';
import type { DomainEvent } from './domain-events.ts';

export type DomainEventHandler = (event: DomainEvent) => void | Promise<void>;

/**
 * Who hears an event. `local` (the default): listeners that act on it — the bot, SLA clocks, routing, metrics — hear
 * it only on the node where it happened, so nothing acts twice. `cluster`: listeners that only pass it on — the
 * realtime gateway — hear it from every node, so a customer on one node reaches an agent on another.
 */
export type SubscribeOptions = { scope?: 'local' | 'cluster' };

/** The one interface between publishers and listeners: in-process, or fanned out across app nodes by Redis. */
export type EventBus = {
  publish(event: DomainEvent): void;
  subscribe(handler: DomainEventHandler, options?: SubscribeOptions): () => void;
  /**
   * Called when fan-out from other nodes resumes after an outage (Redis came back): events published elsewhere in
   * between never arrived, so whoever passes them on must catch up from the database. An in-process bus never
   * misses any and never calls it.
   */
  onResync?(handler: () => void): () => void;
  close(): Promise<void>;
};

const OUTAGE_WARNING_EVERY_MS = 10_000;
let lastOutageWarning = 0;

/**
 * While PostgreSQL is away every listener of every event fails alike: one warning every few seconds says so, instead
 * of an error per listener per event burying the log.
 */
function listenerFailed(log: Logger, error: unknown, event: DomainEvent): void {
  if ((error as { code?: unknown })?.code === 'database_unavailable') {
    if (Date.now() - lastOutageWarning < OUTAGE_WARNING_EVERY_MS) return;
    lastOutageWarning = Date.now();
    log.warn({ event: event.type }, 'listeners failing: the database is unavailable (their side effects are skipped)');
    return;
  }
  log.error({ err: error, event: event.type }, 'listener failed');
}

/** Calls each handler, isolating failures: a failing listener must not break the publisher or the other listeners. */
export function deliver(handlers: Iterable<DomainEventHandler>, event: DomainEvent, log: Logger): void {
  for (const handler of handlers) {
    try {
      const result = handler(event);
      if (result instanceof Promise) result.catch((error) => listenerFailed(log, error, event));
    } catch (error) {
      listenerFailed(log, error, event);
    }
  }
}

export function createInProcessBus(log: Logger): EventBus {
  const handlers = new Set<DomainEventHandler>();
  return {
    publish(event) {
      deliver(handlers, event, log);
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
