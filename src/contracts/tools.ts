import { z } from 'zod';
import { LOCALES, prioritySchema } from './domain.ts';
import type { Channel, Message } from './domain.ts';

/**
 * Agent tools: canned replies (macros), mentions and notifications, tags, custom attributes, snooze, merge, transcript
 * export, saved views and collision presence. Request schemas are validated by the server and reused by the console.
 */

const id = z.uuid();

// ---------- Tags ----------

/** A tag as agents type it: letters (any script), digits, `-`, `_`, `.`, `:`; stored lower-case. */
export const tagSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_.:-]*$/u, 'Tags are letters, digits, -, _, . and :')
  .transform((tag) => tag.toLowerCase());
export const MAX_TAGS = 20;

export const changeTagsBodySchema = z
  .object({ add: z.array(tagSchema).max(MAX_TAGS).default([]), remove: z.array(tagSchema).max(MAX_TAGS).default([]) })
  .refine((v) => v.add.length + v.remove.length > 0, { message: 'Nothing to change' });
export type TagCount = { tag: string; count: number };
export type TagsResponse = { tags: TagCount[] };

// ---------- Macros (canned replies) ----------

/** Macro bodies per language: a zh body serves zh-CN and zh-TW customers, en serves English ones. */
export const MACRO_LANGUAGES = ['zh', 'en'] as const;
export type MacroLanguage = (typeof MACRO_LANGUAGES)[number];

export const macroShortcutSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/^\//, '').toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'A shortcut is a-z, 0-9, - and _ (up to 40)'));

/** What applying a macro does besides replying. Snoozing and closing have their own, deliberate actions. */
export const macroActionsSchema = z.object({
  status: z.enum(['open', 'pending', 'resolved']).optional(),
  priority: prioritySchema.optional(),
  addTags: z.array(tagSchema).max(MAX_TAGS).optional(),
  removeTags: z.array(tagSchema).max(MAX_TAGS).optional(),
});
export type MacroActions = z.infer<typeof macroActionsSchema>;

const macroBodyText = z.string().trim().min(1).max(5000);
export const macroBodiesSchema = z.object({ zh: macroBodyText.optional(), en: macroBodyText.optional() });

export const createMacroBodySchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    shortcut: macroShortcutSchema,
    bodies: macroBodiesSchema.default({}),
    actions: macroActionsSchema.default({}),
  })
  .refine((m) => m.bodies.zh || m.bodies.en || Object.values(m.actions).some((v) => v !== undefined), {
    message: 'A macro needs a reply text or at least one action',
  });
export const updateMacroBodySchema = z
  .object({
    name: z.string().trim().min(1).max(80).optional(),
    shortcut: macroShortcutSchema.optional(),
    bodies: macroBodiesSchema.optional(),
    actions: macroActionsSchema.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'Nothing to change' });
export const macroParamsSchema = z.object({ macroId: id });
export const applyMacroParamsSchema = z.object({ conversationId: id, macroId: id });
export const applyMacroBodySchema = z.object({
  /** Makes a retried apply idempotent for the reply it posts. */
  clientId: z.string().min(1).max(48),
  /** Overrides the language chosen from the customer's locale. */
  language: z.enum(MACRO_LANGUAGES).optional(),
});

export type Macro = {
  id: string;
  name: string;
  shortcut: string;
  bodies: Partial<Record<MacroLanguage, string>>;
  actions: MacroActions;
  createdAt: string;
  updatedAt: string;
};
export type MacrosResponse = { macros: Macro[] };

/** The values a template may use; a missing value renders as the fallback (`{{contact.name | 客户}}`) or nothing. */
export const MACRO_VARIABLES = [
  'contact.name',
  'contact.uid',
  'contact.email',
  'contact.vip',
  'conversation.number',
  'agent.name',
] as const;
export type MacroVariable = (typeof MACRO_VARIABLES)[number];
export type MacroValues = Partial<Record<MacroVariable, string | number | null>>;

/**
 * Fills `{{variable}}` and `{{variable | fallback}}` placeholders. An unknown variable stays in the text exactly as
 * written, so the agent sees the typo in the preview instead of the customer seeing a silent gap. Never throws.
 * Shared by the server (apply) and the console (preview in the picker), so both render the same text.
 */
export function renderTemplate(template: string, values: MacroValues): { text: string; unknownVariables: string[] } {
  const unknown = new Set<string>();
  const text = template.replace(/\{\{\s*([^{}|]+?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g, (whole, name: string, fallback) => {
    if (!(MACRO_VARIABLES as readonly string[]).includes(name)) {
      unknown.add(name);
      return whole;
    }
    const value = values[name as MacroVariable];
    if (value === null || value === undefined || value === '') return fallback ?? '';
    return String(value);
  });
  return { text, unknownVariables: [...unknown] };
}

/** zh-CN and zh-TW customers get the zh body, everyone else en; a macro with one language serves everyone. */
export function chooseMacroLanguage(
  bodies: Partial<Record<MacroLanguage, string>>,
  customerLocale: (typeof LOCALES)[number] | null,
  preferred?: MacroLanguage,
): MacroLanguage | null {
  const wanted: MacroLanguage = preferred ?? (customerLocale?.startsWith('zh') ? 'zh' : customerLocale ? 'en' : 'zh');
  if (bodies[wanted]) return wanted;
  const other: MacroLanguage = wanted === 'zh' ? 'en' : 'zh';
  return bodies[other] ? other : null;
}

// ---------- Notifications (mentions) ----------

export type Notification = {
  id: string;
  kind: 'mention';
  conversationId: string;
  conversationNumber: number;
  messageId: string;
  actor: { id: string | null; name: string | null };
  excerpt: string;
  readAt: string | null;
  createdAt: string;
};
export const notificationsQuerySchema = z.object({
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type NotificationsResponse = { notifications: Notification[]; unreadCount: number };
export const markNotificationsReadBodySchema = z
  .object({ ids: z.array(id).min(1).max(100).optional(), all: z.literal(true).optional() })
  .refine((v) => (v.ids ? !v.all : v.all), { message: 'Give either ids or all: true' });

// ---------- Custom attributes ----------

export const ATTRIBUTE_TYPES = ['text', 'number', 'boolean', 'date', 'list'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];
export const attributeKeySchema = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'Keys are a-z, 0-9 and _ (up to 40)');
export const createAttributeDefinitionBodySchema = z
  .object({
    key: attributeKeySchema,
    label: z.string().trim().min(1).max(80),
    type: z.enum(ATTRIBUTE_TYPES),
    options: z.array(z.string().trim().min(1).max(80)).min(1).max(50).optional(),
  })
  .refine((d) => (d.type === 'list') === (d.options !== undefined), {
    message: 'options are required for list attributes and only for them',
  });
export type AttributeDefinition = { key: string; label: string; type: AttributeType; options: string[] | null };
export type AttributeDefinitionsResponse = { definitions: AttributeDefinition[] };
export type AttributeValue = string | number | boolean;
/** `null` removes the attribute; each value is checked against its definition by the server. */
export const setAttributesBodySchema = z.object({
  values: z
    .record(attributeKeySchema, z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
    .refine((v) => Object.keys(v).length > 0 && Object.keys(v).length <= 50, { message: '1 to 50 values' }),
});

// ---------- Snooze, merge, transcript ----------

/** `until` omitted or null: snoozed until the customer writes again. */
export const snoozeBodySchema = z.object({ until: z.iso.datetime({ offset: true }).nullable().optional() });
export const mergeBodySchema = z.object({ intoConversationId: id });
export const transcriptQuerySchema = z.object({ format: z.enum(['txt', 'json']).default('txt') });
export type TranscriptMessage = {
  conversationNumber: number;
  seq: number;
  createdAt: string;
  authorKind: 'customer' | 'agent' | 'bot' | 'system';
  authorName: string | null;
  private: boolean;
  body: string;
};
export type TranscriptJson = {
  conversation: { id: string; number: number; status: string; createdAt: string; mergedNumbers: number[] };
  contact: { name: string | null; exchangeUid: string | null };
  exportedAt: string;
  messages: TranscriptMessage[];
};

// ---------- Saved views ----------

export const SLA_RISKS = ['at_risk', 'breached'] as const;
/** The list filters a view stores; the same names as the list query's. */
export const viewFiltersSchema = z.object({
  status: z.enum(['open', 'pending', 'snoozed', 'resolved', 'closed']).optional(),
  priority: prioritySchema.optional(),
  assignee: z.enum(['mine', 'unassigned', 'all']).optional(),
  teamId: id.optional(),
  tag: tagSchema.optional(),
  intent: z
    .string()
    .regex(/^[a-z0-9_]{1,60}$/)
    .optional(),
  language: z.enum(LOCALES).optional(),
  slaRisk: z.enum(SLA_RISKS).optional(),
});
export type ViewFilters = z.infer<typeof viewFiltersSchema>;
export const createViewBodySchema = z.object({
  name: z.string().trim().min(1).max(80),
  filters: viewFiltersSchema,
  /** Shared with the whole organization (admins and supervisors only). */
  shared: z.boolean().default(false),
});
export const updateViewBodySchema = z
  .object({ name: z.string().trim().min(1).max(80).optional(), filters: viewFiltersSchema.optional() })
  .refine((v) => v.name !== undefined || v.filters !== undefined, { message: 'Nothing to change' });
export const viewParamsSchema = z.object({ viewId: id });
export type SavedView = {
  id: string;
  name: string;
  filters: ViewFilters;
  shared: boolean;
  ownerId: string | null;
  createdAt: string;
  updatedAt: string;
};
export type ViewsResponse = { views: SavedView[] };

// ---------- History of merged conversations ----------

export type ConversationHistoryResponse = {
  /** The survivor first, then every conversation merged into it. */
  conversations: { id: string; number: number; mergedIntoId: string | null; channel?: Channel }[];
  messages: (Message & { conversationNumber: number })[];
};
