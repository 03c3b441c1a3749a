import type { Priority } from './domain.ts';
import type { AgentStatus } from './routing.ts';
import type { SurgeState } from './surge.ts';

/** The live wallboard (issue 14): one read of the queue, the agents, SLA risk, surge mode and platform incidents. */

export type WallboardQueueEntry = {
  conversationId: string;
  priority: Priority | string;
  teamId: string | null;
  queuedAt: string;
  waitSeconds: number;
};

export type WallboardAgent = {
  agentId: string;
  name: string;
  status: AgentStatus;
  load: number;
  capacity: number;
};

export type WallboardSlaRisk = {
  conversationId: string;
  number: number;
  priority: string;
  risk: 'at_risk' | 'breached';
  /** The nearest due time of a running clock, when there is one. */
  dueAt: string | null;
  assignee: string | null;
};

export type WallboardIncident = {
  coin: string;
  network: string;
  deposits: string;
  withdrawals: string;
  updatedAt: string;
};

export type WallboardResponse = {
  generatedAt: string;
  waiting: {
    total: number;
    byPriority: Record<Priority, number>;
    longestWaitSeconds: number | null;
    /** The longest waiting first, at most 20. */
    queue: WallboardQueueEntry[];
  };
  arrivals: {
    windowMinutes: number;
    count: number;
    /** What the forecast expected in the same time (null: not enough history, or no forecast). */
    forecast: number | null;
  };
  agents: {
    online: number;
    /** Online and at capacity. */
    busy: number;
    away: number;
    offline: number;
    /** Open conversations held by agents who are not offline / their capacity. */
    load: number;
    capacity: number;
    list: WallboardAgent[];
  };
  slaRisk: WallboardSlaRisk[];
  surge: SurgeState | null;
  incidents: WallboardIncident[];
};
