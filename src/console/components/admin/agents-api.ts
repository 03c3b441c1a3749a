import type { AgentsResponse } from '../../../contracts/api.ts';
import type { Agent, AgentPermission } from '../../../contracts/domain.ts';
import { callApi } from '../../api/client.ts';

/** The Agents page's calls: the team list (conversations.routes.ts) and an agent's extra permissions (auth.routes.ts). */

export type AgentEntry = AgentsResponse['agents'][number];

export async function listAgentsWithPermissions(): Promise<AgentEntry[]> {
  return (await callApi<AgentsResponse>('/api/agent/agents')).agents;
}

export async function saveAgentPermissions(agentId: string, permissions: AgentPermission[]): Promise<Agent> {
  const path = `/api/agent/agents/${encodeURIComponent(agentId)}/permissions`;
  return (await callApi<{ agent: Agent }>(path, { method: 'PUT', body: { permissions } })).agent;
}
