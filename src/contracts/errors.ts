import { z } from 'zod';

/**
 * Every error the API can return, by code. Clients branch on the code, never on the message.
 * The HTTP status for each code lives in one place: src/server/errors.ts.
 */
export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'invalid_characters',
  'malformed_json',
  'payload_too_large',
  'unauthenticated',
  'session_expired',
  'csrf_token_invalid',
  'invalid_credentials',
  'totp_required',
  'totp_invalid',
  'totp_enrollment_required',
  'too_many_attempts',
  'rate_limited',
  'forbidden',
  'identity_token_invalid',
  'visitor_token_invalid',
  'org_not_found',
  'inbox_not_found',
  'conversation_not_found',
  'agent_not_found',
  'message_not_found',
  'message_blocked',
  'conflict',
  'not_found',
  'internal_error',
  'team_not_found',
  'agent_at_capacity',
  'macro_not_found',
  'view_not_found',
  'attribute_unknown',
  'attribute_invalid',
  'merge_refused',
  'filter_unavailable',
  'priority_reason_required',
  'exchange_not_linked',
  'exchange_unavailable',
  'csat_not_requested',
  'csat_already_answered',
  'followup_not_found',
  'followup_already_closed',
  'approval_self_refused',
  'article_not_found',
  'article_slug_taken',
  'article_too_large',
  'article_text_missing',
  'revision_not_found',
  'kb_section_not_found',
  'kb_slug_taken',
  'locale_unknown',
  'api_key_invalid',
  'api_key_not_found',
  'contact_not_found',
  'webhook_not_found',
  'webhook_url_refused',
  'phone_invalid',
  'callback_window_invalid',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;
