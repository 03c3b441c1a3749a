import { conversationListQuerySchema } from '../../contracts/api.ts';
import { PRIORITIES, type Priority } from '../../contracts/domain.ts';
import type {
  WallboardAgent,
  WallboardIncident,
  WallboardResponse,
  WallboardSlaRisk,
} from '../../contracts/wallboard.ts';
import type { Clock } from '../clock.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { listConversations } from '../conversations/conversations.service.ts';
import { getPlatformStatus } from '../platform-status/platform-status.service.ts';
import { getQueue, listAgentRouting, type RoutingDeps } from '../routing/routing.service.ts';
import { getSurgeState } from '../surge/surge.service.ts';
import { forecastForOrg } from '../workforce/workforce.service.ts';
import { countArrivalsSince } from './wallboard.queries.ts';

const ARRIVALS_WINDOW_MINUTES = 15;
const SLOT_MS = 30 * 60_000;
const QUEUE_SHOWN = 20;
const RISK_SHOWN = 20;

/**
 * The forecast for the current 30-minute interval, per organization: fitting it reads 8 weeks of history, and a
 * wallboard refetches on every event, so it is computed once per interval and node.
 */
type ForecastMemo = Map<string, { slot: number; perInterval: number | null }>;
export function createForecastMemo(): ForecastMemo {
  return new Map();
}

async function forecastPerInterval(ctx: Ctx, memo: ForecastMemo, now: Date): Promise<number | null> {
  const slot = Math.floor(now.getTime() / SLOT_MS);
  const known = memo.get(ctx.org.id);
  if (known && known.slot === slot) return known.perInterval;
  let perInterval: number | null = null;
  try {
    const forecast = await forecastForOrg(ctx, 1, now);
    perInterval = forecast.insufficientHistory ? null : (forecast.values[0] ?? null);
  } catch (error) {
    ctx.log.warn({ err: error }, 'wallboard: no forecast');
  }
  if (memo.size > 1000) memo.clear();
  memo.set(ctx.org.id, { slot, perInterval });
  return perInterval;
}

async function slaRisks(ctx: Ctx): Promise<WallboardSlaRisk[]> {
  const out: WallboardSlaRisk[] = [];
  for (const risk of ['breached', 'at_risk'] as const) {
    try {
      const filter = conversationListQuerySchema.parse({ status: 'open', slaRisk: risk, limit: RISK_SHOWN });
      const { conversations } = await listConversations(ctx, filter);
      for (const c of conversations) {
        const sla = c.sla;
        const due =
          sla && !sla.paused
            ? [sla.firstResponseDueAt, sla.nextResponseDueAt, sla.resolutionDueAt]
                .filter((d): d is string => !!d)
                .sort()[0]
            : undefined;
        out.push({
          conversationId: c.id,
          number: c.number,
          priority: c.priority,
          risk,
          dueAt: due ?? null,
          assignee: c.assignee?.name ?? null,
        });
      }
    } catch (error) {
      // SLA risk is not tracked on this server (filter_unavailable): the board shows none.
      ctx.log.debug({ err: error }, 'wallboard: no SLA risk list');
    }
  }
  return out.slice(0, RISK_SHOWN);
}

/** Supervisors and admins: the queue now, arrivals against the forecast, agents, SLA risk, surge and incidents. */
export async function getWallboard(
  ctx: Ctx,
  deps: RoutingDeps & { clock: Clock; forecasts: ForecastMemo },
): Promise<WallboardResponse> {
  requireAgentRole(ctx, 'supervisor', 'admin');
  const now = deps.clock.now();
  const since = new Date(now.getTime() - ARRIVALS_WINDOW_MINUTES * 60_000);
  const [queue, agents, risks, surge, status, arrivals, perInterval] = await Promise.all([
    getQueue(ctx, deps),
    listAgentRouting(ctx),
    slaRisks(ctx),
    getSurgeState(ctx).then(
      (s) => s.state,
      () => null,
    ),
    getPlatformStatus(ctx).catch(() => []),
    countArrivalsSince(ctx.db, ctx.org.id, since),
    forecastPerInterval(ctx, deps.forecasts, now),
  ]);

  const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  const waiting = queue
    .map((e) => ({
      conversationId: e.conversationId,
      priority: e.priority,
      teamId: e.teamId,
      queuedAt: e.queuedAt,
      waitSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(e.queuedAt)) / 1000)),
    }))
    .sort((a, b) => b.waitSeconds - a.waitSeconds);
  for (const e of waiting) if (e.priority in byPriority) byPriority[e.priority as Priority] += 1;

  const list: WallboardAgent[] = agents.map((a) => ({
    agentId: a.agentId,
    name: a.name,
    status: a.status,
    load: a.load,
    capacity: a.capacity,
  }));
  const working = list.filter((a) => a.status !== 'offline');
  const incidents: WallboardIncident[] = status
    .filter((e) => e.deposits !== 'enabled' || e.withdrawals !== 'enabled')
    .map((e) => ({
      coin: e.coin,
      network: e.network,
      deposits: e.deposits,
      withdrawals: e.withdrawals,
      updatedAt: e.updatedAt,
    }));

  return {
    generatedAt: now.toISOString(),
    waiting: {
      total: waiting.length,
      byPriority,
      longestWaitSeconds: waiting[0]?.waitSeconds ?? null,
      queue: waiting.slice(0, QUEUE_SHOWN),
    },
    arrivals: {
      windowMinutes: ARRIVALS_WINDOW_MINUTES,
      count: arrivals,
      forecast: perInterval === null ? null : Math.round(((perInterval * ARRIVALS_WINDOW_MINUTES) / 30) * 10) / 10,
    },
    agents: {
      online: list.filter((a) => a.status === 'online').length,
      busy: list.filter((a) => a.status === 'online' && a.capacity > 0 && a.load >= a.capacity).length,
      away: list.filter((a) => a.status === 'away').length,
      offline: list.filter((a) => a.status === 'offline').length,
      load: working.reduce((sum, a) => sum + a.load, 0),
      capacity: working.reduce((sum, a) => sum + a.capacity, 0),
      list,
    },
    slaRisk: risks,
    surge,
    incidents,
  };
}
