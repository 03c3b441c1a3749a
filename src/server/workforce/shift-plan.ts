import type { Highs } from 'highs';
import highsModule from 'highs';

// The package's types are CommonJS-shaped under NodeNext; at run time its ESM build's default export is the loader.
const loadHighs = highsModule as unknown as () => Promise<Highs>;

/**
 * Shift planning as an integer program, solved by HiGHS (WebAssembly, the `highs` package).
 *
 * Stage 1 (the IP): y[d,s,l,g] = how many agents of skill group g (agents with the same skills) start a shift of
 * length l at slot s of day d. Coverage ≥ required in every 30-minute interval, total and per skill, with an uncovered
 * slack per row that costs far more than any staff hour, so an impossible rule set still solves and names what it
 * cannot cover. Each agent works at most one shift a day (Σ ≤ group size per day), and in every window of
 * maxConsecutiveDays + 1 days a group works at most maxConsecutiveDays × size shifts. Minimise paid staff-hours.
 * Minimum rest between shifts is a constraint of the program too (see the `r` rows).
 * Shifts over `breakOverHours` have `breakIntervals` unpaid intervals in the middle (a fixed place: one variable per
 * pattern instead of one per break position keeps the model small).
 * 50 agents × 14 days (two skill groups, 4 h and 8 h shifts, rest rows included): about 2 s on one core of the CI
 * machine (test/unit/shift-plan.test.ts prints it). The solve stops at a 2% gap or after 10 s (then the best plan found so far, still feasible: `solverStatus` says so).
 * Stage 2 (pure): the shifts go to named agents in time order (least-worked eligible agent first), checking every
 * per-agent rule exactly: one shift a day, max consecutive days, min rest (the IP's group-level rows make a drop rare,
 * not impossible: a run of days can still tie up particular agents). A shift nobody may take is dropped and its
 * intervals reported uncovered, so the plan returned always respects the rules.
 */

export const SLOT_MINUTES = 30;
const SLOTS_PER_DAY = 48;
const UNCOVERED_PENALTY = 1000;
/** The longest shift the rules allow (12 h), for how many days ahead a rest constraint can reach. */
const MAX_SHIFT_SLOTS = 24;

export type ShiftRules = {
  shiftLengthsHours: number[];
  startEveryMinutes: 30 | 60;
  breakOverHours: number;
  breakIntervals: number;
  maxConsecutiveDays: number;
  minRestHours: number;
};

export const DEFAULT_SHIFT_RULES: ShiftRules = {
  shiftLengthsHours: [8],
  startEveryMinutes: 60,
  breakOverHours: 6,
  breakIntervals: 1,
  maxConsecutiveDays: 5,
  minRestHours: 11,
};

export type PlanAgent = { id: string; name?: string; skills: string[] };

export type ShiftPlanInput = {
  rules: ShiftRules;
  agents: PlanAgent[];
  /** Agents required per 30-minute interval from `startAt`; its length sets the horizon (whole days). */
  required: number[];
  /** Agents with a skill (language…) required per interval, when some skill must be covered on its own. */
  requiredBySkill?: Record<string, number[]>;
  startAt: Date;
  timeLimitSeconds?: number;
};

export type PlannedShift = {
  agentId: string;
  day: number;
  start: string;
  end: string;
  breakStart: string | null;
  paidHours: number;
  skills: string[];
};

export type PlanInterval = {
  index: number;
  start: string;
  required: number;
  scheduled: number;
  requiredBySkill?: Record<string, number>;
  scheduledBySkill?: Record<string, number>;
};

export type UncoveredInterval = {
  index: number;
  start: string;
  skill: string | null;
  required: number;
  scheduled: number;
};

export type ShiftPlan = {
  status: 'covered' | 'uncovered';
  solverStatus: string;
  solveMs: number;
  staffHours: number;
  shifts: PlannedShift[];
  intervals: PlanInterval[];
  uncovered: UncoveredInterval[];
  /** Shifts the IP wanted that no agent could take without breaking a rule (min rest, consecutive days). */
  unassignedShifts: number;
};

type Pattern = { day: number; slot: number; length: number; breakAt: number | null; paid: number };

function patterns(rules: ShiftRules, days: number): Pattern[] {
  const step = rules.startEveryMinutes / SLOT_MINUTES;
  const out: Pattern[] = [];
  for (let day = 0; day < days; day++)
    for (let slot = 0; slot < SLOTS_PER_DAY; slot += step)
      for (const hours of [...new Set(rules.shiftLengthsHours)]) {
        const length = Math.round((hours * 60) / SLOT_MINUTES);
        const breaks = hours > rules.breakOverHours ? rules.breakIntervals : 0;
        const breakAt = breaks > 0 ? Math.floor((length - breaks) / 2) : null;
        out.push({ day, slot, length, breakAt, paid: ((length - breaks) * SLOT_MINUTES) / 60 });
      }
  return out;
}

/** The absolute intervals a pattern works (break excluded), clipped to the horizon. */
function worked(p: Pattern, rules: ShiftRules, horizon: number): number[] {
  const start = p.day * SLOTS_PER_DAY + p.slot;
  const out: number[] = [];
  for (let i = 0; i < p.length; i++) {
    if (p.breakAt !== null && i >= p.breakAt && i < p.breakAt + rules.breakIntervals) continue;
    if (start + i < horizon) out.push(start + i);
  }
  return out;
}

let highsPromise: Promise<Highs> | undefined;
async function highs() {
  highsPromise ??= loadHighs();
  return highsPromise;
}

export async function planShifts(input: ShiftPlanInput): Promise<ShiftPlan> {
  const { rules, agents } = input;
  const horizon = input.required.length;
  const days = Math.ceil(horizon / SLOTS_PER_DAY);
  const skillReq = input.requiredBySkill ?? {};
  const skills = Object.keys(skillReq);
  const groups = new Map<string, PlanAgent[]>();
  for (const a of agents) {
    const key = [...new Set(a.skills)].sort().join('|');
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  const groupList = [...groups.entries()].map(([key, members], g) => ({
    g,
    skills: key ? key.split('|') : [],
    members,
  }));
  const needed = (t: number) => input.required[t] > 0 || skills.some((k) => (skillReq[k][t] ?? 0) > 0);
  const pats = patterns(rules, days)
    .map((p) => ({ p, cover: worked(p, rules, horizon) }))
    .filter(({ cover }) => cover.some(needed));

  type Var = { name: string; pat: (typeof pats)[number]; group: (typeof groupList)[number] };
  const vars: Var[] = [];
  for (const [i, pat] of pats.entries())
    for (const group of groupList) vars.push({ name: `y${i}_${group.g}`, pat, group });

  const byInterval: Var[][] = Array.from({ length: horizon }, () => []);
  for (const v of vars) for (const t of v.pat.cover) byInterval[t].push(v);

  const lines: string[] = [];
  const sum = (terms: string[]) => {
    const chunks: string[] = [];
    for (let i = 0; i < terms.length; i += 12) chunks.push(terms.slice(i, i + 12).join(' + '));
    return chunks.join('\n + ') || '0 dummy';
  };
  const slacks: string[] = [];
  const rows: string[] = [];
  for (let t = 0; t < horizon; t++) {
    if (input.required[t] > 0) {
      slacks.push(`u${t}`);
      rows.push(` c${t}: ${sum([...byInterval[t].map((v) => v.name), `u${t}`])} >= ${input.required[t]}`);
    }
    for (const [k, skill] of skills.entries()) {
      const need = skillReq[skill][t] ?? 0;
      if (need <= 0) continue;
      slacks.push(`v${k}_${t}`);
      const terms = byInterval[t].filter((v) => v.group.skills.includes(skill)).map((v) => v.name);
      rows.push(` s${k}_${t}: ${sum([...terms, `v${k}_${t}`])} >= ${need}`);
    }
  }
  for (const group of groupList) {
    const perDay: string[][] = Array.from({ length: days }, () => []);
    for (const v of vars) if (v.group === group) perDay[v.pat.p.day].push(v.name);
    for (let d = 0; d < days; d++)
      if (perDay[d].length) rows.push(` d${d}_${group.g}: ${sum(perDay[d])} <= ${group.members.length}`);
    // Minimum rest as rows of the program (not only a check afterwards): a shift of day d ending after τ and a
    // later day's shift starting before τ + rest cannot be the same agent's, so for every end time τ the two sets
    // together need at most one agent each. With one shift a day per agent this is exactly Hall's condition for
    // pairing day d's shifts with day d+k's, so the IP no longer plans shifts stage 2 would have to drop.
    const restSlots = (rules.minRestHours * 60) / SLOT_MINUTES;
    if (restSlots > 0) {
      const groupVars = vars.filter((v) => v.group === group);
      const startOf = (v: Var) => v.pat.p.day * SLOTS_PER_DAY + v.pat.p.slot;
      const endOf = (v: Var) => startOf(v) + v.pat.p.length;
      const reach = Math.ceil((MAX_SHIFT_SLOTS + restSlots) / SLOTS_PER_DAY);
      for (let d = 0; d < days; d++) {
        const ending = groupVars.filter((v) => v.pat.p.day === d);
        for (let k = 1; k <= reach && d + k < days; k++) {
          const later = groupVars.filter((v) => v.pat.p.day === d + k);
          for (const tau of [...new Set(ending.map(endOf))]) {
            const before = ending.filter((v) => endOf(v) >= tau).map((v) => v.name);
            const after = later.filter((v) => startOf(v) < tau + restSlots).map((v) => v.name);
            if (before.length && after.length)
              rows.push(` r${d}_${k}_${tau}_${group.g}: ${sum([...before, ...after])} <= ${group.members.length}`);
          }
        }
      }
    }
    const w = rules.maxConsecutiveDays + 1;
    for (let d = 0; d + w <= days; d++) {
      const terms = perDay.slice(d, d + w).flat();
      if (terms.length)
        rows.push(` w${d}_${group.g}: ${sum(terms)} <= ${rules.maxConsecutiveDays * group.members.length}`);
    }
  }
  lines.push(
    'Minimize',
    ` obj: ${sum([...vars.map((v) => `${v.pat.p.paid} ${v.name}`), ...slacks.map((s) => `${UNCOVERED_PENALTY} ${s}`)])}`,
  );
  lines.push('Subject To', ...(rows.length ? rows : [' none: dummy >= 0']));
  lines.push('Bounds', ...vars.map((v) => ` 0 <= ${v.name} <= ${v.group.members.length}`), ' dummy = 0');
  if (vars.length)
    lines.push(
      'Generals',
      sum(vars.map((v) => v.name))
        .replaceAll('\n + ', '\n')
        .replaceAll(' + ', ' '),
    );
  lines.push('End');

  const started = performance.now();
  const solver = await highs();
  let solution: ReturnType<typeof solver.solve>;
  try {
    solution = solver.solve(lines.join('\n'), {
      output_flag: false,
      time_limit: input.timeLimitSeconds ?? 10,
      mip_rel_gap: 0.02,
    });
  } catch (error) {
    highsPromise = undefined; // a failed solve can leave the WASM instance unusable
    throw error;
  }
  const solveMs = performance.now() - started;

  // Stage 2: named agents.
  type Wanted = { pat: Pattern; cover: number[]; group: (typeof groupList)[number] };
  const wanted: Wanted[] = [];
  for (const v of vars) {
    const col = (solution.Columns as Record<string, { Primal?: number }>)[v.name];
    const count = Math.round(col?.Primal ?? 0);
    for (let i = 0; i < count; i++) wanted.push({ pat: v.pat.p, cover: v.pat.cover, group: v.group });
  }
  const abs = (p: Pattern) => p.day * SLOTS_PER_DAY + p.slot;
  wanted.sort((a, b) => abs(a.pat) - abs(b.pat) || b.pat.length - a.pat.length);
  const state = new Map(
    agents.map((a) => [a.id, { days: new Set<number>(), lastEnd: Number.NEGATIVE_INFINITY, shifts: 0 }]),
  );
  const restSlots = (rules.minRestHours * 60) / SLOT_MINUTES;
  const scheduled = new Array<number>(horizon).fill(0);
  const scheduledBySkill: Record<string, number[]> = Object.fromEntries(
    skills.map((k) => [k, new Array(horizon).fill(0)]),
  );
  const shifts: PlannedShift[] = [];
  let unassigned = 0;
  const at = (slot: number) => new Date(input.startAt.getTime() + slot * SLOT_MINUTES * 60_000).toISOString();
  for (const w of wanted) {
    const start = abs(w.pat);
    const eligible = w.group.members.filter((a) => {
      const s = state.get(a.id);
      if (!s || s.days.has(w.pat.day) || start - s.lastEnd < restSlots) return false;
      let run = 0;
      while (s.days.has(w.pat.day - run - 1)) run++;
      return run + 1 <= rules.maxConsecutiveDays;
    });
    eligible.sort(
      (a, b) => (state.get(a.id)?.shifts ?? 0) - (state.get(b.id)?.shifts ?? 0) || a.id.localeCompare(b.id),
    );
    const agent = eligible[0];
    if (!agent) {
      unassigned++;
      continue;
    }
    const s = state.get(agent.id) as { days: Set<number>; lastEnd: number; shifts: number };
    s.days.add(w.pat.day);
    s.lastEnd = start + w.pat.length;
    s.shifts++;
    for (const t of w.cover) {
      scheduled[t]++;
      for (const k of skills) if (agent.skills.includes(k)) scheduledBySkill[k][t]++;
    }
    shifts.push({
      agentId: agent.id,
      day: w.pat.day,
      start: at(start),
      end: at(start + w.pat.length),
      breakStart: w.pat.breakAt === null ? null : at(start + w.pat.breakAt),
      paidHours: w.pat.paid,
      skills: agent.skills,
    });
  }

  const intervals: PlanInterval[] = [];
  const uncovered: UncoveredInterval[] = [];
  for (let t = 0; t < horizon; t++) {
    const row: PlanInterval = { index: t, start: at(t), required: input.required[t], scheduled: scheduled[t] };
    if (skills.length) {
      row.requiredBySkill = Object.fromEntries(skills.map((k) => [k, skillReq[k][t] ?? 0]));
      row.scheduledBySkill = Object.fromEntries(skills.map((k) => [k, scheduledBySkill[k][t]]));
    }
    intervals.push(row);
    if (scheduled[t] < input.required[t])
      uncovered.push({ index: t, start: row.start, skill: null, required: input.required[t], scheduled: scheduled[t] });
    for (const k of skills) {
      const need = skillReq[k][t] ?? 0;
      if (scheduledBySkill[k][t] < need)
        uncovered.push({ index: t, start: row.start, skill: k, required: need, scheduled: scheduledBySkill[k][t] });
    }
  }
  return {
    status: uncovered.length ? 'uncovered' : 'covered',
    solverStatus: String(solution.Status),
    solveMs: Math.round(solveMs),
    staffHours: shifts.reduce((s, x) => s + x.paidHours, 0),
    shifts,
    intervals,
    uncovered,
    unassignedShifts: unassigned,
  };
}

/** One row per interval; the skills' columns follow when the plan has per-skill requirements. */
export function planToCsv(plan: ShiftPlan): string {
  const skills = Object.keys(plan.intervals[0]?.requiredBySkill ?? {});
  const header = [
    'interval_start',
    'required',
    'scheduled',
    'short',
    ...skills.flatMap((k) => [`required_${k}`, `scheduled_${k}`]),
  ];
  const rows = plan.intervals.map((i) =>
    [
      i.start,
      i.required,
      i.scheduled,
      Math.max(0, i.required - i.scheduled),
      ...skills.flatMap((k) => [i.requiredBySkill?.[k] ?? 0, i.scheduledBySkill?.[k] ?? 0]),
    ].join(','),
  );
  return `${[header.map((h) => h.replace(/[^\w-]/g, '_')).join(','), ...rows].join('\n')}\n`;
}
