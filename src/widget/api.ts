import type { Conversation, Message, WidgetConfigResponse, WidgetSessionResponse } from '../contracts/api.ts';
import type { Locale } from '../contracts/domain.ts';
import type { KbSearchResponse } from '../contracts/kb.ts';
import type { SupportAvailabilityResponse } from '../contracts/routing.ts';

/** The widget's HTTP calls. Only types come from the contracts, so zod never ends up in the bundle. */

/**
 * `status` 0 means the request never got an HTTP answer (offline, DNS, CORS, timeout). `retryAfterSeconds` is the
 * server's Retry-After (a `rate_limited` answer says when the request will be accepted again).
 */
export type RequestError = Error & { status: number; code: string; retryAfterSeconds?: number };

const TIMEOUT_MS = 15_000;

function createRequestError(status: number, code: string, message: string, retryAfter?: string | null): RequestError {
  const error = new Error(message) as RequestError;
  error.status = status;
  error.code = code;
  const seconds = Number(retryAfter);
  if (retryAfter && Number.isFinite(seconds) && seconds >= 0) error.retryAfterSeconds = seconds;
  return error;
}

export function isRateLimited(error: RequestError): boolean {
  return error.status === 429 || error.code === 'rate_limited';
}

export function toRequestError(error: unknown): RequestError {
  if (error instanceof Error && typeof (error as RequestError).status === 'number') return error as RequestError;
  return createRequestError(0, 'network_error', error instanceof Error ? error.message : String(error));
}

/** True when the server may or may not have acted on the request, so it must be retried (safe: sends are idempotent). */
export function isRetryable(error: RequestError): boolean {
  return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
}

export function isAuthError(error: RequestError): boolean {
  return (
    error.status === 401 ||
    error.code === 'unauthenticated' ||
    error.code === 'visitor_token_invalid' ||
    error.code === 'session_expired'
  );
}

type RequestOptions = { method?: 'GET' | 'POST'; token?: string | null; body?: unknown };

async function requestJson<T>(apiOrigin: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(apiOrigin + path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      // Bearer tokens only: never send the host page's (or our own origin's) cookies.
      credentials: 'omit',
      mode: 'cors',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw toRequestError(error);
  }
  const text = await response.text().catch(() => '');
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const body = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    throw createRequestError(
      response.status,
      typeof body?.code === 'string' ? body.code : `http_${response.status}`,
      typeof body?.message === 'string' ? body.message : response.statusText,
      response.headers.get('retry-after'),
    );
  }
  return data as T;
}

export function fetchConfig(apiOrigin: string, org: string): Promise<WidgetConfigResponse> {
  return requestJson(apiOrigin, `/api/widget/config?org=${encodeURIComponent(org)}`);
}

/** Whether a person can answer now ('online' | 'busy' | 'away'), for the header. */
export function fetchAvailability(apiOrigin: string, org: string): Promise<SupportAvailabilityResponse> {
  return requestJson(apiOrigin, `/api/widget/availability?org=${encodeURIComponent(org)}`);
}

/** The public knowledge-base search (src/server/kb/kb.routes.ts): suggestions while a new customer types. */
export function searchKb(
  apiOrigin: string,
  org: string,
  q: string,
  locale: Locale,
  limit = 3,
): Promise<KbSearchResponse> {
  const query = new URLSearchParams({ q, locale, org, limit: String(limit) });
  return requestJson(apiOrigin, `/api/kb/search?${query}`);
}

export type ServiceState = 'enabled' | 'suspended' | 'congested';
export type PlatformStatusEntry = {
  coin: string;
  network: string;
  deposits: ServiceState;
  withdrawals: ServiceState;
  note: Partial<Record<Locale, string>>;
};

/** Deposits and withdrawals per coin and network, as the exchange's staff posted them. */
export function fetchPlatformStatus(apiOrigin: string, org: string): Promise<{ entries: PlatformStatusEntry[] }> {
  return requestJson(apiOrigin, `/api/widget/platform-status?org=${encodeURIComponent(org)}`);
}

/** Whether surge mode is on in the organization (the widget's banner). */
export function fetchSurge(apiOrigin: string, org: string): Promise<{ active: boolean }> {
  return requestJson(apiOrigin, `/api/widget/surge?org=${encodeURIComponent(org)}`);
}

export type SessionRequest = { org: string; visitorToken?: string; identityToken?: string; locale?: Locale };

export function createSession(apiOrigin: string, body: SessionRequest): Promise<WidgetSessionResponse> {
  return requestJson(apiOrigin, '/api/widget/session', { method: 'POST', body });
}

/** The contract does not fix these response shapes, so accept the likely ones. */
type CreateConversationResponse = {
  conversation?: Conversation;
  message?: Message;
  messages?: Message[];
} & Partial<Conversation>;

export async function createConversation(
  apiOrigin: string,
  token: string,
  /** `readArticle`: the help-centre article the customer came from (a slug), kept on the first message. */
  body: { body?: string; clientId?: string; readArticle?: string },
): Promise<{ conversation: Conversation | null; messages: Message[] }> {
  const data = await requestJson<CreateConversationResponse>(apiOrigin, '/api/widget/conversations', {
    method: 'POST',
    token,
    body,
  });
  const conversation = data?.conversation ?? (typeof data?.id === 'string' ? (data as Conversation) : null);
  const messages = Array.isArray(data?.messages) ? data.messages : data?.message ? [data.message] : [];
  return { conversation, messages };
}

export async function sendMessage(
  apiOrigin: string,
  token: string,
  conversationId: string,
  body: { body: string; clientId: string },
): Promise<Message | null> {
  const data = await requestJson<{ message?: Message } & Partial<Message>>(
    apiOrigin,
    `/api/widget/conversations/${encodeURIComponent(conversationId)}/messages`,
    { method: 'POST', token, body },
  );
  if (data?.message) return data.message;
  return typeof data?.seq === 'number' ? (data as Message) : null;
}

/** A file as a message of the conversation (src/server/files/): its bytes as base64, the server says what it is. */
export async function uploadFile(
  apiOrigin: string,
  token: string,
  conversationId: string,
  file: File,
  clientId: string,
): Promise<Message | null> {
  const data = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(toRequestError(reader.error));
    reader.readAsDataURL(file);
  });
  const result = await requestJson<{ message?: Message }>(
    apiOrigin,
    `/api/widget/conversations/${encodeURIComponent(conversationId)}/files`,
    { method: 'POST', token, body: { name: file.name || 'file', data, clientId } },
  );
  return result?.message ?? null;
}

/** A five-minute link to an attachment (its URL names conversation and file), for an <img> or a download. */
export async function fetchFileLink(apiOrigin: string, token: string, attachmentUrl: string): Promise<string | null> {
  const ids = /conversations\/([\w-]+)\/files\/([\w-]+)$/.exec(attachmentUrl);
  if (!ids) return null;
  const link = await requestJson<{ url: string }>(
    apiOrigin,
    `/api/widget/conversations/${ids[1]}/files/${ids[2]}/link`,
    { token },
  );
  return apiOrigin + link.url;
}

const PAGE_SIZE = 500;

/** Every message after `afterSeq`, following pages until a short one. */
export async function fetchMessages(
  apiOrigin: string,
  token: string,
  conversationId: string,
  afterSeq: number,
): Promise<Message[]> {
  const all: Message[] = [];
  let cursor = afterSeq;
  for (;;) {
    const data = await requestJson<{ messages: Message[] }>(
      apiOrigin,
      `/api/widget/conversations/${encodeURIComponent(conversationId)}/messages?afterSeq=${cursor}&limit=${PAGE_SIZE}`,
      { token },
    );
    const page = Array.isArray(data?.messages) ? data.messages : [];
    all.push(...page);
    const last = page[page.length - 1];
    if (page.length < PAGE_SIZE || !last || last.seq <= cursor) return all;
    cursor = last.seq;
  }
}

export type CallbackRequest = {
  phone: string;
  country?: string;
  day: 'today' | 'tomorrow';
  fromHour: number;
  toHour: number;
  timeZone: string;
  locale: Locale;
  note?: string;
  clientId: string;
};

/** "Call me back" (src/server/callbacks/): opens a phone conversation; `phone_invalid` / `callback_window_invalid`. */
export function requestCallback(
  apiOrigin: string,
  token: string,
  body: CallbackRequest,
): Promise<{ conversation: Conversation; conversationId: string }> {
  return requestJson(apiOrigin, '/api/widget/callbacks', { method: 'POST', token, body });
}
