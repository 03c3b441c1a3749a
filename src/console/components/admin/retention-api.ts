import type { RetentionReport, RetentionSettings, RetentionSettingsResponse } from '../../../contracts/retention.ts';
import { callApi } from '../../api/client.ts';

/** The data-retention calls (src/server/retention/retention.routes.ts); shapes from the contracts. */

export function getRetentionSettings(): Promise<RetentionSettingsResponse> {
  return callApi<RetentionSettingsResponse>('/api/agent/retention/settings');
}

export function saveRetentionSettings(settings: RetentionSettings): Promise<RetentionSettingsResponse> {
  return callApi<RetentionSettingsResponse>('/api/agent/retention/settings', { method: 'PUT', body: settings });
}

/** What a run would remove now; nothing is changed. */
export function previewRetention(): Promise<RetentionReport> {
  return callApi<RetentionReport>('/api/agent/retention/run?dryRun=true', { method: 'POST' });
}
