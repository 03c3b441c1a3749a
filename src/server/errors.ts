import type { ErrorCode } from '../contracts/errors.ts';

/** The one application error. Services throw it with a code; `statusForErrorCode` is the only place codes meet HTTP. */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** For `rate_limited`: when to try again, sent as the Retry-After header (and on the WebSocket's error event). */
  readonly retryAfterSeconds: number | undefined;
  override name = 'AppError';
  constructor(code: ErrorCode, message?: string, details: { retryAfterSeconds?: number } = {}) {
    super(message ?? defaultMessages[code] ?? code);
    this.code = code;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  invalid_characters: 400,
  malformed_json: 400,
  payload_too_large: 413,
  unauthenticated: 401,
  session_expired: 401,
  csrf_token_invalid: 403,
  invalid_credentials: 401,
  totp_required: 401,
  totp_invalid: 401,
  totp_enrollment_required: 403,
  too_many_attempts: 429,
  rate_limited: 429,
  forbidden: 403,
  identity_token_invalid: 401,
  visitor_token_invalid: 401,
  org_not_found: 404,
  inbox_not_found: 404,
  conversation_not_found: 404,
  agent_not_found: 404,
  message_not_found: 404,
  message_blocked: 422,
  conflict: 409,
  not_found: 404,
  internal_error: 500,
  team_not_found: 404,
  agent_at_capacity: 409,
  macro_not_found: 404,
  view_not_found: 404,
  attribute_unknown: 400,
  attribute_invalid: 400,
  merge_refused: 409,
  filter_unavailable: 400,
  priority_reason_required: 400,
  exchange_not_linked: 409,
  exchange_unavailable: 503,
  csat_not_requested: 409,
  csat_already_answered: 409,
  followup_not_found: 404,
  followup_already_closed: 409,
  approval_self_refused: 403,
  article_not_found: 404,
  article_slug_taken: 409,
  article_too_large: 413,
  article_text_missing: 409,
  revision_not_found: 404,
  kb_section_not_found: 404,
  kb_slug_taken: 409,
  locale_unknown: 400,
  phone_invalid: 400,
  callback_window_invalid: 400,
};

const defaultMessages: Partial<Record<ErrorCode, string>> = {
  unauthenticated: 'Sign in first.',
  session_expired: 'Your session has expired; sign in again.',
  csrf_token_invalid: 'Missing or wrong CSRF token.',
  invalid_credentials: 'Wrong email or password.',
  totp_required: 'Enter the 6-digit code from your authenticator app.',
  totp_invalid: 'That authenticator code is not valid.',
  totp_enrollment_required: 'This organization requires two-factor authentication: enrol an authenticator first.',
  too_many_attempts: 'Too many failed attempts; wait a few minutes and try again.',
  rate_limited: 'Too many requests; wait the seconds in Retry-After and try again.',
  forbidden: 'Your role does not allow this.',
  identity_token_invalid: 'The identity token is forged, malformed or expired.',
  visitor_token_invalid: 'The visitor token is not valid; start a new session.',
  org_not_found: 'No such organization.',
  inbox_not_found: 'No such inbox.',
  conversation_not_found: 'No such conversation.',
  agent_not_found: 'No such agent.',
  not_found: 'Not found.',
  internal_error: 'Something went wrong on our side.',
  team_not_found: 'No such team.',
  agent_at_capacity: 'You already have as many open conversations as your capacity allows.',
  macro_not_found: 'No such macro.',
  view_not_found: 'No such saved view.',
  attribute_unknown: 'No such attribute; an admin defines attributes first.',
  attribute_invalid: 'That value does not fit the attribute.',
  merge_refused: 'These conversations cannot be merged.',
  filter_unavailable: 'That filter is not available on this server yet.',
  priority_reason_required: 'Say why: this priority was set by the priority rules or an SLA escalation.',
  exchange_not_linked: 'This customer is not linked to an exchange account.',
  exchange_unavailable: 'The exchange did not answer; try again in a moment.',
  csat_not_requested: 'This conversation has not been offered a rating yet.',
  csat_already_answered: 'This conversation has already been rated.',
  followup_not_found: 'No such follow-up.',
  followup_already_closed: 'This follow-up is already closed.',
  approval_self_refused: 'You asked for this unfreeze, so you cannot approve it: two other people must.',
  article_not_found: 'No such article.',
  article_slug_taken: 'Another article already has this slug.',
  article_too_large: 'An article may hold at most 200 KB of text.',
  article_text_missing: 'This article has no text in that language yet.',
  revision_not_found: 'No such revision.',
  kb_section_not_found: 'No such section.',
  kb_slug_taken: 'Another category or section here already has this slug.',
  locale_unknown: 'Unknown language: use zh-CN, zh-TW or en.',
  phone_invalid: 'That is not a valid phone number: include the country code, e.g. +86 138 0013 8000.',
  callback_window_invalid: 'That time window is over or not a real time on your clock: pick a later one.',
};

export function statusForErrorCode(code: ErrorCode): number {
  return statusByCode[code] ?? 500;
}
