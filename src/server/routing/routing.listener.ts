import type { Logger } from 'pino';
import { type Clock, systemClock } from '../clock.ts';
import type { Db } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import type { DomainEvent } from '../events/domain-events.ts';
import type { JobQueue } from '../jobs/jobs.types.ts';
import { createTtlCache } from '../ttl-cache.ts';
import { selectInboxSwitches } from './routing.queries.ts';
import {
  DEFAULT_ROUTING_OPTIONS,
  dispatchQueue,
  enqueueConversation,
  noteAgentConnection,
  type PositionMemory,
  ROUTING_CHANGE,
  type RoutingDeps,
  type RoutingOptions,
  sweepRouting,
} from './routing.service.ts';

const SWITCH_TTL_MS = 30_000;
export const SWEEP_JOB = 'routing.sweep';
export const SWEEP_EVERY_SECONDS = 30;

const memories = new WeakMap<EventBus, PositionMemory>();
/** One memory of pushed queue positions per bus, shared by the listener and the routes of one process. */
export function positionMemoryFor(events: EventBus): PositionMemory {
  const known = memories.get(events);
  if (known) return known;
  const memory: PositionMemory = new Map();
  memories.set(events, memory);
  return memory;
}

/** Whether an inbox routes conversations (settings.routing.enabled) and has its bot on, remembered for a while. */
function createInboxSwitches(db: Db) {
  const cache = createTtlCache<string, { routing: boolean; bot: boolean }>(SWITCH_TTL_MS);
  return (orgId: string, inboxId: string) =>
    cache.get(inboxId, async () => (await selectInboxSwitches(db, orgId, inboxId)) ?? { routing: false, bot: false });
}

export type RoutingStartDeps = {
  db: Db;
  log: Logger;
  events: EventBus;
  clock?: Clock;
  /** The durable job queue runs the sweeper on one node; without it, a local timer does. */
  jobs?: JobQueue;
  options?: Partial<RoutingOptions>;
};

/**
 * Routing as a listener: a conversation that needs a human (the customer writes in an inbox whose bot is off, or the
 * bot hands off) is queued and assigned; freed capacity (resolved, unassigned) assigns the next; console sockets
 * closing start the grace period before an agent is taken offline. Work for one org runs one step at a time.
 */
export function startRouting(deps: RoutingStartDeps): { close(): void; sweep(): ReturnType<typeof sweepRouting> } {
  const routing: RoutingDeps = {
    db: deps.db,
    log: deps.log,
    events: deps.events,
    clock: deps.clock ?? systemClock,
    positions: positionMemoryFor(deps.events),
  };
  const options = { ...DEFAULT_ROUTING_OPTIONS, ...deps.options };
  const switches = createInboxSwitches(deps.db);
  const chains = new Map<string, Promise<void>>();

  const inOrder = (orgId: string, work: () => Promise<unknown>) => {
    const next = (chains.get(orgId) ?? Promise.resolve())
      .then(work)
      .then(() => undefined)
      .catch((error: unknown) => deps.log.error({ err: error, orgId }, 'routing step failed'))
      .finally(() => {
        if (chains.get(orgId) === next) chains.delete(orgId);
      });
    chains.set(orgId, next);
  };

  async function onEvent(event: DomainEvent): Promise<void> {
    switch (event.type) {
      case 'message.created': {
        if (event.message.authorKind !== 'customer' || event.message.private) return;
        const inbox = await switches(event.orgId, event.inboxId);
        if (!inbox.routing) return;
        // Bot off: the customer's message is what a human must answer (and tells us their language), so it starts
        // the wait rather than conversation.created, which comes before any message. Bot on: only a conversation
        // already handed over (and perhaps reopened) is refreshed.
        inOrder(event.orgId, () =>
          enqueueConversation(routing, event.orgId, event.conversationId, { onlyIfQueued: inbox.bot }),
        );
        return;
      }
      case 'conversation.updated': {
        if (event.changes.includes(ROUTING_CHANGE)) return;
        const inbox = await switches(event.orgId, event.conversation.inboxId);
        if (!inbox.routing) return;
        const handoff = event.changes.includes('handoff');
        inOrder(event.orgId, async () => {
          // A hand-off queues it; a new priority or security flag re-ranks a waiting one; a resolved or reassigned
          // conversation frees capacity for the next in line.
          const outcome = await enqueueConversation(routing, event.orgId, event.conversation.id, {
            onlyIfQueued: !handoff,
          });
          if (outcome === 'not_waiting') await dispatchQueue(routing, event.orgId);
        });
        return;
      }
      case 'presence':
        inOrder(event.orgId, () =>
          noteAgentConnection(routing, event.orgId, event.agentId, event.online, new Date(event.at)),
        );
        return;
    }
  }

  const unsubscribe = deps.events.subscribe(onEvent);
  const sweep = () => sweepRouting(routing, options);
  let timer: NodeJS.Timeout | undefined;
  if (deps.jobs) {
    deps.jobs
      .every(SWEEP_JOB, SWEEP_EVERY_SECONDS, async () => {
        await sweep();
      })
      .catch((error: unknown) => deps.log.error({ err: error }, 'could not schedule the routing sweep'));
  } else {
    timer = setInterval(() => {
      sweep().catch((error: unknown) => deps.log.error({ err: error }, 'routing sweep failed'));
    }, SWEEP_EVERY_SECONDS * 1000);
    timer.unref();
  }
  return {
    close() {
      unsubscribe();
      if (timer) clearInterval(timer);
    },
    sweep,
  };
}
