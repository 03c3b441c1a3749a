import type { SurgeAnnouncementBody, SurgeMode, SurgeReport, SurgeStateResponse } from '../../../contracts/surge.ts';
import { callApi } from '../../api/client.ts';

export const fetchSurge = () => callApi<SurgeStateResponse>('/api/agent/surge');

export const setSurgeMode = (mode: SurgeMode) =>
  callApi<SurgeStateResponse>('/api/agent/surge', { method: 'POST', body: { mode } });

export const setSurgeOptIn = (optIn: boolean) =>
  callApi<SurgeStateResponse>('/api/agent/surge/opt-in', { method: 'PATCH', body: { optIn } });

export const postAnnouncement = (body: SurgeAnnouncementBody) =>
  callApi<{ announcedTo: number; platformStatus: boolean }>('/api/agent/surge/announcements', {
    method: 'POST',
    body,
  });

export async function fetchSurgeReports(): Promise<SurgeReport[]> {
  return (await callApi<{ surges: SurgeReport[] }>('/api/agent/surge/reports')).surges;
}
