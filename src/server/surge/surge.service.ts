import type { Logger } from 'pino';
import type { Locale } from '../../contracts/domain.ts';
import type {
  SurgeAnnouncementBody,
  SurgeMode,
  SurgeReport,
  SurgeState,
  SurgeStateResponse,
} from '../../contracts/surge.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { postMessage } from '../conversations/conversations.service.ts';
import type { Db, Queryable } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import { requireOrgBySlug } from '../orgs/orgs.service.ts';
import { findPlatformStatus } from '../platform-status/platform-status.ts';
import { updatePlatformStatus } from '../platform-status/platform-status.service.ts';
import { screenFreeTextIn } from '../secrets/secret-guard.ts';
import { loadSlaPolicy } from '../sla/sla.service.ts';
import { toTaiwanText } from '../text/taiwan-text.ts';
import { arrivalRate, type DetectorResult, detectSurge, type SurgeLoad, surgeThresholds } from './surge-detector.ts';
import {
  endSurge,
  insertSurge,
  insertSurgeAlerts,
  lockSurgeState,
  type SurgeStateRow,
  selectOrgIdsForSurgeSweep,
  selectSurgeLoad,
  selectSurgeOptIn,
  selectSurgeReports,
  selectSurgeState,
  selectWaitingConversations,
  updateSurgeOptIn,
  updateSurgeState,
} from './surge.queries.ts';

/** Surge mode: the detector's side effects (state row, surge log, audit, alerts, `surge.changed`) and the API. */

export type SurgeDeps = { db: Db; log: Logger; events: EventBus; clock: Clock };

const toIso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toState(row: SurgeStateRow | undefined): SurgeState {
  if (!row) return { active: false, since: null, reason: null, manual: null, load: null };
  return {
    active: row.active,
    since: toIso(row.since),
    reason: row.reason,
    manual: row.manual,
    load:
      row.measured_at && row.arrivals_per_minute !== null && row.unassigned_open !== null
        ? {
            arrivalsPerMinute: Math.round(row.arrivals_per_minute * 10) / 10,
            unassignedOpen: row.unassigned_open,
            measuredAt: new Date(row.measured_at).toISOString(),
          }
        : null,
  };
}

/**
 * Whether the peak SLA targets apply to a conversation arriving now: true while surge mode is on, false when a
 * supervisor forced it off, null when automatic and off (the SLA clocks then judge the instant load themselves).
 */
export async function surgePeak(db: Queryable, orgId: string): Promise<boolean | null> {
  const row = await selectSurgeState(db, orgId);
  if (!row) return null;
  if (row.active) return true;
  return row.manual === 'off' ? false : null;
}

async function measure(
  db: Queryable,
  orgId: string,
  now: Date,
  windowMinutes: number,
): Promise<SurgeLoad & { measuredAt: Date }> {
  const raw = await selectSurgeLoad(db, orgId, now, windowMinutes);
  return {
    arrivalsPerMinute: arrivalRate(raw.lastMinute, raw.inWindow, windowMinutes),
    unassignedOpen: raw.unassignedOpen,
    measuredAt: now,
  };
}

/**
 * Runs the detector for one organization under its state row's lock and applies what it decided. `manual` set
 * (a supervisor's call) replaces the override first: 'auto' clears it.
 */
async function evaluate(
  ctx: Ctx,
  clock: Clock,
  options: { mode?: SurgeMode } = {},
): Promise<{ result: DetectorResult; since: Date | null; surgeId: string | null; alerted: string[] }> {
  const policy = await loadSlaPolicy(ctx.db, ctx.org.id, ctx.log);
  const thresholds = surgeThresholds(policy);
  const now = clock.now();
  const agentId = ctx.actor.kind === 'agent' ? ctx.actor.id : null;
  const outcome = await ctx.db.transaction(async (tx) => {
    const row = await lockSurgeState(tx, ctx.org.id);
    const load = await measure(tx, ctx.org.id, now, thresholds.windowMinutes);
    const manual = options.mode === undefined ? row.manual : options.mode === 'auto' ? null : options.mode;
    const result = detectSurge(
      { active: row.active, reason: row.reason, manual, calmSince: row.calm_since },
      load,
      thresholds,
      now,
    );
    let surgeId = row.current_surge_id;
    let since = row.since;
    let alerted: string[] = [];
    if (result.change === 'entered') {
      since = now;
      surgeId = await insertSurge(tx, ctx.org.id, {
        startedAt: now,
        reason: result.reason ?? 'manual',
        startedBy: agentId,
      });
      alerted = await insertSurgeAlerts(tx, ctx.org.id, surgeId);
    } else if (result.change === 'left') {
      since = now;
      if (surgeId) await endSurge(tx, ctx.org.id, surgeId, { endedAt: now, endedBy: agentId });
      surgeId = null;
    }
    await updateSurgeState(tx, ctx.org.id, {
      active: result.active,
      since,
      reason: result.reason,
      manual: result.manual,
      calmSince: result.calmSince,
      currentSurgeId: surgeId,
      load,
    });
    if (options.mode !== undefined) {
      await recordAudit(ctx, tx, {
        action: 'surge.mode',
        targetType: 'surge',
        targetId: null,
        details: { mode: options.mode, before: row.manual ?? 'auto' },
      });
    }
    if (result.change) {
      await recordAudit(ctx, tx, {
        action: result.change === 'entered' ? 'surge.entered' : 'surge.left',
        targetType: 'surge',
        targetId: result.change === 'entered' ? surgeId : row.current_surge_id,
        details: {
          reason: result.reason ?? row.reason,
          manual: result.manual,
          arrivalsPerMinute: load.arrivalsPerMinute,
          unassignedOpen: load.unassignedOpen,
          thresholds,
          ...(alerted.length > 0 ? { alertedAgents: alerted.length } : {}),
        },
      });
    }
    return { result, since, surgeId, alerted };
  });
  if (outcome.result.change) {
    ctx.events.publish({
      type: 'surge.changed',
      orgId: ctx.org.id,
      active: outcome.result.active,
      since: (outcome.since ?? now).toISOString(),
      reason: outcome.result.reason,
      manual: outcome.result.manual,
      alertedAgentIds: outcome.alerted,
    });
    ctx.log.info(
      { orgId: ctx.org.id, change: outcome.result.change, reason: outcome.result.reason },
      'surge mode changed',
    );
  }
  return outcome;
}

/** One organization's detector run, as the system (the periodic sweep, or a test calling it directly). */
export async function detectSurgeFor(deps: SurgeDeps, orgId: string): Promise<DetectorResult> {
  const ctx: Ctx = { db: deps.db, log: deps.log, events: deps.events, org: { id: orgId }, actor: { kind: 'system' } };
  return (await evaluate(ctx, deps.clock)).result;
}

/**
 * The periodic sweep over every organization (the documented cross-organization exception; each one's rows are
 * then read and written with its own id). One organization failing does not stop the others.
 */
export async function sweepSurge(deps: SurgeDeps): Promise<void> {
  for (const orgId of await selectOrgIdsForSurgeSweep(deps.db)) {
    await detectSurgeFor(deps, orgId).catch((error: unknown) =>
      deps.log.error({ err: error, orgId }, 'surge detector failed'),
    );
  }
}

// ---------- The API ----------

export async function getSurgeState(ctx: Ctx): Promise<SurgeStateResponse> {
  const agent = requireAgentRole(ctx);
  const row = await selectSurgeState(ctx.db, ctx.org.id);
  const mine = await selectSurgeOptIn(ctx.db, ctx.org.id, agent.id, row?.active ? row.current_surge_id : null);
  return { state: toState(row), optIn: mine.optIn, alertedAt: toIso(mine.alertedAt) };
}

/** What the widget of the organization named by slug shows: only whether surge mode is on (its banner). */
export async function getPublicSurge(deps: { db: Queryable }, orgSlug: string): Promise<{ active: boolean }> {
  const org = await requireOrgBySlug(deps, orgSlug);
  const row = await selectSurgeState(deps.db, org.id);
  return { active: row?.active ?? false };
}

/** A supervisor or admin forces surge mode on or off, or hands it back to the detector ('auto'); audited. */
export async function setSurgeMode(ctx: Ctx, clock: Clock, mode: SurgeMode): Promise<SurgeStateResponse> {
  requireAgentRole(ctx, 'admin', 'supervisor');
  await evaluate(ctx, clock, { mode });
  return getSurgeState(ctx);
}

/** An agent opts in (or out) to hear of surges while off duty: their own setting only. */
export async function setSurgeOptIn(ctx: Ctx, optIn: boolean): Promise<SurgeStateResponse> {
  const agent = requireAgentRole(ctx);
  await updateSurgeOptIn(ctx.db, ctx.org.id, agent.id, optIn);
  await recordAudit(ctx, ctx.db, {
    action: 'surge.opt_in',
    targetType: 'agent',
    targetId: agent.id,
    details: { optIn },
  });
  return getSurgeState(ctx);
}

export async function listSurgeReports(ctx: Ctx, limit: number): Promise<SurgeReport[]> {
  requireAgentRole(ctx, 'admin', 'supervisor');
  const rows = await selectSurgeReports(ctx.db, ctx.org.id, limit);
  const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);
  return rows.map((r) => ({
    id: r.id,
    startedAt: new Date(r.started_at).toISOString(),
    endedAt: toIso(r.ended_at),
    reason: r.reason,
    peakArrivalsPerMinute: r.peak_arrivals_per_minute,
    arrivals: r.arrivals,
    containedWithoutHuman: r.contained,
    containmentPercent: percent(r.contained, r.arrivals),
    longestWaitSeconds: r.longest_wait_seconds,
    slaAttainmentPercent: percent(r.sla_met, r.sla_total),
  }));
}

// ---------- Incident announcements ----------

function textFor(text: SurgeAnnouncementBody['text'], locale: Locale): string {
  if (locale === 'en') return text.en;
  if (locale === 'zh-TW') return toTaiwanText(text['zh-CN']);
  return text['zh-CN'];
}

/**
 * A supervisor's incident announcement. Platform status stays the one source of incidents: one naming a coin and
 * network is posted there (the status page, the bot and the customers waiting on that coin hear it through
 * `updatePlatformStatus`); then every customer waiting now gets it in their conversation, in their language. The
 * announcement's client id is the status post's, so a conversation the status post reached is not told twice.
 */
export async function postSurgeAnnouncement(
  ctx: Ctx,
  clock: Clock,
  body: SurgeAnnouncementBody,
): Promise<{ announcedTo: number; platformStatus: boolean }> {
  requireAgentRole(ctx, 'admin', 'supervisor');
  const text = screenFreeTextIn(body.text);
  let clientId = `incident:${clock.now().getTime()}`;
  let meta: Record<string, unknown> = { announcement: { incident: true } };
  if (body.coin && body.network) {
    const before = await findPlatformStatus(ctx.db, ctx.org.id, body.coin, body.network);
    const { entry } = await updatePlatformStatus(ctx, {
      coin: body.coin,
      network: body.network,
      deposits: body.deposits ?? before?.deposits ?? 'congested',
      withdrawals: body.withdrawals ?? before?.withdrawals ?? 'congested',
      note: { 'zh-CN': text['zh-CN'], en: text.en },
    });
    clientId = `status:${entry.coin}:${entry.network}:${new Date(entry.updatedAt).getTime()}`;
    meta = { announcement: { coin: entry.coin, network: entry.network } };
  }
  await recordAudit(ctx, ctx.db, {
    action: 'surge.announcement',
    targetType: 'surge',
    targetId: null,
    details: { coin: body.coin ?? null, network: body.network ?? null, text },
  });
  const waiting = await selectWaitingConversations(ctx.db, ctx.org.id);
  const system: Ctx = { ...ctx, actor: { kind: 'system' } };
  let announcedTo = 0;
  for (const row of waiting) {
    const locale: Locale = row.locale === 'en' || row.locale === 'zh-TW' ? row.locale : 'zh-CN';
    try {
      await postMessage(system, row.id, { body: textFor(text, locale), clientId, meta });
      announcedTo++;
    } catch (error) {
      ctx.log.warn({ err: error, conversationId: row.id }, 'incident announcement not delivered');
    }
  }
  return { announcedTo, platformStatus: Boolean(body.coin) };
}
