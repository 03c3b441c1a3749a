import type {
  ApiKeyScope,
  ApiKeySummary,
  CreatedApiKey,
  CreatedWebhook,
  CreateWebhookBody,
  UpdateWebhookBody,
  WebhookDelivery,
  WebhookEndpoint,
} from '../../../contracts/public-api.ts';
import { callApi } from '../../api/client.ts';

/** The console's calls to /api/agent/api-keys and /api/agent/webhooks (admins only; the server checks). */
const hookPath = (id: string) => `/api/agent/webhooks/${encodeURIComponent(id)}`;

export async function fetchApiKeys(): Promise<ApiKeySummary[]> {
  return (await callApi<{ apiKeys: ApiKeySummary[] }>('/api/agent/api-keys')).apiKeys;
}
export function createApiKey(name: string, scopes: ApiKeyScope[]): Promise<CreatedApiKey> {
  return callApi<CreatedApiKey>('/api/agent/api-keys', { method: 'POST', body: { name, scopes } });
}
export async function revokeApiKey(id: string): Promise<void> {
  await callApi(`/api/agent/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export async function fetchWebhooks(): Promise<WebhookEndpoint[]> {
  return (await callApi<{ webhooks: WebhookEndpoint[] }>('/api/agent/webhooks')).webhooks;
}
export function createWebhook(body: CreateWebhookBody): Promise<CreatedWebhook> {
  return callApi<CreatedWebhook>('/api/agent/webhooks', { method: 'POST', body });
}
export async function updateWebhook(id: string, body: UpdateWebhookBody): Promise<WebhookEndpoint> {
  return (await callApi<{ webhook: WebhookEndpoint }>(hookPath(id), { method: 'PATCH', body })).webhook;
}
export async function deleteWebhook(id: string): Promise<void> {
  await callApi(hookPath(id), { method: 'DELETE' });
}
export async function fetchDeliveries(id: string): Promise<WebhookDelivery[]> {
  return (await callApi<{ deliveries: WebhookDelivery[] }>(`${hookPath(id)}/deliveries`)).deliveries;
}
export async function replayDelivery(id: string, deliveryId: string): Promise<WebhookDelivery> {
  const path = `${hookPath(id)}/deliveries/${encodeURIComponent(deliveryId)}/replay`;
  return (await callApi<{ delivery: WebhookDelivery }>(path, { method: 'POST' })).delivery;
}
