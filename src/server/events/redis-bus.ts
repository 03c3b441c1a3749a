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
  // No offline queue: while Redis is away a publish fails at once (this node's listeners already have the event)
  // instead of piling up and arriving late; other nodes catch up from the database when it is back (onResync).
  const publisher = new Redis(options.url, { maxRetriesPerRequest: 2, lazyConnect: true, enableOfflineQueue: false });
  const subscriber = new Redis(options.url, { lazyConnect: true });
  // One warning per outage, not one per reconnect attempt or per event: at 500 messages/s the log would be the outage.
  let outage = false;
  const reportOutage = (error: unknown) => {
    if (outage) return;
    outage = true;
    log.warn(
      { err: error },
      'redis unavailable: events reach only this node until it returns; clients then catch up from the database',
    );
  };
  for (const client of [publisher, subscriber]) client.on('error', reportOutage);
  const resyncHandlers = new Set<() => void>();
  let lostSubscription = false;
  // A node that starts while Redis is away serves on its own (ioredis keeps reconnecting) and resyncs once it joins.
  const [publisherUp, subscriberUp] = await Promise.allSettled([publisher.connect(), subscriber.connect()]);
  for (const result of [publisherUp, subscriberUp]) if (result.status === 'rejected') reportOutage(result.reason);
  if (subscriberUp.status === 'fulfilled') await subscriber.subscribe(channel);
  else lostSubscription = true;

  subscriber.on('close', () => {
    lostSubscription = true;
  });
  subscriber.on('ready', () => {
    if (!lostSubscription) return;
    lostSubscription = false;
    // Subscribed again (ioredis also resubscribes; this reply comes after that), and only then caught up: an event
    // published after the catch-up's read is heard live.
    subscriber
      .subscribe(channel)
      .then(() => {
        if (outage) log.warn('redis is back: fan-out resumed, catching clients up from the database');
        outage = false;
        for (const handler of resyncHandlers) {
          try {
            handler();
          } catch (error) {
            log.error({ err: error }, 'resync handler failed');
          }
        }
      })
      .catch((error: unknown) => reportOutage(error));
  });

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
      publisher.publish(channel, JSON.stringify({ node: nodeId, event })).catch(reportOutage);
    },
    subscribe(handler, subscribeOptions = {}) {
      const set = subscribeOptions.scope === 'cluster' ? cluster : local;
      set.add(handler);
      return () => set.delete(handler);
    },
    onResync(handler) {
      resyncHandlers.add(handler);
      return () => resyncHandlers.delete(handler);
    },
    async close() {
      resyncHandlers.clear();
      local.clear();
      cluster.clear();
      // quit needs a connection; during an outage disconnect ends the reconnect loop instead.
      await Promise.allSettled([subscriber, publisher].map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}
