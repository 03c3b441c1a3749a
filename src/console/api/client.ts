import type {
  AgentsResponse,
  Conversation,
  ConversationDetailResponse,
  ConversationListResponse,
  Message,
  MessagesResponse,
  SessionResponse,
  TotpSetupResponse,
} from '../../contracts/api.ts';
import type { ConversationStatus, Priority } from '../../contracts/domain.ts';
import { replyChannelOf } from '../components/contacts/reply-channel.ts';

/** A failed API call. `code` is the contract's error code (or `network` when the server was not reached). */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

export function errorCodeOf(error: unknown): string {
  return error instanceof ApiError ? error.code : 'unknown';
}

const AUTH_STEP_CODES = new Set(['invalid_credentials', 'totp_required', 'totp_invalid']);

let csrfToken: string | null = null;
let unauthorizedHandler: ((code: string) => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an authenticated call answers 401 (or `totp_enrollment_required`), so the app can go to the login flow. */
export function onUnauthorized(handler: ((code: string) => void) | null): void {
  unauthorizedHandler = handler;
}

type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Login and session probes answer 401 as a normal outcome; they must not bounce the app to the login page. */
  expectUnauthorized?: boolean;
  signal?: AbortSignal;
};

async function parseError(response: Response): Promise<ApiError> {
  try {
    const payload = (await response.json()) as { error?: { code?: string; message?: string } };
    if (payload?.error?.code) {
      return new ApiError(payload.error.code, payload.error.message ?? '', response.status);
    }
  } catch {
    // Not JSON (a proxy error page, say): fall through to a code derived from the status.
  }
  const code = response.status === 401 ? 'unauthenticated' : response.status >= 500 ? 'internal_error' : 'bad_request';
  return new ApiError(code, response.statusText, response.status);
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  // Only set a JSON content type when there is a body: an empty JSON body is a 400 on most servers.
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('network', error instanceof Error ? error.message : 'Network error', 0);
  }
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(path, options);
  // A stale CSRF token (e.g. the session was refreshed in another tab): fetch a fresh one and retry once.
  if (response.status === 403 && (options.method ?? 'GET') !== 'GET') {
    const error = await parseError(response.clone());
    if (error.code === 'csrf_token_invalid') {
      const session = await send('/api/agent/auth/session', {});
      if (session.ok) {
        const body = (await session.json()) as SessionResponse;
        setCsrfToken(body.csrfToken);
        response = await send(path, options);
      }
    }
  }
  if (!response.ok) {
    const error = await parseError(response);
    // A 401 anywhere, or a session that must enrol in 2FA first, sends the app back to the login flow.
    // A wrong code is a 401 too (e.g. when confirming 2FA enrolment) but the session is fine.
    const bounce =
      (response.status === 401 && !AUTH_STEP_CODES.has(error.code)) || error.code === 'totp_enrollment_required';
    if (bounce && !options.expectUnauthorized) unauthorizedHandler?.(error.code);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

// ---------- Auth ----------

export async function fetchSession(): Promise<SessionResponse> {
  const session = await request<SessionResponse>('/api/agent/auth/session', { expectUnauthorized: true });
  setCsrfToken(session.csrfToken);
  return session;
}

export async function logIn(input: { email: string; password: string; totp?: string }): Promise<SessionResponse> {
  const session = await request<SessionResponse>('/api/agent/auth/login', {
    method: 'POST',
    body: input,
    expectUnauthorized: true,
  });
  // Some servers answer the login with a partial body; the session probe is the source of truth.
  if (session?.csrfToken) setCsrfToken(session.csrfToken);
  return session?.agent ? session : fetchSession();
}

export async function logOut(): Promise<void> {
  try {
    await request<void>('/api/agent/auth/logout', { method: 'POST', expectUnauthorized: true });
  } finally {
    setCsrfToken(null);
  }
}

/**
 * Enrolment runs on the session the login opened: in an org that requires 2FA, an agent without it gets a session
 * that may only reach the session, logout and these two routes until a code is confirmed.
 */
export function setUpTotp(): Promise<TotpSetupResponse> {
  return request<TotpSetupResponse>('/api/agent/auth/totp/setup', { method: 'POST', body: {} });
}

export function enableTotp(code: string): Promise<unknown> {
  return request<unknown>('/api/agent/auth/totp/enable', { method: 'POST', body: { code } });
}

/** The session exists but must enrol in 2FA before anything else works. */
export function needsTotpEnrollment(session: SessionResponse): boolean {
  return session.org.requireTotp && !session.agent.totpEnabled;
}

// ---------- Conversations ----------

export type AssigneeFilter = 'mine' | 'unassigned' | 'all';
export type ConversationFilters = {
  status: ConversationStatus | 'any';
  assignee: AssigneeFilter;
  priority: Priority | 'any';
} & HelpdeskFilters;

/** The list's filters plus the search box's text (not part of a saved view or the URL). */
export function listConversations(
  filters: ConversationFilters & { q?: string },
  cursor: string | null,
  signal?: AbortSignal,
): Promise<ConversationListResponse> {
  const query = new URLSearchParams({ assignee: filters.assignee, limit: '50' });
  const q = filters.q?.trim();
  if (q) query.set('q', q);
  if (filters.status !== 'any') query.set('status', filters.status);
  if (filters.priority !== 'any') query.set('priority', filters.priority);
  appendHelpdeskFilters(query, filters);
  if (cursor) query.set('cursor', cursor);
  return request<ConversationListResponse>(`/api/agent/conversations?${query}`, { signal });
}

export function getConversation(id: string, signal?: AbortSignal): Promise<ConversationDetailResponse> {
  return request<ConversationDetailResponse>(`/api/agent/conversations/${encodeURIComponent(id)}`, { signal });
}

export function listMessages(id: string, afterSeq: number, limit: number): Promise<MessagesResponse> {
  const query = new URLSearchParams({ afterSeq: String(afterSeq), limit: String(limit) });
  return request<MessagesResponse>(`/api/agent/conversations/${encodeURIComponent(id)}/messages?${query}`);
}

/** The contract leaves the success body open: accept `{message}` or a bare message, or nothing (the socket delivers it). */
export async function sendMessage(
  id: string,
  input: { body: string; clientId: string; private: boolean },
): Promise<Message | null> {
  const result = await request<{ message?: Message } | Message | undefined>(
    `/api/agent/conversations/${encodeURIComponent(id)}/messages`,
    // A reply on another of the customer's channels, when the agent picked one beside the reply box.
    { method: 'POST', body: { ...input, ...(input.private ? {} : { channel: replyChannelOf(id) }) } },
  );
  if (!result) return null;
  if ('message' in result && result.message) return result.message;
  return 'seq' in result ? (result as Message) : null;
}

function unwrapConversation(result: { conversation?: Conversation } | Conversation | undefined): Conversation | null {
  if (!result) return null;
  if ('conversation' in result && result.conversation) return result.conversation;
  return 'number' in result ? (result as Conversation) : null;
}

export async function updateConversation(
  id: string,
  change: { status?: ConversationStatus; priority?: Priority; reason?: string },
): Promise<Conversation | null> {
  const result = await request<{ conversation?: Conversation } | Conversation>(
    `/api/agent/conversations/${encodeURIComponent(id)}`,
    { method: 'PATCH', body: change },
  );
  return unwrapConversation(result);
}

export async function assignConversation(id: string, agentId: string | null): Promise<Conversation | null> {
  const result = await request<{ conversation?: Conversation } | Conversation>(
    `/api/agent/conversations/${encodeURIComponent(id)}/assign`,
    { method: 'POST', body: { agentId } },
  );
  return unwrapConversation(result);
}

export function listAgents(): Promise<AgentsResponse> {
  return request<AgentsResponse>('/api/agent/agents');
}

// ---------- Routing (src/console/components/routing) ----------

/** The authenticated JSON call (CSRF, retry on a stale token, 401 handling) for feature modules of the console. */
export function callApi<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return request<T>(path, options);
}

// ---------- Helpdesk list filters (src/console/components/views) ----------

/** The list filters beyond status/assignee/priority; absent means "any". Same names as the list query's. */
export type HelpdeskFilters = {
  tag?: string;
  intent?: string;
  language?: 'zh-CN' | 'zh-TW' | 'en';
  teamId?: string;
  slaRisk?: 'at_risk' | 'breached';
};

export const HELPDESK_FILTER_KEYS = ['tag', 'intent', 'language', 'teamId', 'slaRisk'] as const;

function appendHelpdeskFilters(query: URLSearchParams, filters: HelpdeskFilters): void {
  for (const key of HELPDESK_FILTER_KEYS) {
    const value = filters[key];
    if (value) query.set(key, value);
  }
}
