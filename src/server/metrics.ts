import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import type { EventBus } from './events/bus.ts';

/** Prometheus metrics, fed by domain events like every other side effect. */
export function createMetrics(events: EventBus) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const messages = new Counter({
    name: 'kefu_messages_total',
    help: 'Messages stored, by author kind',
    labelNames: ['author_kind'],
    registers: [registry],
  });
  const conversations = new Counter({
    name: 'kefu_conversations_created_total',
    help: 'Conversations started',
    registers: [registry],
  });
  const unsubscribe = events.subscribe((event) => {
    if (event.type === 'message.created') messages.inc({ author_kind: event.message.authorKind });
    else if (event.type === 'conversation.created') conversations.inc();
  });
  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    close: unsubscribe,
  };
}
