import type { Complaint, ConversationFeedback, CsatReport, FollowUp } from '../../../contracts/feedback.ts';
import { callApi } from '../../api/client.ts';

const conversationPath = (id: string) => `/api/agent/conversations/${encodeURIComponent(id)}`;

export const fetchFeedback = (id: string) => callApi<ConversationFeedback>(`${conversationPath(id)}/feedback`);

export const markComplaint = (id: string, reason: string) =>
  callApi<{ complaint: Complaint }>(`${conversationPath(id)}/complaint`, { method: 'POST', body: { reason } });

export const fetchCsatReport = () => callApi<CsatReport>('/api/agent/reports/csat');

export const fetchFollowUps = () =>
  callApi<{ followUps: FollowUp[] }>('/api/agent/followups?state=open').then((r) => r.followUps);

export const closeFollowUp = (id: string, note: string) =>
  callApi<{ followUp: FollowUp }>(`/api/agent/followups/${encodeURIComponent(id)}/close`, {
    method: 'POST',
    body: { note },
  });
