import { z } from 'zod';

/** Routing: teams, agents' skills/capacity/status, the queue and the customer's place in it. */

export const AGENT_STATUSES = ['online', 'away', 'offline'] as const;
export const agentStatusSchema = z.enum(AGENT_STATUSES);
export type AgentStatus = z.infer<typeof agentStatusSchema>;

/** Free-form but tidy: "zh", "en", "VIP", "security", "P2P"… Matching is exact. */
export const skillSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[\p{L}\p{N}_-]+$/u, 'letters, digits, _ and - only');
export const skillsSchema = z.array(skillSchema).max(30);

export const teamParamsSchema = z.object({ teamId: z.uuid() });
export const agentParamsSchema = z.object({ agentId: z.uuid() });

export const createTeamBodySchema = z.object({
  name: z.string().trim().min(1).max(80),
  skills: skillsSchema.default([]),
  memberIds: z.array(z.uuid()).max(500).default([]),
  overflowTeamId: z.uuid().nullable().default(null),
  overflowAfterSeconds: z.number().int().min(10).max(86_400).nullable().default(null),
});
export const updateTeamBodySchema = z
  .object({
    name: z.string().trim().min(1).max(80).optional(),
    skills: skillsSchema.optional(),
    memberIds: z.array(z.uuid()).max(500).optional(),
    overflowTeamId: z.uuid().nullable().optional(),
    overflowAfterSeconds: z.number().int().min(10).max(86_400).nullable().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'Nothing to change' });

export const updateAgentRoutingBodySchema = z
  .object({
    status: agentStatusSchema.optional(),
    capacity: z.number().int().min(0).max(100).optional(),
    skills: skillsSchema.optional(),
  })
  .refine((v) => v.status !== undefined || v.capacity !== undefined || v.skills !== undefined, {
    message: 'Nothing to change',
  });

export type Team = {
  id: string;
  name: string;
  skills: string[];
  memberIds: string[];
  overflowTeamId: string | null;
  overflowAfterSeconds: number | null;
};
export type TeamsResponse = { teams: Team[] };

export type AgentRouting = {
  agentId: string;
  name: string;
  status: AgentStatus;
  capacity: number;
  skills: string[];
  /** Open conversations assigned to the agent now. */
  load: number;
  teamIds: string[];
  /** When the agent's last console socket closed, while the grace period before going offline runs. */
  disconnectedAt: string | null;
};
export type AgentRoutingResponse = { agent: AgentRouting };
export type AgentRoutingListResponse = { agents: AgentRouting[] };

export type QueueEntry = {
  conversationId: string;
  teamId: string | null;
  priority: string;
  requiredSkills: string[];
  position: number;
  queuedAt: string;
  estimatedWaitSeconds: number | null;
};
export type QueueResponse = { queue: QueueEntry[] };

/**
 * What the widget's header tells a customer before they write: a person is free to answer ('online'), people are
 * there but all at capacity ('busy'), or nobody is on shift and the bot answers alone ('away').
 */
export const supportAvailabilitySchema = z.enum(['online', 'busy', 'away']);
export type SupportAvailability = z.infer<typeof supportAvailabilitySchema>;
export type SupportAvailabilityResponse = { availability: SupportAvailability };
export const supportAvailabilityQuerySchema = z.object({ org: z.string().min(1).max(64) });

/** A customer's place in the queue; `position: null` once an agent has the conversation (or it left the queue). */
export type QueuePosition = {
  conversationId: string;
  position: number | null;
  /** null: no agent who can answer is online, so there is no honest estimate. */
  estimatedWaitSeconds: number | null;
};
export type QueuePositionResponse = QueuePosition;

/** Pushed to the customer's sockets whenever their position or estimate changes. */
export type QueuePositionEvent = { type: 'queue.position' } & QueuePosition;
