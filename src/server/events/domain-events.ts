import type { Conversation, Message } from '../../contracts/domain.ts';

/**
 * What happened, published by the domain services after the transaction commits. Side effects (realtime push, bot
 * replies, metrics, webhooks) subscribe to these; none of them hide in the services or in database hooks.
 */
export type DomainEvent =
  | {
      type: 'message.created';
      orgId: string;
      conversationId: string;
      contactId: string;
      inboxId: string;
      message: Message;
    }
  | { type: 'conversation.created'; orgId: string; conversation: Conversation }
  | { type: 'conversation.updated'; orgId: string; conversation: Conversation; changes: string[] }
  | {
      type: 'typing';
      orgId: string;
      conversationId: string;
      contactId: string;
      author: { kind: 'customer' | 'agent'; id: string; name: string | null };
      typing: boolean;
    }
  | { type: 'presence'; orgId: string; agentId: string; online: boolean };

export type DomainEventType = DomainEvent['type'];
export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
