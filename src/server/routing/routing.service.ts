import type { Logger } from 'pino';
import type { Conversation, Locale } from '../../contracts/domain.ts';
import type { AgentRouting, QueueEntry, QueuePosition, SupportAvailability } from '../../contracts/routing.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { chooseReplyLocale } from '../text/language.ts';
import type { Clock } from '../clock.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { getConversation, postMessage, publishConversationUpdated } from '../conversations/conversations.service.ts';
import type { Db } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { conversationFor } from '../privacy/pii-policy.ts';
import type { EventBus } from '../events/bus.ts';
import { requireOrgBySlug } from '../orgs/orgs.service.ts';
import {
  type AgentRoutingChange,
  ensureAgentRouting,
  lockAgentForClaim,
  type RoutingAgentRow,
  recordRoutedAssignment,
  selectAgentsGoneSince,
  selectNextForAgent,
  selectOnlineCapacity,
  selectRecentWaits,
  selectRoutingAgents,
  selectRoutingFacts,
  selectRoutingOrgIds,
  selectSilentAssignments,
  selectTeamsForRouting,
  selectWaitingConversations,
  setAgentDisconnected,
  updateAgentRouting,
  type WaitingRow,
} from './routing.queries.ts';
import {
  assignIfWaiting,
  markQueued,
  overflowWaitingConversations,
  requeueAgentConversations,
} from '../conversations/conversation-writes.ts';
import {
  canTake,
  chooseTeam,
  estimateWaitSeconds,
  planAssignments,
  queueAcknowledgement,
  type RoutingAgent,
  requiredSkills,
  type WaitingConversation,
} from './routing.rules.ts';

/** The last queue position pushed to each waiting conversation, per org: only changes are pushed. */
export type PositionMemory = Map<string, Map<string, string>>;

export type RoutingDeps = { db: Db; log: Logger; events: EventBus; clock: Clock; positions?: PositionMemory };

export type RoutingOptions = {
  /** An assigned agent who leaves the customer waiting this long loses the conversation to someone else. */
  silenceTimeoutSeconds: number;
  /** How long an agent's console may be gone before they are taken offline (a reload or a flaky network is not). */
  offlineGraceSeconds: number;
};

export const DEFAULT_ROUTING_OPTIONS: RoutingOptions = { silenceTimeoutSeconds: 300, offlineGraceSeconds: 120 };

/** How far back the wait estimate looks. */
const ESTIMATE_WINDOW_MS = 60 * 60 * 1000;
/** Marks our own conversation.updated events, so the routing listener does not react to itself. */
export const ROUTING_CHANGE = 'routing';

const LOCALES = new Set<string>(['zh-CN', 'zh-TW', 'en']);
const asLocale = (value: string | null | undefined): Locale | null =>
  value && LOCALES.has(value) ? (value as Locale) : null;

function systemCtx(deps: RoutingDeps, orgId: string): Ctx {
  return { db: deps.db, log: deps.log, events: deps.events, org: { id: orgId }, actor: { kind: 'system' } };
}

function toRoutingAgent(row: RoutingAgentRow): RoutingAgent {
  return {
    id: row.id,
    // A closed console during its grace period still counts as online; the sweeper decides when it is not.
    status: row.status,
    capacity: row.capacity,
    load: row.load,
    skills: row.skills,
    teamIds: row.team_ids,
    lastAssignedAt: row.last_assigned_at ? new Date(row.last_assigned_at) : null,
  };
}

function toWaiting(row: WaitingRow): WaitingConversation {
  return {
    id: row.id,
    priority: row.priority,
    queuedAt: new Date(row.queued_at),
    requiredSkills: row.required_skills,
    teamId: row.team_id,
    excludedAgentIds: row.routing_excluded_agent_ids,
  };
}

function toAgentRouting(row: RoutingAgentRow): AgentRouting {
  return {
    agentId: row.id,
    name: row.name,
    status: row.status,
    capacity: row.capacity,
    skills: row.skills,
    load: row.load,
    teamIds: row.team_ids,
    disconnectedAt: row.disconnected_at ? new Date(row.disconnected_at).toISOString() : null,
  };
}

/**
 * A conversation needs a human: work out its skills and team, put it in the queue, try to assign it at once, and if
 * it has to wait, tell the customer their place and when to expect an answer. Safe to call again (a new hand-off
 * reason, another customer message): the place in the queue and the acknowledgement are kept.
 */
export async function enqueueConversation(
  deps: RoutingDeps,
  orgId: string,
  conversationId: string,
  opts: { onlyIfQueued?: boolean } = {},
): Promise<'assigned' | 'waiting' | 'not_waiting'> {
  const facts = await selectRoutingFacts(deps.db, orgId, conversationId);
  if (!facts || facts.assignee_id || facts.status !== 'open') return 'not_waiting';
  if (opts.onlyIfQueued && !facts.queued_at) return 'not_waiting';
  const detectedLanguage = asLocale(facts.detected_language);
  const contactLocale = asLocale(facts.contact_locale);
  const skills = requiredSkills({
    contactLocale,
    detectedLanguage:
      detectedLanguage ?? (facts.customer_text ? chooseReplyLocale(facts.customer_text, contactLocale) : null),
    vipLevel: facts.vip_level,
    handoffReason: facts.handoff_reason,
    intent: facts.handoff_intent ?? facts.message_intent,
    securityFlagged: facts.security_flagged,
  });
  const teams = await selectTeamsForRouting(deps.db, orgId);
  const queued = await markQueued(deps.db, orgId, conversationId, {
    skills,
    teamId: chooseTeam(teams, skills),
    now: deps.clock.now(),
  });
  if (!queued) return 'not_waiting';
  await dispatchQueue(deps, orgId);
  const position = await getPositionOf(deps, orgId, conversationId);
  if (position.position === null) return 'assigned';
  const locale =
    detectedLanguage ??
    (facts.customer_text ? chooseReplyLocale(facts.customer_text, contactLocale) : (contactLocale ?? 'zh-CN'));
  await postMessage(systemCtx(deps, orgId), conversationId, {
    body: queueAcknowledgement(locale, position.position, position.estimatedWaitSeconds),
    // One acknowledgement per stay in the queue, however many times the conversation is enqueued meanwhile.
    clientId: `queue-ack:${new Date(queued.queue_entered_at).getTime()}`,
    meta: { queue: { position: position.position, estimatedWaitSeconds: position.estimatedWaitSeconds } },
  });
  return 'waiting';
}

/**
 * Assigns waiting conversations to online agents with the skills and room for them, urgent first, fairly. Each
 * assignment is claimed under the agent's row lock and only if nobody has the conversation yet, so concurrent
 * dispatches on any number of nodes never double-assign nor exceed a capacity. Returns how many it assigned.
 */
export async function dispatchQueue(deps: RoutingDeps, orgId: string): Promise<number> {
  let assigned = 0;
  // A refused claim (someone else was faster) means our picture is stale: look again, a bounded number of times.
  for (let round = 0; round < 5; round++) {
    const queue = (await selectWaitingConversations(deps.db, orgId)).map(toWaiting);
    if (queue.length === 0) break;
    const agents = (await selectRoutingAgents(deps.db, orgId)).map(toRoutingAgent);
    const plan = planAssignments(agents, queue, deps.clock.now());
    if (plan.length === 0) break;
    let refused = false;
    for (const { conversationId, agentId } of plan) {
      if (await claimConversation(deps, orgId, conversationId, agentId, 'auto')) assigned += 1;
      else refused = true;
    }
    if (!refused) break;
  }
  await publishQueuePositions(deps, orgId);
  return assigned;
}

/** One claim: the agent's row lock serialises their claims; the conditional update lets one claimant win. */
async function claimConversation(
  deps: RoutingDeps,
  orgId: string,
  conversationId: string,
  agentId: string,
  via: 'auto',
): Promise<boolean> {
  const now = deps.clock.now();
  const ctx = systemCtx(deps, orgId);
  const claimed = await deps.db.transaction(async (tx) => {
    await ensureAgentRouting(tx, orgId, agentId);
    const agent = await lockAgentForClaim(tx, orgId, agentId);
    if (agent?.status !== 'online' || agent.load >= agent.capacity) return false;
    const won = await assignIfWaiting(tx, orgId, conversationId, agentId, now);
    if (!won) return false;
    await recordAssignment(ctx, tx, { conversationId, agentId, via, now, ...won });
    return true;
  });
  if (claimed) await publishConversationUpdated(ctx, conversationId, ['assignee', ROUTING_CHANGE]);
  return claimed;
}

async function recordAssignment(
  ctx: Ctx,
  tx: Parameters<Parameters<Db['transaction']>[0]>[0],
  a: {
    conversationId: string;
    agentId: string;
    via: 'auto' | 'take_next';
    now: Date;
    queue_entered_at: Date | null;
    team_id: string | null;
  },
): Promise<void> {
  const waitedMs = a.queue_entered_at ? a.now.getTime() - new Date(a.queue_entered_at).getTime() : 0;
  await recordRoutedAssignment(tx, ctx.org.id, {
    conversationId: a.conversationId,
    agentId: a.agentId,
    teamId: a.team_id,
    via: a.via,
    waitedSeconds: Math.max(0, Math.round(waitedMs / 1000)),
    now: a.now,
  });
  await recordAudit(ctx, tx, {
    action: 'conversation.assign',
    targetType: 'conversation',
    targetId: a.conversationId,
    details: { from: null, to: a.agentId, via: a.via },
  });
}

/** "Take next": the agent takes the most urgent, longest-waiting conversation they have the skills for. */
export async function takeNextConversation(ctx: Ctx, deps: RoutingDeps): Promise<Conversation | null> {
  const actor = ctx.actor;
  if (actor.kind !== 'agent') throw new AppError('forbidden');
  const now = deps.clock.now();
  const conversationId = await ctx.db.transaction(async (tx) => {
    await ensureAgentRouting(tx, ctx.org.id, actor.id);
    const agent = await lockAgentForClaim(tx, ctx.org.id, actor.id);
    if (!agent) throw new AppError('agent_not_found');
    if (agent.load >= agent.capacity) throw new AppError('agent_at_capacity');
    const nextId = await selectNextForAgent(tx, ctx.org.id, {
      id: actor.id,
      skills: agent.skills,
      teamIds: agent.team_ids,
    });
    if (!nextId) return null;
    const won = await assignIfWaiting(tx, ctx.org.id, nextId, actor.id, now);
    if (!won) return null;
    await recordAssignment(ctx, tx, { conversationId: nextId, agentId: actor.id, via: 'take_next', now, ...won });
    return nextId;
  });
  if (!conversationId) return null;
  const conversation = await publishConversationUpdated(ctx, conversationId, ['assignee', ROUTING_CHANGE]);
  await publishQueuePositions(deps, ctx.org.id);
  return conversationFor(ctx.actor, conversation);
}

/** Routing state of every agent (supervisors and admins) or of oneself. */
export async function listAgentRouting(ctx: Ctx): Promise<AgentRouting[]> {
  return (await selectRoutingAgents(ctx.db, ctx.org.id)).map(toAgentRouting);
}

/** The signed-in agent's own routing (status, capacity, skills). */
export async function getOwnRouting(ctx: Ctx): Promise<AgentRouting> {
  return getAgentRouting(ctx, requireAgentRole(ctx).id);
}

export async function getAgentRouting(ctx: Ctx, agentId: string): Promise<AgentRouting> {
  const row = (await selectRoutingAgents(ctx.db, ctx.org.id, agentId))[0];
  if (!row) throw new AppError('agent_not_found');
  return toAgentRouting(row);
}

/**
 * An agent sets their own status; admins and supervisors set anyone's, and alone set capacity and skills. Going
 * offline hands the agent's routed conversations back to the queue; any change may let waiting ones be assigned.
 */
export async function changeAgentRouting(
  ctx: Ctx,
  deps: RoutingDeps,
  agentId: string,
  change: AgentRoutingChange,
): Promise<AgentRouting> {
  const actor = ctx.actor;
  if (actor.kind !== 'agent') throw new AppError('forbidden');
  const manager = actor.role === 'admin' || actor.role === 'supervisor';
  if (!manager && (agentId !== actor.id || change.capacity !== undefined || change.skills !== undefined))
    throw new AppError('forbidden');
  await getAgentRouting(ctx, agentId);
  const now = deps.clock.now();
  await ctx.db.transaction(async (tx) => {
    const prev = await updateAgentRouting(tx, ctx.org.id, agentId, {
      ...change,
      skills: change.skills ? [...new Set(change.skills)] : undefined,
      now,
    });
    if (!prev) throw new AppError('agent_not_found');
    await recordAudit(ctx, tx, {
      action: 'agent.routing.update',
      targetType: 'agent',
      targetId: agentId,
      details: {
        ...(change.status ? { status: { from: prev.prev_status, to: change.status } } : {}),
        ...(change.capacity !== undefined ? { capacity: { from: prev.prev_capacity, to: change.capacity } } : {}),
        ...(change.skills ? { skills: { from: prev.prev_skills, to: change.skills } } : {}),
      },
    });
  });
  if (change.status === 'offline') await requeueConversationsOf(deps, ctx.org.id, agentId, { exclude: false });
  await dispatchQueue(deps, ctx.org.id);
  return getAgentRouting(ctx, agentId);
}

async function requeueConversationsOf(
  deps: RoutingDeps,
  orgId: string,
  agentId: string,
  opts: { exclude: boolean; conversationIds?: string[]; why?: string },
): Promise<string[]> {
  const ctx = systemCtx(deps, orgId);
  const ids = await deps.db.transaction(async (tx) => {
    const requeued = await requeueAgentConversations(tx, orgId, agentId, { now: deps.clock.now(), ...opts });
    for (const id of requeued) {
      await recordAudit(ctx, tx, {
        action: 'conversation.unassign',
        targetType: 'conversation',
        targetId: id,
        details: { from: agentId, to: null, via: 'routing', why: opts.why ?? 'agent_offline' },
      });
    }
    return requeued;
  });
  for (const id of ids) await publishConversationUpdated(ctx, id, ['assignee', ROUTING_CHANGE]);
  return ids;
}

/**
 * A console connected or the agent's last one on a node closed (`at`: when, by the node's clock). The grace period
 * is measured on the application clock; the order of changes by `at`, so a late "offline" cannot undo a newer
 * "still connected" from another node.
 */
export async function noteAgentConnection(
  deps: RoutingDeps,
  orgId: string,
  agentId: string,
  online: boolean,
  at: Date,
) {
  await setAgentDisconnected(deps.db, orgId, agentId, online ? null : deps.clock.now(), at);
}

export type SweepResult = { offline: string[]; reassignedForSilence: string[]; overflowed: string[]; assigned: number };

/**
 * The periodic pass (run by the job queue on one node): takes agents whose console has been gone past the grace
 * period offline, takes conversations away from agents who left the customer waiting too long, moves queues that
 * waited too long to their overflow team, then assigns what it can.
 */
export async function sweepRouting(
  deps: RoutingDeps,
  options: Partial<RoutingOptions> = {},
  orgIds?: string[],
): Promise<SweepResult> {
  const opts = { ...DEFAULT_ROUTING_OPTIONS, ...options };
  const result: SweepResult = { offline: [], reassignedForSilence: [], overflowed: [], assigned: 0 };
  for (const orgId of orgIds ?? (await selectRoutingOrgIds(deps.db))) {
    const now = deps.clock.now();
    const ctx = systemCtx(deps, orgId);
    const gone = await selectAgentsGoneSince(deps.db, orgId, new Date(now.getTime() - opts.offlineGraceSeconds * 1000));
    for (const agentId of gone) {
      await deps.db.transaction(async (tx) => {
        const prev = await updateAgentRouting(tx, orgId, agentId, { status: 'offline', now });
        await recordAudit(ctx, tx, {
          action: 'agent.routing.update',
          targetType: 'agent',
          targetId: agentId,
          details: { status: { from: prev?.prev_status ?? null, to: 'offline' }, why: 'console_disconnected' },
        });
      });
      await requeueConversationsOf(deps, orgId, agentId, { exclude: false });
      result.offline.push(agentId);
    }
    const silent = await selectSilentAssignments(
      deps.db,
      orgId,
      new Date(now.getTime() - opts.silenceTimeoutSeconds * 1000),
    );
    for (const { id, assignee_id } of silent) {
      const moved = await requeueConversationsOf(deps, orgId, assignee_id, {
        exclude: true,
        conversationIds: [id],
        why: 'agent_silent',
      });
      result.reassignedForSilence.push(...moved);
    }
    const overflowed = await overflowWaitingConversations(deps.db, orgId, now);
    for (const row of overflowed) {
      await publishConversationUpdated(ctx, row.id, ['team', ROUTING_CHANGE]);
      result.overflowed.push(row.id);
    }
    result.assigned += await dispatchQueue(deps, orgId);
  }
  return result;
}

type QueueSnapshot = { entries: QueueEntry[]; contactOf: Map<string, string> };

/** The org's queue with each conversation's place in its team's line and an estimated wait. */
async function readQueue(deps: RoutingDeps, orgId: string): Promise<QueueSnapshot> {
  const rows = await selectWaitingConversations(deps.db, orgId);
  const contactOf = new Map(rows.map((row) => [row.id, row.contact_id]));
  if (rows.length === 0) return { entries: [], contactOf };
  const now = deps.clock.now();
  const [agentRows, recentWaits] = await Promise.all([
    selectRoutingAgents(deps.db, orgId),
    selectRecentWaits(deps.db, orgId, new Date(now.getTime() - ESTIMATE_WINDOW_MS)),
  ]);
  // Who could answer, capacity aside: a full agent frees up; an away or offline one does not.
  const agents = agentRows
    .map(toRoutingAgent)
    .filter((agent) => agent.capacity > 0)
    .map((agent) => ({ ...agent, load: 0 }));
  const entries = rows.map((row, index) => {
    // Ahead of a customer are those in the same team's line who compete for the same agents: a Chinese chat does not
    // hold up an English one.
    const position =
      1 + rows.slice(0, index).filter((other) => other.team_id === row.team_id && competes(other, row)).length;
    const waiting = toWaiting(row);
    return {
      conversationId: row.id,
      teamId: row.team_id,
      priority: row.priority,
      requiredSkills: row.required_skills,
      position,
      queuedAt: new Date(row.queued_at).toISOString(),
      estimatedWaitSeconds: estimateWaitSeconds({
        position,
        recentWaitSeconds: recentWaits,
        agentsAvailable: agents.filter((agent) => canTake(agent, waiting)).length,
      }),
    };
  });
  return { entries, contactOf };
}

function competes(a: WaitingRow, b: WaitingRow): boolean {
  const languages = (row: WaitingRow) => row.required_skills.filter((skill) => skill === 'zh' || skill === 'en');
  const la = languages(a);
  const lb = languages(b);
  return la.length === 0 || lb.length === 0 || la.some((skill) => lb.includes(skill));
}

export async function getQueue(ctx: Ctx, deps: RoutingDeps): Promise<QueueEntry[]> {
  return (await readQueue({ ...deps, db: ctx.db }, ctx.org.id)).entries;
}

async function getPositionOf(deps: RoutingDeps, orgId: string, conversationId: string): Promise<QueuePosition> {
  const entry = (await readQueue(deps, orgId)).entries.find((e) => e.conversationId === conversationId);
  return {
    conversationId,
    position: entry?.position ?? null,
    estimatedWaitSeconds: entry?.estimatedWaitSeconds ?? null,
  };
}

/** For the widget: the customer's own conversation only (anyone else's is "not found"). */
export async function getQueuePosition(ctx: Ctx, deps: RoutingDeps, conversationId: string): Promise<QueuePosition> {
  await getConversation(ctx, conversationId);
  return getPositionOf({ ...deps, db: ctx.db }, ctx.org.id, conversationId);
}

/** Pushes every changed place in the queue to the customers' sockets, and `null` to those who left it. */
export async function publishQueuePositions(deps: RoutingDeps, orgId: string): Promise<void> {
  const memory = deps.positions;
  const { entries, contactOf } = await readQueue(deps, orgId);
  const last = memory?.get(orgId) ?? new Map<string, string>();
  const next = new Map<string, string>();
  for (const entry of entries) {
    const key = `${entry.position}:${entry.estimatedWaitSeconds}`;
    next.set(entry.conversationId, key);
    if (last.get(entry.conversationId) === key) continue;
    deps.events.publish({
      type: 'queue.position',
      orgId,
      conversationId: entry.conversationId,
      contactId: contactOf.get(entry.conversationId) ?? '',
      position: entry.position,
      estimatedWaitSeconds: entry.estimatedWaitSeconds,
    });
  }
  for (const [conversationId] of last) {
    if (next.has(conversationId)) continue;
    const conversation = await getConversation(systemCtx(deps, orgId), conversationId).catch(() => null);
    if (!conversation) continue;
    deps.events.publish({
      type: 'queue.position',
      orgId,
      conversationId,
      contactId: conversation.contact.id,
      position: null,
      estimatedWaitSeconds: null,
    });
  }
  memory?.set(orgId, next);
}

/** Whether a person could answer now, for the widget's header: it must never say "online" when nobody is there. */
export async function getSupportAvailability(db: Db, orgSlug: string): Promise<SupportAvailability> {
  const org = await requireOrgBySlug({ db }, orgSlug);
  const { online, withRoom } = await selectOnlineCapacity(db, org.id);
  if (withRoom > 0) return 'online';
  return online > 0 ? 'busy' : 'away';
}
