import type { Conversation } from '../../../contracts/domain.ts';
import type {
  AttributeDefinition,
  AttributeValue,
  Macro,
  Notification,
  NotificationsResponse,
} from '../../../contracts/tools.ts';

/**
 * The agent tools' calls. The console's client keeps its CSRF token private, so this asks the session for one the
 * first time it changes something (and again if the server says it went stale).
 */
let csrfToken: string | null = null;

async function freshCsrfToken(): Promise<string> {
  const response = await fetch('/api/agent/auth/session', { credentials: 'same-origin' });
  const session = (await response.json()) as { csrfToken?: string };
  csrfToken = session.csrfToken ?? null;
  return csrfToken ?? '';
}

export class ToolError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const send = async (token: string | null) =>
    fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method === 'GET' || !token ? {} : { 'x-csrf-token': token }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let response = await send(method === 'GET' ? null : (csrfToken ?? (await freshCsrfToken())));
  if (response.status === 403 && method !== 'GET') response = await send(await freshCsrfToken());
  if (!response.ok) {
    const payload = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ToolError(payload.error?.code ?? 'unknown', payload.error?.message ?? response.statusText);
  }
  return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
}

export const listMacros = () => call<{ macros: Macro[] }>('GET', '/api/agent/macros').then((r) => r.macros);

export const listNotifications = () => call<NotificationsResponse>('GET', '/api/agent/notifications?limit=20');

export const markNotificationsRead = (ids: string[] | null) =>
  call<{ unreadCount: number }>('POST', '/api/agent/notifications/read', ids ? { ids } : { all: true });

const conversationPath = (id: string) => `/api/agent/conversations/${encodeURIComponent(id)}`;

export const changeTags = (id: string, change: { add?: string[]; remove?: string[] }) =>
  call<{ conversation: Conversation }>('POST', `${conversationPath(id)}/tags`, change).then((r) => r.conversation);

export const snooze = (id: string, until: string | null) =>
  call<{ conversation: Conversation }>('POST', `${conversationPath(id)}/snooze`, { until }).then((r) => r.conversation);

export const transcriptUrl = (id: string, format: 'txt' | 'json') =>
  `${conversationPath(id)}/transcript?format=${format}`;

export type { Macro, Notification };

export const listAttributeDefinitions = () =>
  call<{ definitions: AttributeDefinition[] }>('GET', '/api/agent/attribute-definitions').then((r) => r.definitions);

/** `null` removes a value; the server checks each against its definition. */
export const setAttributes = (id: string, values: Record<string, AttributeValue | null>) =>
  call<{ conversation: Conversation }>('PATCH', `${conversationPath(id)}/attributes`, { values }).then(
    (r) => r.conversation,
  );
