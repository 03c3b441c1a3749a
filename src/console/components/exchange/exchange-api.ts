import type { ExchangeProfileResponse, FreezeExchangeAccountResponse } from '../../../contracts/exchange.ts';
import type { CaseStatus, CHANNEL_KINDS, SupportCase } from '../../../contracts/self-service.ts';
import { callApi } from '../../api/client.ts';

/**
 * The crypto self-service calls of the console: the customer's exchange account, cases with their four-eyes
 * approvals, the official-channel registry and platform status. A case's shape comes from the contracts; the other
 * response shapes the server returns are written down here (see src/server/self-service/ and friends).
 */

export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export type ServiceState = 'enabled' | 'suspended' | 'congested';

export type OfficialChannel = { id: string; kind: ChannelKind; value: string; label: string; created_at: string };

export type PlatformStatusEntry = {
  coin: string;
  network: string;
  deposits: ServiceState;
  withdrawals: ServiceState;
  note: Partial<Record<'zh-CN' | 'zh-TW' | 'en', string>>;
  updatedAt: string;
};

/** The server's rule (REQUIRED_APPROVALS in cases.service.ts): two different supervisors or admins. */
export const REQUIRED_APPROVALS = 2;

const conversationPath = (id: string) => `/api/agent/conversations/${encodeURIComponent(id)}`;
const casePath = (id: string) => `/api/agent/cases/${encodeURIComponent(id)}`;

export function fetchExchangeProfile(conversationId: string, signal?: AbortSignal): Promise<ExchangeProfileResponse> {
  return callApi<ExchangeProfileResponse>(`${conversationPath(conversationId)}/exchange`, { signal });
}

/** `requestId` is chosen once per confirmed click, so a retried request freezes (and is audited) once. */
export function freezeAccount(
  conversationId: string,
  body: { requestId: string; reason: string },
): Promise<FreezeExchangeAccountResponse> {
  return callApi<FreezeExchangeAccountResponse>(`${conversationPath(conversationId)}/exchange/freeze`, {
    method: 'POST',
    body,
  });
}

export async function requestUnfreeze(conversationId: string, reason: string): Promise<SupportCase> {
  const result = await callApi<{ case: SupportCase }>('/api/agent/unfreeze-requests', {
    method: 'POST',
    body: { conversationId, reason },
  });
  return result.case;
}

export async function listConversationCases(conversationId: string, signal?: AbortSignal): Promise<SupportCase[]> {
  const query = new URLSearchParams({ conversationId });
  return (await callApi<{ cases: SupportCase[] }>(`/api/agent/cases?${query}`, { signal })).cases;
}

export async function changeCaseStatus(caseId: string, status: CaseStatus): Promise<SupportCase> {
  return (await callApi<{ case: SupportCase }>(casePath(caseId), { method: 'PATCH', body: { status } })).case;
}

export function approveUnfreeze(caseId: string): Promise<{ case: SupportCase; unfrozen: boolean }> {
  return callApi<{ case: SupportCase; unfrozen: boolean }>(`${casePath(caseId)}/approve`, { method: 'POST' });
}

export async function listOfficialChannels(): Promise<OfficialChannel[]> {
  return (await callApi<{ channels: OfficialChannel[] }>('/api/agent/official-channels')).channels;
}

export async function addOfficialChannel(channel: {
  kind: ChannelKind;
  value: string;
  label: string;
}): Promise<OfficialChannel> {
  return (
    await callApi<{ channel: OfficialChannel }>('/api/agent/official-channels', { method: 'POST', body: channel })
  ).channel;
}

export async function removeOfficialChannel(id: string): Promise<void> {
  await callApi<unknown>(`/api/agent/official-channels/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export async function listPlatformStatus(): Promise<PlatformStatusEntry[]> {
  return (await callApi<{ entries: PlatformStatusEntry[] }>('/api/agent/platform-status')).entries;
}

export async function savePlatformStatus(entry: {
  coin: string;
  network: string;
  deposits: ServiceState;
  withdrawals: ServiceState;
  note: PlatformStatusEntry['note'];
}): Promise<{ entry: PlatformStatusEntry; announcedTo: unknown }> {
  return callApi<{ entry: PlatformStatusEntry; announcedTo: unknown }>('/api/agent/platform-status', {
    method: 'PUT',
    body: entry,
  });
}
