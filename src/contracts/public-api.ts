import { z } from 'zod';
import { CONVERSATION_STATUSES, localeSchema, MESSAGE_MAX_LENGTH, PRIORITIES } from './domain.ts';

/**
 * The public API for the exchange's own backend (`/api/v1/*`, `Authorization: Bearer kefu_live_…`), the API keys that
 * open it and the outgoing webhooks. Request schemas are validated by the server and reused by the console; every
 * schema carries an example for the OpenAPI document (`/api/docs`, tag "public API v1").
 */

// ---------- API keys ----------

export const API_KEY_SCOPES = [
  'contacts:write',
  'conversations:read',
  'conversations:write',
  'webhooks:manage',
] as const;
export const apiKeyScopeSchema = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

/** What a key looks like: `kefu_live_` and 43 base64url characters (32 random bytes). */
export const API_KEY_PREFIX = 'kefu_live_';

export const createApiKeyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    scopes: z.array(apiKeyScopeSchema).min(1).max(API_KEY_SCOPES.length),
  })
  .meta({ example: { name: 'Exchange backend (prod)', scopes: ['contacts:write', 'conversations:write'] } });
export type CreateApiKeyBody = z.infer<typeof createApiKeyBodySchema>;

export type ApiKeySummary = {
  id: string;
  name: string;
  /** The first characters of the key (`kefu_live_AbC1`), to tell keys apart; the key itself is never shown again. */
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};
/** The one time the whole key is shown. */
export type CreatedApiKey = { apiKey: ApiKeySummary; key: string };

export const apiKeyParamsSchema = z.object({ keyId: z.uuid() });

// ---------- Webhooks ----------

export const WEBHOOK_EVENTS = ['conversation.created', 'conversation.updated', 'message.created'] as const;
export const webhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEventType = z.infer<typeof webhookEventSchema>;

const webhookUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .meta({ example: 'https://exchange.example.com/hooks/kefu' });

export const createWebhookBodySchema = z
  .object({
    url: webhookUrlSchema,
    events: z.array(webhookEventSchema).min(1).max(WEBHOOK_EVENTS.length),
    description: z.string().trim().max(200).optional(),
  })
  .meta({
    example: { url: 'https://exchange.example.com/hooks/kefu', events: ['message.created'], description: 'Backend' },
  });
export type CreateWebhookBody = z.infer<typeof createWebhookBodySchema>;

export const updateWebhookBodySchema = z
  .object({
    url: webhookUrlSchema.optional(),
    events: z.array(webhookEventSchema).min(1).max(WEBHOOK_EVENTS.length).optional(),
    description: z.string().trim().max(200).nullable().optional(),
    /** true re-enables an endpoint disabled by failures (its failure count starts again from zero). */
    enabled: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((value) => value !== undefined), { message: 'Nothing to change' })
  .meta({ example: { enabled: true } });
export type UpdateWebhookBody = z.infer<typeof updateWebhookBodySchema>;

export const webhookParamsSchema = z.object({ webhookId: z.uuid() });
export const webhookDeliveryParamsSchema = z.object({ webhookId: z.uuid(), deliveryId: z.uuid() });

export type WebhookEndpoint = {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  enabled: boolean;
  consecutiveFailures: number;
  /** Why kefu turned the endpoint off (repeated failures); null when enabled or turned off by hand. */
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
};
/** The one time the signing secret is shown. */
export type CreatedWebhook = { webhook: WebhookEndpoint; secret: string };

export type WebhookAttempt = {
  attempt: number;
  replay: boolean;
  succeeded: boolean;
  responseCode: number | null;
  durationMs: number;
  error: string | null;
  createdAt: string;
};
export type WebhookDelivery = {
  id: string;
  eventId: string;
  eventType: WebhookEventType;
  status: 'pending' | 'delivered' | 'failed';
  attempts: WebhookAttempt[];
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
};

// ---------- /api/v1 requests ----------

/** An exchange UID as the exchange writes it (digits, letters, `_ . : -`). */
export const exchangeUidSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'An exchange UID is 1-64 letters, digits, _ . : or -')
  .meta({ example: '28810375' });

export const contactParamsSchema = z.object({ exchangeUid: exchangeUidSchema });

export const upsertContactBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200).nullable().optional(),
    email: z.email().max(320).nullable().optional(),
    locale: localeSchema.nullable().optional(),
    vipLevel: z.number().int().min(0).max(100).optional(),
  })
  .meta({ example: { name: 'Wang Lei', email: 'wang.lei@example.com', locale: 'zh-CN', vipLevel: 3 } });
export type UpsertContactBody = z.infer<typeof upsertContactBodySchema>;

const bodyText = z.string().trim().min(1).max(MESSAGE_MAX_LENGTH);
const clientIdText = z
  .string()
  .min(1)
  .max(200)
  .meta({ description: 'Idempotency key: a retried request with the same clientId is stored once.' });

export const openConversationBodySchema = z
  .object({
    exchangeUid: exchangeUidSchema,
    body: bodyText,
    subject: z.string().trim().min(1).max(200).optional(),
    clientId: clientIdText.optional(),
  })
  .meta({
    example: {
      exchangeUid: '28810375',
      subject: 'Withdrawal on hold',
      body: 'Your USDT withdrawal is on hold for a routine check. Reply here if you have questions.',
      clientId: 'hold-8812',
    },
  });
export type OpenConversationBody = z.infer<typeof openConversationBodySchema>;

export const postApiMessageBodySchema = z
  .object({ body: bodyText, clientId: clientIdText.optional() })
  .meta({ example: { body: 'The check is done: your withdrawal has been sent.', clientId: 'hold-8812-done' } });
export type PostApiMessageBody = z.infer<typeof postApiMessageBodySchema>;

export const apiConversationParamsSchema = z.object({ conversationId: z.uuid() });
export const apiFileParamsSchema = z.object({ conversationId: z.uuid(), fileId: z.uuid() });
export const listApiConversationsQuerySchema = z.object({
  exchangeUid: exchangeUidSchema,
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

// ---------- /api/v1 responses ----------

export const apiContactSchema = z
  .object({
    id: z.uuid(),
    exchangeUid: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    locale: z.string().nullable(),
    vipLevel: z.number().int(),
  })
  .meta({
    example: {
      id: '7f8d3c1e-6a52-4b0b-9a51-2f7f3f1c2d10',
      exchangeUid: '28810375',
      name: 'Wang Lei',
      email: 'wang.lei@example.com',
      locale: 'zh-CN',
      vipLevel: 3,
    },
  });
export type ApiContact = z.infer<typeof apiContactSchema>;

export const apiAttachmentSchema = z
  .object({ name: z.string(), url: z.string(), contentType: z.string(), size: z.number().int() })
  .meta({
    example: {
      name: 'deposit.png',
      url: '/api/v1/conversations/5a0c8a7e-3b1f-4f5e-9a2d-6c7b8e9f0a1b/files/9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
      contentType: 'image/png',
      size: 48213,
    },
  });
export type ApiAttachment = z.infer<typeof apiAttachmentSchema>;

export const apiMessageSchema = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    seq: z.number().int(),
    /** `system` is the exchange itself (meta.source = "exchange"), or kefu's own notices. */
    authorKind: z.enum(['customer', 'agent', 'bot', 'system']),
    authorName: z.string().nullable(),
    body: z.string(),
    source: z.string().nullable(),
    /** Files the message carries; `url` is the /api/v1 download (same API key, scope conversations:read). */
    attachments: z.array(apiAttachmentSchema),
    createdAt: z.string(),
  })
  .meta({
    example: {
      id: '0b6f6c1e-9e0b-4c3a-8f55-8d1c9b1a7e21',
      conversationId: '5a0c8a7e-3b1f-4f5e-9a2d-6c7b8e9f0a1b',
      seq: 1,
      authorKind: 'system',
      authorName: null,
      body: 'Your USDT withdrawal is on hold for a routine check.',
      source: 'exchange',
      attachments: [],
      createdAt: '2026-05-01T08:00:00.000Z',
    },
  });
export type ApiMessage = z.infer<typeof apiMessageSchema>;

export const apiConversationSchema = z
  .object({
    id: z.uuid(),
    number: z.number().int(),
    status: z.enum(CONVERSATION_STATUSES),
    priority: z.enum(PRIORITIES),
    channel: z.string(),
    exchangeUid: z.string().nullable(),
    contactId: z.uuid(),
    assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
    tags: z.array(z.string()),
    /** The latest public message's preview (private notes are never shown here). */
    lastMessage: z.object({ body: z.string(), authorKind: z.string() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastActivityAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .meta({
    example: {
      id: '5a0c8a7e-3b1f-4f5e-9a2d-6c7b8e9f0a1b',
      number: 12,
      status: 'open',
      priority: 'normal',
      channel: 'api',
      exchangeUid: '28810375',
      contactId: '7f8d3c1e-6a52-4b0b-9a51-2f7f3f1c2d10',
      assignee: null,
      tags: [],
      lastMessage: { body: 'Your USDT withdrawal is on hold for a routine check.', authorKind: 'system' },
      createdAt: '2026-05-01T08:00:00.000Z',
      updatedAt: '2026-05-01T08:00:00.000Z',
      lastActivityAt: '2026-05-01T08:00:00.000Z',
      resolvedAt: null,
    },
  });
export type ApiConversation = z.infer<typeof apiConversationSchema>;

export const upsertContactResponseSchema = z.object({ contact: apiContactSchema, created: z.boolean() });
export const apiConversationResponseSchema = z.object({
  conversation: apiConversationSchema,
  messages: z.array(apiMessageSchema),
});
export const apiMessageResponseSchema = z.object({ message: apiMessageSchema });
export const apiConversationListResponseSchema = z.object({ conversations: z.array(apiConversationSchema) });

const webhookEndpointSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(webhookEventSchema),
  enabled: z.boolean(),
  consecutiveFailures: z.number().int(),
  disabledReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const webhookEndpointExample = {
  id: '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a',
  url: 'https://exchange.example.com/hooks/kefu',
  description: 'Backend',
  events: ['message.created'],
  enabled: true,
  consecutiveFailures: 0,
  disabledReason: null,
  createdAt: '2026-05-01T08:00:00.000Z',
  updatedAt: '2026-05-01T08:00:00.000Z',
};
export const webhookResponseSchema = z
  .object({ webhook: webhookEndpointSchema })
  .meta({ example: { webhook: webhookEndpointExample } });
export const createdWebhookResponseSchema = z
  .object({ webhook: webhookEndpointSchema, secret: z.string() })
  .meta({ example: { webhook: webhookEndpointExample, secret: 'whsec_9pQ…' } });
export const webhookListResponseSchema = z
  .object({ webhooks: z.array(webhookEndpointSchema) })
  .meta({ example: { webhooks: [webhookEndpointExample] } });

/** What every webhook POST carries (signed: see the README, "Webhooks"). */
export type WebhookPayload = { id: string; type: WebhookEventType; createdAt: string; data: Record<string, unknown> };
