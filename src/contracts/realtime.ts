import { z } from 'zod';
import { clientIdSchema, messageBodySchema } from './api.ts';
import type { Conversation, Message } from './domain.ts';
import type { QueuePositionEvent } from './routing.ts';
import type { SurgeChangedEvent } from './surge.ts';
import type { Notification } from './tools.ts';

/**
 * The WebSocket protocol, for the widget (`/api/widget/ws?token=…`) and the console (`/api/agent/ws`, session cookie).
 *
 * Every message event carries its conversation's `seq`. A client that reconnects sends `subscribe` with the last seq
 * it saw and receives exactly the messages after it (as `message.created` events with `replay: true`), then live ones:
 * no gap, no duplicate.
 */

export const clientEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('subscribe'),
    conversationId: z.uuid(),
    afterSeq: z.number().int().min(0).max(2_147_483_647),
  }),
  z.object({ type: z.literal('unsubscribe'), conversationId: z.uuid() }),
  z.object({ type: z.literal('typing'), conversationId: z.uuid(), typing: z.boolean() }),
  z.object({
    type: z.literal('send'),
    conversationId: z.uuid(),
    body: messageBodySchema,
    clientId: clientIdSchema,
  }),
  z.object({ type: z.literal('ping') }),
  /** The console tells who else has this conversation open (agents only). */
  z.object({ type: z.literal('viewing'), conversationId: z.uuid(), viewing: z.boolean() }),
]);
export type ClientEvent = z.infer<typeof clientEventSchema>;

export type ServerEvent =
  | { type: 'hello'; role: 'customer' | 'agent'; serverTime: string }
  | { type: 'message.created'; conversationId: string; seq: number; message: Message; replay?: boolean }
  | { type: 'conversation.updated'; conversation: Conversation }
  /**
   * To agent consoles that do not follow the conversation (no `subscribe`): what its list row needs of a new message,
   * instead of the message itself (followers get `message.created`). Not seq-filtered: apply it when `seq` is above
   * the row's `lastSeq`. Status, assignee and priority changes come as `conversation.updated`.
   */
  | {
      type: 'conversation.activity';
      conversationId: string;
      seq: number;
      lastMessage: NonNullable<Conversation['lastMessage']>;
      lastActivityAt: string;
    }
  | { type: 'subscribed'; conversationId: string; lastSeq: number }
  | {
      type: 'typing';
      conversationId: string;
      author: { kind: 'customer' | 'agent'; name: string | null };
      typing: boolean;
    }
  | { type: 'presence'; agentId: string; online: boolean }
  | { type: 'ack'; clientId: string; conversationId: string; seq: number; messageId: string }
  | { type: 'pong' }
  | { type: 'notification'; notification: Notification }
  | { type: 'viewing'; conversationId: string; agent: { id: string; name: string }; viewing: boolean }
  | QueuePositionEvent
  /** Surge mode started or ended: consoles and the organization's widgets (banner). */
  | SurgeChangedEvent
  | { type: 'error'; code: string; message: string; clientId?: string; retryAfterSeconds?: number }
  /** To the customer: rate this resolved conversation (the widget shows its rating card). */
  | { type: 'csat.requested'; conversationId: string; locale: 'zh-CN' | 'zh-TW' | 'en' }
  /** To supervisors and admins only. */
  /** Another console changed what the exchange sidebar of this conversation shows: reload it. */
  | { type: 'exchange.changed'; conversationId: string; reason: 'case' | 'account_frozen' }
  | { type: 'complaint.opened'; conversationId: string; complaintId: string; source: string }
  | { type: 'followup.changed'; followUpId: string; conversationId: string; state: string };
