import { z } from 'zod';
import { type Conversation, localeSchema } from './domain.ts';
import { timeZoneSchema } from './sla.ts';

/**
 * Phone callbacks (issue 13): a customer asks the widget to be called back (`POST /api/widget/callbacks`), agents log
 * the calls they make or take on any conversation (`GET/POST /api/agent/conversations/:id/calls`). Voice itself is
 * out of scope: kefu records the request and the calls, the phone system is the agent's.
 */

export const CALLBACK_STATUSES = ['requested', 'scheduled', 'done', 'missed'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const CALL_OUTCOMES = ['reached', 'no_answer', 'voicemail', 'wrong_number', 'callback_scheduled'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** The days a customer can pick, counted in their own time zone. */
export const CALLBACK_DAYS = ['today', 'tomorrow'] as const;
export type CallbackDay = (typeof CALLBACK_DAYS)[number];

export const CALLBACK_NOTE_MAX_LENGTH = 1_000;
export const CALL_NOTES_MAX_LENGTH = 5_000;
/** A call log longer than a day is a typo. */
export const CALL_DURATION_MAX_SECONDS = 24 * 60 * 60;

export const callbackRequestBodySchema = z
  .object({
    /** As typed; the server normalises it to E.164 (libphonenumber-js) and answers `phone_invalid` if it is not one. */
    phone: z.string().trim().min(1).max(40),
    /** ISO 3166 region for a number typed without +country code (the widget derives it from the language). */
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    day: z.enum(CALLBACK_DAYS),
    /** Whole hours on the customer's clock: from 0–23, to 1–24 (24 = midnight at the end of the day). */
    fromHour: z.number().int().min(0).max(23),
    toHour: z.number().int().min(1).max(24),
    /** The customer's IANA time zone (Intl.DateTimeFormat().resolvedOptions().timeZone). */
    timeZone: timeZoneSchema,
    locale: localeSchema,
    note: z.string().trim().max(CALLBACK_NOTE_MAX_LENGTH).optional(),
    /** Makes a retried request return the first one's result. */
    clientId: z.string().min(1).max(64).optional(),
  })
  .refine((b) => b.fromHour < b.toHour, { message: 'fromHour must be before toHour', path: ['toHour'] });
export type CallbackRequestBody = z.infer<typeof callbackRequestBodySchema>;

export const logCallBodySchema = z.object({
  direction: z.enum(CALL_DIRECTIONS),
  durationSeconds: z.number().int().min(0).max(CALL_DURATION_MAX_SECONDS),
  outcome: z.enum(CALL_OUTCOMES),
  notes: z.string().max(CALL_NOTES_MAX_LENGTH).default(''),
});
export type LogCallBody = z.infer<typeof logCallBodySchema>;

export type CallbackRequest = {
  id: string;
  conversationId: string;
  /** E.164, in full: only agents read it (the customer-visible message masks all but the last 4 digits). */
  phone: string;
  windowStart: string;
  windowEnd: string;
  /** The customer's time zone, to show the window on their clock too. */
  timeZone: string;
  locale: z.infer<typeof localeSchema>;
  note: string | null;
  status: CallbackStatus;
  createdAt: string;
  updatedAt: string;
};

export type CallLog = {
  id: string;
  conversationId: string;
  callbackId: string | null;
  direction: CallDirection;
  durationSeconds: number;
  outcome: CallOutcome;
  /** Screened: a seed phrase, key or code typed here is stored redacted. */
  notes: string;
  agent: { id: string; name: string } | null;
  /** The private note that shows the call in the conversation's timeline. */
  messageId: string | null;
  createdAt: string;
};

/** `POST /api/widget/callbacks` → 201. */
export type CallbackRequestResponse = {
  callback: Pick<CallbackRequest, 'id' | 'windowStart' | 'windowEnd' | 'timeZone' | 'status'> & {
    /** Masked: all but the last 4 digits. */
    phone: string;
  };
  conversationId: string;
  /** The conversation it opened, as the customer sees it (the widget switches to it). */
  conversation: Conversation;
};

/** `GET /api/agent/conversations/:id/calls`: the conversation's callback requests (newest first) and its calls. */
export type ConversationCallsResponse = { callbacks: CallbackRequest[]; calls: CallLog[] };

/** `POST /api/agent/conversations/:id/calls` → 201. */
export type LogCallResponse = { call: CallLog; callback: CallbackRequest | null };

/** "+8613800138000" → "•••••••••8000": what a message body may show of a number. */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  return `${'•'.repeat(Math.max(0, digits.length - 4))}${digits.slice(-4)}`;
}
