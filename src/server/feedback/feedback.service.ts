import type { Conversation } from '../../contracts/domain.ts';
import {
  CSAT_REQUEST_TEXT,
  type Complaint,
  type ComplaintSource,
  type ConversationFeedback,
  type CsatGroup,
  type CsatReport,
  type CsatState,
  type FeedbackSettings,
  type FollowUp,
} from '../../contracts/feedback.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { screenFreeText } from '../secrets/secret-guard.ts';
import type { Clock } from '../clock.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { postMessage, publishConversationUpdated } from '../conversations/conversations.service.ts';
import type { Db } from '../db/db.ts';
import { AppError } from '../errors.ts';
import type { EventBus } from '../events/bus.ts';
import type { JobQueue } from '../jobs/jobs.types.ts';
import {
  answerCsat,
  type ComplaintRow,
  type CsatGroupRow,
  type CsatRow,
  closeFollowUpRow,
  type FollowUpRow,
  insertComplaint,
  insertFollowUp,
  markCsatRequested,
  selectComplaints,
  selectConversationFacts,
  selectCsat,
  selectCsatCounts,
  selectFollowUp,
  selectFollowUps,
  selectOrgSettings,
  selectOrgSettingsForUpdate,
  selectSupervisorTeamId,
  setCsatJob,
  updateFeedbackSettingsRow,
  upsertPlannedCsat,
} from './feedback.queries.ts';
import { addComplaintTag, setConversationTeam } from '../conversations/conversation-writes.ts';
import {
  chooseCsatLocale,
  complaintDueAt,
  csatSendAt,
  isFollowUpOverdue,
  planFollowUp,
  readFeedbackSettings,
} from './feedback.rules.ts';

/** What the background part needs: the parts every service call has, plus the queue and the clock. */
export type FeedbackDeps = { db: Db; log: Ctx['log']; events: EventBus; jobs: JobQueue; clock: Clock };

export const CSAT_SEND_JOB = 'feedback.csat-send';
export const FOLLOW_UP_CREATE_JOB = 'feedback.followup-create';
export const FOLLOW_UP_DUE_JOB = 'feedback.followup-due';

const systemCtx = (deps: FeedbackDeps, orgId: string): Ctx => ({
  db: deps.db,
  log: deps.log,
  events: deps.events,
  org: { id: orgId },
  actor: { kind: 'system' },
});

const iso = (value: string | Date | null): string | null => (value ? new Date(value).toISOString() : null);

// ---------- CSAT ----------

/**
 * A conversation was resolved: plan its rating request through the job queue (after the organization's delay, so the
 * customer can still have the last word). Nothing happens for a conversation already asked or answered.
 */
export async function planCsatRequest(
  deps: FeedbackDeps,
  orgId: string,
  conversationId: string,
  now: Date,
): Promise<void> {
  const facts = await selectConversationFacts(deps.db, orgId, conversationId);
  if (facts?.status !== 'resolved') return;
  const planned = await upsertPlannedCsat(deps.db, orgId, {
    conversationId,
    agentId: facts.assignee_id,
    teamId: facts.team_id,
    locale: chooseCsatLocale(facts.contact_locale, facts.last_language),
    now,
  });
  if (!planned || planned.send_job_id) return;
  const settings = readFeedbackSettings(await selectOrgSettings(deps.db, orgId));
  const jobId = await deps.jobs.schedule(
    CSAT_SEND_JOB,
    { orgId, conversationId },
    { runAt: csatSendAt(now, settings), singletonKey: `csat:${conversationId}:${now.getTime()}` },
  );
  await setCsatJob(deps.db, orgId, conversationId, jobId);
}

/** The conversation reopened before its rating request went out: the request waits for the next resolution. */
export async function cancelCsatRequest(deps: FeedbackDeps, orgId: string, conversationId: string): Promise<void> {
  const survey = await selectCsat(deps.db, orgId, conversationId);
  if (!survey?.send_job_id || survey.requested_at) return;
  await deps.jobs.cancel(CSAT_SEND_JOB, survey.send_job_id);
  await setCsatJob(deps.db, orgId, conversationId, null);
}

/**
 * The job: asks the customer for a rating, once, if the conversation is still resolved (a cancel can lose the race
 * with a job already started; this check cannot).
 */
export async function sendCsatRequest(deps: FeedbackDeps, orgId: string, conversationId: string): Promise<void> {
  const facts = await selectConversationFacts(deps.db, orgId, conversationId);
  const survey = await selectCsat(deps.db, orgId, conversationId);
  if (!facts || !survey || survey.requested_at) return;
  if (facts.status !== 'resolved') {
    await setCsatJob(deps.db, orgId, conversationId, null);
    return;
  }
  if (!(await markCsatRequested(deps.db, orgId, conversationId, deps.clock.now()))) return;
  const locale = survey.locale;
  await postMessage(systemCtx(deps, orgId), conversationId, {
    body: CSAT_REQUEST_TEXT[locale],
    clientId: `csat:${conversationId}`,
    meta: { csat: { request: true, locale } },
  });
  deps.events.publish({ type: 'csat.requested', orgId, conversationId, contactId: facts.contact_id, locale });
}

function toCsatState(row: CsatRow): CsatState {
  return {
    requestedAt: iso(row.requested_at),
    rating: row.rating,
    comment: row.comment,
    answeredAt: iso(row.answered_at),
  };
}

/** The customer's rating: their own conversation only, once it was asked, once. */
export async function rateConversation(
  ctx: Ctx,
  conversationId: string,
  input: { rating: number; comment?: string },
  now: Date,
): Promise<CsatState> {
  if (ctx.actor.kind !== 'customer') throw new AppError('forbidden');
  const facts = await selectConversationFacts(ctx.db, ctx.org.id, conversationId);
  if (!facts || facts.contact_id !== ctx.actor.contactId) throw new AppError('conversation_not_found');
  const { stored, row } = await ctx.db.transaction(async (tx) => {
    const result = await answerCsat(tx, ctx.org.id, {
      conversationId,
      rating: input.rating,
      comment: input.comment === undefined ? null : screenFreeText(input.comment),
      now,
    });
    if (result.stored) {
      await recordAudit(ctx, tx, {
        action: 'csat.answer',
        targetType: 'conversation',
        targetId: conversationId,
        details: { rating: input.rating },
      });
    }
    return result;
  });
  if (!row?.requested_at) throw new AppError('csat_not_requested');
  if (!stored) throw new AppError('csat_already_answered');
  // Agents see the rating appear in the conversation view.
  await publishConversationUpdated(ctx, conversationId, ['csat']);
  return toCsatState(row);
}

function summarize(rows: CsatGroupRow[]): CsatGroup {
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let count = 0;
  let sum = 0;
  for (const row of rows) {
    distribution[String(row.rating) as keyof typeof distribution] += row.count;
    count += row.count;
    sum += row.rating * row.count;
  }
  return { count, average: count > 0 ? Math.round((sum / count) * 100) / 100 : null, distribution };
}

function groupBy(rows: CsatGroupRow[]): { key: string | null; name: string | null; group: CsatGroup }[] {
  const groups = new Map<string, CsatGroupRow[]>();
  for (const row of rows) {
    const key = row.key ?? '';
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()]
    .map((members) => ({ key: members[0].key, name: members[0].name, group: summarize(members) }))
    .sort((a, b) => b.group.count - a.group.count || (a.name ?? '').localeCompare(b.name ?? ''));
}

const DAY_MS = 86_400_000;

/** CSAT answers given in [from, to) (default: the last 30 days), overall, per agent and per team. */
export async function getCsatReport(ctx: Ctx, query: { from?: string; to?: string }, now: Date): Promise<CsatReport> {
  // A report like the others under /api/agent/reports: an agent holding 'reports_read' reads it too (the same rule as
  // reports.service's canReadReports).
  const actor = requireAgentRole(ctx);
  if (actor.role === 'agent' && !(actor.permissions ?? []).includes('reports_read')) throw new AppError('forbidden');
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (!(from < to)) throw new AppError('validation_failed', 'from must be before to');
  const byAgent = await selectCsatCounts(ctx.db, ctx.org.id, 'agent', { from, to });
  const byTeam = await selectCsatCounts(ctx.db, ctx.org.id, 'team', { from, to });
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    ...summarize(byAgent),
    byAgent: groupBy(byAgent).map(({ key, name, group }) => ({ agentId: key, name, ...group })),
    byTeam: groupBy(byTeam).map(({ key, name, group }) => ({ teamId: key, name, ...group })),
  };
}

// ---------- Complaints ----------

function toComplaint(row: ComplaintRow): Complaint {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    source: row.source,
    reason: row.reason,
    aboutAgentId: row.about_agent_id,
    createdBy: row.created_by_agent_id ? { id: row.created_by_agent_id, name: row.created_by_name ?? '' } : null,
    dueAt: new Date(row.due_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * Files a complaint and routes it to supervisors: they are told over the socket and, when the organization has a
 * supervisors' team, the conversation goes to it. A bot or agent complaint is tagged `complaint` for everyone to see;
 * a customer's report about an agent changes nothing the agents can see, so an agent never learns of a report
 * about them.
 */
async function openComplaint(
  ctx: Ctx,
  input: { conversationId: string; source: ComplaintSource; reason: string; aboutAgentId: string | null },
  now: Date,
): Promise<string | undefined> {
  const settings = readFeedbackSettings(await selectOrgSettings(ctx.db, ctx.org.id));
  const changes: string[] = [];
  const complaintId = await ctx.db.transaction(async (tx) => {
    const id = await insertComplaint(tx, ctx.org.id, {
      ...input,
      // A report is often written in a panic and may quote what the "agent" asked for: the secret never stays.
      reason: screenFreeText(input.reason),
      createdByAgentId: ctx.actor.kind === 'agent' ? ctx.actor.id : null,
      dueAt: complaintDueAt(now, settings),
      now,
    });
    if (!id) return undefined;
    await recordAudit(ctx, tx, {
      action: input.source === 'customer_report' ? 'complaint.report' : 'complaint.open',
      targetType: 'conversation',
      targetId: input.conversationId,
      details: { complaintId: id, source: input.source },
    });
    if (input.source !== 'customer_report') {
      if (await addComplaintTag(tx, ctx.org.id, input.conversationId)) changes.push('tags');
      const teamId = await selectSupervisorTeamId(tx, ctx.org.id);
      if (teamId && (await setConversationTeam(tx, ctx.org.id, input.conversationId, teamId))) changes.push('team');
    }
    return id;
  });
  if (!complaintId) return undefined;
  ctx.events.publish({
    type: 'complaint.opened',
    orgId: ctx.org.id,
    conversationId: input.conversationId,
    complaintId,
    source: input.source,
  });
  if (changes.length > 0) await publishConversationUpdated(ctx, input.conversationId, [...changes, 'complaint']);
  return complaintId;
}

export async function markComplaint(ctx: Ctx, conversationId: string, reason: string, now: Date): Promise<Complaint> {
  requireAgentRole(ctx);
  const facts = await selectConversationFacts(ctx.db, ctx.org.id, conversationId);
  if (!facts) throw new AppError('conversation_not_found');
  const id = await openComplaint(ctx, { conversationId, source: 'agent', reason, aboutAgentId: null }, now);
  const rows = await selectComplaints(ctx.db, ctx.org.id, conversationId, { includeReports: false });
  const row = rows.find((r) => r.id === id);
  if (!row) throw new AppError('internal_error');
  return toComplaint(row);
}

/** The customer reports the agent serving them; the answer says only that it was received. */
export async function reportAgent(
  ctx: Ctx,
  conversationId: string,
  reason: string,
  now: Date,
): Promise<{ received: true }> {
  if (ctx.actor.kind !== 'customer') throw new AppError('forbidden');
  const facts = await selectConversationFacts(ctx.db, ctx.org.id, conversationId);
  if (!facts || facts.contact_id !== ctx.actor.contactId) throw new AppError('conversation_not_found');
  await openComplaint(ctx, { conversationId, source: 'customer_report', reason, aboutAgentId: facts.assignee_id }, now);
  return { received: true };
}

/** The bot handed over because the customer complained. */
export async function openBotComplaint(deps: FeedbackDeps, orgId: string, conversationId: string): Promise<void> {
  await openComplaint(
    systemCtx(deps, orgId),
    { conversationId, source: 'bot', reason: 'The bot recognised a complaint.', aboutAgentId: null },
    deps.clock.now(),
  );
}

/** Rating and complaints of one conversation, as the asking agent may see them (reports: supervisors only). */
export async function getConversationFeedback(ctx: Ctx, conversationId: string): Promise<ConversationFeedback> {
  const actor = requireAgentRole(ctx);
  const facts = await selectConversationFacts(ctx.db, ctx.org.id, conversationId);
  if (!facts) throw new AppError('conversation_not_found');
  const survey = await selectCsat(ctx.db, ctx.org.id, conversationId);
  const complaints = await selectComplaints(ctx.db, ctx.org.id, conversationId, {
    includeReports: actor.role !== 'agent',
  });
  return {
    csat: survey ? toCsatState(survey) : null,
    complaints: complaints.map(toComplaint),
  };
}

// ---------- Follow-ups ----------

/** A complaint was resolved: its follow-up appears later, through the job queue. */
export async function planComplaintFollowUp(
  deps: FeedbackDeps,
  orgId: string,
  conversation: Pick<Conversation, 'id' | 'resolvedAt'>,
  resolvedAt: Date,
): Promise<void> {
  const facts = await selectConversationFacts(deps.db, orgId, conversation.id);
  if (!facts?.is_complaint || facts.status !== 'resolved') return;
  const settings = readFeedbackSettings(await selectOrgSettings(deps.db, orgId));
  const plan = planFollowUp(resolvedAt, settings);
  await deps.jobs.schedule(
    FOLLOW_UP_CREATE_JOB,
    {
      orgId,
      conversationId: conversation.id,
      // The stored resolution time names this resolution: a repeated event or job still makes one follow-up.
      resolvedAt: conversation.resolvedAt ?? resolvedAt.toISOString(),
      dueAt: plan.dueAt.toISOString(),
    },
    {
      runAt: plan.createAt.getTime() > resolvedAt.getTime() ? plan.createAt : undefined,
      singletonKey: `followup:${conversation.id}:${conversation.resolvedAt ?? resolvedAt.toISOString()}`,
    },
  );
}

/** The job: the follow-up appears (unless the customer came back and the conversation is open again). */
export async function createFollowUp(
  deps: FeedbackDeps,
  payload: { orgId: string; conversationId: string; resolvedAt: string; dueAt: string },
): Promise<void> {
  const { orgId, conversationId } = payload;
  const facts = await selectConversationFacts(deps.db, orgId, conversationId);
  if (!facts || (facts.status !== 'resolved' && facts.status !== 'closed')) return;
  const dueAt = new Date(payload.dueAt);
  const id = await insertFollowUp(deps.db, orgId, {
    conversationId,
    resolvedAt: new Date(payload.resolvedAt),
    dueAt,
    now: deps.clock.now(),
  });
  if (!id) return;
  deps.events.publish({ type: 'followup.changed', orgId, followUpId: id, conversationId, state: 'created' });
  await deps.jobs.schedule(FOLLOW_UP_DUE_JOB, { orgId, followUpId: id }, { runAt: dueAt, singletonKey: `due:${id}` });
}

/** The job at a follow-up's due time: supervisors hear of it if it is still open. */
export async function announceOverdueFollowUp(deps: FeedbackDeps, orgId: string, followUpId: string): Promise<void> {
  const row = await selectFollowUp(deps.db, orgId, followUpId);
  if (!row || row.closed_at) return;
  deps.events.publish({
    type: 'followup.changed',
    orgId,
    followUpId,
    conversationId: row.conversation_id,
    state: 'overdue',
  });
}

function toFollowUp(row: FollowUpRow, now: Date): FollowUp {
  const dueAt = new Date(row.due_at);
  const closedAt = row.closed_at ? new Date(row.closed_at) : null;
  return {
    id: row.id,
    conversationId: row.conversation_id,
    conversationNumber: row.conversation_number,
    contactName: row.contact_name,
    resolvedAt: new Date(row.resolved_at).toISOString(),
    dueAt: dueAt.toISOString(),
    overdue: isFollowUpOverdue({ dueAt, closedAt }, now),
    closedAt: closedAt?.toISOString() ?? null,
    closedBy: row.closed_by ? { id: row.closed_by, name: row.closed_by_name ?? '' } : null,
    note: row.note,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function listFollowUps(ctx: Ctx, state: 'open' | 'closed' | 'all', now: Date): Promise<FollowUp[]> {
  requireAgentRole(ctx, 'supervisor', 'admin');
  return (await selectFollowUps(ctx.db, ctx.org.id, state)).map((row) => toFollowUp(row, now));
}

export async function closeFollowUp(ctx: Ctx, followUpId: string, note: string, now: Date): Promise<FollowUp> {
  const actor = requireAgentRole(ctx, 'supervisor', 'admin');
  const row = await selectFollowUp(ctx.db, ctx.org.id, followUpId);
  if (!row) throw new AppError('followup_not_found');
  await ctx.db.transaction(async (tx) => {
    const screenedNote = screenFreeText(note);
    if (!(await closeFollowUpRow(tx, ctx.org.id, { id: followUpId, agentId: actor.id, note: screenedNote, now }))) {
      throw new AppError('followup_already_closed');
    }
    await recordAudit(ctx, tx, {
      action: 'followup.close',
      targetType: 'followup',
      targetId: followUpId,
      details: {
        conversationId: row.conversation_id,
        overdue: isFollowUpOverdue({ dueAt: new Date(row.due_at), closedAt: null }, now),
      },
    });
  });
  ctx.events.publish({
    type: 'followup.changed',
    orgId: ctx.org.id,
    followUpId,
    conversationId: row.conversation_id,
    state: 'closed',
  });
  const closed = await selectFollowUp(ctx.db, ctx.org.id, followUpId);
  if (!closed) throw new AppError('followup_not_found');
  return toFollowUp(closed, now);
}

// ---------- Settings (admin API) ----------

/** The organization's CSAT and complaint timing, with the defaults filled in for anything never saved. */
export async function getFeedbackSettings(ctx: Ctx): Promise<{ settings: FeedbackSettings }> {
  requireAgentRole(ctx, 'admin');
  return { settings: readFeedbackSettings(await selectOrgSettings(ctx.db, ctx.org.id)) };
}

/**
 * Stores all four settings in `settings.feedback` (the other settings keys stay), audited with what they replace.
 * They apply from now on: to resolutions, complaints and follow-ups planned after the change, not to due times set.
 */
export async function updateFeedbackSettings(
  ctx: Ctx,
  settings: FeedbackSettings,
): Promise<{ settings: FeedbackSettings }> {
  requireAgentRole(ctx, 'admin');
  await ctx.db.transaction(async (tx) => {
    const before = readFeedbackSettings(await selectOrgSettingsForUpdate(tx, ctx.org.id));
    await updateFeedbackSettingsRow(tx, ctx.org.id, settings);
    await recordAudit(ctx, tx, {
      action: 'feedback_settings.update',
      targetType: 'feedback_settings',
      targetId: ctx.org.id,
      details: { from: before, to: settings },
    });
  });
  return { settings };
}
