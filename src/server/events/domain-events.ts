import type { Conversation, Message } from '../../contracts/domain.ts';
import type { Notification } from '../../contracts/tools.ts';
import type { SlaMetric } from '../../contracts/sla.ts';

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
      /** The customer's message reopened a resolved conversation (the bot takes it back: see bot.service.ts). */
      reopened?: boolean;
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
  | {
      /** An agent's first console connected on a node, or their last one on that node closed. */
      type: 'presence';
      orgId: string;
      agentId: string;
      online: boolean;
      /** When it happened (ISO): presence changes apply in this order, whichever node hears them first. */
      at: string;
      /** A node answering another's "offline" with "this agent is still connected here"; never answered again. */
      echo?: boolean;
    }
  | { type: 'notification.created'; orgId: string; agentId: string; notification: Notification }
  | {
      /** An agent opened or left a conversation in the console (collision warning). */
      type: 'viewing';
      orgId: string;
      conversationId: string;
      agent: { id: string; name: string };
      viewing: boolean;
      /** A node re-announcing its viewers to a newcomer; answering it again would loop. */
      echo?: boolean;
    }
  | {
      /** The bot's reading of a customer message (published right after it understood it): drives priority rules. */
      type: 'message.understood';
      orgId: string;
      conversationId: string;
      messageId: string;
      intent: string;
      confidence: number;
      sentiment: { label: string; score: number };
      entities: { amounts: { value: string; coin?: string }[] } & Record<string, unknown>;
      /** What the priority rules need besides the reading, carried so that they read nothing per message. */
      body: string;
      vipLevel: number;
    }
  /** A conversation used the warning share of SLA targets (warning) or missed them (breached). */
  | { type: 'sla.warning'; orgId: string; conversationId: string; metrics: SlaMetric[] }
  | { type: 'sla.breached'; orgId: string; conversationId: string; metrics: SlaMetric[] }
  | {
      /** A waiting customer's place in the queue changed (position null: they left it). */
      type: 'queue.position';
      orgId: string;
      conversationId: string;
      contactId: string;
      position: number | null;
      estimatedWaitSeconds: number | null;
    }
  | {
      /** An agent froze the customer's exchange account from the console (once per request id). */
      type: 'exchange.account_frozen';
      orgId: string;
      conversationId: string;
      uid: string;
      requestId: string;
      agent: { id: string; name: string };
    }
  | {
      /** A support case was opened or changed status, or an unfreeze request took an approval. */
      type: 'case.changed';
      orgId: string;
      caseId: string;
      conversationId: string | null;
      status: string;
    }
  | {
      /** The rating request went out to a resolved conversation's customer (feedback). */
      type: 'csat.requested';
      orgId: string;
      conversationId: string;
      contactId: string;
      locale: 'zh-CN' | 'zh-TW' | 'en';
    }
  | {
      /** A conversation became a complaint; supervisors are told (a customer report reaches nobody else). */
      type: 'complaint.opened';
      orgId: string;
      conversationId: string;
      complaintId: string;
      source: 'bot' | 'agent' | 'customer_report';
    }
  | {
      /** A complaint follow-up appeared, or passed its due time unclosed (supervisors only). */
      type: 'followup.changed';
      orgId: string;
      followUpId: string;
      conversationId: string;
      state: 'created' | 'overdue' | 'closed';
    }
  | {
      /** Surge mode started or ended in an organization (src/server/surge/); consoles and widgets are told. */
      type: 'surge.changed';
      orgId: string;
      active: boolean;
      since: string;
      reason: 'arrivals' | 'queue' | 'manual' | null;
      manual: 'on' | 'off' | null;
      /** Off-duty agents who opted in and were alerted of this surge. */
      alertedAgentIds: string[];
    }
  | {
      /** A knowledge-base article or the synonyms changed: every node drops its search index of the organization. */
      type: 'kb.changed';
      orgId: string;
    }
  | {
      /**
       * An email or Telegram inbox was added, changed or removed: every node's IMAP and Telegram pollers look again at
       * once instead of at their next rescan.
       */
      type: 'inbox.changed';
      orgId: string;
      inboxId: string;
      kind: 'email' | 'telegram';
    };

export type DomainEventType = DomainEvent['type'];
export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
