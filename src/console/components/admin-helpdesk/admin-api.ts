import type { AgentsResponse } from '../../../contracts/api.ts';
import type { FeedbackSettings, FeedbackSettingsResponse } from '../../../contracts/feedback.ts';
import type { Team, TeamsResponse } from '../../../contracts/routing.ts';
import type { SlaPolicy, SlaPolicyResponse } from '../../../contracts/sla.ts';
import type { Macro, MacroActions, MacrosResponse } from '../../../contracts/tools.ts';
import { ApiError, callApi, errorCodeOf } from '../../api/client.ts';
import { describeError, type Translate } from '../../i18n/locale.tsx';

export type MacroInput = { name: string; shortcut: string; bodies: Macro['bodies']; actions: MacroActions };
export type TeamInput = Omit<Team, 'id'>;

export async function fetchMacros(): Promise<Macro[]> {
  return (await callApi<MacrosResponse>('/api/agent/macros')).macros;
}

export async function saveMacro(macroId: string | null, input: MacroInput): Promise<Macro> {
  const path = macroId ? `/api/agent/macros/${encodeURIComponent(macroId)}` : '/api/agent/macros';
  return (await callApi<{ macro: Macro }>(path, { method: macroId ? 'PATCH' : 'POST', body: input })).macro;
}

export async function deleteMacro(macroId: string): Promise<void> {
  await callApi<void>(`/api/agent/macros/${encodeURIComponent(macroId)}`, { method: 'DELETE' });
}

export async function fetchTeams(): Promise<Team[]> {
  return (await callApi<TeamsResponse>('/api/agent/teams')).teams;
}

export async function saveTeam(teamId: string | null, input: TeamInput): Promise<Team> {
  const path = teamId ? `/api/agent/teams/${encodeURIComponent(teamId)}` : '/api/agent/teams';
  return (await callApi<{ team: Team }>(path, { method: teamId ? 'PATCH' : 'POST', body: input })).team;
}

export async function deleteTeam(teamId: string): Promise<void> {
  await callApi<void>(`/api/agent/teams/${encodeURIComponent(teamId)}`, { method: 'DELETE' });
}

export async function fetchAgents(): Promise<AgentsResponse['agents']> {
  return (await callApi<AgentsResponse>('/api/agent/agents')).agents;
}

export function fetchSlaPolicy(): Promise<SlaPolicyResponse> {
  return callApi<SlaPolicyResponse>('/api/agent/sla-policy');
}

export function saveSlaPolicy(policy: SlaPolicy): Promise<SlaPolicyResponse> {
  return callApi<SlaPolicyResponse>('/api/agent/sla-policy', { method: 'PUT', body: { policy } });
}

export function fetchFeedbackSettings(): Promise<FeedbackSettingsResponse> {
  return callApi<FeedbackSettingsResponse>('/api/agent/feedback-settings');
}

export function saveFeedbackSettings(settings: FeedbackSettings): Promise<FeedbackSettingsResponse> {
  return callApi<FeedbackSettingsResponse>('/api/agent/feedback-settings', { method: 'PUT', body: { settings } });
}

/** The localized reason, plus the server's own detail (which field, which rule) when it has one worth showing. */
export function describeFailure(t: Translate, failure: unknown): string {
  const code = errorCodeOf(failure);
  const detail = failure instanceof ApiError ? failure.message : '';
  const text = describeError(t, code, detail);
  return detail && detail !== text && code !== 'network' ? `${text} ${detail}` : text;
}
