import { type FeedbackSettings, feedbackSettingsSchema } from '../../contracts/feedback.ts';

/** Pure decisions of the feedback domain: settings, languages and due times (unit-tested, no I/O). */

const HOUR_MS = 3_600_000;

/**
 * The organization's feedback settings (`settings.feedback`), with the defaults filled in. A malformed value falls back
 * to the defaults field by field rather than stopping surveys for the whole organization.
 */
export function readFeedbackSettings(orgSettings: Record<string, unknown>): FeedbackSettings {
  const raw = (orgSettings.feedback ?? {}) as Record<string, unknown>;
  const defaults = feedbackSettingsSchema.parse({});
  const parsed = feedbackSettingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const settings = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof FeedbackSettings)[]) {
    const one = feedbackSettingsSchema.shape[key].safeParse(raw[key]);
    if (one.success) settings[key] = one.data;
  }
  return settings;
}

export type CsatLocale = 'zh-CN' | 'zh-TW' | 'en';

/** Ask in the customer's language: their profile's, else the language the bot last read from them, else English. */
export function chooseCsatLocale(contactLocale: string | null, lastLanguage: string | null): CsatLocale {
  if (contactLocale === 'zh-CN' || contactLocale === 'zh-TW' || contactLocale === 'en') return contactLocale;
  if (lastLanguage?.startsWith('zh')) return lastLanguage === 'zh-TW' ? 'zh-TW' : 'zh-CN';
  return 'en';
}

/** When the rating request goes out after a resolution (undefined: at once). */
export function csatSendAt(resolvedAt: Date, settings: Pick<FeedbackSettings, 'csatDelaySeconds'>): Date | undefined {
  return settings.csatDelaySeconds > 0 ? new Date(resolvedAt.getTime() + settings.csatDelaySeconds * 1000) : undefined;
}

export function complaintDueAt(openedAt: Date, settings: Pick<FeedbackSettings, 'complaintTargetHours'>): Date {
  return new Date(openedAt.getTime() + settings.complaintTargetHours * HOUR_MS);
}

/**
 * A resolved complaint's follow-up: it appears `followUpAfterHours` after the resolution (the customer has had a day
 * with the answer) and is due `followUpDueHours` after that.
 */
export function planFollowUp(
  resolvedAt: Date,
  settings: Pick<FeedbackSettings, 'followUpAfterHours' | 'followUpDueHours'>,
): { createAt: Date; dueAt: Date } {
  const createAt = new Date(resolvedAt.getTime() + settings.followUpAfterHours * HOUR_MS);
  return { createAt, dueAt: new Date(createAt.getTime() + settings.followUpDueHours * HOUR_MS) };
}

/** Overdue: still open at or after its due time. A closed follow-up is never overdue. */
export function isFollowUpOverdue(followUp: { dueAt: Date; closedAt: Date | null }, now: Date): boolean {
  return followUp.closedAt === null && now.getTime() >= followUp.dueAt.getTime();
}
