/**
 * Occupancy (issue 14): the share of an agent's time online spent busy handling. Pure interval arithmetic over
 * epoch milliseconds, so the report's queries only fetch the rows.
 *
 * - Online: the agent's presence log (migration 034) read as a sequence of states, each lasting until the next entry;
 *   the time in 'online' (available to routing) counts. Before an agent's first entry nothing is known, so nothing
 *   counts; 'away' is time off the queue, like an aux state on a phone system, and is in neither figure.
 * - Busy handling: while at least one conversation assigned to the agent is open (routing counts the same load
 *   against capacity). Two chats at once are still one busy stretch: occupancy is at most 1.
 * - Busy time counts only while online: occupancy = |busy ∩ online| ÷ |online|.
 * - A team counts each agent only while they were its member (the membership log, migration 035), so an agent who
 *   left keeps counting for the time they were in it and one who joined later does not count before.
 */
export type Interval = { start: number; end: number };

export type PresenceEntry = { agentId: string; status: string; at: number };

export type OccupancyFigures = { onlineSeconds: number; busySeconds: number; occupancy: number | null };

/** Sorted, non-overlapping intervals covering the same time as `intervals` (empty ones dropped). */
export function unionOf(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/** Total length of the overlap of two unions (as unionOf returns them). */
export function overlapMs(a: readonly Interval[], b: readonly Interval[]): number {
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval;
    const y = b[j] as Interval;
    total += Math.max(0, Math.min(x.end, y.end) - Math.max(x.start, y.start));
    if (x.end < y.end) i++;
    else j++;
  }
  return total;
}

/** The intersection of two unions (as unionOf returns them), itself such a union. */
export function intersectionOf(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval;
    const y = b[j] as Interval;
    const from = Math.max(x.start, y.start);
    const to = Math.min(x.end, y.end);
    if (to > from) out.push({ start: from, end: to });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

export const lengthMs = (intervals: readonly Interval[]): number =>
  intervals.reduce((sum, i) => sum + (i.end - i.start), 0);

/** One agent's online stretches within [start, end) from their log entries (sorted by time). */
export function onlineIntervals(entries: readonly PresenceEntry[], start: number, end: number): Interval[] {
  const out: Interval[] = [];
  entries.forEach((entry, k) => {
    if (entry.status !== 'online') return;
    const next = entries[k + 1];
    const from = Math.max(entry.at, start);
    const to = Math.min(next ? next.at : end, end);
    if (to > from) out.push({ start: from, end: to });
  });
  return unionOf(out);
}

function figures(onlineMs: number, busyMs: number): OccupancyFigures {
  return {
    onlineSeconds: Math.round(onlineMs / 1000),
    busySeconds: Math.round(busyMs / 1000),
    occupancy: onlineMs > 0 ? busyMs / onlineMs : null,
  };
}

/**
 * Per agent: online and busy-while-online time within [start, end), and their ratio. `presence` is sorted by agent
 * and time and may begin with each agent's last entry before `start`; `handling` holds each open assignment's stretch.
 */
export function occupancyByAgent(
  presence: readonly PresenceEntry[],
  handling: readonly (Interval & { agentId: string })[],
  start: number,
  end: number,
): Map<string, AgentOccupancy> {
  const entriesByAgent = new Map<string, PresenceEntry[]>();
  for (const p of presence) {
    const list = entriesByAgent.get(p.agentId) ?? [];
    list.push(p);
    entriesByAgent.set(p.agentId, list);
  }
  const busyByAgent = new Map<string, Interval[]>();
  for (const h of handling) {
    const list = busyByAgent.get(h.agentId) ?? [];
    list.push({ start: Math.max(h.start, start), end: Math.min(h.end, end) });
    busyByAgent.set(h.agentId, list);
  }
  const out = new Map<string, AgentOccupancy>();
  for (const [agentId, entries] of entriesByAgent) {
    const online = onlineIntervals(entries, start, end);
    const busyOnline = intersectionOf(unionOf(busyByAgent.get(agentId) ?? []), online);
    const onlineMs = lengthMs(online);
    const busyMs = lengthMs(busyOnline);
    out.set(agentId, { ...figures(onlineMs, busyMs), onlineMs, busyMs, online, busyOnline });
  }
  return out;
}

/** One agent's figures with the stretches behind them (online; busy while online), for the teams. */
export type AgentOccupancy = OccupancyFigures & {
  onlineMs: number;
  busyMs: number;
  online: Interval[];
  busyOnline: Interval[];
};

export type MembershipEntry = { teamId: string; agentId: string; change: 'joined' | 'left'; at: number };

/** An agent's stretches in one team within the range. */
export type Membership = { agentId: string; during: Interval[] };

/**
 * Each team's members over [start, end) from the membership log (sorted by team, agent and time): a 'joined' opens
 * a stretch, a 'left' closes it, one still open runs to `end`. A leave and a join at the same moment (a team's
 * members replaced as a set) leave no gap; a leave with no join before it is ignored.
 */
export function membershipByTeam(
  log: readonly MembershipEntry[],
  start: number,
  end: number,
): Map<string, Membership[]> {
  const stretches = new Map<string, Map<string, Interval[]>>();
  const since = new Map<string, number>();
  const close = (teamId: string, agentId: string, from: number, to: number) => {
    const byAgent = stretches.get(teamId) ?? new Map<string, Interval[]>();
    stretches.set(teamId, byAgent);
    const list = byAgent.get(agentId) ?? [];
    byAgent.set(agentId, list);
    list.push({ start: Math.max(from, start), end: Math.min(to, end) });
  };
  for (const e of log) {
    const key = `${e.teamId} ${e.agentId}`;
    const open = since.get(key);
    if (e.change === 'joined') {
      if (open === undefined) since.set(key, e.at);
    } else if (open !== undefined) {
      close(e.teamId, e.agentId, open, e.at);
      since.delete(key);
    }
  }
  for (const [key, from] of since) {
    const [teamId, agentId] = key.split(' ') as [string, string];
    close(teamId, agentId, from, end);
  }
  const out = new Map<string, Membership[]>();
  for (const [teamId, byAgent] of stretches) {
    const members: Membership[] = [];
    for (const [agentId, list] of byAgent) {
      const during = unionOf(list);
      if (during.length > 0) members.push({ agentId, during });
    }
    if (members.length > 0) out.set(teamId, members);
  }
  return out;
}

/**
 * A team's figures: its members' online and busy time summed over the stretches they were members (so an agent
 * online longer weighs more, and nobody counts for time outside the team).
 */
export function teamOccupancy(
  members: readonly Membership[],
  byAgent: ReadonlyMap<string, Pick<AgentOccupancy, 'online' | 'busyOnline'>>,
): OccupancyFigures {
  let onlineMs = 0;
  let busyMs = 0;
  for (const m of members) {
    const figuresOfAgent = byAgent.get(m.agentId);
    if (!figuresOfAgent) continue;
    onlineMs += overlapMs(figuresOfAgent.online, m.during);
    busyMs += overlapMs(figuresOfAgent.busyOnline, m.during);
  }
  return figures(onlineMs, busyMs);
}
