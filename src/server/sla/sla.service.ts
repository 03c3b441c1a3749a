import { createTtlCache, type TtlCache } from '../ttl-cache.ts';
import type { Logger } from 'pino';
import { DEFAULT_SLA_POLICY, type SlaMetric, type SlaPolicy, slaPolicySchema } from '../../contracts/sla.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { publishConversationUpdated } from '../conversations/conversations.service.ts';
import type { Db } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import type { JobQueue } from '../jobs/jobs.types.ts';
import { raisePriority } from '../priorities/priority-rules.ts';
import {
  insertSlaTimers,
  selectQueueLoad,
  selectSla,
  type SlaRow,
  selectSlaForUpdate,
  selectSlaPolicy,
  toTimers,
  updateSlaCheckJob,
  updateSlaTimers,
  upsertSlaPolicy,
} from './sla.queries.ts';
import { escalateConversation, setSlaRisk } from '../conversations/conversation-writes.ts';
import {
  calendarFor,
  checkTimers,
  dueDates,
  isSurge,
  riskOf,
  type SlaTimers,
  startTimers,
  targetsFor,
} from './sla-timers.ts';

export type SlaDeps = {
  db: Db;
  log: Logger;
  events: EventBus;
  jobs: JobQueue;
  clock: Clock;
  /**
   * Surge mode's say on the peak targets (src/server/surge/, wired in app.ts): true = on, false = forced off,
   * null = automatic and off, when the instant load at arrival decides (isSurge).
   */
  surgePeak?: (orgId: string) => Promise<boolean | null>;
};

export const SLA_CHECK_JOB = 'sla-check';

// ---------- The policy (admin API) ----------

/** The organization's policy, or the built-in one. A stored policy that no longer validates falls back, loudly. */
/**
 * Policies are read on every customer message but change rarely: kept a few seconds per organization. A change made
 * on this node applies at once; one made on another node within POLICY_TTL_MS.
 */
const POLICY_TTL_MS = 5_000;
const policyCache = new WeakMap<Db, TtlCache<string, SlaPolicy>>();

export async function loadSlaPolicy(db: Db, orgId: string, log?: Logger): Promise<SlaPolicy> {
  let cache = policyCache.get(db);
  if (!cache) {
    cache = createTtlCache<string, SlaPolicy>(POLICY_TTL_MS);
    policyCache.set(db, cache);
  }
  return cache.get(orgId, () => readSlaPolicy(db, orgId, log));
}

async function readSlaPolicy(db: Db, orgId: string, log?: Logger): Promise<SlaPolicy> {
  const row = await selectSlaPolicy(db, orgId);
  if (!row) return DEFAULT_SLA_POLICY;
  const parsed = slaPolicySchema.safeParse(row.policy);
  if (parsed.success) return parsed.data;
  log?.error({ orgId, issues: parsed.error.issues }, 'stored SLA policy is invalid; using the default');
  return DEFAULT_SLA_POLICY;
}

export async function getSlaPolicy(ctx: Ctx): Promise<{ policy: SlaPolicy; updatedAt: string | null }> {
  requireAgentRole(ctx, 'admin');
  const row = await selectSlaPolicy(ctx.db, ctx.org.id);
  return {
    policy: await loadSlaPolicy(ctx.db, ctx.org.id, ctx.log),
    updatedAt: row ? new Date(row.updated_at).toISOString() : null,
  };
}

/** Applies to clocks started (or recomputed) from now on; running clocks pick up new targets at their next change. */
export async function updateSlaPolicy(
  ctx: Ctx,
  policy: SlaPolicy,
): Promise<{ policy: SlaPolicy; updatedAt: string | null }> {
  const admin = requireAgentRole(ctx, 'admin');
  const before = await loadSlaPolicy(ctx.db, ctx.org.id, ctx.log);
  const updatedAt = await ctx.db.transaction(async (tx) => {
    const row = await upsertSlaPolicy(tx, ctx.org.id, policy, admin.id);
    await recordAudit(ctx, tx, {
      action: 'sla_policy.update',
      targetType: 'sla_policy',
      targetId: ctx.org.id,
      details: { before, after: policy },
    });
    return row.updated_at;
  });
  policyCache.get(ctx.db)?.delete(ctx.org.id);
  return { policy, updatedAt: new Date(updatedAt).toISOString() };
}

// ---------- The clocks ----------

function systemCtx(deps: SlaDeps, orgId: string): Ctx {
  return { db: deps.db, log: deps.log, events: deps.events, org: { id: orgId }, actor: { kind: 'system' } };
}

/** Starts a conversation's clocks (once), with the peak targets when the queue is under surge right now. */
export async function startSla(deps: SlaDeps, orgId: string, conversationId: string): Promise<void> {
  const policy = await loadSlaPolicy(deps.db, orgId, deps.log);
  if (!policy.enabled) return;
  const now = deps.clock.now();
  const surge = (await deps.surgePeak?.(orgId)) ?? null;
  const peak = surge ?? isSurge(policy, await selectQueueLoad(deps.db, orgId, new Date(now.getTime() - 60_000)));
  const started = await insertSlaTimers(deps.db, orgId, conversationId, startTimers(now, peak));
  if (started) await advanceSla(deps, orgId, conversationId, (t) => t);
}

type Transition = (timers: SlaTimers, calendar: ReturnType<typeof calendarFor>, now: Date) => SlaTimers;

/**
 * The one way clocks change: under the row lock, apply the transition, recompute the due times for the current priority
 * and team, fire what is due now; then (after commit) schedule the next check, publish, and escalate breaches.
 */
export async function advanceSla(
  deps: SlaDeps,
  orgId: string,
  conversationId: string,
  transition: Transition,
  /** Besides 'sla', what the published conversation.updated says changed (an escalation's priority and team). */
  alsoChanged: string[] = [],
): Promise<'changed' | 'unchanged' | 'no_clocks'> {
  const policy = await loadSlaPolicy(deps.db, orgId, deps.log);
  const now = deps.clock.now();
  // Look before locking: most customer messages change nothing, and then no transaction is needed at all.
  const peek = await selectSla(deps.db, orgId, conversationId);
  if (!peek) return 'no_clocks';
  if (alsoChanged.length === 0 && leavesClocksAsTheyAre(peek, policy, transition, now)) return 'unchanged';
  const outcome = await deps.db.transaction(async (tx) => {
    const row = await selectSlaForUpdate(tx, orgId, conversationId);
    if (!row) return undefined;
    const calendar = calendarFor(policy, row.team_id);
    const targets = targetsFor(policy, row.priority, row.peak);
    const check = checkTimers(transition(toTimers(row), calendar, now), targets, calendar, policy.warnAtPercent, now);
    await updateSlaTimers(tx, orgId, conversationId, check.timers, dueDates(check.timers, targets, calendar));
    await setSlaRisk(tx, orgId, conversationId, riskOf(check.timers));
    return { check, previousJobId: row.check_job_id };
  });
  if (!outcome) return 'no_clocks';
  const { check, previousJobId } = outcome;

  if (previousJobId) await deps.jobs.cancel(SLA_CHECK_JOB, previousJobId);
  const jobId = check.nextCheckAt
    ? await deps.jobs.schedule(SLA_CHECK_JOB, { orgId, conversationId }, { runAt: check.nextCheckAt })
    : null;
  if (jobId !== previousJobId) await updateSlaCheckJob(deps.db, orgId, conversationId, jobId);

  const ctx = systemCtx(deps, orgId);
  if (check.warned.length > 0) {
    deps.events.publish({ type: 'sla.warning', orgId, conversationId, metrics: check.warned });
  }
  if (check.breached.length > 0) {
    deps.events.publish({ type: 'sla.breached', orgId, conversationId, metrics: check.breached });
    const changed = await escalate(deps, ctx, policy, conversationId, check.breached);
    // A raised priority has shorter targets: recompute, which may fire more (bounded: priority stops at urgent).
    if (changed) return advanceSla(deps, orgId, conversationId, (t) => t, [...alsoChanged, 'priority', 'escalation']);
  }
  await publishConversationUpdated(ctx, conversationId, ['sla', ...new Set(alsoChanged)]);
  return 'changed';
}

/** True when the transition keeps the timers, fires nothing, and a check job (if one is needed) is already queued. */
function leavesClocksAsTheyAre(row: SlaRow, policy: SlaPolicy, transition: Transition, now: Date): boolean {
  const calendar = calendarFor(policy, row.team_id);
  const targets = targetsFor(policy, row.priority, row.peak);
  const before = toTimers(row);
  const check = checkTimers(transition(before, calendar, now), targets, calendar, policy.warnAtPercent, now);
  const same = JSON.stringify(check.timers) === JSON.stringify(before);
  return (
    same && check.warned.length === 0 && check.breached.length === 0 && Boolean(row.check_job_id || !check.nextCheckAt)
  );
}

/** Raises the priority and moves the conversation to the escalation team, audited as the system. */
async function escalate(
  deps: SlaDeps,
  ctx: Ctx,
  policy: SlaPolicy,
  conversationId: string,
  metrics: SlaMetric[],
): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const current = await selectSlaForUpdate(tx, ctx.org.id, conversationId);
    if (!current) return false;
    const priority = policy.escalation.raisePriority ? raisePriority(current.priority) : null;
    const teamId = policy.escalation.teamId;
    const prev = await escalateConversation(tx, ctx.org.id, conversationId, { priority, teamId });
    if (!prev) return false;
    await recordAudit(ctx, tx, {
      action: 'conversation.sla_breach',
      targetType: 'conversation',
      targetId: conversationId,
      details: {
        breached: metrics,
        ...(priority && priority !== prev.prev_priority
          ? { priority: { from: prev.prev_priority, to: priority } }
          : {}),
        ...(teamId && teamId !== prev.prev_team_id
          ? { team: { from: prev.prev_team_id, to: teamId }, unassigned: prev.prev_assignee_id }
          : {}),
      },
    });
    return (priority !== null && priority !== prev.prev_priority) || (teamId !== null && teamId !== prev.prev_team_id);
  });
}
