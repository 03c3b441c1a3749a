import {
  type ErlangCBody,
  type ShiftPlanBody,
  shiftRulesSchema,
  type WorkforceRules,
  workforceRulesSchema,
} from '../../contracts/workforce.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { requireAgentRole } from '../context.ts';
import { AppError } from '../errors.ts';
import { findOrgById } from '../orgs/orgs.service.ts';
import { localDate, reportTimeZone } from '../reports/report-range.ts';
import { listAgentRouting } from '../routing/routing.service.ts';
import { zonedInstant } from '../sla/calendar.ts';
import { loadSlaPolicy } from '../sla/sla.service.ts';
import { agentsFor, agentsForErlangA, chatAgentsFor } from './erlang.ts';
import { type Forecast, forecastContacts, INTERVALS_PER_DAY } from './forecast.ts';
import { DEFAULT_SHIFT_RULES, planShifts, type ShiftPlan, type ShiftRules } from './shift-plan.ts';
import {
  selectConversationCounts,
  selectFirstConversationAt,
  selectHandlingSeconds,
  selectShiftRulesSetting,
  selectWorkforceRules,
  upsertWorkforceRules,
} from './workforce.queries.ts';

const SLOT_MS = 30 * 60_000;
const HISTORY_WEEKS = 8;
/** Used when there is no resolved conversation to measure: 5 minutes. */
const DEFAULT_AHT_SECONDS = 300;
const DEFAULT_SERVICE_LEVEL = 0.8;

function planner(ctx: Ctx) {
  return requireAgentRole(ctx, 'supervisor', 'admin');
}

export function erlangCStaffing(ctx: Ctx, body: ErlangCBody) {
  planner(ctx);
  const result =
    body.patienceSeconds === undefined
      ? agentsFor(body)
      : agentsForErlangA({ ...body, patienceSeconds: body.patienceSeconds });
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    ...result,
    averageSpeedOfAnswerSeconds: finite(result.averageSpeedOfAnswerSeconds),
    model: body.patienceSeconds === undefined ? 'erlang-c' : 'erlang-a',
    ...(body.concurrency ? { slots: result.agents, agents: chatAgentsFor(result.agents, body.concurrency) } : {}),
  };
}

/** Forecast from the org's conversations, from the start of the current 30-minute interval. */
export async function forecastForOrg(
  ctx: Ctx,
  days: number,
  now = new Date(),
): Promise<Forecast & { startAt: string }> {
  planner(ctx);
  const end = Math.floor(now.getTime() / SLOT_MS) * SLOT_MS;
  const first = await selectFirstConversationAt(ctx.db, ctx.org.id);
  const earliest = end - HISTORY_WEEKS * 7 * INTERVALS_PER_DAY * SLOT_MS;
  const start = first ? Math.max(earliest, Math.floor(first.getTime() / SLOT_MS) * SLOT_MS) : end;
  const history = new Array<number>(Math.max(0, (end - start) / SLOT_MS)).fill(0);
  if (history.length) {
    const rows = await selectConversationCounts(ctx.db, ctx.org.id, new Date(start), new Date(end));
    const firstSlot = start / SLOT_MS;
    for (const r of rows) history[Number(r.slot) - firstSlot] = r.n;
  }
  return { startAt: new Date(end).toISOString(), ...forecastContacts(history, days) };
}

/**
 * Agents required per interval: the forecast, the median handling time from history, the SLA policy's normal
 * first-response target (its peak target in the busiest fifth of the intervals, when set) answered for 80% of
 * contacts, Erlang C (Erlang A with `patienceSeconds`), and chats per agent from the agents' routing capacity (median).
 */
export async function staffingForOrg(
  ctx: Ctx,
  options: { days: number; serviceLevel?: number; patienceSeconds?: number },
  now = new Date(),
) {
  planner(ctx);
  const forecast = await forecastForOrg(ctx, options.days, now);
  const since = new Date(now.getTime() - HISTORY_WEEKS * 7 * 86_400_000);
  const handling = await selectHandlingSeconds(ctx.db, ctx.org.id, since);
  const ahtSeconds =
    handling.median && handling.n >= 10 ? Math.min(3600, Math.max(30, handling.median)) : DEFAULT_AHT_SECONDS;
  const policy = await loadSlaPolicy(ctx.db, ctx.org.id, ctx.log);
  const normal = policy.targets.normal;
  const offPeakSeconds = (normal.firstResponseMinutes ?? 5) * 60;
  const peakSeconds = (normal.peak?.firstResponseMinutes ?? normal.firstResponseMinutes ?? 5) * 60;
  const sorted = [...forecast.values].sort((a, b) => a - b);
  const peakThreshold = sorted[Math.floor(sorted.length * 0.8)] ?? Number.POSITIVE_INFINITY;
  const capacities = (await listAgentRouting(ctx))
    .map((a) => a.capacity)
    .filter((c) => c > 0)
    .sort((a, b) => a - b);
  const concurrency = capacities.length ? capacities[Math.floor(capacities.length / 2)] : 1;
  const serviceLevel = options.serviceLevel ?? DEFAULT_SERVICE_LEVEL;
  const start = Date.parse(forecast.startAt);
  const intervals = forecast.values.map((arrivals, i) => {
    const peak = arrivals > 0 && arrivals >= peakThreshold && peakSeconds !== offPeakSeconds;
    const input = {
      arrivals,
      intervalSeconds: 1800,
      ahtSeconds,
      targetSeconds: peak ? peakSeconds : offPeakSeconds,
      serviceLevel,
    };
    const r =
      options.patienceSeconds === undefined
        ? agentsFor(input)
        : agentsForErlangA({ ...input, patienceSeconds: options.patienceSeconds });
    return {
      start: new Date(start + i * SLOT_MS).toISOString(),
      forecast: arrivals,
      peak,
      slots: r.agents,
      agents: chatAgentsFor(r.agents, concurrency),
      serviceLevel: r.serviceLevel,
      probabilityOfWaiting: r.probabilityOfWaiting,
    };
  });
  return {
    startAt: forecast.startAt,
    intervalMinutes: 30,
    ahtSeconds,
    ahtFromHistory: handling.n >= 10,
    concurrency,
    serviceLevelTarget: serviceLevel,
    targets: { offPeakSeconds, peakSeconds },
    forecast: { method: forecast.method, mape: forecast.mape, insufficientHistory: forecast.insufficientHistory },
    intervals,
  };
}

/**
 * The org's workforce rules: the saved record (migration 027); before one is saved, the shift rules once kept in
 * settings.workforce.shiftRules, else the defaults.
 */
async function storedRules(ctx: Ctx): Promise<WorkforceRules> {
  const saved = workforceRulesSchema.safeParse(await selectWorkforceRules(ctx.db, ctx.org.id));
  if (saved.success) return saved.data;
  const legacy = shiftRulesSchema.safeParse(await selectShiftRulesSetting(ctx.db, ctx.org.id));
  return { shift: legacy.success ? legacy.data : DEFAULT_SHIFT_RULES, agents: [], coverage: [] };
}

export async function getWorkforceRules(ctx: Ctx): Promise<{ rules: WorkforceRules }> {
  planner(ctx);
  return { rules: await storedRules(ctx) };
}

/** Admins set the rules; every agent named must be one of the org's; the change is audited with before/after. */
export async function saveWorkforceRules(ctx: Ctx, rules: WorkforceRules): Promise<{ rules: WorkforceRules }> {
  const admin = requireAgentRole(ctx, 'admin');
  const known = new Set((await listAgentRouting(ctx)).map((a) => a.agentId));
  const unknown = rules.agents.filter((a) => !known.has(a.agentId)).map((a) => a.agentId);
  if (unknown.length) throw new AppError('bad_request', `Not agents of this organization: ${unknown.join(', ')}.`);
  if (new Set(rules.agents.map((a) => a.agentId)).size !== rules.agents.length)
    throw new AppError('bad_request', 'Each agent may appear once in the rules.');
  const before = await storedRules(ctx);
  await ctx.db.transaction(async (tx) => {
    await upsertWorkforceRules(tx, ctx.org.id, rules, admin.id);
    await recordAudit(ctx, tx, {
      action: 'workforce.rules',
      targetType: 'workforce_rules',
      targetId: null,
      details: { before, after: rules },
    });
  });
  return { rules };
}

export async function shiftRulesForOrg(ctx: Ctx, given?: ShiftRules): Promise<ShiftRules> {
  return given ?? (await storedRules(ctx)).shift;
}

const hourFormatters = new Map<string, Intl.DateTimeFormat>();

/** The hour (0–23) the wall clock in `timeZone` shows at `instant`: the zone's offset on that day, DST included. */
export function localHour(instant: Date, timeZone: string): number {
  let formatter = hourFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: 'numeric' });
    hourFormatters.set(timeZone, formatter);
  }
  return Number(formatter.formatToParts(instant).find((p) => p.type === 'hour')?.value ?? 0);
}

/**
 * Each cover rule as agents-with-the-skill required per interval of `intervals` from `startAt`. A rule's hours are
 * the organization's wall clock (`timeZone`): "English 09–17" stays 09:00–17:00 local across a DST change, so the
 * UTC intervals it covers move by an hour.
 */
export function coverageBySkill(
  coverage: WorkforceRules['coverage'],
  startAt: Date,
  intervals: number,
  timeZone: string,
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const hours = Array.from({ length: intervals }, (_, t) =>
    localHour(new Date(startAt.getTime() + t * SLOT_MS), timeZone),
  );
  for (const rule of coverage) {
    out[rule.skill] ??= new Array<number>(intervals).fill(0);
    const values = out[rule.skill] as number[];
    for (let t = 0; t < intervals; t++) {
      const hour = hours[t] as number;
      if (hour >= rule.fromHour && hour < rule.toHour) values[t] = Math.max(values[t], rule.minAgents);
    }
  }
  return out;
}

/** The organization's time zone (settings.timeZone, as reports read it; default Asia/Shanghai). */
async function orgTimeZone(ctx: Ctx): Promise<string> {
  return reportTimeZone((await findOrgById(ctx, ctx.org.id))?.settings.timeZone);
}

/** The next local midnight in `timeZone` after `now`. */
function nextLocalMidnight(now: Date, timeZone: string): Date {
  const [y, m, d] = localDate(now, timeZone).split('-').map(Number) as [number, number, number];
  const tomorrow = new Date(Date.UTC(y, m - 1, d + 1));
  return new Date(
    zonedInstant(
      { year: tomorrow.getUTCFullYear(), month: tomorrow.getUTCMonth() + 1, day: tomorrow.getUTCDate() },
      0,
      timeZone,
    ),
  );
}

export async function shiftPlanForOrg(ctx: Ctx, body: ShiftPlanBody, now = new Date()): Promise<ShiftPlan> {
  planner(ctx);
  const stored = await storedRules(ctx);
  const rules = body.rules ?? stored.shift;
  // An agent's languages and skills from the rules (when an admin set them), else their routing skills.
  const perAgent = new Map(stored.agents.map((a) => [a.agentId, [...a.languages, ...a.skills]]));
  const agents =
    body.agents?.map((a) => ({ id: a.id, name: a.name, skills: a.skills })) ??
    (await listAgentRouting(ctx)).map((a) => ({
      id: a.agentId,
      name: a.name,
      skills: perAgent.get(a.agentId) ?? a.skills,
    }));
  if (agents.length === 0) throw new AppError('bad_request', 'No agents to plan: add agents or send them.');
  let required = body.required;
  let startAt = body.startAt ? new Date(body.startAt) : undefined;
  if (!required) {
    const staffing = await staffingForOrg(ctx, { days: body.days }, now);
    required = staffing.intervals.map((i) => i.agents);
    startAt ??= new Date(staffing.startAt);
  }
  if (required.length % INTERVALS_PER_DAY !== 0)
    throw new AppError('bad_request', `required must hold whole days: a multiple of ${INTERVALS_PER_DAY} values.`);
  for (const [skill, values] of Object.entries(body.requiredBySkill ?? {}))
    if (values.length !== required.length)
      throw new AppError('bad_request', `requiredBySkill.${skill} must have as many values as required.`);
  const timeZone = await orgTimeZone(ctx);
  startAt ??= nextLocalMidnight(now, timeZone);
  const requiredBySkill = body.requiredBySkill ?? coverageBySkill(stored.coverage, startAt, required.length, timeZone);
  return planShifts({ rules, agents, required, requiredBySkill, startAt });
}
