import { z } from 'zod';

/**
 * Feedback (helpdesk part: CSAT and complaints). Customers rate a resolved conversation and may report an agent from
 * the widget; agents mark complaints; supervisors read CSAT results and close complaint follow-ups.
 */

export const CSAT_RATINGS = [1, 2, 3, 4, 5] as const;
export const CSAT_COMMENT_MAX = 1000;
export const REASON_MAX = 1000;

export const csatAnswerBodySchema = z.object({
  rating: z.number().int('A rating is a whole number of stars').min(1).max(5),
  comment: z
    .string()
    .trim()
    .max(CSAT_COMMENT_MAX)
    .optional()
    .transform((c) => (c ? c : undefined)),
});
export type CsatAnswerBody = z.input<typeof csatAnswerBodySchema>;

export const complaintReasonBodySchema = z.object({ reason: z.string().trim().min(1).max(REASON_MAX) });

/** ISO dates or datetimes; `to` is exclusive. Absent: the last 30 days. */
export const csatReportQuerySchema = z
  .object({
    from: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).optional(),
    to: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).optional(),
  })
  .refine((q) => !q.from || !q.to || new Date(q.from) < new Date(q.to), { message: 'from must be before to' });

export const followUpParamsSchema = z.object({ followUpId: z.uuid() });
export const closeFollowUpBodySchema = z.object({ note: z.string().trim().min(1).max(REASON_MAX) });
export const followUpsQuerySchema = z.object({ state: z.enum(['open', 'closed', 'all']).default('open') });

/** The bounds of each feedback setting (seconds for the CSAT delay, hours for the rest); the console shows them too. */
export const FEEDBACK_SETTINGS_LIMITS = {
  csatDelaySeconds: { min: 0, max: 86_400 },
  complaintTargetHours: { min: 0.25, max: 24 * 30 },
  followUpAfterHours: { min: 0, max: 24 * 30 },
  followUpDueHours: { min: 0.25, max: 24 * 30 },
} as const;

const L = FEEDBACK_SETTINGS_LIMITS;
const feedbackSettingFields = {
  /** How long after a resolution the rating request goes out (the customer may still have a last word). */
  csatDelaySeconds: z.number().int('A whole number of seconds').min(L.csatDelaySeconds.min).max(L.csatDelaySeconds.max),
  /** A complaint's own response target. */
  complaintTargetHours: z.number().min(L.complaintTargetHours.min).max(L.complaintTargetHours.max),
  /** When the follow-up task appears after a complaint is resolved, and how long a supervisor then has. */
  followUpAfterHours: z.number().min(L.followUpAfterHours.min).max(L.followUpAfterHours.max),
  followUpDueHours: z.number().min(L.followUpDueHours.min).max(L.followUpDueHours.max),
};

/** Per organization, in `organizations.settings.feedback`; every field optional (these are the defaults). */
export const feedbackSettingsSchema = z.object({
  csatDelaySeconds: feedbackSettingFields.csatDelaySeconds.default(60),
  complaintTargetHours: feedbackSettingFields.complaintTargetHours.default(24),
  followUpAfterHours: feedbackSettingFields.followUpAfterHours.default(24),
  followUpDueHours: feedbackSettingFields.followUpDueHours.default(24),
});
export type FeedbackSettings = z.infer<typeof feedbackSettingsSchema>;

/** What an admin saves (`PUT /api/agent/feedback-settings`): all four settings, nothing else. */
export const updateFeedbackSettingsBodySchema = z.object({ settings: z.strictObject(feedbackSettingFields) });
export type FeedbackSettingsResponse = { settings: FeedbackSettings };

export type CsatState = {
  /** Asked (the rating card was sent) and not yet answered: the widget shows the card. */
  requestedAt: string | null;
  rating: number | null;
  comment: string | null;
  answeredAt: string | null;
};

export type CsatDistribution = Record<'1' | '2' | '3' | '4' | '5', number>;
export type CsatGroup = { count: number; average: number | null; distribution: CsatDistribution };
export type CsatReport = CsatGroup & {
  from: string;
  to: string;
  byAgent: (CsatGroup & { agentId: string | null; name: string | null })[];
  byTeam: (CsatGroup & { teamId: string | null; name: string | null })[];
};

export const COMPLAINT_SOURCES = ['bot', 'agent', 'customer_report'] as const;
export type ComplaintSource = (typeof COMPLAINT_SOURCES)[number];

export type Complaint = {
  id: string;
  conversationId: string;
  source: ComplaintSource;
  reason: string;
  aboutAgentId: string | null;
  createdBy: { id: string; name: string } | null;
  dueAt: string;
  createdAt: string;
};

export type FollowUp = {
  id: string;
  conversationId: string;
  conversationNumber: number;
  contactName: string | null;
  resolvedAt: string;
  dueAt: string;
  overdue: boolean;
  closedAt: string | null;
  closedBy: { id: string; name: string } | null;
  note: string | null;
  createdAt: string;
};
export type FollowUpsResponse = { followUps: FollowUp[] };

/** What the console shows beside a conversation: its rating and the complaints this agent may see. */
export type ConversationFeedback = { csat: CsatState | null; complaints: Complaint[] };

/** The rating card's words, in the customer's language (also the system message's text). */
export const CSAT_REQUEST_TEXT = {
  en: 'How did we do? Please rate this conversation from 1 to 5 stars.',
  'zh-CN': '请为本次服务评分（1–5 星），感谢您的反馈。',
  'zh-TW': '請為本次服務評分（1–5 星），感謝您的回饋。',
} as const;
