import { useCallback, useEffect, useState } from 'react';
import type { AgentsResponse } from '../../contracts/api.ts';
import { listAgents } from '../api/client.ts';
import { useRealtimeEvent, useReconnect } from '../realtime/context.tsx';

export type AgentOption = AgentsResponse['agents'][number];

/** The org's agents for the assignee picker, with presence kept live from the socket. */
export function useAgents(): AgentOption[] {
  const [agents, setAgents] = useState<AgentOption[]>([]);

  const load = useCallback(() => {
    listAgents()
      .then((response) => setAgents(response.agents))
      .catch(() => {
        // The picker still offers "unassigned" and "assign to me"; the next reconnect retries.
      });
  }, []);

  useEffect(load, [load]);
  useReconnect(load);
  useRealtimeEvent((event) => {
    if (event.type !== 'presence') return;
    setAgents((current) =>
      current.map((agent) => (agent.id === event.agentId ? { ...agent, online: event.online } : agent)),
    );
  });

  return agents;
}
