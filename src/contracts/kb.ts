import { z } from 'zod';
import { BUILTIN_INTENTS } from './intents.ts';

/** The knowledge base's API shapes: the public search and help centre, and the console's editor. */

export const KB_LOCALES = ['zh-CN', 'zh-TW', 'en'] as const;
export type KbLocale = (typeof KB_LOCALES)[number];
export function isKbLocale(value: string): value is KbLocale {
  return (KB_LOCALES as readonly string[]).includes(value);
}

export const KB_STATUSES = ['draft', 'published', 'archived'] as const;
export type KbStatus = (typeof KB_STATUSES)[number];

/** What an article may hold, in UTF-8 bytes of its Markdown. Checked by the service (code article_too_large). */
export const KB_MAX_BODY_BYTES = 200 * 1024;

export const kbSlugSchema = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case letters, digits and single hyphens');

const localeNamesSchema = z.partialRecord(z.enum(KB_LOCALES), z.string().trim().min(1).max(120));
export type KbLocaleNames = z.infer<typeof localeNamesSchema>;

// ---------- Public ----------

export const kbSearchQuerySchema = z.object({
  q: z.string().trim().min(1).max(200),
  /** Checked by the service, so an unknown one answers locale_unknown rather than a generic validation error. */
  locale: z.string().max(10).optional(),
  category: kbSlugSchema.optional(),
  limit: z.coerce.number().int().min(1).max(20).default(5),
  /** The organization (its slug); the help centre's own when absent. */
  org: z.string().max(63).optional(),
});
export type KbSearchQuery = z.infer<typeof kbSearchQuerySchema>;

export type KbSearchHit = { slug: string; title: string; url: string; snippet: string; locale: KbLocale };
export type KbSearchResponse = { results: KbSearchHit[] };

export const kbFeedbackBodySchema = z.object({
  locale: z.string().max(10),
  helpful: z.boolean(),
  comment: z.string().trim().max(1000).optional(),
});
export type KbFeedbackBody = z.infer<typeof kbFeedbackBodySchema>;

// ---------- Editor ----------

export const kbTextInputSchema = z.object({
  title: z.string().trim().min(1).max(200),
  /** Markdown. Bounded in bytes by the service; this cap only stops absurd bodies before parsing. */
  body: z.string().min(1).max(1_000_000),
  tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
  /** Why this change (shown in the history). */
  note: z.string().trim().max(200).optional(),
});
export type KbTextInput = z.infer<typeof kbTextInputSchema>;

export const kbArticleFieldsSchema = z.object({
  slug: kbSlugSchema,
  sectionId: z.uuid().nullable().default(null),
  intents: z.array(z.enum(BUILTIN_INTENTS)).max(10).default([]),
  related: z.array(kbSlugSchema).max(10).default([]),
});

export const createKbArticleBodySchema = kbArticleFieldsSchema.extend({
  /** At least one locale's text; zh-TW is generated from zh-CN when not given. */
  texts: z.partialRecord(z.enum(KB_LOCALES), kbTextInputSchema),
  publish: z.boolean().default(false),
});
export type CreateKbArticleBody = z.infer<typeof createKbArticleBodySchema>;

export const updateKbArticleBodySchema = kbArticleFieldsSchema.partial();
export type UpdateKbArticleBody = z.infer<typeof updateKbArticleBodySchema>;

export const kbStatusBodySchema = z.object({ status: z.enum(KB_STATUSES) });

export const kbArticleListQuerySchema = z.object({
  status: z.enum(KB_STATUSES).optional(),
  q: z.string().trim().min(1).max(200).optional(),
});

export const kbDiffQuerySchema = z.object({
  // Revision numbers are PostgreSQL integers.
  from: z.coerce.number().int().min(1).max(2_147_483_647),
  to: z.coerce.number().int().min(1).max(2_147_483_647),
});

export const kbCategoryBodySchema = z.object({
  slug: kbSlugSchema,
  names: localeNamesSchema,
  position: z.number().int().min(0).max(10_000).default(0),
});
export const kbSectionBodySchema = kbCategoryBodySchema.extend({ categoryId: z.uuid() });

export const kbSynonymsBodySchema = z.object({
  groups: z.array(z.array(z.string().trim().min(1).max(40)).min(2).max(20)).max(500),
});

/** Where a locale's text stands, for the editor's tabs. */
export type KbTextState = 'missing' | 'generated' | 'stale' | 'current';

export type KbArticleText = {
  locale: KbLocale;
  title: string;
  body: string;
  html: string;
  tags: string[];
  generated: boolean;
  state: KbTextState;
  revision: number;
  updatedAt: string;
};

export type KbArticleSummary = {
  id: string;
  slug: string;
  status: KbStatus;
  sectionId: string | null;
  intents: string[];
  related: string[];
  /** The title in each locale that has a text. */
  titles: Partial<Record<KbLocale, string>>;
  states: Record<KbLocale, KbTextState>;
  helpful: { yes: number; no: number };
  updatedAt: string;
  publishedAt: string | null;
};

export type KbArticleDetail = KbArticleSummary & {
  texts: KbArticleText[];
  /** The latest visitor comments, newest first. */
  comments: { locale: KbLocale; helpful: boolean; comment: string; createdAt: string }[];
};

export type KbRevision = {
  locale: KbLocale;
  revision: number;
  title: string;
  body: string;
  tags: string[];
  generated: boolean;
  authorName: string | null;
  note: string | null;
  createdAt: string;
};

export type KbSection = { id: string; slug: string; names: KbLocaleNames; position: number };
export type KbCategory = { id: string; slug: string; names: KbLocaleNames; position: number; sections: KbSection[] };
