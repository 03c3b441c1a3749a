import type { RateLimit } from './widget-limits.ts';

/**
 * How many customers' contacts one agent may reveal (issue 15): `POST /api/agent/conversations/:id/contact/reveal`
 * shows a plain agent a customer's email, phone, exchange UID and Telegram id in full, audited. An agent working a
 * queue needs a few an hour for the cases that call for it; thirty an hour leaves room for a busy shift, while a
 * compromised session or an agent harvesting customers' details is stopped after thirty and shows up in the audit
 * log as refused reveals. Counted per agent across every node (rate-limit.service.ts). Supervisors, admins and agents
 * granted `pii_read` see the data anyway and are never counted.
 *
 * Overridable with KEFU_CONTACT_REVEAL_LIMIT=limit/seconds (src/server/config.ts).
 */
export const DEFAULT_CONTACT_REVEAL_LIMIT = '30/3600';

/** `limit/seconds`: at least one, the same bounds as KEFU_WIDGET_RATE_LIMITS. */
export const RATE_LIMIT_PATTERN = /^[1-9]\d{0,8}\/[1-9]\d{0,5}$/;

/** A `limit/seconds` value already checked against RATE_LIMIT_PATTERN. */
export function rateLimitFrom(value: string): RateLimit {
  const [limit, windowSeconds] = value.split('/').map(Number);
  return { limit, windowSeconds };
}
