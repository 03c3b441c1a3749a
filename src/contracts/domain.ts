import { z } from 'zod';
import type { ConversationSla } from './sla.ts';

/** Shapes shared by the server, the agent console and the widget. Dates travel as ISO-8601 strings. */

export const LOCALES = ['zh-CN', 'zh-TW', 'en'] as const;
export const localeSchema = z.enum(LOCALES);
export type Locale = z.infer<typeof localeSchema>;

export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved', 'closed'] as const;
export const conversationStatusSchema = z.enum(CONVERSATION_STATUSES);
export type ConversationStatus = z.infer<typeof conversationStatusSchema>;

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export const prioritySchema = z.enum(PRIORITIES);
export type Priority = z.infer<typeof prioritySchema>;

export const AGENT_ROLES = ['admin', 'supervisor', 'agent'] as const;
export const agentRoleSchema = z.enum(AGENT_ROLES);
export type AgentRole = z.infer<typeof agentRoleSchema>;

export const AUTHOR_KINDS = ['customer', 'agent', 'bot', 'system'] as const;
export type AuthorKind = (typeof AUTHOR_KINDS)[number];

/** The most a single message body may hold; longer input is rejected, never truncated. */
export const MESSAGE_MAX_LENGTH = 10_000;

export type Attachment = { name: string; url: string; contentType: string; size: number };

export type Message = {
  id: string;
  conversationId: string;
  seq: number;
  authorKind: AuthorKind;
  authorId: string | null;
  authorName: string | null;
  body: string;
  private: boolean;
  attachments: Attachment[];
  clientId: string | null;
  /**
   * Machine-readable facts about the message: `redactions` (kinds of secrets removed before storage), `bot` (the bot's
   * intent, confidence and action for a customer message), `handoff` (the summary on a hand-off note).
   */
  meta: Record<string, unknown>;
  createdAt: string;
};

/** Where a conversation happens: its inbox's kind. */
export const CHANNELS = ['web', 'email', 'telegram', 'phone', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

/** How a contact is known on a channel (one contact may have several). */
export const CONTACT_IDENTITY_KINDS = ['web_visitor', 'email', 'telegram', 'exchange_uid', 'phone'] as const;
export type ContactIdentityKind = (typeof CONTACT_IDENTITY_KINDS)[number];

export type ContactSummary = {
  id: string;
  name: string | null;
  email: string | null;
  exchangeUid: string | null;
  locale: Locale | null;
  vipLevel: number;
  /** The contact's identities on every channel (the widget's anonymous visitor ids left out). */
  identities: { kind: ContactIdentityKind; value: string }[];
  /** True when email, UID and identities are partly hidden (the viewer lacks `pii_read`): not for links or copying. */
  masked?: boolean;
};

export type AgentSummary = { id: string; name: string };

export type Conversation = {
  id: string;
  number: number;
  inboxId: string;
  /** The channel the customer wrote on: web (the widget), email, telegram, phone (a callback) or api (the exchange). */
  channel: Channel;
  status: ConversationStatus;
  priority: Priority;
  contact: ContactSummary;
  assignee: AgentSummary | null;
  teamId: string | null;
  tags: string[];
  lastSeq: number;
  lastMessage: { body: string; authorKind: AuthorKind; private: boolean } | null;
  firstReplyAt: string | null;
  resolvedAt: string | null;
  lastActivityAt: string;
  createdAt: string;
  /** Changes on every update: of two snapshots of one conversation, the later updatedAt is the newer. */
  updatedAt: string;
  /** Why the bot handed this conversation to a human, when it did. */
  handoffReason: string | null;
  /** While snoozed: when it wakes (null = when the customer writes again). Null when not snoozed. */
  snoozedUntil?: string | null;
  /** Set on a conversation merged into another: the survivor, which holds the history from now on. */
  mergedIntoId?: string | null;
  /** Custom attributes, typed by the organization's attribute definitions. */
  attributes?: Record<string, string | number | boolean>;
  /** The bot's last reading of the customer: intent and language (for filters and routing). */
  lastIntent?: string | null;
  lastLanguage?: string | null;
  /** SLA clocks (null when no SLA applies); the console counts down from the due times. */
  sla?: ConversationSla | null;
  /** Who set the priority: 'rule', 'agent' (by hand, with a reason), 'escalation' (an SLA breach) or 'default'. */
  prioritySource?: 'default' | 'rule' | 'agent' | 'escalation';
};

/**
 * What an agent may do beyond their role: 'kb_editor' edits and publishes knowledge-base articles; 'reports_read' reads
 * reports; 'pii_read' sees customers' emails, phones, UIDs and Telegram ids in full (supervisors and admins always do).
 */
export const AGENT_PERMISSIONS = ['kb_editor', 'reports_read', 'pii_read'] as const;
export type AgentPermission = (typeof AGENT_PERMISSIONS)[number];
export function isAgentPermission(value: string): value is AgentPermission {
  return (AGENT_PERMISSIONS as readonly string[]).includes(value);
}

export type Agent = {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  locale: Locale;
  totpEnabled: boolean;
  permissions: AgentPermission[];
};

export type Organization = { id: string; slug: string; name: string; requireTotp: boolean };

/**
 * What the bot learned, stored with its private hand-off note as `message.meta.handoff`: the console words it in the
 * agent's language (the note's body is the English version for the API, transcripts and webhooks).
 */
export type HandoffNote = {
  reason: string;
  intent: string;
  /** Null when a slot flow, not the classifier, says what the customer came for. */
  confidence: number | null;
  outOfScope: boolean;
  sentiment: { label: string; score: number };
  locale: string;
  /** The details collected (coin · network · TxID), or null. */
  collected: string | null;
  /** The same details by name (coin, network, txHash, withdrawalId, about). */
  slots: Partial<Record<string, string>>;
  entities: {
    txHashes: { value: string }[];
    addresses: { value: string; chain?: string }[];
    amounts: { value: string; coin?: string }[];
    orderIds: string[];
  };
  /** The bot's last replies, shortened. */
  said: string[];
};
