import type { Conversation } from '../../../contracts/domain.ts';
import type {
  AgentRouting,
  AgentRoutingResponse,
  AgentStatus,
  Team,
  TeamsResponse,
} from '../../../contracts/routing.ts';
import { callApi } from '../../api/client.ts';

export async function fetchMyRouting(): Promise<AgentRouting> {
  return (await callApi<AgentRoutingResponse>('/api/agent/routing/me')).agent;
}

export async function setMyStatus(agentId: string, status: AgentStatus): Promise<AgentRouting> {
  return (
    await callApi<AgentRoutingResponse>(`/api/agent/routing/agents/${agentId}`, { method: 'PATCH', body: { status } })
  ).agent;
}

export async function takeNext(): Promise<Conversation | null> {
  return (await callApi<{ conversation: Conversation | null }>('/api/agent/routing/next', { method: 'POST' }))
    .conversation;
}

export async function fetchTeams(): Promise<Team[]> {
  return (await callApi<TeamsResponse>('/api/agent/teams')).teams;
}
