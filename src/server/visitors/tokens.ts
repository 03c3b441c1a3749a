import crypto from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { findInvalidText, INVALID_TEXT_MESSAGE } from '../http/text-rules.ts';

/**
 * Compact signed tokens: base64url(JSON payload) + "." + base64url(HMAC-SHA256(key, payload part)).
 * Used for the visitor tokens kefu hands to the widget and for the identity tokens an exchange signs.
 */
export function signToken(key: string, payload: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${hmac(key, body)}`;
}

export function verifyToken(key: string, token: string): Record<string, unknown> | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
  const body = token.slice(0, dot);
  const expected = Buffer.from(hmac(key, body));
  const given = Buffer.from(token.slice(dot + 1));
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function hmac(key: string, data: string): string {
  return crypto.createHmac('sha256', key).update(data).digest('base64url');
}

/** What an exchange asserts about its signed-in user. `exp` is seconds since the epoch. */
export const identityClaimsSchema = z.object({
  uid: z.string().min(1).max(128),
  name: z.string().max(200).optional(),
  email: z.email().max(254).optional(),
  locale: z.enum(['zh-CN', 'zh-TW', 'en']).optional(),
  vipLevel: z.number().int().min(0).max(20).optional(),
  exp: z.number().int(),
});
export type IdentityClaims = z.infer<typeof identityClaimsSchema>;

export function verifyIdentityToken(secret: string, token: string, now = Date.now()): IdentityClaims | undefined {
  const payload = verifyToken(secret, token);
  // The same text rule as every other input (src/server/http/text-rules.ts): a genuine token whose claims could
  // never be stored is the exchange's bug, so the answer names the claim instead of calling the token forged.
  const invalidAt = findInvalidText(payload, 'identityToken');
  if (invalidAt) throw new AppError('invalid_characters', `${invalidAt}: ${INVALID_TEXT_MESSAGE}`);
  const claims = identityClaimsSchema.safeParse(payload);
  if (!claims.success || claims.data.exp * 1000 <= now) return undefined;
  return claims.data;
}

/** What an exchange's backend does to sign its user in to the widget (here for the demo page and the tests). */
export function signIdentityToken(secret: string, claims: Omit<IdentityClaims, 'exp'> & { exp?: number }): string {
  return signToken(secret, { ...claims, exp: claims.exp ?? Math.floor(Date.now() / 1000) + 3600 });
}

/**
 * How long a visitor token opens the widget API and WebSocket. Short, because the token is a bearer credential that
 * travels in the WebSocket URL (and so into proxy logs): a copied token reads the chat for a day at most. The widget
 * never notices: every page load starts a session, which issues a fresh token, and an open tab renews before expiry.
 */
export const VISITOR_TOKEN_TTL_SECONDS = 24 * 60 * 60;

/** v2 carries its expiry; v1 tokens (issued before tokens expired) have none and are read as already expired. */
const visitorClaimsSchema = z.union([
  z.object({ o: z.string(), c: z.string(), v: z.literal(2), exp: z.number().int() }),
  z.object({ o: z.string(), c: z.string(), v: z.literal(1) }),
]);

export type VisitorTokenClaims = {
  orgId: string;
  contactId: string;
  /** null for a v1 token: it never said, so it counts as expired. */
  expiresAt: Date | null;
};

export function signVisitorToken(
  key: string,
  orgId: string,
  contactId: string,
  now = Date.now(),
): { token: string; expiresAt: Date } {
  const exp = Math.floor(now / 1000) + VISITOR_TOKEN_TTL_SECONDS;
  return { token: signToken(key, { o: orgId, c: contactId, v: 2, exp }), expiresAt: new Date(exp * 1000) };
}

/** A token we signed, expired or not: what a renewal looks at (src/server/visitors/visitors.service.ts). */
export function readVisitorToken(key: string, token: string): VisitorTokenClaims | undefined {
  const claims = visitorClaimsSchema.safeParse(verifyToken(key, token));
  if (!claims.success) return undefined;
  const { o, c } = claims.data;
  return { orgId: o, contactId: c, expiresAt: claims.data.v === 2 ? new Date(claims.data.exp * 1000) : null };
}

export function isVisitorTokenExpired(claims: VisitorTokenClaims, now = Date.now()): boolean {
  return claims.expiresAt === null || claims.expiresAt.getTime() <= now;
}

/** A token that opens the API right now: signed by us and not expired. */
export function verifyVisitorToken(
  key: string,
  token: string,
  now = Date.now(),
): { orgId: string; contactId: string } | undefined {
  const claims = readVisitorToken(key, token);
  return claims && !isVisitorTokenExpired(claims, now)
    ? { orgId: claims.orgId, contactId: claims.contactId }
    : undefined;
}
