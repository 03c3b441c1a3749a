import type { WidgetSessionResponse } from '../contracts/api.ts';
import type { Locale } from '../contracts/domain.ts';
import { createSession, isAuthError, isRateLimited, isRetryable, type RequestError, toRequestError } from './api.ts';
import { computeBackoff } from './realtime.ts';
import { loadVisitor, type StoredVisitor, saveVisitor } from './storage.ts';

/**
 * The visitor's session: the signed visitor token (from localStorage, or an identity token the exchange signed), its
 * renewal before it expires, and retries when the server is busy or unreachable. One session request at a time.
 */

/**
 * An open tab renews its visitor token this long before it expires (tokens last a day), so its requests and its next
 * socket never carry an expired one. A tab that slept through it renews on the first refusal instead: the server
 * still renews an expired token into the same visitor and conversation for weeks.
 */
const RENEW_BEFORE_EXPIRY_MS = 60 * 60 * 1000;
const MIN_RENEW_DELAY_MS = 60_000;
/** setTimeout's delay is a signed 32-bit count of milliseconds. */
const MAX_TIMER_MS = 2_000_000_000;

/** When to try a refused request again: the server's Retry-After, plus up to a second so a crowd spreads out. */
export function retryDelay(failure: RequestError, attempt: number): number {
  if (failure.retryAfterSeconds === undefined) return computeBackoff(attempt);
  return failure.retryAfterSeconds * 1000 + Math.random() * 1000;
}

export type SessionHooks = {
  getLocale: () => Locale;
  isStopped: () => boolean;
  /** The connection state may have changed (a request started or ended). */
  onChange: () => void;
  /** A session was granted and stored; resolves once the conversation is resumed. */
  onReady: (session: WidgetSessionResponse, tokenChanged: boolean) => Promise<void>;
};

export type Session = {
  token: () => string | null;
  ready: () => boolean;
  /** The server refused the token: it must be renewed before the next request. */
  invalidate: () => void;
  /** A session request is under way. */
  pending: () => boolean;
  failed: () => boolean;
  refresh: () => Promise<boolean>;
  identify: (identityToken: string | undefined) => void;
  hasIdentity: () => boolean;
  /** Forgets the visitor: stored token, renewal, readiness. */
  forget: () => void;
  stop: () => void;
};

export function createVisitorSession(
  org: string,
  apiOrigin: string,
  initialIdentityToken: string | undefined,
  hooks: SessionHooks,
): Session {
  let identityToken = initialIdentityToken;
  let token: string | null = null;
  let sessionReady = false;
  let sessionTask: Promise<boolean> | null = null;
  let sessionFailed = false;
  let sessionAttempt = 0;
  let sessionRetryTimer: ReturnType<typeof setTimeout> | undefined;
  let renewTimer: ReturnType<typeof setTimeout> | undefined;

  function refreshSession(): Promise<boolean> {
    if (hooks.isStopped()) return Promise.resolve(false);
    if (!sessionTask) {
      sessionTask = runSession().finally(() => {
        sessionTask = null;
        hooks.onChange();
      });
    }
    hooks.onChange();
    return sessionTask;
  }

  async function requestSession(visitor: StoredVisitor | null): Promise<WidgetSessionResponse> {
    try {
      return await createSession(apiOrigin, {
        org,
        locale: hooks.getLocale(),
        visitorToken: visitor?.token,
        identityToken,
      });
    } catch (error) {
      const failure = toRequestError(error);
      if (visitor && (failure.code === 'visitor_token_invalid' || failure.status === 401)) {
        saveVisitor(org, null);
        return requestSession(null);
      }
      if (identityToken && failure.code === 'identity_token_invalid') {
        // An expired or mis-signed token should cost the customer the account link, not the chat.
        console.warn('[kefu] identity token rejected; continuing as an anonymous visitor');
        identityToken = undefined;
        return requestSession(visitor?.verified ? null : visitor);
      }
      throw failure;
    }
  }

  async function runSession(): Promise<boolean> {
    clearTimeout(sessionRetryTimer);
    let stored = loadVisitor(org);
    // A visitor bound to an exchange account must not be resumed by whoever next uses this browser logged out.
    if (stored?.verified && !identityToken) stored = null;
    let session: WidgetSessionResponse;
    try {
      session = await requestSession(stored);
    } catch (error) {
      const failure = toRequestError(error);
      sessionFailed = true;
      if (failure.code === 'org_not_found') {
        console.warn(`[kefu] unknown organization "${org}"`);
      } else if (isRateLimited(failure)) {
        // The server is there, only busy with this address: "connecting", not "offline".
        sessionFailed = false;
        sessionRetryTimer = setTimeout(() => void refreshSession(), retryDelay(failure, sessionAttempt++));
      } else if (isRetryable(failure) || isAuthError(failure)) {
        sessionRetryTimer = setTimeout(() => void refreshSession(), computeBackoff(sessionAttempt++));
      } else {
        console.warn('[kefu] could not start a chat session:', failure.code, failure.message);
      }
      return false;
    }
    if (hooks.isStopped()) return false;
    sessionFailed = false;
    sessionAttempt = 0;
    const tokenChanged = token !== null && token !== session.visitorToken;
    token = session.visitorToken;
    saveVisitor(org, {
      token,
      verified: session.contact?.verified === true,
      expiresAt: session.visitorTokenExpiresAt,
    });
    scheduleRenewal(session.visitorTokenExpiresAt);
    sessionReady = true;
    await hooks.onReady(session, tokenChanged);
    return true;
  }

  /** A new session before the token expires: same visitor, same conversation, a fresh token. */
  function scheduleRenewal(expiresAt: string | undefined): void {
    clearTimeout(renewTimer);
    const at = Date.parse(expiresAt ?? '');
    if (!Number.isFinite(at)) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(MIN_RENEW_DELAY_MS, at - Date.now() - RENEW_BEFORE_EXPIRY_MS));
    renewTimer = setTimeout(() => {
      if (sessionReady) void refreshSession();
    }, delay);
  }

  return {
    token: () => token,
    ready: () => sessionReady,
    invalidate: () => {
      sessionReady = false;
    },
    pending: () => sessionTask !== null,
    failed: () => sessionFailed,
    refresh: refreshSession,
    identify: (next) => {
      identityToken = next;
    },
    hasIdentity: () => Boolean(identityToken),
    forget: () => {
      saveVisitor(org, null);
      clearTimeout(renewTimer);
      token = null;
      sessionReady = false;
    },
    stop: () => {
      clearTimeout(sessionRetryTimer);
      clearTimeout(renewTimer);
    },
  };
}
