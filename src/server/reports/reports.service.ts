import type {
  AgentReportRow,
  AgentsReport,
  OccupancyBasis,
  OccupancyFields,
  TeamReportRow,
  TeamsReport,
  CsatTrendReport,
  DurationStats,
  HandoffsReport,
  ReportFilters,
  ReportRange,
  ReportSummary,
  VolumeBy,
  VolumeReport,
} from '../../contracts/reports.ts';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import type { Queryable } from '../db/db.ts';
import { type CsvValue, encodeCsv } from './csv.ts';
import { rate, reportTimeZone, resolveRange } from './report-range.ts';
import { membershipByTeam, occupancyByAgent, teamOccupancy } from './occupancy.ts';
import {
  type ReportScope,
  selectAgentFigures,
  selectAgentNames,
  selectPresenceLog,
  selectHandlingStretches,
  selectMembershipLog,
  selectRangeBounds,
  selectTeamMembers,
  selectTeamNames,
  type TeamFiguresRow,
  selectBacklog,
  selectCsatByDay,
  selectHandoffs,
  selectNextResponse,
  selectOrgTimeZone,
  selectScopeCount,
  selectSlaByPriority,
  selectSummary,
  selectTeamFigures,
  selectVolume,
} from './reports.queries.ts';

/** Supervisors and admins read reports, and agents holding the 'reports_read' permission. */
export function canReadReports(ctx: Pick<Ctx, 'actor'>): boolean {
  const actor = ctx.actor;
  return (
    actor.kind === 'agent' &&
    (actor.role === 'admin' || actor.role === 'supervisor' || (actor.permissions ?? []).includes('reports_read'))
  );
}

type Filters = Omit<ReportFilters, 'format'>;

async function scopeFor(ctx: Ctx, filters: Filters, now: Date): Promise<{ scope: ReportScope; range: ReportRange }> {
  if (!canReadReports(ctx)) throw new AppError('forbidden', 'Reports need a supervisor, an admin or reports access.');
  const timeZone = reportTimeZone(await selectOrgTimeZone(ctx.db, ctx.org.id));
  const { from, to } = resolveRange(filters, now, timeZone);
  return {
    range: { from, to, timeZone },
    scope: {
      orgId: ctx.org.id,
      from,
      to,
      timeZone,
      teamId: filters.teamId ?? null,
      agentId: filters.agentId ?? null,
      channel: filters.channel ?? null,
      intent: filters.intent ?? null,
      language: filters.language ?? null,
      priority: filters.priority ?? null,
    },
  };
}

/**
 * The planner guesses ten elements for every unnest() of the rollup's arrays (they mostly hold one), so the agent
 * and team figures look expensive enough for PostgreSQL's JIT, whose compilation costs more than those ~50 ms
 * queries: they run with it off, each in a transaction of its own (so the two still run side by side).
 */
function withoutJit<T>(ctx: Ctx, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return ctx.db.transaction(async (tx) => {
    await tx.query('SET LOCAL jit = off');
    return fn(tx);
  });
}

const n = (v: number | string | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

function durations(row: Record<string, unknown>, prefix: string): DurationStats {
  return {
    count: Number(row[`${prefix}_count`] ?? 0),
    mean: n(row[`${prefix}_mean`] as number | null),
    median: n(row[`${prefix}_median`] as number | null),
    p90: n(row[`${prefix}_p90`] as number | null),
  };
}

export async function getSummary(ctx: Ctx, filters: Filters, now: Date): Promise<ReportSummary> {
  const { scope, range } = await scopeFor(ctx, filters, now);
  const [row, next, byPriority, backlog] = await Promise.all([
    selectSummary(ctx.db, scope),
    selectNextResponse(ctx.db, scope),
    selectSlaByPriority(ctx.db, scope),
    selectBacklog(ctx.db, scope),
  ]);
  return {
    ...range,
    conversations: row.conversations,
    firstResponseSeconds: durations(row, 'frt'),
    nextResponseSeconds: durations(next, 'nrt'),
    resolutionSeconds: durations(row, 'res'),
    slaAttainment: rate(row.sla_met, row.with_sla),
    slaAttainmentByPriority: byPriority.map((p) => ({
      priority: p.priority,
      conversations: p.conversations,
      attainment: rate(p.met, p.conversations),
    })),
    csatScore: n(row.csat_score),
    csatSatisfied: n(row.csat_satisfied),
    csatResponses: row.csat_answered,
    csatResponseRate: rate(row.csat_answered, row.csat_requested),
    complaintRate: rate(row.complained, row.conversations),
    botContainment: rate(row.contained, row.conversations),
    handoffRate: rate(row.handed_off, row.conversations),
    reopenRate: rate(row.reopened, row.resolved),
    backlog,
  };
}

export async function getVolume(ctx: Ctx, filters: Filters & { by: VolumeBy }, now: Date): Promise<VolumeReport> {
  const { scope, range } = await scopeFor(ctx, filters, now);
  return { ...range, by: filters.by, rows: await selectVolume(ctx.db, scope, filters.by) };
}

export async function getCsatTrend(ctx: Ctx, filters: Filters, now: Date): Promise<CsatTrendReport> {
  const { scope, range } = await scopeFor(ctx, filters, now);
  const rows = await selectCsatByDay(ctx.db, scope);
  return {
    ...range,
    days: rows.map((r) => ({
      date: r.date,
      requested: r.requested,
      responses: r.responses,
      responseRate: rate(r.responses, r.requested),
      score: n(r.score),
      satisfied: n(r.satisfied),
    })),
  };
}

/** Occupancy per agent and team over the range, up to now (a day not yet over counts as far as it went). */
async function occupancyFor(ctx: Ctx, scope: ReportScope, now: Date) {
  const bounds = await selectRangeBounds(ctx.db, scope);
  const start = bounds.start;
  const end = new Date(Math.max(start.getTime(), Math.min(bounds.end.getTime(), now.getTime())));
  const [presence, handling, members, membershipLog] = await Promise.all([
    selectPresenceLog(ctx.db, scope.orgId, start, end),
    selectHandlingStretches(ctx.db, scope.orgId, start, end, scope),
    selectTeamMembers(ctx.db, scope.orgId),
    selectMembershipLog(ctx.db, scope.orgId, end),
  ]);
  const byAgent = occupancyByAgent(
    presence.map((p) => ({ agentId: p.agent_id, status: p.status, at: new Date(p.at).getTime() })),
    handling.map((h) => ({ agentId: h.agent_id, start: new Date(h.start).getTime(), end: new Date(h.end).getTime() })),
    start.getTime(),
    end.getTime(),
  );
  // An agent's row names the teams they are in now; a team's occupancy counts whoever was in it at the time.
  const teamsByAgent = new Map<string, string[]>();
  for (const m of members) teamsByAgent.set(m.agent_id, [...(teamsByAgent.get(m.agent_id) ?? []), m.team_id]);
  const membersByTeam = membershipByTeam(
    membershipLog.map((m) => ({
      teamId: m.team_id,
      agentId: m.agent_id,
      change: m.change,
      at: new Date(m.at).getTime(),
    })),
    start.getTime(),
    end.getTime(),
  );
  const agent = (id: string): OccupancyFields => {
    const f = byAgent.get(id);
    return f
      ? { onlineSeconds: f.onlineSeconds, busySeconds: f.busySeconds, occupancy: f.occupancy }
      : { onlineSeconds: 0, busySeconds: 0, occupancy: null };
  };
  const team = (id: string): OccupancyFields => teamOccupancy(membersByTeam.get(id) ?? [], byAgent);
  const filtered = [scope.channel, scope.intent, scope.language, scope.priority].some((f) => f !== null);
  const basis: OccupancyBasis = { occupancyBasis: filtered ? 'matching_conversations' : 'all_conversations' };
  return { byAgent, membersByTeam, teamsByAgent, agent, team, basis };
}

type Figures = {
  handled: number;
  firstResponseMedianSeconds: number | null;
  resolutionMedianSeconds: number | null;
  csatScore: number | null;
  csatResponses: number;
};
const NO_FIGURES: Figures = {
  handled: 0,
  firstResponseMedianSeconds: null,
  resolutionMedianSeconds: null,
  csatScore: null,
  csatResponses: 0,
};
const figuresOf = (r: Omit<TeamFiguresRow, 'team_id' | 'name'>): Figures => ({
  handled: r.handled,
  firstResponseMedianSeconds: n(r.frt_median),
  resolutionMedianSeconds: n(r.res_median),
  csatScore: n(r.csat_score),
  csatResponses: r.csat_responses,
});

async function teamRows(
  ctx: Ctx,
  scope: ReportScope,
  occupancy: Awaited<ReturnType<typeof occupancyFor>>,
): Promise<TeamReportRow[]> {
  const teams = await withoutJit(ctx, (tx) => selectTeamFigures(tx, scope));
  const rows: TeamReportRow[] = teams.map((t) => ({
    teamId: t.team_id,
    name: t.name,
    ...figuresOf(t),
    ...occupancy.team(t.team_id),
  }));
  // Teams whose members were online but handled nothing in the range still have an occupancy (0 %) to show.
  const listed = new Set(rows.map((r) => r.teamId));
  for (const t of await selectTeamNames(ctx.db, scope.orgId)) {
    if (listed.has(t.id) || (scope.teamId && scope.teamId !== t.id)) continue;
    const occ = occupancy.team(t.id);
    if (occ.onlineSeconds > 0) rows.push({ teamId: t.id, name: t.name, ...NO_FIGURES, ...occ });
  }
  return rows;
}

export async function getAgentsReport(ctx: Ctx, filters: Filters, now: Date): Promise<AgentsReport> {
  const { scope, range } = await scopeFor(ctx, filters, now);
  const occupancy = await occupancyFor(ctx, scope, now);
  const [agents, teams] = await Promise.all([
    withoutJit(ctx, (tx) => selectAgentFigures(tx, scope)),
    teamRows(ctx, scope, occupancy),
  ]);
  const rows: AgentReportRow[] = agents.map((a) => ({
    agentId: a.agent_id,
    name: a.name,
    teamIds: a.team_ids,
    ...figuresOf(a),
    ...occupancy.agent(a.agent_id),
  }));
  // Agents online in the range who handled nothing (0 % occupancy), within the team or agent filter.
  const listed = new Set(rows.map((r) => r.agentId));
  for (const a of await selectAgentNames(ctx.db, scope.orgId)) {
    if (listed.has(a.id) || (scope.agentId && scope.agentId !== a.id)) continue;
    const teamIds = [...(occupancy.teamsByAgent.get(a.id) ?? [])].sort();
    if (scope.teamId && !teamIds.includes(scope.teamId)) continue;
    const occ = occupancy.agent(a.id);
    if (occ.onlineSeconds > 0) rows.push({ agentId: a.id, name: a.name, teamIds, ...NO_FIGURES, ...occ });
  }
  return { ...range, ...occupancy.basis, agents: rows, teams };
}

/** Per team only (the console's team table and its CSV). */
export async function getTeamsReport(ctx: Ctx, filters: Filters, now: Date): Promise<TeamsReport> {
  const { scope, range } = await scopeFor(ctx, filters, now);
  const occupancy = await occupancyFor(ctx, scope, now);
  return { ...range, ...occupancy.basis, teams: await teamRows(ctx, scope, occupancy) };
}

export async function getHandoffsReport(ctx: Ctx, filters: Filters, now: Date): Promise<HandoffsReport> {
  const { scope, range } = await scopeFor(ctx, filters, now);
  const [rows, conversations] = await Promise.all([selectHandoffs(ctx.db, scope), selectScopeCount(ctx.db, scope)]);
  const handoffs = rows.reduce((sum, r) => sum + r.handoffs, 0);
  return { ...range, conversations, handoffs, handoffRate: rate(handoffs, conversations), rows };
}

// ---------- CSV ----------

export type CsvFile = { filename: string; body: string };

const file = (name: string, range: ReportRange, header: string[], rows: CsvValue[][]): CsvFile => ({
  filename: `kefu-${name}-${range.from}-${range.to}.csv`,
  body: encodeCsv(header, rows),
});

export function summaryCsv(r: ReportSummary): CsvFile {
  const d = (name: string, s: DurationStats): CsvValue[][] => [
    [`${name}.count`, s.count],
    [`${name}.mean`, s.mean],
    [`${name}.median`, s.median],
    [`${name}.p90`, s.p90],
  ];
  return file(
    'summary',
    r,
    ['metric', 'value'],
    [
      ['from', r.from],
      ['to', r.to],
      ['timeZone', r.timeZone],
      ['conversations', r.conversations],
      ...d('firstResponseSeconds', r.firstResponseSeconds),
      ...d('nextResponseSeconds', r.nextResponseSeconds),
      ...d('resolutionSeconds', r.resolutionSeconds),
      ['slaAttainment', r.slaAttainment],
      ...r.slaAttainmentByPriority.map((p): CsvValue[] => [`slaAttainment.${p.priority}`, p.attainment]),
      ['csatScore', r.csatScore],
      ['csatSatisfied', r.csatSatisfied],
      ['csatResponses', r.csatResponses],
      ['csatResponseRate', r.csatResponseRate],
      ['complaintRate', r.complaintRate],
      ['botContainment', r.botContainment],
      ['handoffRate', r.handoffRate],
      ['reopenRate', r.reopenRate],
      ['backlog', r.backlog],
    ],
  );
}

export function volumeCsv(r: VolumeReport): CsvFile {
  return file(
    `volume-by-${r.by}`,
    r,
    [r.by, 'conversations'],
    r.rows.map((row) => [row.key, row.conversations]),
  );
}

export function csatCsv(r: CsatTrendReport): CsvFile {
  return file(
    'csat-by-day',
    r,
    ['date', 'requested', 'responses', 'responseRate', 'score', 'satisfied'],
    r.days.map((d) => [d.date, d.requested, d.responses, d.responseRate, d.score, d.satisfied]),
  );
}

const FIGURE_HEADER = [
  'handled',
  'firstResponseMedianSeconds',
  'resolutionMedianSeconds',
  'csatScore',
  'csatResponses',
  'onlineSeconds',
  'busySeconds',
  'occupancy',
];
const figureCells = (r: Figures & OccupancyFields): CsvValue[] => [
  r.handled,
  r.firstResponseMedianSeconds,
  r.resolutionMedianSeconds,
  r.csatScore,
  r.csatResponses,
  r.onlineSeconds,
  r.busySeconds,
  r.occupancy,
];

export function agentsCsv(r: AgentsReport): CsvFile {
  return file(
    'agents',
    r,
    ['kind', 'id', 'name', ...FIGURE_HEADER],
    [
      ...r.agents.map((a): CsvValue[] => ['agent', a.agentId, a.name, ...figureCells(a)]),
      ...r.teams.map((t): CsvValue[] => ['team', t.teamId, t.name, ...figureCells(t)]),
    ],
  );
}

export function teamsCsv(r: TeamsReport): CsvFile {
  return file(
    'teams',
    r,
    ['id', 'name', ...FIGURE_HEADER],
    r.teams.map((t): CsvValue[] => [t.teamId, t.name, ...figureCells(t)]),
  );
}

export function handoffsCsv(r: HandoffsReport): CsvFile {
  return file(
    'handoffs',
    r,
    ['reason', 'intent', 'handoffs'],
    r.rows.map((row) => [row.reason, row.intent, row.handoffs]),
  );
}
