import { z } from 'zod';

/** Data retention (issue 15): how long an organization keeps resolved and closed conversations, and what then. */

export const RETENTION_MIN_DAYS = 30;
/** A hundred years: beyond it "keep forever" (null) says what is meant. */
export const RETENTION_MAX_DAYS = 36_500;

/** `delete` removes the conversation and all that hangs off it; `anonymise` keeps its shape without its words. */
export const retentionModeSchema = z.enum(['delete', 'anonymise']);
export type RetentionMode = z.infer<typeof retentionModeSchema>;

export const retentionSettingsSchema = z
  .object({
    /** Days since the conversation's last activity; null keeps every conversation. */
    days: z.number().int().min(RETENTION_MIN_DAYS).max(RETENTION_MAX_DAYS).nullable(),
    mode: retentionModeSchema,
  })
  .strict();
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

export const retentionRunQuerySchema = z.object({
  /** Default true: a run that removes data has to be asked for in so many words. */
  dryRun: z.enum(['true', 'false']).default('true'),
});

export type RetentionConversationRef = { number: number; lastActivityAt: string };

/** Old enough but kept, by the first reason that holds (see retention.queries.ts for each). */
export type RetentionHeld = {
  case: number;
  complaint: number;
  legalHold: number;
  exchangeAction: number;
  withdrawalWatch: number;
  callback: number;
  mergeTarget: number;
};

/** What a run removed, or (dry run) would remove now. */
export type RetentionReport = {
  dryRun: boolean;
  mode: RetentionMode;
  /** null: the organization keeps everything, and the run removes nothing. */
  days: number | null;
  /** Conversations whose last activity is before this instant are removed. */
  cutoff: string | null;
  conversations: number;
  messages: number;
  files: number;
  /** Contacts whose name, email, exchange UID and channel identities go (no other kept conversation). */
  contacts: number;
  /**
   * Copies of conversations' words kept as delivery logs, created before the cutoff, finished and removed in both
   * modes: webhook deliveries (their event bodies) and outbound mail (address and body).
   */
  logs: number;
  /**
   * Knowledge-base "was this helpful?" comments (a customer's free text) left before the cutoff, emptied in both
   * modes; the vote itself (yes/no, no words) stays, so articles' helpfulness figures do not change.
   */
  feedbackComments: number;
  /**
   * The machine-mail log (bounces, auto-replies, refused mail: sender addresses and subjects) before the cutoff, for
   * mail that matched no contact; entries about a contact go when that contact's identity does (`contacts`).
   */
  emailEvents: number;
  /** By last activity. */
  oldest: RetentionConversationRef | null;
  newest: RetentionConversationRef | null;
  held: RetentionHeld;
};

export type RetentionSettingsResponse = {
  settings: RetentionSettings;
  updatedAt: string | null;
  lastRunAt: string | null;
  lastRun: RetentionReport | null;
};

/** The tag agents put on a conversation that must outlive the retention setting (a dispute, a regulator's request). */
export const LEGAL_HOLD_TAG = 'legal-hold';

/** What an anonymised message (and complaint reason, follow-up note) says instead of its words. */
export const RETENTION_PLACEHOLDER = '[已按数据保留政策移除 · removed under the data retention policy]';
