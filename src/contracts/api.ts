import { z } from 'zod';
import { CHANNELS, conversationStatusSchema, localeSchema, MESSAGE_MAX_LENGTH, prioritySchema } from './domain.ts';
import type { Agent, Conversation, Message, Organization } from './domain.ts';
import { kbSlugSchema } from './kb.ts';

/** Request schemas (validated by the server, reused by clients) and response types for both API audiences. */

const id = z.uuid();
/** A client-chosen id that makes a send idempotent: retrying with the same id never stores a second message. */
export const clientIdSchema = z.string().min(1).max(64);
export const messageBodySchema = z.string().trim().min(1).max(MESSAGE_MAX_LENGTH);

export const conversationParamsSchema = z.object({ conversationId: id });
export const messagesQuerySchema = z.object({
  // Seqs are PostgreSQL integers: a larger number is bad input, not a query that fails.
  afterSeq: z.coerce.number().int().min(0).max(2_147_483_647).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

// ---------- Widget (customers) ----------

export const widgetConfigQuerySchema = z.object({ org: z.string().min(1).max(64) });
export type WidgetConfigResponse = {
  org: { slug: string; name: string };
  inbox: { id: string; name: string };
  greeting: Record<'zh-CN' | 'zh-TW' | 'en', string>;
};

export const widgetSessionBodySchema = z.object({
  org: z.string().min(1).max(64),
  /** Token from a previous session in this browser: resumes the same visitor. */
  visitorToken: z.string().max(2048).optional(),
  /** Signed by the exchange (HMAC-SHA256) to bind the visitor to an exchange account. */
  identityToken: z.string().max(4096).optional(),
  locale: localeSchema.optional(),
});
export type WidgetSessionResponse = {
  visitorToken: string;
  /** ISO time; the widget renews its session before then (an expired token still renews for a while, see visitors). */
  visitorTokenExpiresAt: string;
  contact: { id: string; name: string | null; verified: boolean };
  conversation: Conversation | null;
};

export const widgetCreateConversationBodySchema = z.object({
  body: messageBodySchema.optional(),
  clientId: clientIdSchema.optional(),
  /** The help-centre article the customer read before asking; kept on the first message as `meta.readArticle`. */
  readArticle: kbSlugSchema.optional(),
});

export const sendMessageBodySchema = z.object({ body: messageBodySchema, clientId: clientIdSchema });

/**
 * A file sent as a message (widget and console): the bytes as base64 in JSON, so the caption travels in the body
 * (never in a URL that gets logged) and one zod schema checks it all. The server decides what the file is.
 */
export const uploadFileBodySchema = z.object({
  name: z.string().trim().min(1).max(255),
  data: z
    .string()
    .min(1)
    .max(16 * 1024 * 1024)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  caption: messageBodySchema.optional(),
  clientId: clientIdSchema,
});
export const fileParamsSchema = z.object({ conversationId: id, fileId: id });
/** A short-lived download link for the widget, which cannot set an Authorization header on <img> or <a>. */
export type FileLinkResponse = { url: string; expiresAt: string };

// ---------- Agents (console) ----------

export const loginBodySchema = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(256),
  totp: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
});
export type SessionResponse = { agent: Agent; org: Organization; csrfToken: string };

export const totpEnableBodySchema = z.object({ code: z.string().regex(/^\d{6}$/) });
export type TotpSetupResponse = { secret: string; otpauthUrl: string };

export const CONVERSATION_SEARCH_MAX_LENGTH = 200;
export const ASSIGNEE_FILTERS = ['mine', 'unassigned', 'all'] as const;
export const conversationListQuerySchema = z.object({
  status: conversationStatusSchema.optional(),
  assignee: z.enum(ASSIGNEE_FILTERS).default('all'),
  priority: prioritySchema.optional(),
  teamId: id.optional(),
  /** One tag (stored lower-case). */
  tag: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .transform((t) => t.toLowerCase())
    .optional(),
  /** The bot's last intent for the conversation, e.g. deposit_not_credited. */
  intent: z
    .string()
    .regex(/^[a-z0-9_]{1,60}$/)
    .optional(),
  language: localeSchema.optional(),
  slaRisk: z.enum(['at_risk', 'breached']).optional(),
  /** One customer's conversations (the customer view, merge targets). */
  contactId: id.optional(),
  /**
   * Search: `#12` is conversation number 12; bare digits are that number or a customer UID containing them; anything
   * else is a case-insensitive substring of the customer's name, email, exchange UID (or another identity) or of any
   * message in the conversation, private notes included (only agents can list with it).
   */
  q: z.string().trim().min(1).max(CONVERSATION_SEARCH_MAX_LENGTH).optional(),
  /** Opaque cursor from the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ConversationListResponse = { conversations: Conversation[]; nextCursor: string | null };
export type ConversationDetailResponse = { conversation: Conversation; messages: Message[] };
export type MessagesResponse = { messages: Message[] };

export const agentSendMessageBodySchema = z.object({
  body: messageBodySchema,
  clientId: clientIdSchema,
  private: z.boolean().default(false),
  /**
   * Reply on another of the customer's channels (one of their identities: email, telegram) instead of the
   * conversation's own; stored as `message.meta.deliverVia`. Ignored on a private note.
   */
  channel: z.enum(CHANNELS).optional(),
});

export const updateConversationBodySchema = z
  .object({
    status: conversationStatusSchema.optional(),
    priority: prioritySchema.optional(),
    /** Why the priority changes; required when it overrides a priority the rules or an SLA escalation set. */
    reason: z.string().trim().min(3).max(500).optional(),
  })
  .refine((v) => v.status !== undefined || v.priority !== undefined, { message: 'Nothing to change' });

export const assignConversationBodySchema = z.object({ agentId: id.nullable() });

export type AgentsResponse = {
  agents: (Pick<Agent, 'id' | 'name' | 'role' | 'permissions'> & { online: boolean })[];
};

export type AuditEntry = {
  id: string;
  actorKind: 'agent' | 'system' | 'customer';
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  createdAt: string;
};
export type AuditLogResponse = { entries: AuditEntry[] };

export type { Agent, Conversation, Message, Organization };
