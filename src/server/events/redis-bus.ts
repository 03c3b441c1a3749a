import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type DomainEventHandler, deliver, type EventBus } from './bus.ts';
import type { DomainEvent } from './domain-events.ts';

const CHANNEL = 'kefu:domain-events';

/**
 * Fans domain events out across app nodes through Redis pub/sub. Every event is delivered at once to this node's
 * listeners, then published; other nodes hand it to their `cluster` listeners only (the realtime gateway), so each
 * side effect still happens once. PostgreSQL stays the source of truth: a node that misses an event (Redis down, a
 * reconnect) loses nothing, because clients catch up from the database by seq.
 */
export async function createRedisBus(options: { url: string; log: Logger; channel?: string }): Promise<EventBus> {
  const { log } = options;
  const channel = options.channel ?? CHANNEL;
  const nodeId = crypto.randomUUID();
  const publisher = new Redis(options.url, { maxRetriesPerRequest: 2, lazyConnect: true });
  const subscriber = new Redis(options.url, { lazyConnect: true });
  for (const client of [publisher, subscriber]) client.on('error', (error) => log.warn({ err: error }, 'redis error'));
  await Promise.all([publisher.connect(), subscriber.connect()]);
  await subscriber.subscribe(channel);

  const local = new Set<DomainEventHandler>();
  const cluster = new Set<DomainEventHandler>();
  subscriber.on('message', (_channel: string, raw: string) => {
    let envelope: { node: string; event: DomainEvent };
    try {
      envelope = JSON.parse(raw);
    } catch {
      log.warn('ignored a malformed event from redis');
      return;
    }
    if (envelope.node === nodeId) return;
    deliver(cluster, envelope.event, log);
  });

  return {
    publish(event) {
      deliver(local, event, log);
      deliver(cluster, event, log);
      publisher.publish(channel, JSON.stringify({ node: nodeId, event })).catch((error: unknown) => {
        log.warn(
          { err: error, event: event.type },
          'could not fan an event out; other nodes catch up from the database',
        );
      });
    },
    subscribe(handler, subscribeOptions = {}) {
      const set = subscribeOptions.scope === 'cluster' ? cluster : local;
      set.add(handler);
      return () => set.delete(handler);
    },
    async close() {
      local.clear();
      cluster.clear();
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}
