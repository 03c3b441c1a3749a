import type {
  ConnectTelegramInboxBody,
  TelegramInbox,
  TelegramInboxList,
  UpdateTelegramInboxBody,
} from '../../../contracts/telegram-inboxes.ts';
import { callApi } from '../../api/client.ts';

/** The Telegram inbox settings calls (src/server/telegram/telegram.routes.ts); shapes from the contracts. */

export function listTelegramInboxes(): Promise<TelegramInboxList> {
  return callApi<TelegramInboxList>('/api/agent/telegram/inboxes');
}

export async function connectTelegramInbox(body: ConnectTelegramInboxBody): Promise<TelegramInbox> {
  return (await callApi<{ inbox: TelegramInbox }>('/api/agent/telegram/inboxes', { method: 'POST', body })).inbox;
}

export async function updateTelegramInbox(id: string, body: UpdateTelegramInboxBody): Promise<TelegramInbox> {
  return (
    await callApi<{ inbox: TelegramInbox }>(`/api/agent/telegram/inboxes/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body,
    })
  ).inbox;
}

export async function removeTelegramInbox(id: string): Promise<void> {
  await callApi<unknown>(`/api/agent/telegram/inboxes/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
